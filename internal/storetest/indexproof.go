package storetest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
)

// The index proof: every query the tests send (on MongoDB or FerretDB the
// commands the driver's monitor sees; on the embedded store the same
// queries, as the store sends them through its collection interface and
// wireQuery turns them into MongoDB's commands) is checked, when the package's tests end, against the
// indexes EnsureIndexes creates on MongoDB, with MongoDB's rules: an
// index serves a query when it leads with a field the query constrains; a
// sort is served without a blocking in-memory sort when the index holds
// some of the query's equality fields first and then the sort fields in
// order, all in its direction or all reversed (the equality-sort part of
// the equality-sort-range rule); a $or needs every branch served. A query no
// index serves would scan its collection, which a server started with
// notablescan refuses: the tests fail and name it. (MongoDB's planner
// itself lets a query with an empty filter scan even under notablescan;
// the proof is stricter there on purpose, so that a whole-collection read
// is a deliberate _id walk and not an unbounded list that slipped in.)

// SmallCollections hold a few fixed documents (settings, leases,
// per-mailbox state, the configured mailboxes; and the report counters,
// report_counters*, one document per month and family; message_counts, one
// document per set of regions): scanning them is fine.
var SmallCollections = []string{"kv", "report_counters", "leases", "mail_state", "mailboxes", "message_counts"}

// Query is one query as the proof sees it.
type Query struct {
	Collection string
	Op         string
	Filter     bson.D
	Sort       bson.D
	Hint       any // the hint sent with it: an index's key pattern or name
}

func (q Query) String() string {
	s := fmt.Sprintf("%s %s filter=%s sort=%s", q.Collection, q.Op, shape(q.Filter), shape(q.Sort))
	if q.Hint != nil {
		s += " hint=" + hintShape(q.Hint)
	}
	return s
}

// recorder keeps one query of each shape.
type recorder struct {
	mu   sync.Mutex
	seen map[string]Query
}

var queries = &recorder{seen: map[string]Query{}}

func (r *recorder) add(q Query) {
	if q.Collection == "" {
		return
	}
	key := q.String()
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.seen[key]; !ok {
		r.seen[key] = q
	}
}

func (r *recorder) all() []Query {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Query, 0, len(r.seen))
	for _, q := range r.seen {
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// monitor records the queries of the commands sent to the server.
func (r *recorder) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		for _, q := range commandQueries(e.CommandName, e.Command) {
			r.add(q)
		}
	}}
}

// commandQueries are the queries one command runs.
func commandQueries(name string, raw bson.Raw) []Query {
	var cmd bson.D
	if err := bson.Unmarshal(raw, &cmd); err != nil {
		return nil
	}
	get := func(k string) any {
		for _, e := range cmd {
			if e.Key == k {
				return e.Value
			}
		}
		return nil
	}
	col, _ := get(name).(string)
	switch name {
	case "find":
		return []Query{{col, name, asD(get("filter")), asD(get("sort")), get("hint")}}
	case "count", "distinct":
		return []Query{{col, name, asD(get("query")), nil, get("hint")}}
	case "findAndModify":
		return []Query{{col, name, asD(get("query")), asD(get("sort")), get("hint")}}
	case "update", "delete":
		list, _ := get(name + "s").(bson.A)
		var out []Query
		for _, x := range list {
			d := asD(x)
			for _, e := range d {
				if e.Key == "q" {
					out = append(out, Query{col, name, asD(e.Value), nil, nil})
				}
			}
		}
		return out
	case "aggregate":
		pipeline, _ := get("pipeline").(bson.A)
		q := Query{Collection: col, Op: name, Hint: get("hint")}
		for i, st := range pipeline {
			d := asD(st)
			if len(d) != 1 {
				break
			}
			switch {
			case d[0].Key == "$match" && i == 0:
				q.Filter = asD(d[0].Value)
				continue
			case d[0].Key == "$sort" && i <= 1:
				q.Sort = asD(d[0].Value)
			}
			break
		}
		return []Query{q}
	}
	return nil
}

// hintShape names a hint: its index's key pattern, or the index name.
func hintShape(h any) string {
	if name, ok := h.(string); ok {
		return name
	}
	return shape(h)
}

func asD(v any) bson.D {
	if d, ok := v.(bson.D); ok {
		return d
	}
	return nil
}

// shape is a filter or sort with its values left out, so queries that
// differ only in their values count once.
func shape(v any) string {
	switch t := v.(type) {
	case bson.D:
		parts := make([]string, 0, len(t))
		for _, e := range t {
			parts = append(parts, e.Key+":"+shape(e.Value))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case bson.A:
		if len(t) > 0 {
			if _, isDoc := t[0].(bson.D); isDoc {
				parts := make([]string, 0, len(t))
				for _, x := range t {
					parts = append(parts, shape(x))
				}
				return "[" + strings.Join(parts, ",") + "]"
			}
		}
		return "[…]"
	case int32, int64, float64:
		return fmt.Sprint(t) // sort directions
	}
	return "?"
}

// preds are the fields a filter constrains: eq by equality or $in, the
// others by a range or another operator; ors are its $or branches.
type preds struct {
	eq, other []string
	ors       [][]preds
	opaque    bool // $where, $expr, $nor...: no index bounds from them
}

func predsOf(filter bson.D) preds {
	var p preds
	for _, e := range filter {
		switch e.Key {
		case "$and":
			list, _ := e.Value.(bson.A)
			for _, x := range list {
				sub := predsOf(asD(x))
				p.eq = append(p.eq, sub.eq...)
				p.other = append(p.other, sub.other...)
				p.ors = append(p.ors, sub.ors...)
			}
		case "$or":
			list, _ := e.Value.(bson.A)
			var branches []preds
			for _, x := range list {
				branches = append(branches, predsOf(asD(x)))
			}
			p.ors = append(p.ors, branches)
		default:
			if strings.HasPrefix(e.Key, "$") {
				p.opaque = true
				continue
			}
			ops := asD(e.Value)
			isEq := len(ops) == 0 || !strings.HasPrefix(ops[0].Key, "$")
			for _, op := range ops {
				if op.Key == "$eq" || op.Key == "$in" {
					isEq = true
				}
			}
			if isEq {
				p.eq = append(p.eq, e.Key)
			} else {
				p.other = append(p.other, e.Key)
			}
		}
	}
	return p
}

func (p preds) fields() []string { return append(slices.Clone(p.eq), p.other...) }

// servedBy says whether an index with keys (unique: no two documents share
// them) serves a query with p and sort.
func servedBy(keys bson.D, unique bool, p preds, sortKeys bson.D) bool {
	if len(keys) == 0 {
		return false
	}
	if unique && len(sortKeys) > len(keys) {
		sortKeys = sortKeys[:len(keys)] // what follows a unique key never orders
	}
	if len(sortKeys) == 0 {
		return slices.Contains(p.fields(), keys[0].Key)
	}
	// Equality fields first (any of them, in any order), then the sort
	// fields in order, all in the index's direction or all reversed.
	j := 0
	for j < len(keys) && slices.Contains(p.eq, keys[j].Key) && !sortHas(sortKeys, keys[j].Key) {
		j++
	}
	if len(keys)-j < len(sortKeys) {
		return false
	}
	same, reversed := true, true
	for i, sk := range sortKeys {
		k := keys[j+i]
		if k.Key != sk.Key {
			return false
		}
		d1, d2 := direction(k.Value), direction(sk.Value)
		same = same && d1 == d2
		reversed = reversed && d1 == -d2
	}
	if !same && !reversed {
		return false
	}
	return true
}

func sortHas(sortKeys bson.D, k string) bool {
	for _, e := range sortKeys {
		if e.Key == k {
			return true
		}
	}
	return false
}

func direction(v any) int {
	switch t := v.(type) {
	case int32:
		return int(t)
	case int64:
		return int(t)
	case int:
		return t
	case float64:
		return int(t)
	}
	return 0
}

// CheckQuery says why no index of specs serves q ("" when one does).
func CheckQuery(specs []store.IndexSpec, q Query) string {
	if slices.Contains(SmallCollections, q.Collection) || strings.HasPrefix(q.Collection, "report_counters") {
		return ""
	}
	list := []store.IndexSpec{{Collection: q.Collection, Name: "_id_", Keys: bson.D{{Key: "_id", Value: int32(1)}}, Unique: true}}
	for _, s := range specs {
		if s.Collection == q.Collection {
			list = append(list, s)
		}
	}
	// A count with no query is answered from the collection's metadata
	// (the record store's document count, MongoDB's "fast count": the count
	// command builds no query plan for an empty predicate without a hint),
	// so it reads no document; it is what EstimatedDocumentCount sends.
	// CountDocuments sends an aggregate instead, which this does not cover.
	if q.Op == "count" && len(q.Filter) == 0 && q.Hint == nil {
		return ""
	}
	// A hint makes MongoDB plan the query on that index alone: an index
	// scan (over the whole index when the filter gives it no bounds), which
	// notablescan accepts. {$natural: 1} asks for the collection scan.
	p := predsOf(q.Filter)
	if q.Hint != nil {
		ix, ok := hinted(list, q.Hint)
		switch {
		case !ok:
			return "the hint names no index of the collection (or $natural: a collection scan)"
		case len(q.Sort) > 0 && !servedBy(ix.Keys, ix.Unique, p, q.Sort):
			return "the hinted index does not give the sort (in-memory sort)"
		}
		return ""
	}
	serves := func(p preds, sortKeys bson.D) bool {
		for _, ix := range list {
			if servedBy(ix.Keys, ix.Unique, p, sortKeys) {
				return true
			}
		}
		return false
	}
	if serves(p, q.Sort) {
		return ""
	}
	// A $or is served when each branch (with the conditions around it) is;
	// MongoDB then merges the branches in sort order.
	for _, branches := range p.ors {
		all := true
		for _, b := range branches {
			merged := preds{eq: append(slices.Clone(p.eq), b.eq...), other: append(slices.Clone(p.other), b.other...)}
			if !serves(merged, nil) {
				all = false
				break
			}
		}
		if all && len(branches) > 0 {
			return ""
		}
	}
	if len(q.Sort) > 0 && serves(p, nil) {
		return "no index gives the sort after the equality fields (in-memory sort)"
	}
	return "no index serves it: a collection scan"
}

// hinted says whether h names one of the indexes in list, by key pattern
// or by name.
func hinted(list []store.IndexSpec, h any) (store.IndexSpec, bool) {
	for _, ix := range list {
		switch t := h.(type) {
		case string:
			if t == ix.Name {
				return ix, true
			}
		case bson.D:
			if sameKeys(t, ix.Keys) {
				return ix, true
			}
		}
	}
	return store.IndexSpec{}, false
}

func sameKeys(a, b bson.D) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || direction(a[i].Value) != direction(b[i].Value) {
			return false
		}
	}
	return true
}

// collQueries are the queries the tests made the store send through its
// collection interface (store.ObserveQueries), as mongo.go sends them to
// MongoDB. They are recorded on every pass, so the embedded store's pass
// proves the same queries with MongoDB's rules as the FerretDB pass; there
// each must also be among the commands the driver sent (queries), which
// keeps wireQuery true to mongo.go.
var collQueries = &recorder{seen: map[string]Query{}}

func (r *recorder) observe(q store.CollQuery) {
	if w, ok := wireQuery(q); ok {
		r.add(w)
	}
}

// wireQuery is the command mongo.go sends for q: Find and FindOne a find,
// Count CountDocuments' aggregate (an empty filter hinted to _id),
// Update and Replace an update, FindOneAndUpdate a findAndModify, Delete a
// delete; the values have the types the command carries (an int sort
// direction is an int32 there).
func wireQuery(q store.CollQuery) (Query, bool) {
	hint, sort := q.Hint, q.Sort
	var op string
	switch q.Method {
	case "Find", "FindOne":
		op = "find"
	case "Count":
		op, sort = "aggregate", nil
		if len(q.Filter) == 0 {
			hint = bson.D{{Key: "_id", Value: 1}}
		}
	case "Update", "Replace":
		op, sort = "update", nil
	case "FindOneAndUpdate":
		op = "findAndModify"
	case "Delete":
		op, sort = "delete", nil
	default:
		return Query{}, false
	}
	filter := q.Filter
	if filter == nil {
		filter = bson.D{}
	}
	raw, err := bson.Marshal(bson.D{{Key: "f", Value: filter}, {Key: "s", Value: sort}, {Key: "h", Value: hint}})
	var wire struct{ F, S, H bson.D }
	if err == nil {
		err = bson.Unmarshal(raw, &wire)
	}
	if err != nil {
		return Query{}, false
	}
	out := Query{Collection: q.Collection, Op: op, Filter: wire.F, Sort: wire.S}
	if wire.H != nil {
		out.Hint = wire.H
	}
	return out, true
}

// unsent lists the queries of collQueries the driver never sent (wireQuery
// no longer describes mongo.go).
func unsent() []string {
	sent := map[string]bool{}
	for _, q := range queries.all() {
		sent[q.String()] = true
	}
	var out []string
	for _, q := range collQueries.all() {
		if !sent[q.String()] {
			out = append(out, q.String())
		}
	}
	return out
}

// checkAll checks every query r recorded; it returns the failures.
func checkAll(r *recorder) []string {
	specs := store.IndexSpecs()
	var out []string
	for _, q := range r.all() {
		if why := CheckQuery(specs, q); why != "" {
			out = append(out, q.String()+": "+why)
		}
	}
	return out
}
