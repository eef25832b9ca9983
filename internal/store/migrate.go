package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/store/lite"
)

// A data folder written by the FerretDB-based build holds FerretDB's SQLite
// file <dir>/<database>.sqlite (one table per collection, documents in
// "sjson", see sjson.go). The first OpenEmbedded on such a folder copies it
// into a new store file under a temporary name, checks every collection
// (count and checksum read back from the new file), renames it into place
// and only then moves the old files to <data>/pre-migration. A migration
// cut short leaves the old files where they were, so the next open starts
// it again from scratch.

// PreMigrationDir is the folder, next to the embedded store's folder, where
// a migration keeps the FerretDB-era files. Alianza never deletes it.
const PreMigrationDir = "pre-migration"

// migrationManifest is the manifest written into PreMigrationDir.
const migrationManifest = "manifest.json"

// migratingSuffix marks the new file while it is being written.
const migratingSuffix = ".migrating"

// migrateBatch is how many documents go in one transaction.
const migrateBatch = 500

// ErrUnknownCollections is returned when the old files hold collections
// this build does not declare: nothing is migrated rather than dropped.
var ErrUnknownCollections = errors.New("store: the FerretDB-era database holds collections this build does not know")

// migrationFault, set by tests, fails a migration at a named step.
var migrationFault func(step string) error

func migrationStep(step string) error {
	if migrationFault == nil {
		return nil
	}
	return migrationFault(step)
}

// MigrationManifest records a migration, per collection.
type MigrationManifest struct {
	Source      string             `json:"source"`
	Target      string             `json:"target"`
	MigratedAt  time.Time          `json:"migrated_at"`
	Collections []MigratedCollInfo `json:"collections"`
}

// MigratedCollInfo is one collection's count and checksum: SHA-256 over
// the BSON of its documents in the order of their _id's BSON bytes.
type MigratedCollInfo struct {
	Name     string `json:"name"`
	Table    string `json:"table"`
	Docs     int64  `json:"docs"`
	Checksum string `json:"sha256"`
}

// legacyFile is the FerretDB-era database file in dir, "" when none. More
// than one (the build used the configured database name) is an error:
// which one holds the data is the operator's call.
func legacyFile(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return "", fmt.Errorf("store: migration: %w", err)
	}
	// A restore's temporary file starts with a dot.
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasPrefix(filepath.Base(f), ".") })
	switch len(files) {
	case 0:
		return "", nil
	case 1:
		return files[0], nil
	}
	return "", fmt.Errorf("store: migration: several FerretDB-era databases in %s (%s): keep the one to migrate", dir, strings.Join(files, ", "))
}

// migrateLegacy migrates the FerretDB-era database of folder dir (already
// locked) into target, when there is one and target does not exist yet.
func migrateLegacy(ctx context.Context, dir, target string, specs []lite.Spec, logger *slog.Logger) error {
	legacy, err := legacyFile(dir)
	if err != nil || legacy == "" {
		return err
	}
	keep := filepath.Join(filepath.Dir(dir), PreMigrationDir)
	if _, err := os.Stat(target); err == nil {
		// The new file is complete (it is renamed only once checked): a
		// migration stopped before the old files moved finishes here.
		if m, err := readMigrationManifest(keep); err == nil && m.Source == legacy {
			return moveLegacy(legacy, keep)
		}
		if logger != nil {
			logger.Warn("a FerretDB-era database file lies beside the store and is not migrated", "file", legacy)
		}
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: migration: %w", err)
	}
	tmp := target + migratingSuffix
	if err := removeDBFiles(tmp); err != nil {
		return err
	}
	src, err := sql.Open("sqlite", "file:"+legacy+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("store: migration: open %s: %w", legacy, err)
	}
	defer src.Close()
	colls, err := legacyCollections(ctx, src, specs)
	if err != nil {
		return err
	}
	if err := copyLegacy(ctx, src, tmp, specs, colls); err != nil {
		return err
	}
	if err := migrationStep("copied"); err != nil {
		return err
	}
	if err := checkMigrated(ctx, tmp, specs, colls); err != nil {
		return err
	}
	if err := migrationStep("checked"); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if _, err := os.Stat(tmp + "-wal"); err == nil {
		return fmt.Errorf("store: migration: %s-wal left after close", tmp)
	}
	m := MigrationManifest{Source: legacy, Target: target, MigratedAt: time.Now().UTC(), Collections: colls}
	if keep, err = manifestDir(keep, legacy); err != nil {
		return err
	}
	if err := writeMigrationManifest(keep, m); err != nil {
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("store: migration: %w", err)
	}
	if err := syncFile(dir); err != nil {
		return err
	}
	if err := migrationStep("renamed"); err != nil {
		return err
	}
	if err := moveLegacy(legacy, keep); err != nil {
		return err
	}
	if logger != nil {
		attrs := []any{"source", legacy, "kept_in", keep}
		for _, c := range colls {
			attrs = append(attrs, c.Name, c.Docs)
		}
		logger.Info("migrated the FerretDB-era database", attrs...)
	}
	return nil
}

// legacyCollections lists the old database's collections (sorted by name),
// refusing any this build does not declare.
func legacyCollections(ctx context.Context, src *sql.DB, specs []lite.Spec) ([]MigratedCollInfo, error) {
	rows, err := src.QueryContext(ctx, "SELECT name, table_name FROM _ferretdb_collections ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("store: migration: list collections: %w", err)
	}
	defer rows.Close()
	var colls []MigratedCollInfo
	var unknown []string
	for rows.Next() {
		var c MigratedCollInfo
		if err := rows.Scan(&c.Name, &c.Table); err != nil {
			return nil, fmt.Errorf("store: migration: list collections: %w", err)
		}
		if !slices.ContainsFunc(specs, func(s lite.Spec) bool { return s.Name == c.Name }) {
			unknown = append(unknown, c.Name)
		}
		colls = append(colls, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: migration: list collections: %w", err)
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%w: %s (nothing was migrated)", ErrUnknownCollections, strings.Join(unknown, ", "))
	}
	return colls, nil
}

// copyLegacy writes every collection of src into a new store file at tmp,
// in transactions of migrateBatch documents, and fills in each
// collection's count and checksum as read from src.
func copyLegacy(ctx context.Context, src *sql.DB, tmp string, specs []lite.Spec, colls []MigratedCollInfo) (err error) {
	dst, err := lite.Open(ctx, tmp, specs)
	if err != nil {
		return fmt.Errorf("store: migration: create %s: %w", tmp, err)
	}
	defer func() {
		if cerr := dst.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("store: migration: close %s: %w", tmp, cerr)
		}
	}()
	for i := range colls {
		c := &colls[i]
		sum := newCollSum()
		batch := make([]any, 0, migrateBatch)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			err := dst.WithTx(ctx, func(ctx context.Context) error {
				_, err := dst.Collection(c.Name).Insert(ctx, batch, coll.InsertOptions{})
				return err
			})
			batch = batch[:0]
			if err != nil {
				return fmt.Errorf("store: migration: write %s: %w", c.Name, err)
			}
			return migrationStep("batch")
		}
		rows, err := src.QueryContext(ctx, "SELECT _ferretdb_sjson FROM "+quoteIdent(c.Table)+" ORDER BY rowid")
		if err != nil {
			return fmt.Errorf("store: migration: read %s: %w", c.Name, err)
		}
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				rows.Close()
				return fmt.Errorf("store: migration: read %s: %w", c.Name, err)
			}
			doc, err := decodeSJSON(b, nil)
			if err != nil {
				rows.Close()
				return fmt.Errorf("store: migration: decode a document of %s: %w", c.Name, err)
			}
			if err := sum.add(doc); err != nil {
				rows.Close()
				return fmt.Errorf("store: migration: %s: %w", c.Name, err)
			}
			batch = append(batch, doc)
			if len(batch) == migrateBatch {
				if err := flush(); err != nil {
					rows.Close()
					return err
				}
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("store: migration: read %s: %w", c.Name, err)
		}
		if err := flush(); err != nil {
			return err
		}
		c.Docs, c.Checksum = sum.result()
	}
	return nil
}

// checkMigrated reopens the new file and compares every collection's count
// and checksum with the source's.
func checkMigrated(ctx context.Context, tmp string, specs []lite.Spec, colls []MigratedCollInfo) (err error) {
	dst, err := lite.Open(ctx, tmp, specs)
	if err != nil {
		return fmt.Errorf("store: migration: reopen %s: %w", tmp, err)
	}
	defer func() {
		if cerr := dst.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("store: migration: close %s: %w", tmp, cerr)
		}
	}()
	for _, c := range colls {
		sum := newCollSum()
		if err := dst.Each(ctx, c.Name, func(doc bson.Raw) error { return sum.add(slices.Clone(doc)) }); err != nil {
			return fmt.Errorf("store: migration: check %s: %w", c.Name, err)
		}
		if n, h := sum.result(); n != c.Docs || h != c.Checksum {
			return fmt.Errorf("store: migration: %s differs after the copy (%d documents, sha256 %s; source %d, %s): the old files are untouched",
				c.Name, n, h, c.Docs, c.Checksum)
		}
	}
	return nil
}

// collSum collects a collection's documents' _id and hash, for a checksum
// that does not depend on the order documents were read in.
type collSum struct{ ids, hashes [][]byte }

func newCollSum() *collSum { return &collSum{} }

func (s *collSum) add(doc bson.Raw) error {
	id, err := doc.LookupErr("_id")
	if err != nil {
		return fmt.Errorf("a document without _id: %w", err)
	}
	h := sha256.Sum256(doc)
	s.ids = append(s.ids, append([]byte{byte(id.Type)}, id.Value...))
	s.hashes = append(s.hashes, h[:])
	return nil
}

func (s *collSum) result() (int64, string) {
	idx := make([]int, len(s.ids))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return bytes.Compare(s.ids[idx[a]], s.ids[idx[b]]) < 0 })
	h := sha256.New()
	for _, i := range idx {
		h.Write(s.hashes[i])
	}
	return int64(len(s.ids)), hex.EncodeToString(h.Sum(nil))
}

// manifestDir is the folder the old files go to: keep, or a dated sibling
// when keep already holds an earlier migration's files.
func manifestDir(keep, legacy string) (string, error) {
	if _, err := os.Stat(filepath.Join(keep, filepath.Base(legacy))); err == nil {
		keep += "-" + time.Now().UTC().Format("20060102T150405")
	}
	if err := os.MkdirAll(keep, 0o700); err != nil {
		return "", fmt.Errorf("store: migration: %w", err)
	}
	return keep, nil
}

func writeMigrationManifest(dir string, m MigrationManifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, migrationManifest)
	if err := os.WriteFile(path+".tmp", append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("store: migration: manifest: %w", err)
	}
	if err := syncFile(path + ".tmp"); err != nil {
		return err
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		return fmt.Errorf("store: migration: manifest: %w", err)
	}
	return syncFile(dir)
}

func readMigrationManifest(dir string) (MigrationManifest, error) {
	var m MigrationManifest
	b, err := os.ReadFile(filepath.Join(dir, migrationManifest))
	if err != nil {
		return m, err
	}
	err = json.Unmarshal(b, &m)
	return m, err
}

// moveLegacy moves the old database file and its companions into keep.
func moveLegacy(legacy, keep string) error {
	for _, suffix := range []string{"-wal", "-shm", "-journal", ""} {
		from := legacy + suffix
		if err := os.Rename(from, filepath.Join(keep, filepath.Base(from))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: migration: keep %s: %w", from, err)
		}
	}
	return errors.Join(syncFile(keep), syncFile(filepath.Dir(legacy)))
}

// removeDBFiles removes a database file and its companions.
func removeDBFiles(path string) error {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: migration: remove %s: %w", path+suffix, err)
		}
	}
	return nil
}

// syncFile flushes a file or a folder to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: migration: sync: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("store: migration: sync %s: %w", path, err)
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// MigrateEmbedded migrates the FerretDB-era database of folder dir, if
// any, under the folder's lock, for a command that reads the store's file
// without opening the store (backup).
func MigrateEmbedded(ctx context.Context, dir string, logger *slog.Logger) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("store: embedded data dir: %w", err)
	}
	if legacy, err := legacyFile(abs); err != nil || legacy == "" {
		return err
	}
	release, err := LockDir(abs)
	if err != nil {
		return err
	}
	defer release()
	return migrateLegacy(ctx, abs, filepath.Join(abs, EmbeddedFile), collectionSpecs(), logger)
}
