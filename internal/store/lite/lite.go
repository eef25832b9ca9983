package lite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// MaxBind is the most values one SQL statement binds. Longer lists go as
// one JSON array read with json_each, inserts one document per statement.
const MaxBind = 200

// inlineList is the longest list bound value by value; longer ones go as a
// JSON array.
const inlineList = 32

// schemaVersion changes when the table layout this package writes changes.
const schemaVersion = "1"

// Spec declares a collection: what becomes indexed columns and rows.
type Spec struct {
	Name string
	// Fields are dotted paths of single values, each an indexed column
	// (_id is always one).
	Fields []string
	// Members are array paths whose elements go in the member table:
	// "regions", or "participants/stakeholder_id" for a field of each
	// document of an array (queried as "participants.stakeholder_id").
	Members []string
	// Words is a field holding normalised space-separated text; its words
	// go in the word table for "(^| )term" prefix searches.
	Words string
	// WordScope, with Words, is a field or member path (a region) whose
	// text values also key the words, in a table of (scope value, word,
	// rid): a search in a few of those values ("region in [...]" beside
	// the words) reads their rows alone, where the word table holds every
	// region's. Left out of the fingerprint when empty.
	WordScope string `json:",omitempty"`
	// WordOrder, with Words, is a declared field (a date) a page of a
	// search is sorted by, newest first: the words are kept also in a
	// table of (word, that field's value, rid), so that a common word's
	// rows are read in that order and a page stops after a few of them
	// (see orderedBound). Documents without the field have no rows there.
	// Left out of the fingerprint when empty.
	WordOrder string `json:",omitempty"`
	// Indexes are composite indexes on field columns (or one unique index
	// on a member path).
	Indexes []Index
	// Scannable marks a tiny collection where a full scan is fine.
	Scannable bool
}

// Index is an index on field columns ("_id" allowed as a key), or a unique
// index on exactly one member path.
type Index struct {
	Name   string
	Keys   []Key
	Unique bool
}

// Key is one key of an index.
type Key struct {
	Path string
	Desc bool
}

// Option configures Open.
type Option func(*DB)

// RecordPlans makes the store remember every distinct query it runs, for
// CheckPlans.
func RecordPlans() Option { return func(db *DB) { db.plans = &planLog{seen: map[string]plan{}} } }

// Logger receives an error record for every query that SQL cannot narrow
// at all on a collection not marked Scannable (the matcher reads every
// document): the record names the collection and the paths, never values.
func Logger(l *slog.Logger) Option { return func(db *DB) { db.log = l } }

// SlowQuery makes the Logger warn about every find that takes d or more
// from its start to its cursor's close, with its SQL (placeholders, never
// values) and how many rows it read and returned; 0 turns it off.
func SlowQuery(d time.Duration) Option { return func(db *DB) { db.slow = d } }

// NoStatistics skips Open's PRAGMA optimize, which takes the statistics
// of tables that hold rows and have none: a test's copy of a seeded
// database (storetest.Template) then plans its queries as the seeded one
// did, on no statistics; those of a few rows would steer the planner to
// scans and the plan check would judge other plans.
func NoStatistics() Option { return func(db *DB) { db.noStats = true } }

// Readers sets the size of the reader pool (default 4).
func Readers(n int) Option { return func(db *DB) { db.readers = n } }

// DB is one SQLite file holding the declared collections.
type DB struct {
	path    string
	w, r    *sql.DB // w: the one writer connection; r: readers
	readers int
	colls   map[string]*Collection
	plans   *planLog
	closeMu sync.Once
	closed  atomic.Bool
	// commonRows is how many rows of a word prefix make it common: a
	// sorted page then walks its sort index and probes each row's words,
	// instead of reading and sorting every row that holds the word.
	commonRows int
	// walkSample is how many documents at the head of a sort index a
	// page whose conditions are all common probes, at most, to estimate
	// the share that passes them all (walkOrDrive). A sampled document
	// costs about one and a half probes of a driven row, so the sample
	// stays under the cost of driving the least common word (commonRows).
	walkSample int
	sync       string // synchronous pragma: FULL (benchmarks compare NORMAL)
	log        *slog.Logger
	slow       time.Duration // SlowQuery
	noStats    bool          // NoStatistics
	ck         *checkpointer
	ckTune     func(*checkpointer) // tests: smaller thresholds
	// written is the collections the write transaction under way touched
	// (DB.touch): their generations move again when it ends.
	written struct {
		mu    sync.Mutex
		colls []*Collection
	}
}

var _ coll.DB = (*DB)(nil)

// Open opens (or creates) the database at path with the collections specs
// declares. Every collection's tables and indexes are created here, in one
// transaction; a collection whose spec changed since the last Open has its
// columns, member and word rows and indexes rebuilt from its documents.
func Open(ctx context.Context, path string, specs []Spec, opts ...Option) (*DB, error) {
	db := &DB{path: path, readers: 4, colls: map[string]*Collection{}, commonRows: 2000, walkSample: 1024, sync: "FULL"}
	for _, o := range opts {
		o(db)
	}
	for _, s := range specs {
		c, err := newCollection(db, s)
		if err != nil {
			return nil, err
		}
		if db.colls[s.Name] != nil {
			return nil, fmt.Errorf("lite: collection %q declared twice", s.Name)
		}
		db.colls[s.Name] = c
	}
	u := url.URL{Scheme: "file", Path: path}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(" + db.sync + ")", "busy_timeout(10000)", "cache_size(-16000)", "temp_store(MEMORY)", "analysis_limit(1000)"} {
		q.Add("_pragma", p)
	}
	// The writer leaves checkpoints to the checkpointer (checkpoint.go).
	wq := url.Values{"_txlock": {"immediate"}, "_pragma": slices.Concat(q["_pragma"],
		[]string{"wal_autocheckpoint(0)", fmt.Sprintf("journal_size_limit(%d)", walLimit)})}
	var err error
	if db.w, err = sql.Open("sqlite", u.String()+"?"+wq.Encode()); err != nil {
		return nil, fmt.Errorf("lite: open %s: %w", path, err)
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetMaxIdleConns(1)
	db.w.SetConnMaxLifetime(0)
	if err := db.startCheckpointer(u.String() + "?" + q.Encode()); err != nil {
		db.w.Close()
		return nil, err
	}
	if err := db.migrate(ctx, specs); err != nil {
		db.stopCheckpointer()
		db.w.Close()
		return nil, err
	}
	q.Add("_pragma", "query_only(1)")
	if db.r, err = sql.Open("sqlite", u.String()+"?"+q.Encode()); err != nil {
		db.stopCheckpointer()
		db.w.Close()
		return nil, fmt.Errorf("lite: open %s: %w", path, err)
	}
	db.r.SetMaxOpenConns(db.readers)
	db.r.SetMaxIdleConns(db.readers)
	// Statistics for the planner on tables that need them (cheap when
	// nothing changed).
	if !db.noStats {
		if _, err := db.w.ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
			db.Close()
			return nil, fmt.Errorf("lite: optimize: %w", err)
		}
	}
	return db, nil
}

// Closed tells whether Close was called.
func (db *DB) Closed() bool { return db.closed.Load() }

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Close stops the checkpointer, runs PRAGMA optimize and closes the
// database.
func (db *DB) Close() error {
	var err error
	db.closeMu.Do(func() {
		db.closed.Store(true)
		cerr := db.stopCheckpointer()
		_, _ = db.w.Exec("PRAGMA optimize")
		// The writer closes last: the last connection checkpoints the
		// whole WAL and removes it.
		err = errors.Join(cerr, db.r.Close(), db.w.Close())
	})
	return err
}

// Optimize refreshes the planner's statistics where they are stale; call it
// after a large load.
func (db *DB) Optimize(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, "PRAGMA optimize")
	return err
}

// Collection returns the declared collection name. An undeclared name gives
// a collection whose every operation fails with coll.ErrUnsupported: no
// collection is ever created lazily.
func (db *DB) Collection(name string) coll.Collection {
	if c := db.colls[name]; c != nil {
		return c
	}
	return undeclared(name)
}

// C is Collection with the concrete type.
func (db *DB) C(name string) *Collection { return db.colls[name] }

// quote quotes an SQL identifier.
func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// fingerprint is what the stored tables depend on (Scannable is not).
func fingerprint(s Spec) string {
	s.Scannable = false
	b, _ := json.Marshal(s)
	return string(b)
}

// migrate creates what is missing and brings collections whose spec
// changed to it (respec), in one transaction: a kill leaves the file as
// it was.
func (db *DB) migrate(ctx context.Context, specs []Spec) error {
	return db.withWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS lite_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
			return err
		}
		var ver string
		err := tx.QueryRowContext(ctx, `SELECT value FROM lite_meta WHERE key='schema_version'`).Scan(&ver)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO lite_meta VALUES('schema_version', ?)`, schemaVersion); err != nil {
				return err
			}
		case err != nil:
			return err
		case ver != schemaVersion:
			return fmt.Errorf("lite: %s has schema version %s, this build writes %s", db.path, ver, schemaVersion)
		}
		for _, s := range specs {
			c := db.colls[s.Name]
			var fp string
			err := tx.QueryRowContext(ctx, `SELECT value FROM lite_meta WHERE key=?`, "spec:"+s.Name).Scan(&fp)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				err = c.create(ctx, tx)
			case err != nil:
				return err
			case fp != fingerprint(s):
				err = c.respec(ctx, tx, fp)
			default:
				continue
			}
			if err != nil {
				return fmt.Errorf("lite: collection %s: %w", s.Name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO lite_meta VALUES(?, ?)`, "spec:"+s.Name, fingerprint(s)); err != nil {
				return err
			}
		}
		return nil
	})
}

// txKey holds the transaction a ctx carries.
type txKey struct{}

type txState struct {
	db *DB
	tx *sql.Tx
}

func (db *DB) ctxTx(ctx context.Context) *sql.Tx {
	if t, ok := ctx.Value(txKey{}).(*txState); ok && t.db == db {
		return t.tx
	}
	return nil
}

// InTx tells whether ctx carries a write transaction of db (the writer
// connection is then taken: Optimize would wait for it forever).
func (db *DB) InTx(ctx context.Context) bool { return db.ctxTx(ctx) != nil }

// WithTx runs fn in one write transaction (BEGIN IMMEDIATE on the single
// writer connection). Every operation given fn's ctx, reads included, runs
// in it. A WithTx inside joins the outer one. fn's error or panic rolls
// back; a cancelled ctx never leaves the transaction open.
func (db *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if db.ctxTx(ctx) != nil {
		return fn(ctx)
	}
	return db.withWrite(ctx, func(tx *sql.Tx) error {
		return fn(context.WithValue(ctx, txKey{}, &txState{db: db, tx: tx}))
	})
}

// withWrite runs fn in the ctx's transaction, or in a new one it commits.
// A write refused for want of space or write access wraps
// coll.ErrUnwritable, whichever statement met it.
func (db *DB) withWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return unwritable(db.write(ctx, fn))
}

// unwritable marks err with coll.ErrUnwritable when SQLite refused to write
// (SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY and their extended codes).
func unwritable(err error) error {
	var e *sqlite.Error
	if err == nil || errors.Is(err, coll.ErrUnwritable) || !errors.As(err, &e) {
		return err
	}
	switch e.Code() & 0xff {
	case 13, 10, 8:
		return fmt.Errorf("%w: %w", coll.ErrUnwritable, err)
	}
	return err
}

func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	if tx := db.ctxTx(ctx); tx != nil {
		return fn(tx)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	db.holdWrites()
	// The transaction's own ctx is never cancelled: database/sql would roll
	// back behind our back, and Commit must run whatever happens to ctx.
	// Statements inside still take ctx and stop when it is cancelled.
	conn, err := db.w.Conn(ctx) // waits for the writer, as long as ctx allows
	if err != nil {
		return fmt.Errorf("lite: writer: %w", err)
	}
	defer conn.Close()
	defer db.settle() // before the next writer can take the connection
	tx, err := conn.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return fmt.Errorf("lite: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		done = true
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) && !strings.Contains(rerr.Error(), "no transaction") {
			return errors.Join(err, fmt.Errorf("lite: rollback: %w", rerr))
		}
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("lite: commit: %w", err)
	}
	db.committed(conn)
	return nil
}

// querier is what reads need: a transaction or the reader pool.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (db *DB) reader(ctx context.Context) querier {
	if tx := db.ctxTx(ctx); tx != nil {
		return tx
	}
	return db.r
}

// isUnique tells whether err is a unique constraint failure.
func isUnique(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code() == 2067 || e.Code() == 1555 // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
	}
	return false
}

func checkBind(args []any) error {
	if len(args) > MaxBind {
		return fmt.Errorf("lite: a statement would bind %d values (at most %d): %w", len(args), MaxBind, coll.ErrUnsupported)
	}
	return nil
}

func hasString(list []string, s string) bool { return slices.Contains(list, s) }
