package lite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// Collection is one declared collection.
type Collection struct {
	db      *DB
	spec    Spec
	t, m, w string // quoted tables: documents, members, words
	ws      string // quoted table of scoped words (spec.WordScope), if any
	wo      string // quoted table of ordered words (spec.WordOrder), if any
	ko      int    // spec.WordOrder's index in Fields
	// loading: a BulkLoad set the scoped and ordered word tables aside
	// (dropped, filled at its end): writes skip their rows and queries
	// read the word table.
	loading atomic.Bool
	members map[string]string // query path -> declared member path
	parts   map[string][]string
	cols    []string // quoted field columns, in spec order
	uniqM   bool     // a unique index on a member path
	xs      []*memberIndex
	// gen moves on every write (DB.touch, DB.settle); choices are the
	// planner's choices made under it.
	gen     atomic.Uint64
	choices choices
}

var _ coll.Collection = (*Collection)(nil)

func newCollection(db *DB, s Spec) (*Collection, error) {
	if s.Name == "" {
		return nil, errors.New("lite: a spec without a name")
	}
	c := &Collection{db: db, spec: s, t: quote("d:" + s.Name), m: quote("m:" + s.Name), w: quote("w:" + s.Name),
		members: map[string]string{}, parts: map[string][]string{}}
	if s.WordScope != "" {
		c.ws = quote("ws:" + s.Name)
	}
	if len(s.Fields) > MaxBind-4 {
		return nil, fmt.Errorf("lite: %s: too many fields", s.Name)
	}
	seen := map[string]bool{"_id": true}
	for _, f := range s.Fields {
		if f == "" || seen[f] || strings.Contains(f, "/") {
			return nil, fmt.Errorf("lite: %s: bad or repeated field %q", s.Name, f)
		}
		seen[f] = true
		c.cols = append(c.cols, c.col(f))
	}
	for _, mp := range s.Members {
		q := strings.ReplaceAll(mp, "/", ".")
		if mp == "" || seen[q] {
			return nil, fmt.Errorf("lite: %s: bad or repeated member %q", s.Name, mp)
		}
		seen[q] = true
		c.members[q] = mp
		c.parts[q] = strings.Split(q, ".")
	}
	if s.WordScope != "" && (s.Words == "" || !hasString(s.Fields, s.WordScope) && c.members[s.WordScope] == "") {
		return nil, fmt.Errorf("lite: %s: word scope %q needs Words and a declared field or member path", s.Name, s.WordScope)
	}
	if s.WordOrder != "" {
		if c.ko = indexOf(s.Fields, s.WordOrder); s.Words == "" || c.ko < 0 {
			return nil, fmt.Errorf("lite: %s: word order %q needs Words and a declared field", s.Name, s.WordOrder)
		}
		c.wo = quote("wo:" + s.Name)
	}
	for _, ix := range s.Indexes {
		if ix.Name == "" || len(ix.Keys) == 0 {
			return nil, fmt.Errorf("lite: %s: an index needs a name and keys", s.Name)
		}
		if c.members[ix.Keys[0].Path] != "" && !ix.Unique {
			x, err := c.newMemberIndex(ix)
			if err != nil {
				return nil, err
			}
			c.xs = append(c.xs, x)
			continue
		}
		for _, k := range ix.Keys {
			if c.members[k.Path] != "" {
				if !ix.Unique || len(ix.Keys) != 1 {
					return nil, fmt.Errorf("lite: %s.%s: a member path may only be the one key of a unique index, or the first key of a member index", s.Name, ix.Name)
				}
				c.uniqM = true
			} else if k.Path != "_id" && !seen[k.Path] {
				return nil, fmt.Errorf("lite: %s.%s: key %q is not a declared field", s.Name, ix.Name, k.Path)
			}
		}
	}
	return c, nil
}

// col is the quoted, table-qualified column of a field path.
func (c *Collection) col(path string) string {
	if path == "_id" {
		return c.t + ".id"
	}
	return c.t + "." + quote("f:"+path)
}

func (c *Collection) bare(path string) string {
	if path == "_id" {
		return "id"
	}
	return quote("f:" + path)
}

func (c *Collection) indexName(s string) string { return quote("i:" + c.spec.Name + ":" + s) }

type row struct {
	rid int64
	doc bson.Raw
}

func readBatch(ctx context.Context, q querier, s string, args ...any) ([]row, error) {
	rows, err := q.QueryContext(ctx, s, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		var b []byte
		if err := rows.Scan(&r.rid, &b); err != nil {
			return nil, err
		}
		r.doc = b
		out = append(out, r)
	}
	return out, rows.Err()
}

// derived is what a document puts in columns and rows.
type derived struct {
	id      any
	fields  []any
	members string    // JSON [[f, v], ...]; "" for none
	words   string    // JSON [w, ...]; "" for none
	scopes  string    // JSON [s, ...]: the word scope's distinct text values; "" for none
	x       [][][]any // per member index, its rows: [v, keys...]
}

func (c *Collection) derive(doc bson.Raw) (derived, error) {
	var d derived
	rv, err := doc.LookupErr("_id")
	if err != nil {
		return d, fmt.Errorf("lite: %s: a document without _id", c.spec.Name)
	}
	id, ok := rawSQLValue(rv)
	if !ok || id == nil {
		return d, fmt.Errorf("lite: %s: _id of type %s: %w", c.spec.Name, rv.Type, coll.ErrUnsupported)
	}
	d.id = id
	for _, f := range c.spec.Fields {
		v, err := fieldValue(doc, f)
		if err != nil {
			return d, fmt.Errorf("%w (collection %s)", err, c.spec.Name)
		}
		d.fields = append(d.fields, v)
	}
	var pairs [][2]any
	for _, q := range sortedKeys(c.members) {
		parts := c.parts[q]
		first, err := doc.LookupErr(parts[0])
		if err != nil {
			continue
		}
		vals, err := memberValues(first, parts[1:], q, nil)
		if err != nil {
			return d, fmt.Errorf("%w (collection %s)", err, c.spec.Name)
		}
		seen := map[any]bool{}
		for _, v := range vals {
			// One row per distinct value: SQLite's keys hold 1 and 1.0 equal.
			if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				v = int64(f)
			}
			if !seen[v] {
				seen[v] = true
				pairs = append(pairs, [2]any{q, v})
			}
		}
	}
	for _, x := range c.xs {
		d.x = append(d.x, x.rows(d, pairs))
	}
	d.scopes = c.scopes(d, pairs)
	if len(pairs) > 0 {
		b, err := json.Marshal(pairs)
		if err != nil {
			return d, fmt.Errorf("lite: %s: member values: %w", c.spec.Name, err)
		}
		d.members = string(b)
	}
	if c.spec.Words != "" {
		if s, ok := lookupString(doc, c.spec.Words); ok {
			var ws []string
			seen := map[string]bool{}
			for _, w := range strings.Split(s, " ") {
				if w != "" && !seen[w] {
					seen[w] = true
					ws = append(ws, w)
				}
			}
			if len(ws) > 0 {
				b, _ := json.Marshal(ws)
				d.words = string(b)
			}
		}
	}
	return d, nil
}

// scopes are the text values of the word scope (its field, or its member
// rows among pairs) as JSON, "" for none or no scope: only text keys the
// scoped words, and only a list of texts reads them (scopeList).
func (c *Collection) scopes(d derived, pairs [][2]any) string {
	if c.ws == "" {
		return ""
	}
	var vals []string
	if i := indexOf(c.spec.Fields, c.spec.WordScope); i >= 0 {
		if s, ok := d.fields[i].(string); ok {
			vals = append(vals, s)
		}
	} else {
		for _, p := range pairs { // distinct already
			if s, ok := p[1].(string); ok && p[0] == c.spec.WordScope {
				vals = append(vals, s)
			}
		}
	}
	if len(vals) == 0 {
		return ""
	}
	b, _ := json.Marshal(vals)
	return string(b)
}

func lookupString(doc bson.Raw, path string) (string, bool) {
	rv, err := doc.LookupErr(strings.Split(path, ".")...)
	if err != nil {
		return "", false
	}
	return rv.StringValueOK()
}

// writer writes documents and their rows in one transaction, preparing
// each statement once.
type writer struct {
	c     *Collection
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	// noScoped leaves the scoped and ordered word rows out: a rebuild
	// fills them in key order at the end (fillScoped, fillOrdered), far
	// cheaper than row by row.
	noScoped bool
}

func newWriter(c *Collection, tx *sql.Tx) *writer {
	c.db.touch(c)
	return &writer{c: c, tx: tx, stmts: map[string]*sql.Stmt{}}
}

func (w *writer) close() {
	for _, s := range w.stmts {
		s.Close()
	}
}

func (w *writer) exec(ctx context.Context, s string, args ...any) (sql.Result, error) {
	st := w.stmts[s]
	if st == nil {
		var err error
		if st, err = w.tx.PrepareContext(ctx, s); err != nil {
			return nil, err
		}
		w.stmts[s] = st
	}
	return st.ExecContext(ctx, args...)
}

func (w *writer) dupErr(err error) error {
	if isUnique(err) {
		return fmt.Errorf("lite: %s: %v: %w", w.c.spec.Name, err, coll.ErrDuplicate)
	}
	return fmt.Errorf("lite: write %s: %w", w.c.spec.Name, err)
}

// insert writes a new document (rid 0 lets SQLite choose) and its rows.
func (w *writer) insert(ctx context.Context, rid int64, doc bson.Raw) (int64, error) {
	c := w.c
	d, err := c.derive(doc)
	if err != nil {
		return 0, err
	}
	var ridArg any
	if rid != 0 {
		ridArg = rid
	}
	args := append([]any{ridArg, d.id, []byte(doc)}, d.fields...)
	s := "INSERT INTO " + c.t + "(rowid, id, doc"
	for _, f := range c.spec.Fields {
		s += ", " + c.bare(f)
	}
	s += ") VALUES (?" + strings.Repeat(", ?", len(args)-1) + ")"
	res, err := w.exec(ctx, s, args...)
	if err != nil {
		return 0, w.dupErr(err)
	}
	if rid, err = res.LastInsertId(); err != nil {
		return 0, err
	}
	return rid, w.rows(ctx, rid, derived{}, d, false)
}

// rows rewrites a document's member and word rows when they changed.
func (w *writer) rows(ctx context.Context, rid int64, old, d derived, existed bool) error {
	c := w.c
	if old.members != d.members || !existed {
		if existed {
			if _, err := w.exec(ctx, "DELETE FROM "+c.m+" WHERE rid = ?", rid); err != nil {
				return err
			}
		}
		if d.members != "" {
			if _, err := w.exec(ctx, "INSERT INTO "+c.m+"(f, v, rid) SELECT value->>0, value->>1, ? FROM json_each(?)", rid, d.members); err != nil {
				return w.dupErr(err)
			}
		}
	}
	for i, x := range c.xs {
		if existed && reflect.DeepEqual(old.x[i], d.x[i]) {
			continue
		}
		if existed {
			if _, err := w.exec(ctx, "DELETE FROM "+x.t+" WHERE rid = ?", rid); err != nil {
				return err
			}
		}
		for _, r := range d.x[i] {
			if _, err := w.exec(ctx, x.insert, append(r, rid)...); err != nil {
				return err
			}
		}
	}
	if old.words != d.words || !existed {
		if existed {
			if _, err := w.exec(ctx, "DELETE FROM "+c.w+" WHERE rid = ?", rid); err != nil {
				return err
			}
		}
		if d.words != "" {
			if _, err := w.exec(ctx, "INSERT INTO "+c.w+"(w, rid) SELECT value, ? FROM json_each(?)", rid, d.words); err != nil {
				return err
			}
		}
	}
	if c.ws != "" && !w.noScoped && !c.loading.Load() && (old.words != d.words || old.scopes != d.scopes || !existed) {
		if err := w.dropScoped(ctx, rid, old); err != nil {
			return err
		}
		if d.words != "" && d.scopes != "" {
			if _, err := w.exec(ctx, "INSERT INTO "+c.ws+"(s, w, rid) SELECT sv.value, wv.value, ? FROM json_each(?) sv, json_each(?) wv", rid, d.scopes, d.words); err != nil {
				return err
			}
		}
	}
	if was, k := c.orderKey(old), c.orderKey(d); c.wo != "" && !w.noScoped && !c.loading.Load() && (old.words != d.words || !reflect.DeepEqual(was, k) || !existed) {
		if err := w.dropOrdered(ctx, rid, old); err != nil {
			return err
		}
		if d.words != "" && k != nil {
			if _, err := w.exec(ctx, "INSERT INTO "+c.wo+"(w, k, rid) SELECT value, ?, ? FROM json_each(?)", k, rid, d.words); err != nil {
				return err
			}
		}
	}
	return nil
}

// orderKey is d's value of the word order's field (nil for none).
func (c *Collection) orderKey(d derived) any {
	if c.wo == "" || len(d.fields) == 0 {
		return nil
	}
	return d.fields[c.ko]
}

// dropOrdered deletes a document's ordered word rows, known from its old
// derived values (old), by their keys like dropScoped.
func (w *writer) dropOrdered(ctx context.Context, rid int64, old derived) error {
	k := w.c.orderKey(old)
	if old.words == "" || k == nil {
		return nil
	}
	_, err := w.exec(ctx, "DELETE FROM "+w.c.wo+" WHERE w IN (SELECT value FROM json_each(?)) AND k = ? AND rid = ?", old.words, k, rid)
	return err
}

// dropScoped deletes a document's scoped word rows, known from its old
// derived values (old): each is found by its key, so the table needs no
// index by rid.
func (w *writer) dropScoped(ctx context.Context, rid int64, old derived) error {
	if old.words == "" || old.scopes == "" {
		return nil
	}
	_, err := w.exec(ctx, "DELETE FROM "+w.c.ws+" WHERE s IN (SELECT value FROM json_each(?)) AND w IN (SELECT value FROM json_each(?)) AND rid = ?", old.scopes, old.words, rid)
	return err
}

// update rewrites document rid from old to doc.
func (w *writer) update(ctx context.Context, rid int64, old, doc bson.Raw) error {
	c := w.c
	od, err := c.derive(old)
	if err != nil {
		return err
	}
	d, err := c.derive(doc)
	if err != nil {
		return err
	}
	s := "UPDATE " + c.t + " SET id = ?, doc = ?"
	for _, f := range c.spec.Fields {
		s += ", " + c.bare(f) + " = ?"
	}
	s += " WHERE rowid = ?"
	args := append(append([]any{d.id, []byte(doc)}, d.fields...), rid)
	if _, err := w.exec(ctx, s, args...); err != nil {
		return w.dupErr(err)
	}
	return w.rows(ctx, rid, od, d, true)
}

// delete removes document rid, whose stored form is doc, and its rows.
func (w *writer) delete(ctx context.Context, rid int64, doc bson.Raw) error {
	c := w.c
	if (c.ws != "" || c.wo != "") && !c.loading.Load() {
		old, err := c.derive(doc)
		if err != nil {
			return err
		}
		if err := w.dropScoped(ctx, rid, old); err != nil {
			return err
		}
		if err := w.dropOrdered(ctx, rid, old); err != nil {
			return err
		}
	}
	if _, err := w.exec(ctx, "DELETE FROM "+c.t+" WHERE rowid = ?", rid); err != nil {
		return err
	}
	if len(c.members) > 0 {
		if _, err := w.exec(ctx, "DELETE FROM "+c.m+" WHERE rid = ?", rid); err != nil {
			return err
		}
	}
	if c.spec.Words != "" {
		if _, err := w.exec(ctx, "DELETE FROM "+c.w+" WHERE rid = ?", rid); err != nil {
			return err
		}
	}
	for _, x := range c.xs {
		if _, err := w.exec(ctx, "DELETE FROM "+x.t+" WHERE rid = ?", rid); err != nil {
			return err
		}
	}
	return nil
}

// cursor streams the documents a filter selects in sort order.
type cursor struct {
	rows *sql.Rows
	// buf holds the page instead of rows when buffered (an ordered plan's,
	// read whole to check it is full).
	buf      []row
	buffered bool

	m     *matcher
	resid bson.D
	limit int64
	n     int64
	// For the slow-query log: the query, when it started, rows read.
	c     *Collection
	ctx   context.Context
	sql   string
	start time.Time
	read  int64
}

// open compiles filter and sort and starts the query.
func (c *Collection) open(ctx context.Context, q querier, filter, sort bson.D, limit int64) (*cursor, error) {
	f, err := canon(filter)
	if err != nil {
		return nil, fmt.Errorf("lite: filter: %w", err)
	}
	if sort, err = canon(sort); err != nil {
		return nil, fmt.Errorf("lite: sort: %w", err)
	}
	order, err := c.orderBy(sort)
	if err != nil {
		return nil, err
	}
	cq, err := c.plan(ctx, q, f, sort, limit, order)
	if err != nil {
		return nil, err
	}
	if cq.where == "" && len(cq.resid) > 0 && !c.spec.Scannable && c.db.log != nil {
		paths := make([]string, len(cq.resid))
		for i, e := range cq.resid {
			paths[i] = e.Key
		}
		c.db.log.ErrorContext(ctx, "lite: a query reads every document", "collection", c.spec.Name, "paths", paths)
	}
	args := cq.args
	if x := cq.x; x != nil && x.covered && x.single && limit > 0 {
		// The page is the first rows of one index range in sort order.
		if xo := x.order(sort); xo != "" {
			cq.where, args = x.sub(c.t, xo, limit)
		}
	}
	s, args := c.selectSQL(cq.where, args, cq.resid, order, limit)
	cu := &cursor{m: newMatcher(), resid: cq.resid, limit: limit, c: c, ctx: ctx, sql: s, start: time.Now()}
	if cq.ordered {
		// An ordered plan's bound was found in a snapshot of its own (or
		// remembered): a write since may have left fewer than a page at
		// or above it, and then the page is read as before. A full page
		// is the right one: the page's documents all lie at or above it.
		if cu.buf, err = readBatch(ctx, q, s, args...); err == nil && int64(len(cu.buf)) < limit {
			var plain query
			if plain, _, err = c.compilePlan(f, sort, false, cq.driver); err == nil {
				cu.sql, args = c.selectSQL(plain.where, plain.args, nil, order, limit)
				cu.buf, err = readBatch(ctx, q, cu.sql, args...)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("lite: find in %s: %w", c.spec.Name, err)
		}
		cu.buffered = true
		return cu, nil
	}
	if cu.rows, err = q.QueryContext(ctx, s, args...); err != nil {
		return nil, fmt.Errorf("lite: find in %s: %w", c.spec.Name, err)
	}
	return cu, nil
}

// selectSQL is the find of the documents where holds, in order, limited
// in SQL when every condition is (no resid), recorded for CheckPlans.
func (c *Collection) selectSQL(where string, args []any, resid bson.D, order string, limit int64) (string, []any) {
	s := "SELECT rowid, doc FROM " + c.t
	if where != "" {
		s += " WHERE " + where
	}
	s += order
	if limit > 0 && len(resid) == 0 {
		s += " LIMIT ?"
		args = append(slices.Clip(args), limit)
	}
	c.db.record(c, s, args, limit > 0)
	return s, args
}

// sortIndexed tells whether an index of the document table leads with
// sort's keys, in its directions or all reversed, so that a walk in sort
// order reads no more rows than it returns or skips. Every collection has
// one on _id.
func (c *Collection) sortIndexed(sort bson.D) bool {
	if len(sort) == 1 && sort[0].Key == "_id" {
		return true
	}
	for _, ix := range c.spec.Indexes {
		if len(ix.Keys) < len(sort) || c.members[ix.Keys[0].Path] != "" {
			continue
		}
		same, reversed := true, true
		for i, k := range sort {
			dir, _ := toFloat(k.Value)
			if ix.Keys[i].Path != k.Key {
				same, reversed = false, false
				break
			}
			desc := dir < 0
			same = same && desc == ix.Keys[i].Desc
			reversed = reversed && desc != ix.Keys[i].Desc
		}
		if same || reversed {
			return true
		}
	}
	return false
}

// next returns the next matching document, or nil at the end.
func (cu *cursor) next() (*row, error) {
	for {
		if cu.limit > 0 && cu.n >= cu.limit {
			return nil, nil
		}
		var r row
		if cu.buffered {
			if len(cu.buf) == 0 {
				return nil, nil
			}
			r, cu.buf = cu.buf[0], cu.buf[1:]
		} else {
			if !cu.rows.Next() {
				return nil, cu.rows.Err()
			}
			var b []byte
			if err := cu.rows.Scan(&r.rid, &b); err != nil {
				return nil, err
			}
			r.doc = b
		}
		cu.read++
		b := []byte(r.doc)
		if len(cu.resid) > 0 {
			var d bson.D
			if err := bson.Unmarshal(b, &d); err != nil {
				return nil, err
			}
			ok, err := cu.m.match(d, cu.resid)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		cu.n++
		return &r, nil
	}
}

func (cu *cursor) close() {
	if cu.rows != nil {
		cu.rows.Close()
	}
	cu.c.db.logSlow(cu.ctx, cu.c, cu.sql, cu.start, cu.read, cu.n)
}

// logSlow warns about a query that ran since start for db.slow or more
// (read is -1 when SQLite counted the rows itself).
func (db *DB) logSlow(ctx context.Context, c *Collection, sql string, start time.Time, read, returned int64) {
	if took := time.Since(start); db.slow > 0 && took >= db.slow && db.log != nil {
		// The SQL holds placeholders only, never values.
		db.log.WarnContext(ctx, "lite: slow query", "collection", c.spec.Name, "ms", took.Milliseconds(),
			"rows_read", read, "rows_returned", returned, "sql", sql)
	}
}

// all reads every remaining matching row.
func (cu *cursor) all() ([]row, error) {
	defer cu.close()
	var out []row
	for {
		r, err := cu.next()
		if err != nil || r == nil {
			return out, err
		}
		out = append(out, *r)
	}
}

var rawType = reflect.TypeOf(bson.Raw(nil))

// Find implements coll.Collection.
func (c *Collection) Find(ctx context.Context, filter bson.D, opts coll.FindOptions, out any) error {
	pv := reflect.ValueOf(out)
	if pv.Kind() != reflect.Pointer || pv.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("lite: Find needs a pointer to a slice, not %T", out)
	}
	proj, err := newProjection(opts.Projection)
	if err != nil {
		return err
	}
	cu, err := c.open(ctx, c.db.reader(ctx), filter, opts.Sort, opts.Limit)
	if err != nil {
		return err
	}
	defer cu.close()
	sv := pv.Elem()
	et := sv.Type().Elem()
	res, zero := reflect.MakeSlice(sv.Type(), 0, 0), reflect.Zero(et)
	for {
		r, err := cu.next()
		if err != nil {
			return fmt.Errorf("lite: find in %s: %w", c.spec.Name, err)
		}
		if r == nil {
			break
		}
		doc, err := proj.apply(r.doc)
		if err != nil {
			return err
		}
		if et == rawType {
			res = reflect.Append(res, reflect.ValueOf(doc))
			continue
		}
		// Decoded in place, in the slice's new element: a value decoded
		// aside and appended is a second allocation and copy of each
		// (large) struct.
		res = reflect.Append(res, zero)
		if err := bson.Unmarshal(doc, res.Index(res.Len()-1).Addr().Interface()); err != nil {
			return fmt.Errorf("lite: decode %s: %w", c.spec.Name, err)
		}
	}
	sv.Set(res)
	return nil
}

// decode decodes doc into out (bson.Raw pointers get a copy).
func decode(doc bson.Raw, out any) error {
	if p, ok := out.(*bson.Raw); ok {
		*p = bytes.Clone(doc)
		return nil
	}
	return bson.Unmarshal(doc, out)
}

// FindOne implements coll.Collection.
func (c *Collection) FindOne(ctx context.Context, filter bson.D, opts coll.FindOptions, out any) error {
	proj, err := newProjection(opts.Projection)
	if err != nil {
		return err
	}
	cu, err := c.open(ctx, c.db.reader(ctx), filter, opts.Sort, 1)
	if err != nil {
		return err
	}
	defer cu.close()
	r, err := cu.next()
	if err != nil {
		return fmt.Errorf("lite: find in %s: %w", c.spec.Name, err)
	}
	if r == nil {
		return fmt.Errorf("lite: %s: %w", c.spec.Name, coll.ErrNotFound)
	}
	doc, err := proj.apply(r.doc)
	if err != nil {
		return err
	}
	return decode(doc, out)
}

// Count implements coll.Collection.
func (c *Collection) Count(ctx context.Context, filter bson.D, limit int64) (int64, error) {
	f, err := canon(filter)
	if err != nil {
		return 0, err
	}
	cq, err := c.compile(f)
	if err != nil {
		return 0, err
	}
	if len(cq.resid) > 0 {
		cu, err := c.open(ctx, c.db.reader(ctx), filter, nil, limit)
		if err != nil {
			return 0, err
		}
		defer cu.close()
		for {
			r, err := cu.next()
			if err != nil {
				return 0, err
			}
			if r == nil {
				return cu.n, nil
			}
		}
	}
	var s string
	var args []any
	if cq.x != nil && cq.x.covered {
		s, args = cq.x.count(limit) // the index alone
	} else {
		s = "SELECT 1 FROM " + c.t
		if cq.where != "" {
			s += " WHERE " + cq.where
		}
		args = cq.args
		if limit > 0 {
			s += " LIMIT ?"
			args = append(args, limit)
		}
		s = "SELECT count(*) FROM (" + s + ")"
	}
	c.db.record(c, s, args, limit > 0)
	var n int64
	defer c.db.logSlow(ctx, c, s, time.Now(), -1, 1)
	if err := scanRow(ctx, c.db.reader(ctx), s, args, &n); err != nil {
		return 0, fmt.Errorf("lite: count %s: %w", c.spec.Name, err)
	}
	return n, nil
}

// marshalDoc marshals a caller's document with _id first (generated when
// missing), as the MongoDB driver sends it.
func marshalDoc(doc any) (bson.Raw, any, error) {
	var raw bson.Raw
	switch t := doc.(type) {
	case bson.Raw:
		raw = t
	case []byte:
		raw = t
	default:
		b, err := bson.Marshal(doc)
		if err != nil {
			return nil, nil, fmt.Errorf("lite: marshal: %w", err)
		}
		raw = b
	}
	if rv, err := raw.LookupErr("_id"); err == nil {
		var id any
		if err := rv.Unmarshal(&id); err != nil {
			return nil, nil, err
		}
		return raw, id, nil
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, nil, err
	}
	d = idFirst(d)
	b, err := bson.Marshal(d)
	return b, d[0].Value, err
}

// Insert implements coll.Collection. Outside a transaction the documents
// before a duplicate stay inserted, like MongoDB's ordered insert.
func (c *Collection) Insert(ctx context.Context, docs []any, opts coll.InsertOptions) (skipped []int, err error) {
	raws := make([]bson.Raw, len(docs))
	for i, d := range docs {
		if raws[i], _, err = marshalDoc(d); err != nil {
			return nil, err
		}
	}
	var stop error
	err = c.db.withWrite(ctx, func(tx *sql.Tx) error {
		wr := newWriter(c, tx)
		defer wr.close()
		for i, raw := range raws {
			if c.uniqM {
				// A member's unique index fails after the document row is in.
				if _, err := tx.ExecContext(ctx, "SAVEPOINT doc"); err != nil {
					return err
				}
			}
			_, err := wr.insert(ctx, 0, raw)
			if c.uniqM {
				s := "RELEASE doc"
				if err != nil {
					s = "ROLLBACK TO doc; RELEASE doc"
				}
				if _, serr := tx.ExecContext(context.WithoutCancel(ctx), s); serr != nil {
					return errors.Join(err, serr)
				}
			}
			switch {
			case err == nil:
			case errors.Is(err, coll.ErrDuplicate) && opts.SkipDuplicates:
				skipped = append(skipped, i)
			case errors.Is(err, coll.ErrDuplicate):
				stop = err
				return nil
			default:
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = stop
	}
	if err == nil && len(raws)-len(skipped) >= 1000 && c.db.ctxTx(ctx) == nil {
		err = c.db.Optimize(ctx)
	}
	return skipped, err
}

// selected reads, inside the write transaction tx, the first document
// filter selects in sort's order, or every one when many.
func (c *Collection) selected(ctx context.Context, tx *sql.Tx, filter, sort bson.D, many bool) ([]row, error) {
	limit := int64(1)
	if many {
		limit = 0
	}
	cu, err := c.open(ctx, tx, filter, sort, limit)
	if err != nil {
		return nil, err
	}
	return cu.all()
}

// modify is the shared core of Update, Replace and FindOneAndUpdate: change
// turns each selected document into its new form.
func (c *Collection) modify(ctx context.Context, filter, sort bson.D, many bool, upsert func() (bson.Raw, error),
	change func(old bson.Raw) (bson.Raw, error), seen func(old, new bson.Raw)) (coll.Result, error) {
	var res coll.Result
	err := c.db.withWrite(ctx, func(tx *sql.Tx) error {
		res = coll.Result{}
		rows, err := c.selected(ctx, tx, filter, sort, many)
		if err != nil {
			return err
		}
		wr := newWriter(c, tx)
		defer wr.close()
		for _, r := range rows {
			res.Matched++
			doc, err := change(r.doc)
			if err != nil {
				return err
			}
			if seen != nil {
				seen(r.doc, doc)
			}
			if bytes.Equal(doc, r.doc) {
				continue
			}
			res.Modified++
			if err := wr.update(ctx, r.rid, r.doc, doc); err != nil {
				return err
			}
		}
		if len(rows) > 0 || upsert == nil {
			return nil
		}
		doc, err := upsert()
		if err != nil {
			return err
		}
		if _, err := wr.insert(ctx, 0, doc); err != nil {
			return err
		}
		rv, _ := doc.LookupErr("_id")
		var id any
		_ = rv.Unmarshal(&id)
		res.UpsertedID = id
		if seen != nil {
			seen(nil, doc)
		}
		return nil
	})
	return res, err
}

func (c *Collection) updater(update bson.D) (func(bson.Raw) (bson.Raw, error), bson.D, error) {
	upd, err := canon(update)
	if err != nil {
		return nil, nil, err
	}
	if err := checkUpdate(upd); err != nil {
		return nil, nil, err
	}
	m := newMatcher()
	return func(old bson.Raw) (bson.Raw, error) {
		var d bson.D
		if err := bson.Unmarshal(old, &d); err != nil {
			return nil, err
		}
		nd, err := apply(m, d, upd, false)
		if err != nil {
			return nil, err
		}
		return bson.Marshal(nd)
	}, upd, nil
}

func upserter(filter, upd bson.D) func() (bson.Raw, error) {
	return func() (bson.Raw, error) {
		f, err := canon(filter)
		if err != nil {
			return nil, err
		}
		doc, err := upsertDoc(f)
		if err != nil {
			return nil, err
		}
		if doc, err = apply(newMatcher(), doc, upd, true); err != nil {
			return nil, err
		}
		return bson.Marshal(idFirst(doc))
	}
}

// Update implements coll.Collection.
func (c *Collection) Update(ctx context.Context, filter, update bson.D, opts coll.UpdateOptions) (coll.Result, error) {
	change, upd, err := c.updater(update)
	if err != nil {
		return coll.Result{}, err
	}
	var up func() (bson.Raw, error)
	if opts.Upsert {
		up = upserter(filter, upd)
	}
	return c.modify(ctx, filter, opts.Sort, opts.Many, up, change, nil)
}

// FindOneAndUpdate implements coll.Collection.
func (c *Collection) FindOneAndUpdate(ctx context.Context, filter, update bson.D, opts coll.UpdateOptions, out any) error {
	change, upd, err := c.updater(update)
	if err != nil {
		return err
	}
	var up func() (bson.Raw, error)
	if opts.Upsert {
		up = upserter(filter, upd)
	}
	var got bson.Raw
	_, err = c.modify(ctx, filter, opts.Sort, false, up, change, func(old, new bson.Raw) {
		got = new
		if opts.ReturnBefore {
			got = old
		}
	})
	if err != nil {
		return err
	}
	if got == nil {
		return fmt.Errorf("lite: %s: %w", c.spec.Name, coll.ErrNotFound)
	}
	if out == nil { // the caller only needs the update done
		return nil
	}
	return decode(got, out)
}

// Replace implements coll.Collection: the new document keeps the matched
// one's _id.
func (c *Collection) Replace(ctx context.Context, filter bson.D, doc any, upsert bool) (coll.Result, error) {
	raw, err := bson.Marshal(doc)
	if err != nil {
		return coll.Result{}, fmt.Errorf("lite: marshal: %w", err)
	}
	var nd bson.D
	if err := bson.Unmarshal(raw, &nd); err != nil {
		return coll.Result{}, err
	}
	withID := func(id any) (bson.Raw, error) {
		d := append(bson.D{}, nd...)
		if cur, ok := lookup(d, "_id"); ok {
			if compare(cur, id) != 0 || typeOrder(cur) != typeOrder(id) {
				return nil, fmt.Errorf("lite: a replacement may not change _id: %w", coll.ErrUnsupported)
			}
		} else {
			d = append(bson.D{{Key: "_id", Value: id}}, d...)
		}
		return bson.Marshal(idFirst(d))
	}
	var up func() (bson.Raw, error)
	if upsert {
		up = func() (bson.Raw, error) {
			f, err := canon(filter)
			if err != nil {
				return nil, err
			}
			seed, err := upsertDoc(f)
			if err != nil {
				return nil, err
			}
			if id, ok := lookup(seed, "_id"); ok {
				return withID(id)
			}
			return bson.Marshal(idFirst(append(bson.D{}, nd...)))
		}
	}
	return c.modify(ctx, filter, nil, false, up, func(old bson.Raw) (bson.Raw, error) {
		var id any
		if err := old.Lookup("_id").Unmarshal(&id); err != nil {
			return nil, err
		}
		return withID(id)
	}, nil)
}

// Delete implements coll.Collection.
func (c *Collection) Delete(ctx context.Context, filter bson.D, many bool) (int64, error) {
	var n int64
	err := c.db.withWrite(ctx, func(tx *sql.Tx) error {
		n = 0
		rows, err := c.selected(ctx, tx, filter, nil, many)
		if err != nil {
			return err
		}
		wr := newWriter(c, tx)
		defer wr.close()
		for _, r := range rows {
			if err := wr.delete(ctx, r.rid, r.doc); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// undeclared is the collection of a name no spec declares.
type undeclared string

func (u undeclared) err() error {
	return fmt.Errorf("lite: collection %q is not declared: %w", string(u), coll.ErrUnsupported)
}
func (u undeclared) Find(context.Context, bson.D, coll.FindOptions, any) error    { return u.err() }
func (u undeclared) FindOne(context.Context, bson.D, coll.FindOptions, any) error { return u.err() }
func (u undeclared) Count(context.Context, bson.D, int64) (int64, error)          { return 0, u.err() }
func (u undeclared) Insert(context.Context, []any, coll.InsertOptions) ([]int, error) {
	return nil, u.err()
}
func (u undeclared) Update(context.Context, bson.D, bson.D, coll.UpdateOptions) (coll.Result, error) {
	return coll.Result{}, u.err()
}
func (u undeclared) Replace(context.Context, bson.D, any, bool) (coll.Result, error) {
	return coll.Result{}, u.err()
}
func (u undeclared) FindOneAndUpdate(context.Context, bson.D, bson.D, coll.UpdateOptions, any) error {
	return u.err()
}
func (u undeclared) Delete(context.Context, bson.D, bool) (int64, error) { return 0, u.err() }
