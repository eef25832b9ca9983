package store

import (
	"bytes"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The counter documents as last read, and what the figures derive from them.
//
// The agreement figures and the active committees count distinct members
// (legislators, committees) over the months of a period: a month's view
// holds one key per member, status and region, some 2,000 at the reference
// scale 10, and each request decoded every key, split it and looked its
// member up in a map by hex id. Now each document read is compared with the
// copy kept here: when its bytes are the same (no write touched it), the
// member entries already derived from it are reused; a member is a small
// integer (interned once per process), so a request unions them in a bit set.
//
// Reading the documents was then most of such a request at scale 10 (a
// year of the commitments' views and the groups registry, some 190 kB,
// three copies of each on the way up from SQLite). So each write also adds
// one to its family's stamp in the meta document (countersMeta.Stamps),
// which every request reads anyway: a document read under the stamp the
// request sees is not read again. The stamp is added after the write's
// documents, and the meta document is read before them, so what was read
// under a stamp holds at least every write that stamp counts. The bytes
// still say whether a re-read document changed, so what was derived from
// it survives a write to another month.

// maxCachedCounterBytes bounds the documents the cache keeps (each twice:
// its bytes and a string of them); past it the cache starts empty. A
// dashboard's period reads a few dozen documents, a month's view of the
// commitments at scale 10 is some 80 kB.
const maxCachedCounterBytes = 64 << 20

// counterCache holds the counter documents last read, by collection and
// _id, and the member table their entries index.
type counterCache struct {
	mu sync.Mutex
	// gen is the generation of the documents kept: a rebuild's new one
	// empties the cache. bytes is their size.
	gen   int
	bytes int
	docs  map[string]*cachedCounterDoc
	// read are the documents (nil: none) last read from the database by
	// key, with the stamp's version they were read under.
	read map[string]stampedDoc
	// index and ids are the members seen in counter keys: hex -> number,
	// and each number's id. Numbers are never reused, so entries derived
	// earlier stay valid.
	index map[string]int32
	hexes []string
	ids   []bson.ObjectID
}

// stampedDoc is a document as read under a stamp's version (nil: there
// was none).
type stampedDoc struct {
	version string
	doc     *cachedCounterDoc
}

// cachedCounterDoc is a counter document as read and what was derived
// from it (by the name of the derivation), each computed once.
type cachedCounterDoc struct {
	*counterRaw
	mu      sync.Mutex
	derived map[string]any
}

// document is the document, nil for one that does not exist.
func (c *cachedCounterDoc) document() *counterRaw {
	if c == nil {
		return nil
	}
	return c.counterRaw
}

// derive returns what build derives from the document, computed on the
// first call of each name (again after a failure).
func (c *cachedCounterDoc) derive(name string, build func(*counterRaw) (any, error)) (any, error) {
	if c == nil {
		return build(nil)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.derived[name]; ok {
		return v, nil
	}
	v, err := build(c.counterRaw)
	if err != nil {
		return nil, err
	}
	if c.derived == nil {
		c.derived = map[string]any{}
	}
	c.derived[name] = v
	return v, nil
}

// doc returns the cached document of collection col with this _id (of
// generation gen) when raw has the same bytes, else a new one for raw
// (kept for the next read).
func (cc *counterCache) doc(gen int, col, id string, raw []byte) *cachedCounterDoc {
	key := col + "\x00" + id
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if c, ok := cc.docs[key]; ok && gen == cc.gen && bytes.Equal(c.counterRaw.raw, raw) {
		return c
	}
	if cc.docs == nil || gen != cc.gen || cc.bytes+2*len(raw) > maxCachedCounterBytes {
		cc.reset(gen)
	}
	if old, ok := cc.docs[key]; ok {
		cc.bytes -= 2 * len(old.counterRaw.raw)
	}
	c := &cachedCounterDoc{counterRaw: newCounterRaw(bytes.Clone(raw))}
	cc.docs[key] = c
	cc.bytes += 2 * len(raw)
	return c
}

// reset empties the cache for documents of generation gen.
func (cc *counterCache) reset(gen int) {
	cc.docs, cc.read, cc.gen, cc.bytes = map[string]*cachedCounterDoc{}, map[string]stampedDoc{}, gen, 0
}

// stamped returns the document of collection col with this _id (of
// generation gen, nil for none) as last read, when that was under version
// (a stamp's, countersMeta.version): no write to it was stamped since. ok
// is false when it must be read again, and always for version "".
func (cc *counterCache) stamped(gen int, col, id, version string) (c *cachedCounterDoc, ok bool) {
	if version == "" {
		return nil, false
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if gen != cc.gen {
		return nil, false
	}
	r, ok := cc.read[col+"\x00"+id]
	if !ok || r.version != version {
		return nil, false
	}
	return r.doc, true
}

// stamp notes that the document of col with this _id was read under
// version as c (nil: none), a document doc returned or nil.
func (cc *counterCache) stamp(gen int, col, id, version string, c *cachedCounterDoc) {
	if version == "" {
		return
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.docs == nil || gen != cc.gen {
		if c != nil {
			return // doc emptied the cache for another generation since
		}
		cc.reset(gen)
	}
	key := col + "\x00" + id
	if c != nil && cc.docs[key] != c {
		return // no longer the cached one (the cache started empty, or a newer read)
	}
	cc.read[key] = stampedDoc{version: version, doc: c}
}

// member is the number of a member's hex id, added when new; ok is false
// for a key that is not an id.
func (cc *counterCache) member(hex string) (int32, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if i, ok := cc.index[hex]; ok {
		return i, true
	}
	id, err := bson.ObjectIDFromHex(hex)
	if err != nil {
		return 0, false
	}
	if cc.index == nil {
		cc.index = map[string]int32{}
	}
	i := int32(len(cc.ids))
	hex = id.Hex() // its own copy, not a piece of a document
	cc.index[hex] = i
	cc.hexes, cc.ids = append(cc.hexes, hex), append(cc.ids, id)
	return i, true
}

// members returns the member table as it is now: the numbers handed out
// so far index both slices, which later members only extend.
func (cc *counterCache) members() (hexes []string, ids []bson.ObjectID) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.hexes, cc.ids
}

// memberEntry is one count of a member in a counter document: its day (0
// in a month view), region and status (indexes into its memberEntries'
// tables), member number and count (> 0).
type memberEntry struct {
	day                    uint8
	status, region, member int32
	n                      int32
}

// memberEntries are the member counts of one field of a counter document.
type memberEntries struct {
	regions, statuses []string
	list              []memberEntry
}

// memberPick picks, from a counter key's fields after day and region, the
// status ("" where the key has none) and the member's hex id.
type memberPick func(rest []string) (status, member string, ok bool)

// commitmentMember picks the member of the commitments' keys
// (status|kind|stakeholder) of stakeholders of kind.
func commitmentMember(kind string) memberPick {
	return func(rest []string) (string, string, bool) {
		if len(rest) < 3 || rest[1] != kind {
			return "", "", false
		}
		return rest[0], rest[2], true
	}
}

// committeeMember picks the committee of the committees at meetings' keys.
func committeeMember(rest []string) (string, string, bool) {
	if len(rest) < 1 {
		return "", "", false
	}
	return "", rest[0], true
}

// memberEntries derives a field's member entries; days says its keys
// start with the day.
func (cc *counterCache) memberEntries(doc *counterRaw, field string, days bool, pick memberPick) (*memberEntries, error) {
	out := &memberEntries{}
	regions, statuses := map[string]int32{}, map[string]int32{}
	err := eachDayKey(doc, field, days, func(day uint8, parts []string, n int) {
		if n <= 0 || len(parts) < 1 {
			return
		}
		status, hex, ok := pick(parts[1:])
		if !ok {
			return
		}
		m, ok := cc.member(hex)
		if !ok {
			return
		}
		out.list = append(out.list, memberEntry{day: day, status: intern(statuses, &out.statuses, status),
			region: intern(regions, &out.regions, parts[0]), member: m, n: int32(min(n, 1<<31-1))})
	})
	return out, err
}

// eachDayKey calls fn with each count of a document's field, its key split
// at "|" (parts, reused between calls) with the day taken off when days
// (day 0 else); a key whose first field is not a day is skipped.
func eachDayKey(doc *counterRaw, field string, days bool, fn func(day uint8, parts []string, n int)) error {
	buf := make([]string, 0, 8)
	return eachCount(doc, field, func(k string, n int) {
		buf = splitKey(k, buf)
		if day, parts, ok := keyDay(buf, days); ok {
			fn(day, parts, n)
		}
	})
}

// keyDay takes the day off a split counter key when days (0 else): ok is
// false for a key whose first field is not a two-digit day.
func keyDay(parts []string, days bool) (day uint8, rest []string, ok bool) {
	if !days {
		return 0, parts, true
	}
	d := parts[0]
	if len(d) != 2 || d[0] < '0' || d[0] > '9' || d[1] < '0' || d[1] > '9' {
		return 0, nil, false
	}
	return (d[0]-'0')*10 + d[1] - '0', parts[1:], true
}

// moveEntry is one move of an initiative in a counter document of the
// initiatives: its day (0 in a month view), region and kind (indexes into
// its moveEntries' tables), initiative (a member number) and flag (0
// advanced a stage, 1 approved).
type moveEntry struct {
	day, flag                uint8
	region, kind, initiative int32
}

// moveEntries are the moves of one field of a counter document, in the
// document's order.
type moveEntries struct {
	regions, kinds []string
	list           []moveEntry
}

// moveEntries derives a field's moves (keys [day|]region|kind|initiative|flag);
// days says its keys start with the day.
func (cc *counterCache) moveEntries(doc *counterRaw, field string, days bool) (*moveEntries, error) {
	out := &moveEntries{}
	regions, kinds := map[string]int32{}, map[string]int32{}
	err := eachDayKey(doc, field, days, func(day uint8, parts []string, n int) {
		if n <= 0 || len(parts) < 4 {
			return
		}
		var flag uint8
		switch parts[3] {
		case moveAdvanced:
		case moveApproved:
			flag = 1
		default:
			return
		}
		m, ok := cc.member(parts[2])
		if !ok {
			return
		}
		out.list = append(out.list, moveEntry{day: day, flag: flag, region: intern(regions, &out.regions, parts[0]),
			kind: intern(kinds, &out.kinds, parts[1]), initiative: m})
	})
	return out, err
}

// eachMember calls fn for every member count of family in the period's
// days whose region is in scope: from the month view (view) of the months
// the period covers whole and from the day keys (field "c") of the others,
// the counts pick selects (pickName names it). fn gets the count's status.
func (r *counterReader) eachMember(family, view, pickName string, pick memberPick, scope model.Scope, p Period, fn func(status string, member int32, n int)) error {
	return r.eachMonth(family, view, pickName, pick, p, func(_ *cachedCounterDoc, es *memberEntries, _ bool, lo, hi uint8) error {
		es.each(scope, lo, hi, fn)
		return nil
	})
}

// eachMonth calls fn with each month of the period: its document c (nil:
// none), its member entries (monthEntries), whether the period covers it
// whole, and the days it covers (lo to hi) when not.
func (r *counterReader) eachMonth(family, view, pickName string, pick memberPick, p Period, fn func(c *cachedCounterDoc, es *memberEntries, whole bool, lo, hi uint8) error) error {
	doc := counterViews[family][view].doc
	if err := r.loadDocs(family, false, []string{doc}, p); err != nil {
		return err
	}
	have := r.docs[family]
	for month, id := range r.docIDs(p, false, doc) {
		whole, lo, hi := p.dayRange(month)
		es, err := r.monthEntries(have[id], view, pickName, pick, whole)
		if err != nil {
			return err
		}
		if err := fn(have[id], es, whole, lo, hi); err != nil {
			return err
		}
	}
	return nil
}

// each calls fn with each entry of days lo to hi in a region of scope.
func (es *memberEntries) each(scope model.Scope, lo, hi uint8, fn func(status string, member int32, n int)) {
	allowed := allowedRegions(scope, es.regions)
	for _, e := range es.list {
		if e.day >= lo && e.day <= hi && allowed[e.region] {
			fn(es.statuses[e.status], e.member, int(e.n))
		}
	}
}

// monthEntries are the member entries of a month's document c (its view
// when whole, else its day keys), derived once per version of it.
func (r *counterReader) monthEntries(c *cachedCounterDoc, view, pickName string, pick memberPick, whole bool) (*memberEntries, error) {
	field := view
	if !whole {
		field = "c"
	}
	v, err := c.derive("members/"+field+"/"+pickName, func(doc *counterRaw) (any, error) {
		return r.s.counterCache.memberEntries(doc, field, !whole, pick)
	})
	if err != nil {
		return nil, err
	}
	return v.(*memberEntries), nil
}

// memberTally is what counts of members hold in a scope: the members whose
// status a memberKeep takes, the sum of their counts and of those fulfilled.
type memberTally struct {
	set               memberSet
	counts, fulfilled int
}

// add counts an entry of status (taken).
func (t *memberTally) add(status string, m int32, n int) {
	t.set.add(m)
	t.counts += n
	if status == model.StatusFulfilled {
		t.fulfilled += n
	}
}

// memberKeep names which statuses a tally takes (the name keys what was
// derived with it).
type memberKeep struct {
	name string
	keep func(status string) bool
}

var (
	keepAgreements = memberKeep{name: "agreements", keep: model.CountsAsAgreement}
	keepAny        = memberKeep{name: "any", keep: func(string) bool { return true }}
)

// tallyMembers is what eachMember walks, tallied: a month the period covers
// whole adds a tally derived once per version of its view and scope (a set
// of at most a few hundred words where the view holds thousands of keys at
// scale 10); the cut months walk their day keys.
func (r *counterReader) tallyMembers(family, view, pickName string, pick memberPick, keep memberKeep, scope model.Scope, p Period) (*memberTally, error) {
	out := &memberTally{}
	name := "tally/" + view + "/" + pickName + "/" + keep.name + "/" + scopeKey(scope)
	err := r.eachMonth(family, view, pickName, pick, p, func(c *cachedCounterDoc, es *memberEntries, whole bool, lo, hi uint8) error {
		tally := func(t *memberTally) {
			es.each(scope, lo, hi, func(status string, m int32, n int) {
				if keep.keep(status) {
					t.add(status, m, n)
				}
			})
		}
		if !whole {
			tally(out)
			return nil
		}
		v, err := c.derive(name, func(*counterRaw) (any, error) {
			t := &memberTally{}
			tally(t)
			return t, nil
		})
		if err != nil {
			return err
		}
		t := v.(*memberTally)
		out.set.or(t.set)
		out.counts += t.counts
		out.fulfilled += t.fulfilled
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scopeKey names a scope in the names of what is derived for it.
func scopeKey(scope model.Scope) string {
	if scope.All {
		return "*"
	}
	regions := slices.Clone(scope.Regions)
	slices.Sort(regions)
	return strings.Join(regions, ",")
}

// intern is the number of s in list (index: list's numbers), added when new.
func intern(index map[string]int32, list *[]string, s string) int32 {
	if i, ok := index[s]; ok {
		return i
	}
	i := int32(len(*list))
	index[s] = i
	*list = append(*list, s)
	return i
}

// dayRange tells how a reader of the counters reads month in the period:
// whole, from its view (whose entries have day 0: lo and hi are 0), else
// from its day keys of days lo to hi.
func (p Period) dayRange(month string) (whole bool, lo, hi uint8) {
	if p.wholeMonth(month) {
		return true, 0, 0
	}
	lo, hi = 1, 31
	if month == p.From[:7] {
		lo = uint8(atoi2(p.From[8:]))
	}
	if month == p.To[:7] {
		hi = uint8(atoi2(p.To[8:]))
	}
	return false, lo, hi
}

// allowedRegions tells of each of regions whether scope allows it.
func allowedRegions(scope model.Scope, regions []string) []bool {
	out := make([]bool, len(regions))
	for i, reg := range regions {
		out[i] = scope.Allows(reg)
	}
	return out
}

// atoi2 reads a two-digit day.
func atoi2(s string) int {
	if len(s) != 2 {
		return 0
	}
	return int(s[0]-'0')*10 + int(s[1]-'0')
}

// memberSet is a set of member numbers.
type memberSet []uint64

// add adds m and tells whether it was new.
func (s *memberSet) add(m int32) bool {
	w, bit := int(m)/64, uint64(1)<<(uint(m)%64)
	for len(*s) <= w {
		*s = append(*s, 0)
	}
	if (*s)[w]&bit != 0 {
		return false
	}
	(*s)[w] |= bit
	return true
}

// or adds the members of o.
func (s *memberSet) or(o memberSet) {
	for len(*s) < len(o) {
		*s = append(*s, 0)
	}
	for i, w := range o {
		(*s)[i] |= w
	}
}

// each calls fn with every member of the set, in order.
func (s memberSet) each(fn func(m int32)) {
	for i, w := range s {
		for w != 0 {
			fn(int32(i*64 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
}

// has tells whether m is in the set.
func (s memberSet) has(m int32) bool {
	w := int(m) / 64
	return w < len(s) && s[w]&(uint64(1)<<(uint(m)%64)) != 0
}
