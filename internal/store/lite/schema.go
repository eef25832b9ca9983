package lite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ddl is one CREATE INDEX statement: the index's name in sqlite_master and
// its SQL.
type ddl struct{ name, sql string }

// tableDDL creates the collection's document, member and word tables
// (member index tables apart), which only Fields, Members and Words shape.
func (c *Collection) tableDDL() []string {
	cols := ""
	for _, f := range c.spec.Fields {
		cols += ", " + c.bare(f)
	}
	// Columns without a declared type keep every value as written.
	stmts := []string{"CREATE TABLE " + c.t + "(rowid INTEGER PRIMARY KEY, id NOT NULL, doc BLOB NOT NULL" + cols + ")"}
	if len(c.members) > 0 {
		stmts = append(stmts, "CREATE TABLE "+c.m+"(f TEXT NOT NULL, v NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY(f, v, rid)) WITHOUT ROWID")
	}
	if c.spec.Words != "" {
		stmts = append(stmts, "CREATE TABLE "+c.w+"(w TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY(w, rid)) WITHOUT ROWID")
	}
	if c.ws != "" {
		stmts = append(stmts, c.scopedDDL())
	}
	if c.wo != "" {
		stmts = append(stmts, c.orderedDDL())
	}
	return stmts
}

// scopedDDL creates the scoped word table: a word of a few scope values is
// a range of each (s IN (...) AND w >= ? AND w < ?). It has no index by
// rid: a document's rows are deleted by their keys (writer.dropScoped).
func (c *Collection) scopedDDL() string {
	return "CREATE TABLE " + c.ws + "(s TEXT NOT NULL, w TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY(s, w, rid)) WITHOUT ROWID"
}

// fillScoped writes the scoped word rows of every stored document from
// its word rows and its scope's column or member rows, in key order: what
// derive and writer.rows write, without decoding a document.
func (c *Collection) fillScoped(ctx context.Context, tx *sql.Tx) error {
	s := "INSERT INTO " + c.ws + "(s, w, rid) SELECT " + c.col(c.spec.WordScope) + ", " + c.w + ".w, " + c.w + ".rid FROM " + c.w +
		" JOIN " + c.t + " ON " + c.t + ".rowid = " + c.w + ".rid WHERE typeof(" + c.col(c.spec.WordScope) + ") = 'text' ORDER BY 1, 2, 3"
	var args []any
	if c.members[c.spec.WordScope] != "" {
		s = "INSERT INTO " + c.ws + "(s, w, rid) SELECT " + c.m + ".v, " + c.w + ".w, " + c.w + ".rid FROM " + c.m +
			" JOIN " + c.w + " ON " + c.w + ".rid = " + c.m + ".rid WHERE " + c.m + ".f = ? AND typeof(" + c.m + ".v) = 'text' ORDER BY 1, 2, 3"
		args = []any{c.spec.WordScope}
	}
	if _, err := tx.ExecContext(ctx, s, args...); err != nil {
		return fmt.Errorf("fill %s: %w", c.ws, err)
	}
	return nil
}

// orderedDDL creates the ordered word table: a word's rows in the order
// of the word order's field (w = ? ORDER BY k). Like the scoped table it
// has no index by rid (writer.dropOrdered).
func (c *Collection) orderedDDL() string {
	return "CREATE TABLE " + c.wo + "(w TEXT NOT NULL, k NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY(w, k, rid)) WITHOUT ROWID"
}

// fillOrdered writes the ordered word rows of every stored document from
// its word rows and its column, in key order (what writer.rows writes).
func (c *Collection) fillOrdered(ctx context.Context, tx *sql.Tx) error {
	k := c.col(c.spec.WordOrder)
	s := "INSERT INTO " + c.wo + "(w, k, rid) SELECT " + c.w + ".w, " + k + ", " + c.w + ".rid FROM " + c.w +
		" JOIN " + c.t + " ON " + c.t + ".rowid = " + c.w + ".rid WHERE " + k + " IS NOT NULL ORDER BY 1, 2, 3"
	if _, err := tx.ExecContext(ctx, s); err != nil {
		return fmt.Errorf("fill %s: %w", c.wo, err)
	}
	return nil
}

// indexDDL is every index of the document, member and word tables.
func (c *Collection) indexDDL() []ddl {
	name := func(s string) string { return "i:" + c.spec.Name + ":" + s }
	out := []ddl{{name("_id"), "CREATE UNIQUE INDEX " + c.indexName("_id") + " ON " + c.t + "(id)"}}
	if len(c.members) > 0 {
		out = append(out, ddl{name("m_rid"), "CREATE INDEX " + c.indexName("m_rid") + " ON " + c.m + "(rid)"})
	}
	if c.spec.Words != "" {
		out = append(out, ddl{name("w_rid"), "CREATE INDEX " + c.indexName("w_rid") + " ON " + c.w + "(rid)"})
	}
	leading := map[string]bool{"_id": true}
	for _, ix := range c.spec.Indexes {
		mp := c.members[ix.Keys[0].Path]
		switch {
		case mp != "" && !ix.Unique:
			continue // a member index: its own table
		case mp != "":
			out = append(out, ddl{name(ix.Name), "CREATE UNIQUE INDEX " + c.indexName(ix.Name) + " ON " + c.m + "(v) WHERE f = '" + strings.ReplaceAll(ix.Keys[0].Path, "'", "''") + "'"})
			continue
		}
		var keys []string
		for _, k := range ix.Keys {
			key := c.bare(k.Path)
			if k.Desc {
				key += " DESC"
			}
			keys = append(keys, key)
		}
		leading[ix.Keys[0].Path] = true
		uniq := ""
		if ix.Unique {
			uniq = "UNIQUE "
		}
		out = append(out, ddl{name(ix.Name), "CREATE " + uniq + "INDEX " + c.indexName(ix.Name) + " ON " + c.t + "(" + strings.Join(keys, ", ") + ")"})
	}
	// Every field is indexed: on its own unless an index starts with it.
	for _, f := range c.spec.Fields {
		if !leading[f] {
			out = append(out, ddl{name("f:" + f), "CREATE INDEX " + c.indexName("f:"+f) + " ON " + c.t + "(" + c.bare(f) + ")"})
		}
	}
	return out
}

func execAll(ctx context.Context, tx *sql.Tx, stmts []string) error {
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// create makes the collection's tables and indexes.
func (c *Collection) create(ctx context.Context, tx *sql.Tx) error {
	stmts := c.tableDDL()
	for _, x := range c.xs {
		stmts = append(stmts, x.create()...)
	}
	for _, ix := range c.indexDDL() {
		stmts = append(stmts, ix.sql)
	}
	return execAll(ctx, tx, stmts)
}

// sameRows tells whether two specs store the same columns and rows, so
// that only their indexes (and the scoped word table, derived from the
// rows: reindex) can differ.
func sameRows(a, b Spec) bool {
	return a.Name == b.Name && slices.Equal(a.Fields, b.Fields) && slices.Equal(a.Members, b.Members) && a.Words == b.Words
}

// respec brings the collection's tables from the spec whose fingerprint
// is old to its own, in the migration's transaction: when only indexes
// changed it builds and drops those alone (seconds at scale 10); any other
// change rewrites every document's columns and rows (minutes).
func (c *Collection) respec(ctx context.Context, tx *sql.Tx, old string) error {
	var o Spec
	exists, err := c.exists(ctx, tx)
	if err != nil {
		return err
	}
	start := time.Now()
	kind := "indexes"
	if !exists {
		kind, err = "created", c.create(ctx, tx)
	} else if json.Unmarshal([]byte(old), &o) == nil && sameRows(o, c.spec) {
		if o.WordScope != c.spec.WordScope {
			// Filled again from the word rows (reindex): a scoped table
			// the old spec did not keep (a build without scopes wrote
			// after it) is stale.
			err = execAll(ctx, tx, []string{"DROP TABLE IF EXISTS " + quote("ws:"+c.spec.Name)})
		}
		if err == nil && o.WordOrder != c.spec.WordOrder {
			err = execAll(ctx, tx, []string{"DROP TABLE IF EXISTS " + quote("wo:"+c.spec.Name)}) // the same for the ordered table
		}
		if err == nil {
			err = c.reindex(ctx, tx)
		}
	} else {
		kind, err = "rebuilt", c.rebuild(ctx, tx)
	}
	if err == nil && c.db.log != nil {
		c.db.log.InfoContext(ctx, "lite: collection spec changed", "collection", c.spec.Name, "change", kind, "ms", time.Since(start).Milliseconds())
	}
	return err
}

func (c *Collection) exists(ctx context.Context, tx *sql.Tx) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?`, "d:"+c.spec.Name).Scan(&n)
	return n > 0, err
}

// object is a table or index of the collection in sqlite_master.
type object struct{ typ, name, table, sql string }

// objects lists the collection's tables and indexes in the file, member
// index tables included (whatever spec made them).
func (c *Collection) objects(ctx context.Context, tx *sql.Tx) ([]object, error) {
	x := "x:" + c.spec.Name + ":"
	rows, err := tx.QueryContext(ctx, `SELECT type, name, tbl_name, sql FROM sqlite_master
		WHERE sql IS NOT NULL AND type IN ('table', 'index') AND (tbl_name IN (?, ?, ?, ?, ?) OR substr(tbl_name, 1, ?) = ?)`,
		"d:"+c.spec.Name, "m:"+c.spec.Name, "w:"+c.spec.Name, "ws:"+c.spec.Name, "wo:"+c.spec.Name, len(x), x)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.typ, &o.name, &o.table, &o.sql); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// reindex makes the indexes in the file those of the spec when its
// columns and rows are already right: indexes that are gone or different
// are dropped and the missing ones built, each in one pass over its table.
// A member index table whose columns changed (or a new one) is made again
// and filled from the member rows and the document columns: no document
// is decoded.
func (c *Collection) reindex(ctx context.Context, tx *sql.Tx) error {
	objs, err := c.objects(ctx, tx)
	if err != nil {
		return err
	}
	haveIdx, haveX := map[string]object{}, map[string]string{} // index name -> it; member index table -> its SQL
	haveWS, haveWO := "", ""                                   // the scoped and ordered word tables' SQL
	for _, o := range objs {
		switch {
		case o.typ == "index":
			haveIdx[o.name] = o
		case strings.HasPrefix(o.name, "x:"):
			haveX[o.name] = o.sql
		case strings.HasPrefix(o.name, "ws:"):
			haveWS = o.sql
		case strings.HasPrefix(o.name, "wo:"):
			haveWO = o.sql
		}
	}

	wantIdx, wantX := map[string]string{}, map[string]string{}
	var order []ddl // the indexes to have, in spec order
	for _, ix := range c.indexDDL() {
		wantIdx[ix.name], order = ix.sql, append(order, ix)
	}
	for _, x := range c.xs {
		wantX[x.table()] = x.create()[0]
		for _, ix := range x.indexDDL() {
			wantIdx[ix.name], order = ix.sql, append(order, ix)
		}
	}
	var stmts []string
	for t, sql := range haveX {
		if wantX[t] != sql {
			stmts = append(stmts, "DROP TABLE "+quote(t)) // with its indexes
			delete(haveX, t)
			for name, o := range haveIdx {
				if o.table == t {
					delete(haveIdx, name)
				}
			}
		}
	}
	for name, o := range haveIdx {
		if wantIdx[name] != o.sql {
			stmts = append(stmts, "DROP INDEX "+quote(name))
			delete(haveIdx, name)
		}
	}
	if err := execAll(ctx, tx, stmts); err != nil {
		return err
	}
	for _, x := range c.xs {
		if _, ok := haveX[x.table()]; ok {
			continue
		}
		if err := execAll(ctx, tx, []string{wantX[x.table()]}); err != nil {
			return err
		}
		if err := c.fillMemberIndex(ctx, tx, x); err != nil {
			return err
		}
	}
	for _, ix := range order {
		if _, ok := haveIdx[ix.name]; ok {
			continue
		}
		if err := execAll(ctx, tx, []string{ix.sql}); err != nil {
			return err
		}
	}
	// After the indexes: a member scope joins the word rows by rid.
	if err := c.remake(ctx, tx, "ws:", haveWS, c.ws != "", c.scopedDDL, c.fillScoped); err != nil {
		return err
	}
	return c.remake(ctx, tx, "wo:", haveWO, c.wo != "", c.orderedDDL, c.fillOrdered)
}

// remake makes a table derived from the word rows (the scoped or the
// ordered words, named prefix + the collection's name) the spec's: have
// is its SQL in the file ("" for none), wanted whether the spec keeps it.
// It is dropped when the spec has none or another, made and filled when
// missing.
func (c *Collection) remake(ctx context.Context, tx *sql.Tx, prefix, have string, wanted bool, ddl func() string, fill func(context.Context, *sql.Tx) error) error {
	want := ""
	if wanted {
		want = ddl()
	}
	if have == want {
		return nil
	}
	if have != "" {
		if err := execAll(ctx, tx, []string{"DROP TABLE " + quote(prefix+c.spec.Name)}); err != nil {
			return err
		}
	}
	if want == "" {
		return nil
	}
	if err := execAll(ctx, tx, []string{want}); err != nil {
		return err
	}
	return fill(ctx, tx)
}

// analyze refreshes the planner's statistics of the collection's tables
// (within the connection's analysis_limit).
func (c *Collection) analyze() []string {
	stmts := []string{"ANALYZE " + c.t}
	if len(c.members) > 0 {
		stmts = append(stmts, "ANALYZE "+c.m)
	}
	if c.spec.Words != "" {
		stmts = append(stmts, "ANALYZE "+c.w)
	}
	if c.ws != "" {
		stmts = append(stmts, "ANALYZE "+c.ws)
	}
	if c.wo != "" {
		stmts = append(stmts, "ANALYZE "+c.wo)
	}
	for _, x := range c.xs {
		stmts = append(stmts, "ANALYZE "+x.t)
	}
	return stmts
}

// table is the member index's table name in sqlite_master.
func (x *memberIndex) table() string { return "x:" + x.c.spec.Name + ":" + x.name }

// indexDDL names the indexes of x.create().
func (x *memberIndex) indexDDL() []ddl {
	stmts := x.create()
	return []ddl{{"i:" + x.c.spec.Name + ":x:" + x.name, stmts[1]}, {"i:" + x.c.spec.Name + ":x:" + x.name + ":rid", stmts[2]}}
}

// fillMemberIndex writes a member index's rows for every stored document:
// one per member row of its path, with the document's columns of its
// other keys (what memberIndex.rows derives from a document).
func (c *Collection) fillMemberIndex(ctx context.Context, tx *sql.Tx, x *memberIndex) error {
	cols, sel := []string{"v"}, []string{c.m + ".v"}
	for _, k := range x.keys {
		cols, sel = append(cols, x.col(k.Path)), append(sel, c.col(k.Path))
	}
	s := "INSERT INTO " + x.t + "(" + strings.Join(cols, ", ") + ", rid) SELECT " + strings.Join(sel, ", ") + ", " + c.m + ".rid FROM " +
		c.m + " JOIN " + c.t + " ON " + c.t + ".rowid = " + c.m + ".rid WHERE " + c.m + ".f = ?"
	if _, err := tx.ExecContext(ctx, s, x.path); err != nil {
		return fmt.Errorf("fill %s: %w", x.t, err)
	}
	return nil
}

// rebuild re-derives the collection's columns, rows and indexes from its
// stored documents after a spec change, keeping rowids (insertion order).
// The indexes are built after the rows, in one pass each.
func (c *Collection) rebuild(ctx context.Context, tx *sql.Tx) error {
	objs, err := c.objects(ctx, tx)
	if err != nil {
		return err
	}
	var stmts []string
	for _, o := range objs {
		switch {
		case o.typ == "index" && !strings.HasPrefix(o.table, "x:"):
			stmts = append(stmts, "DROP INDEX "+quote(o.name))
		case o.typ == "table" && strings.HasPrefix(o.name, "x:"):
			stmts = append(stmts, "DROP TABLE "+quote(o.name)) // with its indexes
		}
	}
	old := quote("old:" + c.spec.Name)
	stmts = append(stmts, "DROP TABLE IF EXISTS "+c.m, "DROP TABLE IF EXISTS "+c.w, "DROP TABLE IF EXISTS "+quote("ws:"+c.spec.Name),
		"DROP TABLE IF EXISTS "+quote("wo:"+c.spec.Name), "ALTER TABLE "+c.t+" RENAME TO "+old)
	stmts = append(stmts, c.tableDDL()...)
	for _, x := range c.xs {
		stmts = append(stmts, x.create()[0])
	}
	if err := execAll(ctx, tx, stmts); err != nil {
		return err
	}
	wr := newWriter(c, tx)
	defer wr.close()
	wr.noScoped = true
	last := int64(-1 << 63)
	for {
		batch, err := readBatch(ctx, tx, "SELECT rowid, doc FROM "+old+" WHERE rowid > ? ORDER BY rowid LIMIT 500", last)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, r := range batch {
			if _, err := wr.insert(ctx, r.rid, r.doc); err != nil {
				return err
			}
			last = r.rid
		}
	}
	stmts = []string{"DROP TABLE " + old}
	for _, x := range c.xs {
		stmts = append(stmts, x.create()[1:]...)
	}
	for _, ix := range c.indexDDL() {
		stmts = append(stmts, ix.sql)
	}
	if err := execAll(ctx, tx, stmts); err != nil {
		return err
	}
	// After the indexes: a member scope joins the word rows by rid.
	if c.ws != "" {
		if err := c.fillScoped(ctx, tx); err != nil {
			return err
		}
	}
	if c.wo != "" {
		return c.fillOrdered(ctx, tx)
	}
	return nil
}

// BulkLoad runs fn, a large load into the collections names (empty or
// nearly: their indexes are built again at the end), with their non-unique
// indexes set aside: fn's writes update the documents, member and word
// rows, member index tables and unique indexes only, and the indexes are
// then built in one pass each, which costs a fraction of keeping them
// row by row. Every query stays correct meanwhile, without those indexes.
// Setting aside and building are each one transaction; a load killed
// midway leaves the collections marked, and the next Open builds their
// indexes (reindex).
func (db *DB) BulkLoad(ctx context.Context, names []string, fn func(ctx context.Context) error) error {
	var cs []*Collection
	for _, name := range names {
		c := db.colls[name]
		if c == nil {
			return undeclared(name).err()
		}
		cs = append(cs, c)
	}
	err := db.withWrite(ctx, func(tx *sql.Tx) error {
		for _, c := range cs {
			objs, err := c.objects(ctx, tx)
			if err != nil {
				return err
			}
			var stmts []string
			for _, o := range objs {
				if o.typ == "index" && !strings.HasPrefix(o.sql, "CREATE UNIQUE ") {
					stmts = append(stmts, "DROP INDEX "+quote(o.name))
				}
			}
			if c.ws != "" || c.wo != "" {
				// Filled in key order at the end (reindex), far cheaper than
				// row by row; meanwhile the word table answers.
				c.loading.Store(true)
				stmts = append(stmts, "DROP TABLE IF EXISTS "+quote("ws:"+c.spec.Name), "DROP TABLE IF EXISTS "+quote("wo:"+c.spec.Name))
			}
			if err := execAll(ctx, tx, stmts); err != nil {
				return err
			}
			// A spec without its indexes: the next Open finds it changed
			// and builds them, if the end below never comes.
			bare := c.spec
			bare.Indexes = nil
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO lite_meta VALUES(?, ?)`, "spec:"+c.spec.Name, fingerprint(bare)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, c := range cs {
			c.loading.Store(false) // the tables were not dropped
		}
		return fmt.Errorf("lite: bulk load: %w", err)
	}
	err = fn(ctx)
	if ctx.Err() != nil { // the next Open builds the indexes
		return errors.Join(err, ctx.Err())
	}
	// Built whatever fn answered: what it stored stays stored.
	built := db.withWrite(ctx, func(tx *sql.Tx) error {
		for _, c := range cs {
			if err := c.reindex(ctx, tx); err != nil {
				return fmt.Errorf("lite: bulk load: index %s: %w", c.spec.Name, err)
			}
			// The statistics PRAGMA optimize took during the load describe
			// a fraction of the collection.
			if err := execAll(ctx, tx, c.analyze()); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO lite_meta VALUES(?, ?)`, "spec:"+c.spec.Name, fingerprint(c.spec)); err != nil {
				return err
			}
		}
		return nil
	})
	if built == nil {
		for _, c := range cs {
			c.loading.Store(false) // the scoped and ordered word tables are filled
		}
	}
	return errors.Join(err, built)
}
