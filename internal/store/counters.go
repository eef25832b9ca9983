package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ---------------------------------------------------------------------------
// Counter documents.
//
// The dashboards read small counter collections rather than the records:
// one per family, one document per Lima month with a flat map of counts
// keyed "DD|region|...". A report reads, by _id, the month views of the
// months its period covers whole (counters_views.go) and the day keys of
// the others.
//
//   report_counters_m  meetings by start day:               "DD|region" -> n
//   report_counters_p  committees at meetings by start day:  "DD|region|committee" -> n
//   report_counters_c  commitments by made_on:              "DD|region|status|kind|stakeholder" -> n
//                      (stakeholder kept for legislators and committees only)
//   report_counters_d  open (not final) commitments by due_on: "DD|region|owner" -> n
//   report_counters_t  trainings by start day:               "DD|region|modality|audience" -> people,
//                      and "DD|region|modality|*" -> trainings
//   report_counters_i  initiatives' history entries by day that advance a
//                      stage ("a") or approve ("p") (model.EntryMoves):
//                      "DD|region|kind|initiative|a" -> n
//   report_counters    "meta" (generation, built_at, and "v": the stamps,
//                      one per family and one for the registries, that
//                      each write adds one to, see counters_cache.go),
//                      "g<gen>/committees":
//                      committee id -> "region|archived", and "g<gen>/groups":
//                      legislator or committee id -> the group the agreement
//                      rule counts them under (model.AgreementGroup), for
//                      those not under model.National
//
// Each month document has a view document next to it (counters_views.go).
//
// Writes keep them exact through CountMeeting/CountCommitment/CountStakeholder
// (an $inc upsert per touched month). A rebuild from the collections runs when
// the counters are missing or invalidated (bulk loads) and, in the background,
// when they are older than CountersMaxAge, so a write path that does not call
// the hooks is corrected within that time. Document ids carry a generation
// ("g3/2026-03"): a rebuild writes a new generation, switches the meta
// document, then deletes the old one, so readers never see a half-built set.

const colReportCounters = "report_counters"

// counterFamilies are the suffixes of the counter collections.
var counterFamilies = []string{"m", "p", "c", "d", "t", "i"}

// countersLayout is the version of the counter families; counters built by
// an older layout (without a family added since, or with keys since
// changed: 5 adds the month views and the agreement groups, 6 the
// initiatives' moves, 7 moves the commitments' member views to their own
// view documents) are rebuilt on first read.
const countersLayout = 7

func counterCol(family string) string { return colReportCounters + "_" + family }

// rebuildMu serialises counter rebuilds (see RebuildReportCounters).
var rebuildMu sync.Mutex

// CountersMaxAge is how often the server rebuilds the counters from the
// collections, as a safety net behind the write-path updates.
const CountersMaxAge = 10 * time.Minute

type countersMeta struct {
	ID      string    `bson:"_id"`
	Gen     int       `bson:"gen"`
	BuiltAt time.Time `bson:"built_at"`
	Stale   bool      `bson:"stale,omitempty"`
	Layout  int       `bson:"layout,omitempty"`
	// Stamps count the writes to each family's documents (and to the
	// registries, under stampRegistries) since the rebuild: every write
	// adds one after its documents are written, so a reader that sees the
	// same stamp as when it read a document may reuse that read
	// (counterCache). Nil in counters built before stamps, which are then
	// read every time.
	Stamps map[string]int64 `bson:"v,omitempty"`
}

// stampRegistries is the stamp of the committees and groups registries.
const stampRegistries = "registries"

// version is what a reader that read the documents under key's stamp
// remembers with them: "" when the counters keep no stamps. The build time
// tells this rebuild's stamps from another's of the same generation (a
// folder restored from a backup, say).
func (m *countersMeta) version(key string) string {
	if m == nil || m.Stamps == nil {
		return ""
	}
	return strconv.FormatInt(m.BuiltAt.UnixNano(), 36) + "/" + strconv.FormatInt(m.Stamps[key], 10)
}

// stamp adds one to the stamps of keys, after their documents were
// written (whether or not that succeeded: a failed write may have
// applied). A failure is logged: until the next rebuild, readers of this
// process and others may then keep an older read.
func (s *Store) stamp(ctx context.Context, keys ...string) {
	if len(keys) == 0 {
		return
	}
	inc := make(bson.D, len(keys))
	for i, k := range keys {
		inc[i] = bson.E{Key: "v." + k, Value: 1}
	}
	_, err := s.col(colReportCounters).Update(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: "meta"}}, bson.D{{Key: "$inc", Value: inc}}, coll.UpdateOptions{})
	if err != nil {
		s.logger().WarnContext(ctx, "report counters: stamp update failed", "stamps", keys, "err", err)
	}
}

type counterDoc struct {
	ID string         `bson:"_id"`
	C  map[string]int `bson:"c"`
}

type committeesDoc struct {
	ID string            `bson:"_id"`
	C  map[string]string `bson:"c"` // stakeholder hex -> entry ("region|archived", a group)
}

// InvalidateReportCounters makes the next report rebuild the counters before
// answering. Bulk loaders, which bypass the write hooks, call it.
func (s *Store) InvalidateReportCounters(ctx context.Context) error {
	_, err := s.col(colReportCounters).Update(ctx, bson.D{{Key: "_id", Value: "meta"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "stale", Value: true}}}}, coll.UpdateOptions{})
	return wrap("invalidate report counters", err)
}

// counterDelta is a set of count changes: family -> month -> key -> n.
type counterDelta map[string]map[string]map[string]int

func (d counterDelta) add(family, month, key string, n int) {
	if d[family] == nil {
		d[family] = map[string]map[string]int{}
	}
	if d[family][month] == nil {
		d[family][month] = map[string]int{}
	}
	d[family][month][key] += n
}

// dayKey splits a YYYY-MM-DD date into its month and day.
func dayKey(date string) (month, day string, ok bool) {
	if len(date) != 10 {
		return "", "", false
	}
	return date[:7], date[8:], true
}

func meetingCounts(d counterDelta, m *model.Meeting, committees map[string]string, n int) {
	month, day, ok := dayKey(m.StartsAt.In(model.Lima).Format(time.DateOnly))
	if !ok {
		return
	}
	d.add("m", month, day+"|"+m.Region, n)
	trainingCounts(d, month, day, m, n)
	for _, id := range m.StakeholderIDs {
		if _, ok := committees[id.Hex()]; ok {
			d.add("p", month, day+"|"+m.Region+"|"+id.Hex(), n)
		}
	}
}

func commitmentCounts(d counterDelta, c *model.Commitment, n int) {
	if month, day, ok := dayKey(c.MadeOn); ok {
		sid := ""
		if c.StakeholderKind == model.KindLegislator || c.StakeholderKind == model.KindOversightCommittee {
			sid = c.StakeholderID.Hex() // the agreement figures count each member once
		}
		d.add("c", month, strings.Join([]string{day, c.Region, c.Status, c.StakeholderKind, sid}, "|"), n)
	}
	if month, day, ok := dayKey(c.DueOn); ok && !model.IsFinal(c.Status) {
		d.add("d", month, day+"|"+c.Region+"|"+c.OwnerID.Hex(), n)
	}
}

// initiativeCounts counts the history entries of it that advance a stage
// or approve it, under its region and kind, each on its day.
func initiativeCounts(d counterDelta, it *model.Initiative, n int) {
	for i, h := range it.History {
		month, day, ok := dayKey(h.On)
		if !ok {
			continue
		}
		advanced, approved := model.EntryMoves(it, i)
		for flag, counts := range map[string]bool{moveAdvanced: advanced, moveApproved: approved} {
			if counts {
				d.add("i", month, strings.Join([]string{day, it.Region, it.Kind, it.ID.Hex(), flag}, "|"), n)
			}
		}
	}
}

// The flags of the initiatives' counter keys.
const (
	moveAdvanced = "a"
	moveApproved = "p"
)

// CountInitiative is CountMeeting for initiatives (stage changes included).
func (s *Store) CountInitiative(ctx context.Context, old, cur *model.Initiative) {
	meta, err := s.countersMeta(ctx)
	if err != nil { // none yet (the first report builds them) or unreadable
		return
	}
	d := counterDelta{}
	if old != nil {
		initiativeCounts(d, old, -1)
	}
	if cur != nil {
		initiativeCounts(d, cur, 1)
	}
	s.applyCounts(ctx, meta.Gen, d)
}

// CountMeeting updates the dashboard counters for a meeting created (old
// nil), changed, or deleted (cur nil). The store's write paths call it after
// the write succeeded. Failures are logged: the next rebuild corrects them.
func (s *Store) CountMeeting(ctx context.Context, old, cur *model.Meeting) {
	meta, err := s.countersMeta(ctx)
	if err != nil {
		return // no counters yet (the first report builds them) or unreadable
	}
	reg, err := s.registry(ctx, meta.Gen, meta.version(stampRegistries), "committees")
	if err != nil {
		s.logger().WarnContext(ctx, "report counters: committees unreadable", "err", err)
		return
	}
	d := counterDelta{}
	if old != nil {
		meetingCounts(d, old, reg, -1)
	}
	if cur != nil {
		meetingCounts(d, cur, reg, 1)
	}
	s.applyCounts(ctx, meta.Gen, d)
}

// CountCommitment is CountMeeting for commitments (status changes included).
func (s *Store) CountCommitment(ctx context.Context, old, cur *model.Commitment) {
	meta, err := s.countersMeta(ctx)
	if err != nil { // none yet (the first report builds them) or unreadable
		return
	}
	d := counterDelta{}
	if old != nil {
		commitmentCounts(d, old, -1)
	}
	if cur != nil {
		commitmentCounts(d, cur, 1)
	}
	s.applyCounts(ctx, meta.Gen, d)
}

// CountStakeholder keeps the committee and agreement-group registries up
// to date after a stakeholder is created, changed or (cur nil) deleted.
func (s *Store) CountStakeholder(ctx context.Context, id bson.ObjectID, cur *model.Stakeholder) {
	s.countStakeholder(ctx, id, nil, cur, false)
}

// countStakeholder is CountStakeholder knowing the stakeholder before the
// write (old, nil when created) when oldKnown: then it writes only the
// registries whose entry changed. Each registry holds every member of
// Congress and committee (some 3,800 at scale 10), so rewriting both on
// every stakeholder's write cost most of a write.
func (s *Store) countStakeholder(ctx context.Context, id bson.ObjectID, old, cur *model.Stakeholder, oldKnown bool) {
	type entries struct {
		committee, group     string
		isCommittee, inGroup bool
	}
	of := func(st *model.Stakeholder) (e entries) {
		if e.isCommittee = st != nil && st.Kind == model.KindOversightCommittee && st.Committee != nil; e.isCommittee {
			e.committee = committeeEntry(st)
		}
		e.group, e.inGroup = agreementGroupEntry(st)
		return e
	}
	was, now := of(old), of(cur)
	writeCommittees := !oldKnown || was.isCommittee != now.isCommittee || was.committee != now.committee
	writeGroups := !oldKnown || was.inGroup != now.inGroup || was.group != now.group
	if !writeCommittees && !writeGroups {
		return
	}
	meta, err := s.countersMeta(ctx)
	if err != nil { // none yet (the first report builds them) or unreadable
		return
	}
	set := func(ctx context.Context, doc, value string, ok bool) {
		upd := bson.D{{Key: "$unset", Value: bson.D{{Key: "c." + id.Hex(), Value: ""}}}}
		if ok {
			upd = bson.D{{Key: "$set", Value: bson.D{{Key: "c." + id.Hex(), Value: value}}}}
		}
		_, err := s.col(colReportCounters).Update(ctx, bson.D{{Key: "_id", Value: genID(meta.Gen, doc)}},
			upd, coll.UpdateOptions{Upsert: true})
		if err != nil {
			s.logger().WarnContext(ctx, "report counters: registry update failed", "doc", doc, "err", err)
		}
	}
	// The registries and their stamp in one commit, like applyCounts.
	s.batchWrites(context.WithoutCancel(ctx), func(ctx context.Context) {
		if writeCommittees {
			set(ctx, "committees", now.committee, now.isCommittee)
		}
		if writeGroups {
			set(ctx, "groups", now.group, now.inGroup)
		}
		s.stamp(ctx, stampRegistries)
	})
}

// agreementGroupEntry is a stakeholder's entry in the agreement-group
// registry: the group the agreement rule counts a legislator or committee
// under, when not model.National (the group of an id the registry lacks).
func agreementGroupEntry(st *model.Stakeholder) (string, bool) {
	if st == nil || (st.Kind != model.KindLegislator && st.Kind != model.KindOversightCommittee) {
		return "", false
	}
	g := model.AgreementGroup(st)
	return g, g != model.AgreementGroup(nil)
}

func committeeEntry(st *model.Stakeholder) string {
	return st.Committee.Region + "|" + strconv.FormatBool(st.Archived)
}

// newStamps are a rebuild's stamps: every one at zero (present, so that a
// reader knows the counters keep them).
func newStamps() map[string]int64 {
	out := map[string]int64{stampRegistries: 0}
	for _, f := range counterFamilies {
		out[f] = 0
	}
	return out
}

func genID(gen int, doc string) string { return "g" + strconv.Itoa(gen) + "/" + doc }

func (s *Store) applyCounts(ctx context.Context, gen int, d counterDelta) {
	s.batchWrites(context.WithoutCancel(ctx), func(ctx context.Context) {
		s.applyCountsOnce(ctx, gen, d)
	})
}

// batchWrites runs fn, several small writes each of which logs its own
// failure, as one commit on the embedded store (a counted write updates up
// to five counter documents, its stamps included: five commits cost a
// write more than the stamps' update alone). On MongoDB each write stays
// on its own: in a transaction, concurrent writers of the meta document's
// stamps would conflict and retry.
func (s *Store) batchWrites(ctx context.Context, fn func(ctx context.Context)) {
	if s.embedded == nil {
		fn(ctx)
		return
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		fn(ctx)
		return nil
	})
	if err != nil {
		s.logger().WarnContext(ctx, "report counters: commit failed", "err", err)
	}
}

func (s *Store) applyCountsOnce(ctx context.Context, gen int, d counterDelta) {
	var written []string
	defer func() { s.stamp(ctx, written...) }()
	for family, months := range d {
		for month, keys := range months {
			inc := bson.D{}
			for k, n := range keys {
				if n != 0 {
					inc = append(inc, bson.E{Key: "c." + k, Value: n})
				}
			}
			if len(inc) == 0 {
				continue
			}
			if !slices.Contains(written, family) {
				written = append(written, family)
			}
			_, err := s.col(counterCol(family)).Update(ctx, bson.D{{Key: "_id", Value: genID(gen, month)}},
				bson.D{{Key: "$inc", Value: inc}}, coll.UpdateOptions{Upsert: true})
			if err != nil {
				s.logger().WarnContext(ctx, "report counters: update failed", "family", family, "month", month, "err", err)
				continue
			}
			s.applyViewCounts(ctx, gen, family, month, keys)
		}
	}
}

// countersMeta reads the counters' meta document: ErrNotFound before the
// first build.
func (s *Store) countersMeta(ctx context.Context) (*countersMeta, error) {
	var m countersMeta
	err := s.col(colReportCounters).FindOne(ctx, bson.D{{Key: "_id", Value: "meta"}}, coll.FindOptions{}, &m)
	if err != nil {
		return nil, wrap("report counters meta", err)
	}
	return &m, nil
}

// registry reads one of the registries of a generation (committees, groups).
// The groups registry holds every member of Congress and committee (some
// 3,800 at scale 10), and the figures read it on each request: the map is
// made once per version of the document (counterCache) and shared, so
// callers must not change it. version is the registries' (countersMeta's
// version): when the cache read the document under the same one, it is not
// read again.
func (s *Store) registry(ctx context.Context, gen int, version, name string) (map[string]string, error) {
	c, err := s.registryDoc(ctx, gen, version, name)
	if err != nil {
		return nil, err
	}
	v, err := c.derive("registry", func(doc *counterRaw) (any, error) {
		out := map[string]string{}
		err := eachString(doc, "c", func(key, value string) { out[key] = value })
		return out, err
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]string), nil
}

// registryDoc is the document of a registry (nil: none), read under
// version as registry says.
func (s *Store) registryDoc(ctx context.Context, gen int, version, name string) (*cachedCounterDoc, error) {
	id := genID(gen, name)
	c, ok := s.counterCache.stamped(gen, colReportCounters, id, version)
	if !ok {
		var raw bson.Raw
		err := s.col(colReportCounters).FindOne(ctx, bson.D{{Key: "_id", Value: id}}, coll.FindOptions{}, &raw)
		switch {
		case errors.Is(err, ErrNotFound):
			c = nil
		case err != nil:
			return nil, wrap("read report counters", err)
		default:
			c = s.counterCache.doc(gen, colReportCounters, id, raw)
		}
		s.counterCache.stamp(gen, colReportCounters, id, version, c)
	}
	return c, nil
}

// freshCounters returns the current meta document (generation and stamps),
// building the counters first when there are none or they were invalidated
// (the server also rebuilds them every CountersMaxAge).
func (s *Store) freshCounters(ctx context.Context) (*countersMeta, error) {
	meta, err := s.countersMeta(ctx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if meta == nil || meta.Stale || meta.Layout < countersLayout {
		if err := s.RebuildReportCounters(ctx); err != nil {
			return nil, err
		}
		if meta, err = s.countersMeta(ctx); err != nil {
			return nil, fmt.Errorf("store: report counters missing after rebuild: %w", err)
		}
	}
	return meta, nil
}

// RebuildReportCounters recomputes every counter document from the
// collections (seconds at the reference size) into a new generation, then
// switches to it and deletes the old one.
func (s *Store) RebuildReportCounters(ctx context.Context) error {
	// One rebuild at a time in this process: two would pick the same next
	// generation and delete each other's documents.
	rebuildMu.Lock()
	defer rebuildMu.Unlock()
	var counted []model.Stakeholder
	err := s.col(colStakeholders).Find(ctx, bson.D{{Key: "kind", Value: bson.D{{Key: "$in", Value: []string{model.KindOversightCommittee, model.KindLegislator}}}}},
		coll.FindOptions{Projection: bson.D{{Key: "kind", Value: 1}, {Key: "committee", Value: 1}, {Key: "legislator", Value: 1}, {Key: "archived", Value: 1}}}, &counted)
	if err != nil {
		return wrap("rebuild report counters", err)
	}
	reg, groups := map[string]string{}, map[string]string{}
	for i := range counted {
		st := &counted[i]
		if st.Kind == model.KindOversightCommittee && st.Committee != nil {
			reg[st.ID.Hex()] = committeeEntry(st)
		}
		if g, ok := agreementGroupEntry(st); ok {
			groups[st.ID.Hex()] = g
		}
	}
	d := counterDelta{}
	var meetings []model.Meeting
	// Whole collections, read in _id order: an index walk, which a MongoDB
	// refusing collection scans (notablescan) accepts.
	byID := bson.D{{Key: "_id", Value: 1}}
	err = s.col(colMeetings).Find(ctx, bson.D{}, coll.FindOptions{Sort: byID, Projection: bson.D{
		{Key: "starts_at", Value: 1}, {Key: "region", Value: 1}, {Key: "stakeholder_ids", Value: 1},
		{Key: "kind", Value: 1}, {Key: "training", Value: 1}}}, &meetings)
	if err != nil {
		return wrap("rebuild report counters", err)
	}
	for i := range meetings {
		meetingCounts(d, &meetings[i], reg, 1)
	}
	var commitments []model.Commitment
	err = s.col(colCommitments).Find(ctx, bson.D{}, coll.FindOptions{Sort: byID, Projection: bson.D{
		{Key: "made_on", Value: 1}, {Key: "due_on", Value: 1}, {Key: "region", Value: 1}, {Key: "status", Value: 1},
		{Key: "stakeholder_kind", Value: 1}, {Key: "stakeholder_id", Value: 1}, {Key: "owner_id", Value: 1}}}, &commitments)
	if err != nil {
		return wrap("rebuild report counters", err)
	}
	for i := range commitments {
		commitmentCounts(d, &commitments[i], 1)
	}
	var initiatives []model.Initiative
	err = s.col(colInitiatives).Find(ctx, bson.D{}, coll.FindOptions{Sort: byID, Projection: bson.D{
		{Key: "region", Value: 1}, {Key: "kind", Value: 1}, {Key: "history", Value: 1}}}, &initiatives)
	if err != nil {
		return wrap("rebuild report counters", err)
	}
	for i := range initiatives {
		initiativeCounts(d, &initiatives[i], 1)
	}

	old, err := s.countersMeta(ctx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	gen := 1
	if err == nil {
		gen = old.Gen + 1
	}
	// A failed earlier rebuild may have left this generation behind.
	if err := s.dropGeneration(ctx, gen); err != nil {
		return err
	}
	registries := []any{committeesDoc{ID: genID(gen, "committees"), C: reg}, committeesDoc{ID: genID(gen, "groups"), C: groups}}
	if _, err := s.col(colReportCounters).Insert(ctx, registries, coll.InsertOptions{}); err != nil {
		return wrap("rebuild report counters", err)
	}
	for family, months := range d {
		docs := make([]any, 0, len(months))
		for month, c := range months {
			docs = append(docs, counterDoc{ID: genID(gen, month), C: c})
		}
		docs = append(docs, viewDocs(gen, family, months)...)
		if _, err := s.col(counterCol(family)).Insert(ctx, docs, coll.InsertOptions{}); err != nil {
			return wrap("rebuild report counters", err)
		}
	}
	_, err = s.col(colReportCounters).Replace(ctx, bson.D{{Key: "_id", Value: "meta"}}, countersMeta{ID: "meta", Gen: gen, BuiltAt: s.Now(), Layout: countersLayout, Stamps: newStamps()}, true)
	if err != nil {
		return wrap("rebuild report counters", err)
	}
	if old != nil {
		return s.dropGeneration(ctx, old.Gen)
	}
	return nil
}

func (s *Store) dropGeneration(ctx context.Context, gen int) error {
	filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: "^g" + strconv.Itoa(gen) + "/"}}}}
	for _, col := range append([]string{colReportCounters}, counterFamilies...) {
		if col != colReportCounters {
			col = counterCol(col)
		}
		if _, err := s.col(col).Delete(ctx, filter, true); err != nil {
			return wrap("drop report counters", err)
		}
	}
	return nil
}
