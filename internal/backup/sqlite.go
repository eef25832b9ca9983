// Package backup takes, checks and restores backups of the embedded
// database, copies a database to MongoDB and exports the organisation's data.
//
// The embedded store (package store/lite) keeps the database in one SQLite
// file, <data>/db/alianza.db, in WAL mode. A second SQLite
// connection on that file sees committed data only, so `VACUUM INTO` on it
// writes a transaction-consistent copy while the engine keeps serving reads
// and writes; the copy is a fresh file without the free pages of the live
// one (erased records are not carried over in unused pages).
package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/alianza-pe/alianza/internal/store"
	_ "modernc.org/sqlite" // the driver lite uses; registered as "sqlite"
)

// DBFile is where the embedded store keeps the database under dataDir
// (name, the MongoDB database name, does not name the file).
func DBFile(dataDir, name string) string {
	return filepath.Join(dataDir, "db", store.EmbeddedFile)
}

// openSQLite opens an existing SQLite file (never creates one).
func openSQLite(path string, readOnly bool) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("backup: database file: %w", err)
	}
	mode := "rw"
	if readOnly {
		mode = "ro"
	}
	q := url.Values{}
	q.Set("mode", mode)
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("backup: open %s: %w", path, err)
	}
	// One connection: VACUUM INTO and the reads that follow see one file.
	db.SetMaxOpenConns(1)
	return db, nil
}

// snapshot writes a consistent copy of the SQLite file src to dst (which
// must not exist) with VACUUM INTO on a connection of its own.
func snapshot(ctx context.Context, src, dst string) error {
	db, err := openSQLite(src, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("snapshot of %s: %w", src, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity check on the database file.
func IntegrityCheck(ctx context.Context, path string) error {
	db, err := openSQLite(path, true)
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("backup: integrity check of %s: %w", path, err)
	}
	if res != "ok" {
		return fmt.Errorf("backup: integrity check of %s: %s", path, res)
	}
	return nil
}

// CollectionSum is one collection's document count and checksum.
type CollectionSum struct {
	Name   string `json:"name"`
	Count  int64  `json:"count"`
	SHA256 string `json:"sha256"`
}

// docSums folds per-document hashes into one checksum that does not depend
// on the order documents were read in (the engines return them in any order).
type docSums [][sha256.Size]byte

func (d *docSums) add(doc []byte) { *d = append(*d, sha256.Sum256(doc)) }

func (d docSums) sum() string {
	sorted := slices.Clone(d)
	slices.SortFunc(sorted, func(a, b [sha256.Size]byte) int { return strings.Compare(string(a[:]), string(b[:])) })
	h := sha256.New()
	for _, s := range sorted {
		h.Write(s[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sqliteSums counts and checksums every collection of the embedded store's
// file from its stored documents (the BSON of the "d:<name>" tables; the
// member and word tables are derived from them and not counted).
func sqliteSums(ctx context.Context, path string) ([]CollectionSum, error) {
	db, err := openSQLite(path, true)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT substr(name, 3), name FROM sqlite_master WHERE type = 'table' AND name LIKE 'd:%' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("backup: list collections of %s: %w", path, err)
	}
	type col struct{ name, table string }
	var cols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.name, &c.table); err != nil {
			rows.Close()
			return nil, fmt.Errorf("backup: list collections: %w", err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("backup: list collections: %w", err)
	}
	out := make([]CollectionSum, 0, len(cols))
	for _, c := range cols {
		cs, err := tableSum(ctx, db, c.name, c.table)
		if err != nil {
			return nil, err
		}
		out = append(out, cs)
	}
	return out, nil
}

func tableSum(ctx context.Context, db *sql.DB, name, table string) (CollectionSum, error) {
	rows, err := db.QueryContext(ctx, `SELECT doc FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
	if err != nil {
		return CollectionSum{}, fmt.Errorf("backup: read collection %s: %w", name, err)
	}
	defer rows.Close()
	var sums docSums
	var doc []byte
	for rows.Next() {
		if err := rows.Scan(&doc); err != nil {
			return CollectionSum{}, fmt.Errorf("backup: read collection %s: %w", name, err)
		}
		sums.add(doc)
	}
	if err := rows.Err(); err != nil {
		return CollectionSum{}, fmt.Errorf("backup: read collection %s: %w", name, err)
	}
	return CollectionSum{Name: name, Count: int64(len(sums)), SHA256: sums.sum()}, nil
}

// compareSums reports every collection whose count or checksum differs.
func compareSums(want, got []CollectionSum) error {
	gotBy := map[string]CollectionSum{}
	for _, g := range got {
		gotBy[g.Name] = g
	}
	var problems []error
	for _, w := range want {
		g, ok := gotBy[w.Name]
		switch {
		case !ok:
			problems = append(problems, fmt.Errorf("collection %s: missing", w.Name))
		case g.Count != w.Count:
			problems = append(problems, fmt.Errorf("collection %s: %d documents, expected %d", w.Name, g.Count, w.Count))
		case g.SHA256 != w.SHA256:
			problems = append(problems, fmt.Errorf("collection %s: checksum differs", w.Name))
		}
		delete(gotBy, w.Name)
	}
	for name := range gotBy {
		problems = append(problems, fmt.Errorf("collection %s: not expected", name))
	}
	return errors.Join(problems...)
}
