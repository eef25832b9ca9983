package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	_ "modernc.org/sqlite" // the driver the embedded engine links; registers "sqlite"
)

// liteEngine is a second connection to the embedded engine's SQLite file of
// this store's database. FerretDB 1.24 reads and decodes the whole table
// for every query except `_ferretdb_sjson->'$._id' = ?`, and the indexes it
// creates never match the expressions it queries with (see
// shared/notes/embedded-speed.md). Through this connection the store adds
// what SQLite itself keeps inside the engine's own write transactions (an
// index on that exact `_id` expression, and trigger-kept tables with
// indexes for the listed collections, see pushdown.go), so nothing it adds
// can drift from the documents, and reads pages through them.
type liteEngine struct {
	path string

	mu      sync.Mutex
	db      *sql.DB
	schema  int64             // PRAGMA schema_version when ensure last ran
	tables  map[string]string // collection -> table
	ensured bool
	bulk    bool // a bulk load set the list tables aside (bulk.go)
}

// AttachEmbedded lets the store use the engine's SQLite files in dir (the
// directory given to StartEmbedded) for indexes and fast list paths. Call it
// right after Open, before EnsureIndexes.
func (s *Store) AttachEmbedded(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("store: embedded dir: %w", err)
	}
	s.lite = &liteEngine{path: filepath.Join(abs, s.mongo.db.Name()+".sqlite")}
	return nil
}

// Dir is the directory of the engine's SQLite files.
func (e *Embedded) Dir() string { return e.dir }

// open opens the connection once the engine has created the file; never
// creates it (an empty file would look like a database to the engine).
func (l *liteEngine) open() (*sql.DB, error) {
	if l.db != nil {
		return l.db, nil
	}
	if _, err := os.Stat(l.path); err != nil {
		return nil, fmt.Errorf("store: embedded file: %w", err)
	}
	// 8 MiB of page cache per connection (SQLite's default is 2 MiB): the
	// word, member and row indexes a page walks stay cached instead of
	// being read again from the file on every query (at scale 1 a search
	// spent a third of its time in those reads).
	q := url.Values{"mode": {"rw"}, "_pragma": {"busy_timeout(10000)", "cache_size(-8192)"}}
	db, err := sql.Open("sqlite", "file:"+l.path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open embedded file: %w", err)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	l.db = db
	return db, nil
}

// close drops the connection (before the engine removes the file).
func (l *liteEngine) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.db != nil {
		_ = l.db.Close()
		l.db = nil
	}
	l.ensured, l.tables = false, nil
}

// ready returns the connection after making sure every collection table
// has what the store adds to it. The engine creates a table when a
// collection first gets a document or an index, and again after a drop;
// PRAGMA schema_version changes with every such change, so this costs one
// pragma read when nothing changed.
func (l *liteEngine) ready(ctx context.Context) (*sql.DB, map[string]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bulk {
		return nil, nil, errNoLite
	}
	db, err := l.open()
	if err != nil {
		return nil, nil, err
	}
	var v int64
	if err := db.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&v); err != nil {
		return nil, nil, fmt.Errorf("store: embedded schema version: %w", err)
	}
	if l.ensured && v == l.schema {
		return db, l.tables, nil
	}
	if err := l.ensure(ctx, db); err != nil {
		return nil, nil, err
	}
	if err := db.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&l.schema); err != nil {
		return nil, nil, fmt.Errorf("store: embedded schema version: %w", err)
	}
	l.ensured = true
	return db, l.tables, nil
}

// ensure creates, idempotently, the _id index of every collection table
// and the list structures of the collections that have some.
func (l *liteEngine) ensure(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "SELECT name, table_name FROM _ferretdb_collections")
	if err != nil {
		return fmt.Errorf("store: embedded collections: %w", err)
	}
	tables := map[string]string{}
	for rows.Next() {
		var name, table string
		if err := rows.Scan(&name, &table); err != nil {
			rows.Close()
			return fmt.Errorf("store: embedded collections: %w", err)
		}
		tables[name] = table
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: embedded collections: %w", err)
	}
	for col, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"_alz_id", table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: embedded _id index of %s: %w", col, err)
		}
		for _, stmt := range liteSchema[col] {
			if err := stmt(ctx, db, table); err != nil {
				return fmt.Errorf("store: embedded list index of %s: %w", col, err)
			}
		}
	}
	l.tables = tables
	return nil
}

// liteSchema lists, per collection, what the store adds to its table
// besides the _id index; each step is idempotent.
var liteSchema = map[string][]func(ctx context.Context, db *sql.DB, table string) error{}

// errNoLite means the fast path is not available (MongoDB, or the engine's
// file is not there yet); callers use the ordinary query.
var errNoLite = errors.New("store: no embedded SQLite file")

// liteDB returns the embedded connection ready for queries, or errNoLite.
func (s *Store) liteDB(ctx context.Context) (*sql.DB, map[string]string, error) {
	if s.lite == nil {
		return nil, nil, errNoLite
	}
	return s.lite.ready(ctx)
}
