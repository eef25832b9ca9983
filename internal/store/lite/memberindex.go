package lite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// memberIndex is a compound index whose first key is a member path (an
// array, like MongoDB's multikey compound indexes): its own table holds
// one row per distinct element with the document's values of the other
// keys, so that "regions in (...) and status = ?" is one index range and a
// count of it never reads a document.
type memberIndex struct {
	c      *Collection
	name   string
	path   string // the member path (query form, dotted)
	keys   []Key  // the other keys: fields or _id
	pos    []int  // each key's position in spec.Fields; -1 for _id
	t      string // quoted table
	insert string
}

func (c *Collection) newMemberIndex(ix Index) (*memberIndex, error) {
	x := &memberIndex{c: c, name: ix.Name, path: ix.Keys[0].Path, keys: ix.Keys[1:], t: quote("x:" + c.spec.Name + ":" + ix.Name)}
	if len(x.keys) == 0 {
		return nil, fmt.Errorf("lite: %s.%s: a member index needs field keys after its member path", c.spec.Name, ix.Name)
	}
	for _, k := range x.keys {
		p := -1
		if k.Path != "_id" {
			p = indexOf(c.spec.Fields, k.Path)
			if p < 0 {
				return nil, fmt.Errorf("lite: %s.%s: key %q after the member path is not a declared field", c.spec.Name, ix.Name, k.Path)
			}
		}
		x.pos = append(x.pos, p)
	}
	cols := []string{"v"}
	for _, k := range x.keys {
		cols = append(cols, x.col(k.Path))
	}
	cols = append(cols, "rid")
	x.insert = "INSERT INTO " + x.t + "(" + strings.Join(cols, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(cols)-1) + ")"
	return x, nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// col is the quoted column of a key path in the index's table.
func (x *memberIndex) col(path string) string { return quote("k:" + path) }

func (x *memberIndex) create() []string {
	cols, keys := []string{"v NOT NULL"}, []string{"v"}
	for _, k := range x.keys {
		cols = append(cols, x.col(k.Path))
		key := x.col(k.Path)
		if k.Desc {
			key += " DESC"
		}
		keys = append(keys, key)
	}
	return []string{
		"CREATE TABLE " + x.t + "(" + strings.Join(cols, ", ") + ", rid INTEGER NOT NULL)",
		"CREATE INDEX " + x.c.indexName("x:"+x.name) + " ON " + x.t + "(" + strings.Join(keys, ", ") + ", rid)",
		"CREATE INDEX " + x.c.indexName("x:"+x.name+":rid") + " ON " + x.t + "(rid)",
	}
}

// rows are the index's rows of a document: one per distinct element of
// the member path (pairs are the document's member rows).
func (x *memberIndex) rows(d derived, pairs [][2]any) [][]any {
	var out [][]any
	for _, p := range pairs {
		if p[0] != x.path {
			continue
		}
		r := []any{p[1]}
		for _, i := range x.pos {
			if i < 0 {
				r = append(r, d.id)
			} else {
				r = append(r, d.fields[i])
			}
		}
		out = append(out, r)
	}
	return out
}

// memberIndexTables lists the collection's member index tables in the file
// (a rebuild drops them, whatever the old spec declared).
func (c *Collection) memberIndexTables(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type='table' AND substr(name, 1, ?) = ?`, len("x:"+c.spec.Name+":"), "x:"+c.spec.Name+":")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// xquery is the part of a filter a member index answers on its own.
type xquery struct {
	x      *memberIndex
	where  string // over the index's table
	args   []any
	single bool // one member value: each document has at most one row
	// covered: the index answers the whole filter, so counts and sorted
	// pages read the index alone.
	covered bool
}

// sub is the condition on the document table: its rowid is among the
// index's rows (with an ordered, limited walk when order is not "").
func (q *xquery) sub(t, order string, limit int64) (string, []any) {
	s := t + ".rowid IN (SELECT rid FROM " + q.x.t + " WHERE " + q.where
	args := q.args
	if order != "" {
		s += order + " LIMIT ?"
		args = append(append([]any(nil), args...), limit)
	}
	return s + ")", args
}

// on probes the index's rows of the document whose rowid is rid (on the
// index by rid: a document has a row per element).
func (q *xquery) on(rid string) (string, []any) {
	return "EXISTS (SELECT 1 FROM " + q.x.t + " WHERE rid = " + rid + " AND " + q.where + ")", q.args
}

// count is the SQL counting the documents of a covered filter.
func (q *xquery) count(limit int64) (string, []any) {
	sel := "DISTINCT rid"
	if q.single {
		sel = "1"
	}
	s := "SELECT " + sel + " FROM " + q.x.t + " WHERE " + q.where
	args := q.args
	if limit > 0 {
		s += " LIMIT ?"
		args = append(append([]any(nil), args...), limit)
	}
	return "SELECT count(*) FROM (" + s + ")", args
}

// order compiles sort on the index's columns; "" when a key is not one.
func (q *xquery) order(sort bson.D) string {
	if len(sort) == 0 {
		return ""
	}
	var keys []string
	for _, k := range sort {
		found := false
		for _, ik := range q.x.keys {
			found = found || ik.Path == k.Key
		}
		dir, ok := toFloat(k.Value)
		if !found || !ok {
			return ""
		}
		key := q.x.col(k.Key)
		if dir < 0 {
			key += " DESC"
		}
		keys = append(keys, key)
	}
	return " ORDER BY " + strings.Join(keys, ", ")
}

// conjuncts flattens the top-level conditions of a filter ($and of
// documents included) into single conditions.
func conjuncts(filter bson.D) []bson.E {
	var out []bson.E
	for _, e := range filter {
		if e.Key == "$and" {
			if arr, ok := e.Value.(bson.A); ok && len(arr) > 0 {
				all := true
				for _, v := range arr {
					_, isDoc := v.(bson.D)
					all = all && isDoc
				}
				if all {
					for _, v := range arr {
						out = append(out, conjuncts(v.(bson.D))...)
					}
					continue
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// memberIndexed finds the member index that answers the most conditions
// of filter: one positive condition on its member path ($eq or $in) and
// exact conditions on its other keys. On a tie it prefers the longer run
// of equalities leading its keys, then an index whose next keys are the
// find's sort, then the first declared. It returns that part and the
// conditions left for the document table; nil when no index applies.
func (c *compiler) memberIndexed(filter bson.D) (*xquery, bson.D) {
	if len(c.xs) == 0 {
		return nil, filter
	}
	conds := conjuncts(filter)
	var best *xquery
	var bestRest bson.D
	var bestScore [3]int
	for _, x := range c.xs {
		q := &xquery{x: x}
		var parts []string
		var rest bson.D
		member, n := false, 0
		eqs := map[string]bool{}
		for _, e := range conds {
			if !member && e.Key == x.path {
				if p, a, single, ok := memberValuesCond(e.Value); ok {
					parts, q.args, q.single, member = append([]string{p}, parts...), append(a, q.args...), single, true
					n++
					continue
				}
			}
			if p, a, ok := x.keyCond(e); ok {
				parts, q.args = append(parts, p), append(q.args, a...)
				n++
				if _, isOps := isOpDoc(e.Value); !isOps || (len(e.Value.(bson.D)) == 1 && e.Value.(bson.D)[0].Key == "$eq") {
					eqs[e.Key] = true
				}
				continue
			}
			rest = append(rest, e)
		}
		if !member {
			continue
		}
		eq := 0
		for eq < len(x.keys) && eqs[x.keys[eq].Path] {
			eq++
		}
		sorted := 0
		if len(c.sort) > 0 && eq+len(c.sort) <= len(x.keys) {
			sorted = 1
			for i, k := range c.sort {
				if x.keys[eq+i].Path != k.Key {
					sorted = 0
				}
			}
		}
		if score := [3]int{n, eq, sorted}; best == nil || score[0] > bestScore[0] ||
			(score[0] == bestScore[0] && (score[1] > bestScore[1] || (score[1] == bestScore[1] && score[2] > bestScore[2]))) {
			q.where = strings.Join(parts, " AND ")
			q.covered = len(rest) == 0
			best, bestRest, bestScore = q, rest, score
		}
	}
	if best == nil {
		return nil, filter
	}
	return best, bestRest
}

// memberValuesCond compiles "some element equals one of" for the index's v
// column.
func memberValuesCond(cond any) (string, []any, bool, bool) {
	ops, isOps := isOpDoc(cond)
	if !isOps {
		ops = bson.D{{Key: "$eq", Value: cond}}
	}
	if len(ops) != 1 {
		return "", nil, false, false
	}
	switch ops[0].Key {
	case "$eq":
		s, ok := sqlValue(ops[0].Value)
		if !ok || s == nil {
			return "", nil, false, false
		}
		return "v = ?", []any{s}, true, true
	case "$in":
		if _, ok := ops[0].Value.(bson.A); !ok {
			return "", nil, false, false
		}
		vals, hasNull, ok := encodeList(ops[0].Value)
		if !ok || hasNull || len(vals) == 0 {
			return "", nil, false, false
		}
		if len(vals) == 1 {
			return "v = ?", vals, true, true
		}
		l, a := list(vals)
		return "v IN " + l, a, false, true
	}
	return "", nil, false, false
}

// keyCond compiles a condition on one of the index's other keys exactly,
// or answers false.
func (x *memberIndex) keyCond(e bson.E) (string, []any, bool) {
	found := false
	for _, k := range x.keys {
		found = found || k.Path == e.Key
	}
	if !found {
		return "", nil, false
	}
	ops, isOps := isOpDoc(e.Value)
	if !isOps {
		ops = bson.D{{Key: "$eq", Value: e.Value}}
	}
	op := x.c.columnOpFor(x.col(e.Key), ops)
	var parts []string
	var args []any
	for _, o := range ops {
		if !fieldOps[o.Key] || o.Key == "$regex" || o.Key == "$options" {
			return "", nil, false
		}
		if (o.Key == "$in" || o.Key == "$nin") && !isArray(o.Value) {
			return "", nil, false
		}
		p, a, ok := op(o.Key, o.Value)
		if !ok || p == "" {
			return "", nil, false
		}
		parts, args = append(parts, p), append(args, a...)
	}
	return strings.Join(parts, " AND "), args, true
}

func isArray(v any) bool {
	_, ok := v.(bson.A)
	return ok
}
