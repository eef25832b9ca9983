package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Month views of the counter documents.
//
// A family's month document ("g4/2026-03") keys its counts by day, so it
// holds up to one key per day and region and whatever else the key
// carries: at the reference scale 10 a month of trainings is 70 kB, and a
// dashboard that decoded every month of every family spent most of its
// time there. Next to it a view document ("g4/2026-03/v") keeps the same
// month's counts without the day, one field per view, each keyed only by
// what its dashboards read (the other fields left blank so the key keeps
// its layout): a month of meetings is one key per region. A dashboard
// reads the views of the months its period covers whole and the day keys
// only of the (at most two) months it cuts, each document by _id, and the
// documents a request needs once (counterReader). The write hooks and the
// rebuild keep both documents.

// counterView is one field of a family's view documents.
type counterView struct {
	name string
	// keep says which fields after day and region the view's key keeps;
	// the others are blank. Fields past the end of keep are dropped.
	keep []bool
	// when picks the day keys the view counts (nil: all), by their fields
	// after day and region.
	when func(rest []string) bool
}

func kindIs(kind string) func([]string) bool {
	return func(rest []string) bool { return len(rest) >= 3 && rest[1] == kind }
}

func audienceIsSessions(sessions bool) func([]string) bool {
	return func(rest []string) bool { return len(rest) >= 2 && (rest[1] == trainingSessions) == sessions }
}

// counterViews are each family's views, by the name a dashboard asks for.
var counterViews = map[string]map[string]counterView{
	"m": {"r": {name: "r"}},                     // region
	"p": {"r": {name: "r", keep: []bool{true}}}, // region|committee
	"d": {"r": {name: "r", keep: []bool{true}}}, // region|owner
	"c": {
		"s": {name: "s", keep: []bool{true}}, // region|status
		// region|status|legislator|id: the agreement rule needs the status
		"l": {name: "l", keep: []bool{true, true, true}, when: kindIs(model.KindLegislator)},
		"k": {name: "k", keep: []bool{true, true, true}, when: kindIs(model.KindOversightCommittee)},
	},
	"i": {"r": {name: "r", keep: []bool{true, true, true}}}, // region|kind|initiative|flag
	"t": {
		"s": {name: "s", keep: []bool{true, true}, when: audienceIsSessions(true)},   // region|modality|*
		"a": {name: "a", keep: []bool{false, true}, when: audienceIsSessions(false)}, // region||audience@modality#sex
	},
}

// key is the view's key of a day key's region and later fields; ok is
// false when the view does not count that key.
func (v counterView) key(region string, rest []string) (string, bool) {
	if v.when != nil && !v.when(rest) {
		return "", false
	}
	var b strings.Builder
	b.WriteString(region)
	for i, k := range v.keep {
		b.WriteByte('|')
		if k && i < len(rest) {
			b.WriteString(rest[i])
		}
	}
	return b.String(), true
}

// viewDelta turns one family's day-key counts of a month into the view
// document's counts: view name -> view key -> n.
func viewDelta(family string, keys map[string]int) map[string]map[string]int {
	out := map[string]map[string]int{}
	for k, n := range keys {
		parts := strings.Split(k, "|")
		if n == 0 || len(parts) < 2 {
			continue
		}
		for _, v := range counterViews[family] {
			if vk, ok := v.key(parts[1], parts[2:]); ok {
				if out[v.name] == nil {
					out[v.name] = map[string]int{}
				}
				out[v.name][vk] += n
			}
		}
	}
	return out
}

// viewDocID is the id of a month's view document.
func viewDocID(gen int, month string) string { return genID(gen, month+"/v") }

// wholeMonth tells whether the period covers every day of month (YYYY-MM).
func (p Period) wholeMonth(month string) bool {
	first, err := time.Parse(time.DateOnly, month+"-01")
	if err != nil {
		return false
	}
	last := first.AddDate(0, 1, -1).Format(time.DateOnly)
	return p.From <= month+"-01" && last <= p.To
}

// views returns the named views of a family; a name it lacks panics, as a
// programming error.
func views(family string, names []string) []counterView {
	out := make([]counterView, len(names))
	for i, n := range names {
		v, ok := counterViews[family][n]
		if !ok {
			panic("store: no counter view " + family + "/" + n)
		}
		out[i] = v
	}
	return out
}

// anyView tells whether one of vs counts a day key's fields after day and region.
func anyView(vs []counterView, rest []string) bool {
	for _, v := range vs {
		if v.when == nil || v.when(rest) {
			return true
		}
	}
	return false
}

// counterReader reads the counter documents of one request, each once: the
// indicators of a period and of its year share the months both cover.
type counterReader struct {
	s   *Store
	ctx context.Context
	gen int
	// docs are the documents read so far by family and _id; nil for one
	// that does not exist (no count in that month).
	docs map[string]map[string]bson.Raw
	// groupsOf is the agreement-group registry, once read.
	groupsOf map[string]string
}

// groups returns the agreement-group registry: legislator or committee hex
// -> group, for those not under model.National.
func (r *counterReader) groups() (map[string]string, error) {
	if r.groupsOf == nil {
		g, err := r.s.registry(r.ctx, r.gen, "groups")
		if err != nil {
			return nil, err
		}
		r.groupsOf = g
	}
	return r.groupsOf, nil
}

// counters returns a reader of the current generation, building the
// counters first when needed (freshCounters).
func (s *Store) counters(ctx context.Context) (*counterReader, error) {
	gen, err := s.freshCounters(ctx)
	if err != nil {
		return nil, err
	}
	return &counterReader{s: s, ctx: ctx, gen: gen, docs: map[string]map[string]bson.Raw{}}, nil
}

// docIDs are the documents of a family p reads: the view document of each
// month it covers whole, the day document of the others (of every month
// when days: a reader that needs each count's day).
func (r *counterReader) docIDs(p Period, days bool) map[string]string {
	out := map[string]string{} // month -> id
	for month := range p.months() {
		if !days && p.wholeMonth(month) {
			out[month] = viewDocID(r.gen, month)
		} else {
			out[month] = genID(r.gen, month)
		}
	}
	return out
}

// load reads, in one query by _id, the documents of family that periods
// need and that were not read yet.
func (r *counterReader) load(family string, periods ...Period) error {
	return r.loadDocs(family, false, periods...)
}

// loadDocs is load, of the day documents of every month when days.
func (r *counterReader) loadDocs(family string, days bool, periods ...Period) error {
	have := r.docs[family]
	if have == nil {
		have = map[string]bson.Raw{}
		r.docs[family] = have
	}
	var want []string
	for _, p := range periods {
		for _, id := range r.docIDs(p, days) {
			if _, ok := have[id]; !ok {
				have[id] = nil
				want = append(want, id)
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	var docs []bson.Raw
	if err := r.s.col(counterCol(family)).Find(r.ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: want}}}}, coll.FindOptions{}, &docs); err != nil {
		return wrap("read report counters", err)
	}
	for _, d := range docs {
		if id, ok := d.Lookup("_id").StringValueOK(); ok {
			have[id] = d
		}
	}
	return nil
}

// eachCount calls fn for every non-zero count of a document's field.
func eachCount(doc bson.Raw, field string, fn func(key string, n int)) error {
	if doc == nil {
		return nil
	}
	v, err := doc.LookupErr(field)
	if err != nil {
		return nil // a view no write has counted in yet
	}
	sub, ok := v.DocumentOK()
	if !ok {
		return fmt.Errorf("store: report counters: field %s is not a document", field)
	}
	elems, err := sub.Elements()
	if err != nil {
		return wrap("read report counters", err)
	}
	for _, e := range elems {
		if n, ok := e.Value().AsInt64OK(); ok && n != 0 {
			fn(e.Key(), int(n))
		}
	}
	return nil
}

// read calls fn for every count of a family's named views (counterViews)
// in the period's days whose region is in scope, with the key's fields
// after day and region (the fields a view leaves out blank). Months the
// period covers whole come from their view documents with date the month's
// first day; the others from their day keys, those the views count.
func (r *counterReader) read(family string, names []string, scope model.Scope, p Period, fn func(date, region string, rest []string, n int)) error {
	return r.readDocs(family, names, scope, p, false, fn)
}

// readDocs is read, from the day keys of every month when days (each
// count with its day, where a view has the month's first).
func (r *counterReader) readDocs(family string, names []string, scope model.Scope, p Period, days bool, fn func(date, region string, rest []string, n int)) error {
	if err := r.loadDocs(family, days, p); err != nil {
		return err
	}
	vs := views(family, names)
	have := r.docs[family]
	for month, id := range r.docIDs(p, days) {
		if !days && p.wholeMonth(month) {
			for _, v := range vs {
				err := eachCount(have[id], v.name, func(k string, n int) {
					if parts := strings.Split(k, "|"); scope.Allows(parts[0]) {
						fn(month+"-01", parts[0], parts[1:], n)
					}
				})
				if err != nil {
					return err
				}
			}
			continue
		}
		err := eachCount(have[id], "c", func(k string, n int) {
			parts := strings.Split(k, "|")
			if len(parts) < 2 {
				return
			}
			date := month + "-" + parts[0]
			if date < p.From || date > p.To || !scope.Allows(parts[1]) || !anyView(vs, parts[2:]) {
				return
			}
			fn(date, parts[1], parts[2:], n)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// applyViewCounts adds a month's day-key changes to its view document. A
// failure is logged like the day document's: the next rebuild corrects both.
func (s *Store) applyViewCounts(ctx context.Context, gen int, family, month string, keys map[string]int) {
	inc := bson.D{}
	for name, counts := range viewDelta(family, keys) {
		for k, n := range counts {
			if n != 0 {
				inc = append(inc, bson.E{Key: name + "." + k, Value: n})
			}
		}
	}
	if len(inc) == 0 {
		return
	}
	_, err := s.col(counterCol(family)).Update(ctx, bson.D{{Key: "_id", Value: viewDocID(gen, month)}},
		bson.D{{Key: "$inc", Value: inc}}, coll.UpdateOptions{Upsert: true})
	if err != nil {
		s.logger().WarnContext(ctx, "report counters: view update failed", "family", family, "month", month, "err", err)
	}
}

// viewDocs are the view documents of a family's month documents, for a rebuild.
func viewDocs(gen int, family string, months map[string]map[string]int) []any {
	out := make([]any, 0, len(months))
	for month, c := range months {
		view := bson.D{{Key: "_id", Value: viewDocID(gen, month)}}
		for name, counts := range viewDelta(family, c) {
			view = append(view, bson.E{Key: name, Value: counts})
		}
		out = append(out, view)
	}
	return out
}
