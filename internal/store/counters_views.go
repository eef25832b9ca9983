package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
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
//
// A family's views share one view document unless a view names another
// (doc): the commitments' member views, a key per legislator or committee
// (10 kB a month at scale 10), sit in "g4/2026-03/vm", so the commitments
// by region read their month's "s" view (a key per region and status)
// without them.

// counterView is one field of a family's view documents.
type counterView struct {
	name string
	// keep says which fields after day and region the view's key keeps;
	// the others are blank. Fields past the end of keep are dropped.
	keep []bool
	// when picks the day keys the view counts (nil: all), by their fields
	// after day and region.
	when func(rest []string) bool
	// doc is the suffix of the view document holding the view ("": the
	// family's first, viewDocID).
	doc string
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
		"l": {name: "l", keep: []bool{true, true, true}, when: kindIs(model.KindLegislator), doc: "m"},
		"k": {name: "k", keep: []bool{true, true, true}, when: kindIs(model.KindOversightCommittee), doc: "m"},
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

// viewDocID is the id of a month's view document with suffix doc
// (counterView.doc).
func viewDocID(gen int, month, doc string) string { return genID(gen, month+"/v"+doc) }

// viewDocsOf are the suffixes of the view documents holding views, each once.
func viewDocsOf(views []counterView) []string {
	var out []string
	for _, v := range views {
		if !slices.Contains(out, v.doc) {
			out = append(out, v.doc)
		}
	}
	return out
}

// familyViews are all the views of a family.
func familyViews(family string) []counterView {
	out := make([]counterView, 0, len(counterViews[family]))
	for _, v := range counterViews[family] {
		out = append(out, v)
	}
	return out
}

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
	s    *Store
	ctx  context.Context
	gen  int
	meta *countersMeta
	// docs are the documents read so far by family and _id; nil for one
	// that does not exist (no count in that month).
	docs map[string]map[string]*cachedCounterDoc
	// groupsOf is the agreement-group registry, once read.
	groupsOf map[string]string
}

// counterRaw is a counter document as read, and the same bytes as one
// string: the keys handed to the readers are substrings of it, so walking
// a month of thousands of member keys allocates nothing per key (at scale
// 10 the figures' request walks some 30,000 keys).
type counterRaw struct {
	raw bsoncore.Document
	str string
}

func newCounterRaw(raw []byte) *counterRaw { return &counterRaw{raw: raw, str: string(raw)} }

// groups returns the agreement-group registry: legislator or committee hex
// -> group, for those not under model.National.
func (r *counterReader) groups() (map[string]string, error) {
	if r.groupsOf == nil {
		g, err := r.registry("groups")
		if err != nil {
			return nil, err
		}
		r.groupsOf = g
	}
	return r.groupsOf, nil
}

// registry reads one of the registries (committees, groups): Store.registry.
func (r *counterReader) registry(name string) (map[string]string, error) {
	return r.s.registry(r.ctx, r.gen, r.meta.version(stampRegistries), name)
}

// registryByMember derives, once per version of a registry's document,
// its entries by member number (registry ids are numbered as they are met:
// a member numbered later is not in it); parse turns an entry into T.
func registryByMember[T any](r *counterReader, name string, parse func(entry string) T) ([]T, []bool, error) {
	c, err := r.s.registryDoc(r.ctx, r.gen, r.meta.version(stampRegistries), name)
	if err != nil {
		return nil, nil, err
	}
	type byMember struct {
		entries []T
		has     []bool
	}
	v, err := c.derive("by member", func(doc *counterRaw) (any, error) {
		out := &byMember{}
		err := eachString(doc, "c", func(hex, entry string) {
			m, ok := r.s.counterCache.member(hex)
			if !ok {
				return
			}
			for len(out.entries) <= int(m) {
				var zero T
				out.entries, out.has = append(out.entries, zero), append(out.has, false)
			}
			out.entries[m], out.has[m] = parse(entry), true
		})
		return out, err
	})
	if err != nil {
		return nil, nil, err
	}
	b := v.(*byMember)
	return b.entries, b.has, nil
}

// counters returns a reader of the current generation, building the
// counters first when needed (freshCounters).
func (s *Store) counters(ctx context.Context) (*counterReader, error) {
	meta, err := s.freshCounters(ctx)
	if err != nil {
		return nil, err
	}
	return &counterReader{s: s, ctx: ctx, gen: meta.Gen, meta: meta, docs: map[string]map[string]*cachedCounterDoc{}}, nil
}

// docIDs are the documents of a family p reads: the view document (with
// suffix doc) of each month it covers whole, the day document of the
// others (of every month when days: a reader that needs each count's day).
func (r *counterReader) docIDs(p Period, days bool, doc string) map[string]string {
	out := map[string]string{} // month -> id
	for month := range p.months() {
		if !days && p.wholeMonth(month) {
			out[month] = viewDocID(r.gen, month, doc)
		} else {
			out[month] = genID(r.gen, month)
		}
	}
	return out
}

// load reads, in one query by _id, the documents of family that periods
// need (every view document of the months they cover whole) and that were
// not read yet, in this request or under the family's stamp the request
// sees (counterCache.stamped).
func (r *counterReader) load(family string, periods ...Period) error {
	return r.loadDocs(family, false, viewDocsOf(familyViews(family)), periods...)
}

// loadDocs is load of the view documents with the suffixes docs only, and
// of the day documents of every month when days.
func (r *counterReader) loadDocs(family string, days bool, docs []string, periods ...Period) error {
	have := r.docs[family]
	if have == nil {
		have = map[string]*cachedCounterDoc{}
		r.docs[family] = have
	}
	col, version := counterCol(family), r.meta.version(family)
	var want []string
	for _, p := range periods {
		for _, doc := range docs {
			for _, id := range r.docIDs(p, days, doc) {
				if _, ok := have[id]; ok {
					continue
				}
				c, ok := r.s.counterCache.stamped(r.gen, col, id, version)
				have[id] = c
				if !ok {
					want = append(want, id)
				}
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	var found []bson.Raw
	if err := r.s.col(col).Find(r.ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: want}}}}, coll.FindOptions{}, &found); err != nil {
		return wrap("read report counters", err)
	}
	for _, d := range found {
		if id, ok := d.Lookup("_id").StringValueOK(); ok {
			have[id] = r.s.counterCache.doc(r.gen, col, id, d)
		}
	}
	for _, id := range want {
		r.s.counterCache.stamp(r.gen, col, id, version, have[id])
	}
	return nil
}

// eachField calls fn for every element of a document's field (a document),
// with its key as a substring of doc.str, its value and where the value's
// bytes start in doc.str; a missing field (a view no write has counted in
// yet) has none.
func eachField(doc *counterRaw, field string, fn func(key string, v bsoncore.Value, at int)) error {
	if doc == nil {
		return nil
	}
	v, err := doc.raw.LookupErr(field)
	if err != nil {
		return nil
	}
	sub, ok := v.DocumentOK()
	if !ok || len(sub) < 5 {
		return fmt.Errorf("store: report counters: field %s is not a document", field)
	}
	// sub is a slice of doc.raw: its offset there says where its keys are in doc.str.
	off := cap(doc.raw) - cap(sub) + 4
	if off < 4 || off+len(sub)-4 > len(doc.str) {
		return fmt.Errorf("store: report counters: field %s is not in its document", field)
	}
	rest := sub[4 : len(sub)-1]
	for len(rest) > 0 {
		e, next, ok := bsoncore.ReadElement(rest)
		if !ok {
			return fmt.Errorf("store: report counters: field %s is malformed", field)
		}
		k := len(e.KeyBytes())
		fn(doc.str[off+1:off+1+k], e.Value(), off+k+2)
		off += len(rest) - len(next)
		rest = next
	}
	return nil
}

// eachCount calls fn for every non-zero count of a document's field.
func eachCount(doc *counterRaw, field string, fn func(key string, n int)) error {
	return eachField(doc, field, func(key string, v bsoncore.Value, _ int) {
		if n, ok := v.AsInt64OK(); ok && n != 0 {
			fn(key, int(n))
		}
	})
}

// eachString calls fn for every string of a document's field, the key and
// the string substrings of doc.str.
func eachString(doc *counterRaw, field string, fn func(key, value string)) error {
	return eachField(doc, field, func(key string, v bsoncore.Value, at int) {
		// A BSON string: its length (with the final NUL) in 4 bytes, then its bytes.
		if v.Type == bsoncore.TypeString && len(v.Data) >= 5 {
			fn(key, doc.str[at+4:at+len(v.Data)-1])
		}
	})
}

// splitKey splits a counter key at its bars into buf, reused: the parts
// are substrings of key, so a reader keeps them but not the slice.
func splitKey(key string, buf []string) []string {
	buf = buf[:0]
	for {
		i := strings.IndexByte(key, '|')
		if i < 0 {
			return append(buf, key)
		}
		buf = append(buf, key[:i])
		key = key[i+1:]
	}
}

// read calls fn for every count of a family's named views (counterViews)
// in the period's days whose region is in scope, with the key's fields
// after day and region (the fields a view leaves out blank). Months the
// period covers whole come from their view documents with date the month's
// first day; the others from their day keys, those the views count. fn
// may keep the strings it is given but not the slice rest, reused.
func (r *counterReader) read(family string, names []string, scope model.Scope, p Period, fn func(date, region string, rest []string, n int)) error {
	return r.readDocs(family, names, scope, p, false, fn)
}

// readDocs is read, from the day keys of every month when days (each
// count with its day, where a view has the month's first).
func (r *counterReader) readDocs(family string, names []string, scope model.Scope, p Period, days bool, fn func(date, region string, rest []string, n int)) error {
	vs := views(family, names)
	if err := r.loadDocs(family, days, viewDocsOf(vs), p); err != nil {
		return err
	}
	have := r.docs[family]
	buf := make([]string, 0, 8)
	for month := range p.months() {
		if !days && p.wholeMonth(month) {
			first := month + "-01"
			for _, v := range vs {
				err := eachCount(have[viewDocID(r.gen, month, v.doc)].document(), v.name, func(k string, n int) {
					if buf = splitKey(k, buf); scope.Allows(buf[0]) {
						fn(first, buf[0], buf[1:], n)
					}
				})
				if err != nil {
					return err
				}
			}
			continue
		}
		var date string // the day of the last key, most often the next key's too
		err := eachCount(have[genID(r.gen, month)].document(), "c", func(k string, n int) {
			buf = splitKey(k, buf)
			if len(buf) < 2 {
				return
			}
			if len(date) != 10 || date[8:] != buf[0] {
				date = month + "-" + buf[0]
			}
			if date < p.From || date > p.To || !scope.Allows(buf[1]) || !anyView(vs, buf[2:]) {
				return
			}
			fn(date, buf[1], buf[2:], n)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// applyViewCounts adds a month's day-key changes to its view documents,
// one update per document. A failure is logged like the day document's:
// the next rebuild corrects both.
func (s *Store) applyViewCounts(ctx context.Context, gen int, family, month string, keys map[string]int) {
	inc := map[string]bson.D{} // view document suffix -> its $inc
	for name, counts := range viewDelta(family, keys) {
		doc := counterViews[family][name].doc
		for k, n := range counts {
			if n != 0 {
				inc[doc] = append(inc[doc], bson.E{Key: name + "." + k, Value: n})
			}
		}
	}
	for doc, d := range inc {
		_, err := s.col(counterCol(family)).Update(ctx, bson.D{{Key: "_id", Value: viewDocID(gen, month, doc)}},
			bson.D{{Key: "$inc", Value: d}}, coll.UpdateOptions{Upsert: true})
		if err != nil {
			s.logger().WarnContext(ctx, "report counters: view update failed", "family", family, "month", month, "err", err)
		}
	}
}

// viewDocs are the view documents of a family's month documents, for a rebuild.
func viewDocs(gen int, family string, months map[string]map[string]int) []any {
	suffixes := viewDocsOf(familyViews(family))
	out := make([]any, 0, len(months)*len(suffixes))
	for month, c := range months {
		delta := viewDelta(family, c)
		for _, doc := range suffixes {
			view := bson.D{{Key: "_id", Value: viewDocID(gen, month, doc)}}
			for name, counts := range delta {
				if counterViews[family][name].doc == doc {
					view = append(view, bson.E{Key: name, Value: counts})
				}
			}
			out = append(out, view)
		}
	}
	return out
}
