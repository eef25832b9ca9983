package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// memberDriver picks, for a find sorted by the spec's order (every key in
// one direction) with a limit, a conjunct of filter that is an equality on
// a member path (a literal, {$eq: v} or {$in: [v]}, reached through $and
// only, so the find selects a subset of that value's documents). The member
// table's (f, v, k0, k1...) index lists that value's documents in the
// sort's order, so the page is read from it and stops at its end, instead of
// reading all of the value's documents and sorting them (a busy
// stakeholder's meetings and messages in its timeline). rest is filter
// without that conjunct; ok is false when there is none.
func (sp *liteSpec) memberDriver(filter bson.D, plan findPlan) (rest bson.D, path string, val any, ok bool) {
	if len(sp.order) == 0 || plan.limit <= 0 || len(plan.sort) != len(sp.order) {
		return nil, "", nil, false
	}
	var dir any
	for i, e := range plan.sort {
		d, isDir := sortDir(e.Value)
		if !isDir || e.Key != sp.order[i] || (i > 0 && d != dir) {
			return nil, "", nil, false
		}
		dir = d
	}
	return sp.withoutMemberEq(filter)
}

// sortDir reads a sort direction: 1 or -1.
func sortDir(v any) (int, bool) {
	switch v {
	case 1, int32(1), int64(1):
		return 1, true
	case -1, int32(-1), int64(-1):
		return -1, true
	}
	return 0, false
}

// withoutMemberEq finds the first member equality among the conjuncts of
// filter and returns filter without it.
func (sp *liteSpec) withoutMemberEq(filter bson.D) (bson.D, string, any, bool) {
	for i, e := range filter {
		if e.Key == "$and" {
			items, isList := e.Value.(bson.A)
			if !isList {
				continue
			}
			for j, x := range items {
				d, isDoc := x.(bson.D)
				if !isDoc {
					continue
				}
				if sub, path, val, ok := sp.withoutMemberEq(d); ok {
					and := append(bson.A{}, items...)
					and[j] = sub
					out := append(bson.D{}, filter...)
					out[i] = bson.E{Key: "$and", Value: and}
					return out, path, val, true
				}
			}
			continue
		}
		if val, ok := memberEq(e.Value); ok && sp.isMember(e.Key) {
			out := append(append(bson.D{}, filter[:i]...), filter[i+1:]...)
			return out, e.Key, val, true
		}
	}
	return nil, "", nil, false
}

// memberEq reads the single value an equality condition compares with.
func memberEq(v any) (any, bool) {
	ops, isOps := v.(bson.D)
	if !isOps {
		switch v.(type) {
		case nil, bson.A, bson.D, bson.M, bson.Regex:
			return nil, false
		}
		return v, true
	}
	if len(ops) != 1 {
		return nil, false
	}
	switch ops[0].Key {
	case "$eq":
		return memberEq(ops[0].Value)
	case "$in":
		if list, ok := ops[0].Value.(bson.A); ok && len(list) == 1 {
			return memberEq(list[0])
		}
		if list, ok := ops[0].Value.([]string); ok && len(list) == 1 {
			return list[0], true
		}
		if list, ok := ops[0].Value.([]bson.ObjectID); ok && len(list) == 1 {
			return list[0], true
		}
	}
	return nil, false
}

// drive makes w read the sort's columns from the member row d of the
// value (see memberDriver) and returns the FROM clause and the condition
// that the member row is the value's.
func (w *sqlWhere) drive(rowsTable, path string) (from, cond string) {
	w.cols = map[string]string{}
	for i, p := range w.sp.order {
		w.cols[p] = fmt.Sprintf("d.k%d", i)
	}
	return fmt.Sprintf("%q AS d CROSS JOIN %q AS r ON r.rowid = d.rid", w.members, rowsTable),
		fmt.Sprintf("d.f = '%s' AND d.v = ?", path)
}

// litePage reads, in one read transaction, the rowids query selects (in
// its order), then the engine's documents of those rows, in that order.
// The documents are never sorted by SQLite: its sorter copies each row it
// sorts, and a page of documents is a hundred kilobytes.
func litePage(ctx context.Context, db *sql.DB, table, query string, args []any, decode func([]byte) (bson.Raw, error)) ([]bson.Raw, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var ids []byte
	n := 0
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		if n == 0 {
			ids = append(ids, '[')
		} else {
			ids = append(ids, ',')
		}
		ids = strconv.AppendInt(ids, id, 10)
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	ids = append(ids, ']')
	// j.key is the position in the page, whatever order the join yields.
	// As a BLOB the driver hands each document over in one copy, not two
	// (a byte copy, then a string of it).
	rows, err = tx.QueryContext(ctx, fmt.Sprintf(`SELECT j.key, CAST(t._ferretdb_sjson AS BLOB) FROM json_each(?) AS j CROSS JOIN %q AS t ON t.rowid = j.value`, table), string(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]bson.Raw, n)
	var raw sql.RawBytes // reused: each document is decoded before the next row
	for rows.Next() {
		var i int
		if err := rows.Scan(&i, &raw); err != nil {
			return nil, err
		}
		if i < 0 || i >= n || out[i] != nil {
			return nil, fmt.Errorf("%w: page position %d", errSJSON, i)
		}
		if out[i], err = decode(raw); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, raw := range out {
		if raw == nil {
			return nil, fmt.Errorf("%w: no document for row %d of the page", errSJSON, i)
		}
	}
	return out, nil
}
