package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The dashboards, twice: the ...Scan functions aggregate over the
// collections (the reference implementation, and the fallback on a real
// MongoDB with indexes); the functions without the suffix, which the API
// uses, read counter documents (below) because scans cost seconds on the
// embedded engine. The aggregations use only $match, $group, $sort,
// $project, $unwind and $count. Measured on FerretDB 1.24:
//   - $year/$month/$add/$dateToString and $addToSet are not implemented, so
//     months are computed in Go over a {starts_at, region} projection and
//     distinct sets come from $group on the value;
//   - $unwind keeps only _id and the unwound field (every other field of the
//     document is dropped), so pipelines $project down to the unwound field
//     first and never group an unwound document by another field.

// Period is a report's range of Lima days, both ends included (YYYY-MM-DD).
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// DefaultPeriod is the last twelve calendar months including the current
// one: from the first day of the month eleven months ago to today, in Lima.
func DefaultPeriod(now time.Time) Period {
	t := now.In(model.Lima)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, model.Lima).AddDate(0, -11, 0)
	return Period{From: first.Format(time.DateOnly), To: t.Format(time.DateOnly)}
}

// Validate checks both dates and their order.
func (p Period) Validate() error {
	var pr model.Problems
	if !model.ValidDate(p.From) {
		pr.Add("from", "must be a date (YYYY-MM-DD)")
	}
	if !model.ValidDate(p.To) {
		pr.Add("to", "must be a date (YYYY-MM-DD)")
	}
	if len(pr) == 0 && p.From > p.To {
		pr.Add("to", "must not be before from")
	}
	return pr.Err()
}

// instants is the period as UTC times [from 00:00 Lima, the day after to 00:00 Lima).
func (p Period) instants() (time.Time, time.Time) {
	from, _ := time.ParseInLocation(time.DateOnly, p.From, model.Lima)
	to, _ := time.ParseInLocation(time.DateOnly, p.To, model.Lima)
	return from.UTC(), to.AddDate(0, 0, 1).UTC()
}

// dateRange is the condition from <= field <= to on a YYYY-MM-DD field.
func (p Period) dateRange() bson.D {
	return bson.D{{Key: "$gte", Value: p.From}, {Key: "$lte", Value: p.To}}
}

// StatusCount is the number of commitments of one region in one status.
type StatusCount struct {
	Region string `json:"region"`
	Status string `json:"status"`
	Count  int    `json:"count"`
}

// OwnerCount is the number of overdue commitments of one region and owner.
type OwnerCount struct {
	Region    string        `json:"region"`
	OwnerID   bson.ObjectID `json:"owner_id"`
	OwnerName string        `json:"owner_name"`
	Count     int           `json:"count"`
}

// MonthCount is the number of meetings of one region in one Lima month (YYYY-MM).
type MonthCount struct {
	Month  string `json:"month"`
	Region string `json:"region"`
	Count  int    `json:"count"`
}

// RegionCount is one region's number.
type RegionCount struct {
	Region string `json:"region"`
	Count  int    `json:"count"`
}

// LegislatorCounts answers the legislators-with-commitments report. Items
// count, per region of the commitment, the distinct legislators with at least
// one commitment there; Total counts each legislator once. A legislator with
// commitments in two regions adds one to each region's count, so the items
// add up to Total + (extra regions of MultiRegion legislators).
type LegislatorCounts struct {
	Total       int           `json:"total"`
	MultiRegion int           `json:"multi_region"`
	Items       []RegionCount `json:"items"`
}

// aggregate runs a pipeline and decodes every result into out.
func (s *Store) aggregate(ctx context.Context, col string, pipeline bson.A, out any) error {
	cur, err := s.c(col).Aggregate(ctx, pipeline)
	if err != nil {
		return err
	}
	return cur.All(ctx, out)
}

// CommitmentsByRegionScan counts commitments made in the period by region and status.
func (s *Store) CommitmentsByRegionScan(ctx context.Context, scope model.Scope, p Period) ([]StatusCount, error) {
	match := scoped(bson.D{{Key: "made_on", Value: p.dateRange()}}, scope, "region")
	var rows []struct {
		ID struct {
			Region string `bson:"region"`
			Status string `bson:"status"`
		} `bson:"_id"`
		N int `bson:"n"`
	}
	err := s.aggregate(ctx, colCommitments, bson.A{
		bson.D{{Key: "$match", Value: match}},
		bson.D{{Key: "$group", Value: bson.D{
			{Key: "_id", Value: bson.D{{Key: "region", Value: "$region"}, {Key: "status", Value: "$status"}}},
			{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
		}}},
	}, &rows)
	if err != nil {
		return nil, wrap("report commitments by region", err)
	}
	out := make([]StatusCount, len(rows))
	for i, r := range rows {
		out[i] = StatusCount{Region: r.ID.Region, Status: r.ID.Status, Count: r.N}
	}
	sortStatusCounts(out)
	return out, nil
}

// sortStatusCounts orders by region, then statuses in the enum's order.
func sortStatusCounts(out []StatusCount) {
	slices.SortFunc(out, func(a, b StatusCount) int {
		if a.Region != b.Region {
			return compareStrings(a.Region, b.Region)
		}
		return slices.Index(model.CommitmentStatuses, a.Status) - slices.Index(model.CommitmentStatuses, b.Status)
	})
}

// OverdueByOwnerScan counts overdue commitments (due before today in Lima, status
// not final) whose due date falls in the period, by region and owner, with
// the owners' names. Most overdue first.
func (s *Store) OverdueByOwnerScan(ctx context.Context, scope model.Scope, p Period) ([]OwnerCount, error) {
	today := model.Today(s.Now())
	due := bson.D{{Key: "$gte", Value: p.From}, {Key: "$lte", Value: p.To}, {Key: "$lt", Value: today}}
	match := scoped(bson.D{
		{Key: "due_on", Value: due},
		{Key: "status", Value: bson.D{{Key: "$nin", Value: []string(model.FinalStatuses)}}},
	}, scope, "region")
	var rows []struct {
		ID struct {
			Region string        `bson:"region"`
			Owner  bson.ObjectID `bson:"owner"`
		} `bson:"_id"`
		N int `bson:"n"`
	}
	err := s.aggregate(ctx, colCommitments, bson.A{
		bson.D{{Key: "$match", Value: match}},
		bson.D{{Key: "$group", Value: bson.D{
			{Key: "_id", Value: bson.D{{Key: "region", Value: "$region"}, {Key: "owner", Value: "$owner_id"}}},
			{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
		}}},
	}, &rows)
	if err != nil {
		return nil, wrap("report overdue", err)
	}
	counts := map[[2]string]int{}
	for _, r := range rows {
		counts[[2]string{r.ID.Region, r.ID.Owner.Hex()}] += r.N
	}
	return s.ownerCounts(ctx, counts)
}

// ownerCounts turns region/owner-hex counts into rows with the owners' names
// (joined in Go), by region, most overdue first.
func (s *Store) ownerCounts(ctx context.Context, counts map[[2]string]int) ([]OwnerCount, error) {
	out := make([]OwnerCount, 0, len(counts))
	ids := make([]bson.ObjectID, 0, len(counts))
	for k, n := range counts {
		id, _ := bson.ObjectIDFromHex(k[1])
		out = append(out, OwnerCount{Region: k[0], OwnerID: id, Count: n})
		if !id.IsZero() {
			ids = append(ids, id)
		}
	}
	users, err := s.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].OwnerName = users[out[i].OwnerID].Name
	}
	slices.SortFunc(out, func(a, b OwnerCount) int {
		if a.Region != b.Region {
			return compareStrings(a.Region, b.Region)
		}
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return compareStrings(a.OwnerName, b.OwnerName)
	})
	return out, nil
}

// MeetingsPerMonthScan counts meetings that start in the period by Lima month and
// region. The engine has no date operators, so the months are computed here
// over a projection of two small fields.
func (s *Store) MeetingsPerMonthScan(ctx context.Context, scope model.Scope, p Period) ([]MonthCount, error) {
	from, to := p.instants()
	filter := scoped(timeRange(bson.D{}, "starts_at", from, to), scope, "region")
	cur, err := s.c(colMeetings).Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: "starts_at", Value: 1}, {Key: "region", Value: 1}}))
	if err != nil {
		return nil, wrap("report meetings per month", err)
	}
	defer cur.Close(ctx)
	type key struct{ month, region string }
	counts := map[key]int{}
	for cur.Next(ctx) {
		var m struct {
			StartsAt time.Time `bson:"starts_at"`
			Region   string    `bson:"region"`
		}
		if err := cur.Decode(&m); err != nil {
			return nil, wrap("report meetings per month", err)
		}
		counts[key{m.StartsAt.In(model.Lima).Format("2006-01"), m.Region}]++
	}
	if err := cur.Err(); err != nil {
		return nil, wrap("report meetings per month", err)
	}
	out := make([]MonthCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, MonthCount{Month: k.month, Region: k.region, Count: n})
	}
	sortMonthCounts(out)
	return out, nil
}

func sortMonthCounts(out []MonthCount) {
	slices.SortFunc(out, func(a, b MonthCount) int {
		if a.Month != b.Month {
			return compareStrings(a.Month, b.Month)
		}
		return compareStrings(a.Region, b.Region)
	})
}

// LegislatorsWithCommitmentsScan counts the distinct legislators with at least
// one commitment made in the period, per region of the commitment (largest
// first), and in total (each legislator once).
func (s *Store) LegislatorsWithCommitmentsScan(ctx context.Context, scope model.Scope, p Period) (*LegislatorCounts, error) {
	match := scoped(bson.D{
		{Key: "stakeholder_kind", Value: model.KindLegislator},
		{Key: "made_on", Value: p.dateRange()},
	}, scope, "region")
	var rows []struct {
		ID struct {
			Region string        `bson:"region"`
			SID    bson.ObjectID `bson:"sid"`
		} `bson:"_id"`
	}
	err := s.aggregate(ctx, colCommitments, bson.A{
		bson.D{{Key: "$match", Value: match}},
		bson.D{{Key: "$group", Value: bson.D{
			{Key: "_id", Value: bson.D{{Key: "region", Value: "$region"}, {Key: "sid", Value: "$stakeholder_id"}}},
		}}},
	}, &rows)
	if err != nil {
		return nil, wrap("report legislators with commitments", err)
	}
	perRegion := map[string]int{}
	regionsOf := map[bson.ObjectID]int{}
	for _, r := range rows {
		perRegion[r.ID.Region]++
		regionsOf[r.ID.SID]++
	}
	out := &LegislatorCounts{Total: len(regionsOf), Items: regionCounts(perRegion)}
	for _, n := range regionsOf {
		if n > 1 {
			out.MultiRegion++
		}
	}
	return out, nil
}

// ActiveCommitteesScan counts the oversight committees (not archived) with at
// least one meeting or commitment in the period, per committee region. The
// committee, the meeting and the commitment must all be in scope.
func (s *Store) ActiveCommitteesScan(ctx context.Context, scope model.Scope, p Period) ([]RegionCount, error) {
	var committees []struct {
		ID        bson.ObjectID `bson:"_id"`
		Committee struct {
			Region string `bson:"region"`
		} `bson:"committee"`
	}
	filter := scoped(bson.D{
		{Key: "kind", Value: model.KindOversightCommittee},
		{Key: "archived", Value: bson.D{{Key: "$ne", Value: true}}},
	}, scope, "committee.region")
	err := s.findAll(ctx, colStakeholders, filter, options.Find().SetProjection(bson.D{{Key: "committee.region", Value: 1}}), &committees)
	if err != nil {
		return nil, wrap("report active committees", err)
	}
	if len(committees) == 0 {
		return []RegionCount{}, nil
	}
	ids := make([]bson.ObjectID, len(committees))
	for i, c := range committees {
		ids[i] = c.ID
	}
	active := map[bson.ObjectID]bool{}
	var rows []struct {
		ID bson.ObjectID `bson:"_id"`
	}
	err = s.aggregate(ctx, colCommitments, bson.A{
		bson.D{{Key: "$match", Value: scoped(bson.D{
			{Key: "stakeholder_kind", Value: model.KindOversightCommittee},
			{Key: "made_on", Value: p.dateRange()},
		}, scope, "region")}},
		bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$stakeholder_id"}}}},
	}, &rows)
	if err != nil {
		return nil, wrap("report active committees", err)
	}
	for _, r := range rows {
		active[r.ID] = true
	}
	from, to := p.instants()
	in := bson.D{{Key: "$in", Value: ids}}
	rows = rows[:0]
	err = s.aggregate(ctx, colMeetings, bson.A{
		bson.D{{Key: "$match", Value: scoped(timeRange(bson.D{{Key: "stakeholder_ids", Value: in}}, "starts_at", from, to), scope, "region")}},
		// $unwind drops every other field on the embedded engine: keep only the ids.
		bson.D{{Key: "$project", Value: bson.D{{Key: "stakeholder_ids", Value: 1}}}},
		bson.D{{Key: "$unwind", Value: "$stakeholder_ids"}},
		bson.D{{Key: "$match", Value: bson.D{{Key: "stakeholder_ids", Value: in}}}},
		bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$stakeholder_ids"}}}},
	}, &rows)
	if err != nil {
		return nil, wrap("report active committees", err)
	}
	for _, r := range rows {
		active[r.ID] = true
	}
	perRegion := map[string]int{}
	for _, c := range committees {
		if active[c.ID] {
			perRegion[c.Committee.Region]++
		}
	}
	return regionCounts(perRegion), nil
}

// regionCounts turns a map into rows, largest first, then by region code.
func regionCounts(m map[string]int) []RegionCount {
	out := make([]RegionCount, 0, len(m))
	for r, n := range m {
		out = append(out, RegionCount{Region: r, Count: n})
	}
	slices.SortFunc(out, func(a, b RegionCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return compareStrings(a.Region, b.Region)
	})
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ---------------------------------------------------------------------------
// Counter documents.
//
// On the embedded engine every filter scans the whole collection: even
// {_id: x} (SQLite is asked for _ferretdb_sjson->'$._id' = ?, which does not
// match the expression of its _id index, ->"_id", so it reads every row;
// measured 350 ms for one meeting by _id at 10,000 meetings on this 2-core
// machine under load). The scanning reports above therefore cost seconds at
// the reference size. The dashboards read small counter collections instead,
// one per family, one document per Lima month with a flat map of counts
// keyed "DD|region|...". On MongoDB a report reads its family's whole
// collection in one query (24 documents for two years of data) however many
// records there are; on the embedded engine it reads, for the months its
// period covers whole, the month views SQLite triggers keep next to each
// document (counters_views.go), and the day keys of the others.
//
//   report_counters_m  meetings by start day:               "DD|region" -> n
//   report_counters_p  committees at meetings by start day:  "DD|region|committee" -> n
//   report_counters_c  commitments by made_on:              "DD|region|status|kind|stakeholder" -> n
//                      (stakeholder kept for legislators and committees only)
//   report_counters_d  open (not final) commitments by due_on: "DD|region|owner" -> n
//   report_counters_t  trainings by start day:               "DD|region|modality|audience" -> people,
//                      and "DD|region|modality|*" -> trainings
//   report_counters    "meta" (generation, built_at) and "g<gen>/committees":
//                      committee id -> "region|archived"
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
var counterFamilies = []string{"m", "p", "c", "d", "t"}

// countersLayout is the version of the counter families; counters built by
// an older layout (without a family added since) are rebuilt on first read.
const countersLayout = 2

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
}

type counterDoc struct {
	ID string         `bson:"_id"`
	C  map[string]int `bson:"c"`
}

type committeesDoc struct {
	ID string            `bson:"_id"`
	C  map[string]string `bson:"c"` // stakeholder hex -> "region|archived"
}

// InvalidateReportCounters makes the next report rebuild the counters before
// answering. Bulk loaders, which bypass the write hooks, call it.
func (s *Store) InvalidateReportCounters(ctx context.Context) error {
	_, err := s.c(colReportCounters).UpdateOne(ctx, bson.D{{Key: "_id", Value: "meta"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "stale", Value: true}}}})
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
			sid = c.StakeholderID.Hex()
		}
		d.add("c", month, strings.Join([]string{day, c.Region, c.Status, c.StakeholderKind, sid}, "|"), n)
	}
	if month, day, ok := dayKey(c.DueOn); ok && !model.IsFinal(c.Status) {
		d.add("d", month, day+"|"+c.Region+"|"+c.OwnerID.Hex(), n)
	}
}

// CountMeeting updates the dashboard counters for a meeting created (old
// nil), changed, or deleted (cur nil). The store's write paths call it after
// the write succeeded. Failures are logged: the next rebuild corrects them.
func (s *Store) CountMeeting(ctx context.Context, old, cur *model.Meeting) {
	meta, err := s.countersMeta(ctx)
	if err != nil || meta == nil {
		return // no counters yet: the first report builds them
	}
	reg, err := s.committeeRegistry(ctx, meta.Gen)
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
	if err != nil || meta == nil {
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

// CountStakeholder keeps the committee registry up to date after a
// stakeholder is created, changed or (cur nil) deleted.
func (s *Store) CountStakeholder(ctx context.Context, id bson.ObjectID, cur *model.Stakeholder) {
	meta, err := s.countersMeta(ctx)
	if err != nil || meta == nil {
		return
	}
	var upd bson.D
	if cur == nil || cur.Kind != model.KindOversightCommittee || cur.Committee == nil {
		upd = bson.D{{Key: "$unset", Value: bson.D{{Key: "c." + id.Hex(), Value: ""}}}}
	} else {
		upd = bson.D{{Key: "$set", Value: bson.D{{Key: "c." + id.Hex(), Value: committeeEntry(cur)}}}}
	}
	_, err = s.c(colReportCounters).UpdateOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: genID(meta.Gen, "committees")}},
		upd, options.UpdateOne().SetUpsert(true))
	if err != nil {
		s.logger().WarnContext(ctx, "report counters: committee update failed", "err", err)
	}
}

func committeeEntry(st *model.Stakeholder) string {
	return st.Committee.Region + "|" + strconv.FormatBool(st.Archived)
}

func genID(gen int, doc string) string { return "g" + strconv.Itoa(gen) + "/" + doc }

func (s *Store) applyCounts(ctx context.Context, gen int, d counterDelta) {
	ctx = context.WithoutCancel(ctx)
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
			_, err := s.c(counterCol(family)).UpdateOne(ctx, bson.D{{Key: "_id", Value: genID(gen, month)}},
				bson.D{{Key: "$inc", Value: inc}}, options.UpdateOne().SetUpsert(true))
			if err != nil {
				s.logger().WarnContext(ctx, "report counters: update failed", "family", family, "month", month, "err", err)
			}
		}
	}
}

func (s *Store) countersMeta(ctx context.Context) (*countersMeta, error) {
	var m countersMeta
	err := s.c(colReportCounters).FindOne(ctx, bson.D{{Key: "_id", Value: "meta"}}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("report counters meta", err)
	}
	return &m, nil
}

func (s *Store) committeeRegistry(ctx context.Context, gen int) (map[string]string, error) {
	var reg committeesDoc
	err := s.c(colReportCounters).FindOne(ctx, bson.D{{Key: "_id", Value: genID(gen, "committees")}}).Decode(&reg)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, wrap("read report counters", err)
	}
	if reg.C == nil {
		reg.C = map[string]string{}
	}
	return reg.C, nil
}

// freshCounters returns the current generation, building the counters first
// when there are none or they were invalidated (the server also rebuilds
// them every CountersMaxAge).
func (s *Store) freshCounters(ctx context.Context) (int, error) {
	meta, err := s.countersMeta(ctx)
	if err != nil {
		return 0, err
	}
	if meta == nil || meta.Stale || meta.Layout < countersLayout {
		if err := s.RebuildReportCounters(ctx); err != nil {
			return 0, err
		}
		if meta, err = s.countersMeta(ctx); err != nil || meta == nil {
			return 0, fmt.Errorf("store: report counters missing after rebuild: %w", err)
		}
		return meta.Gen, nil
	}
	return meta.Gen, nil
}

// RebuildReportCounters recomputes every counter document from the
// collections (seconds at the reference size) into a new generation, then
// switches to it and deletes the old one.
func (s *Store) RebuildReportCounters(ctx context.Context) error {
	// One rebuild at a time in this process: two would pick the same next
	// generation and delete each other's documents.
	rebuildMu.Lock()
	defer rebuildMu.Unlock()
	var committees []model.Stakeholder
	err := s.findAll(ctx, colStakeholders, bson.D{{Key: "kind", Value: model.KindOversightCommittee}},
		options.Find().SetProjection(bson.D{{Key: "kind", Value: 1}, {Key: "committee", Value: 1}, {Key: "archived", Value: 1}}), &committees)
	if err != nil {
		return wrap("rebuild report counters", err)
	}
	reg := map[string]string{}
	for i := range committees {
		if committees[i].Committee != nil {
			reg[committees[i].ID.Hex()] = committeeEntry(&committees[i])
		}
	}
	d := counterDelta{}
	var meetings []model.Meeting
	// Whole collections, read in _id order: an index walk, which a MongoDB
	// refusing collection scans (notablescan) accepts.
	byID := bson.D{{Key: "_id", Value: 1}}
	err = s.findAll(ctx, colMeetings, bson.D{}, options.Find().SetSort(byID).SetProjection(bson.D{
		{Key: "starts_at", Value: 1}, {Key: "region", Value: 1}, {Key: "stakeholder_ids", Value: 1},
		{Key: "kind", Value: 1}, {Key: "training", Value: 1}}), &meetings)
	if err != nil {
		return wrap("rebuild report counters", err)
	}
	for i := range meetings {
		meetingCounts(d, &meetings[i], reg, 1)
	}
	var commitments []model.Commitment
	err = s.findAll(ctx, colCommitments, bson.D{}, options.Find().SetSort(byID).SetProjection(bson.D{
		{Key: "made_on", Value: 1}, {Key: "due_on", Value: 1}, {Key: "region", Value: 1}, {Key: "status", Value: 1},
		{Key: "stakeholder_kind", Value: 1}, {Key: "stakeholder_id", Value: 1}, {Key: "owner_id", Value: 1}}), &commitments)
	if err != nil {
		return wrap("rebuild report counters", err)
	}
	for i := range commitments {
		commitmentCounts(d, &commitments[i], 1)
	}

	old, err := s.countersMeta(ctx)
	if err != nil {
		return err
	}
	gen := 1
	if old != nil {
		gen = old.Gen + 1
	}
	// A failed earlier rebuild may have left this generation behind.
	if err := s.dropGeneration(ctx, gen); err != nil {
		return err
	}
	if _, err := s.c(colReportCounters).InsertOne(ctx, committeesDoc{ID: genID(gen, "committees"), C: reg}); err != nil {
		return wrap("rebuild report counters", err)
	}
	for family, months := range d {
		docs := make([]any, 0, len(months))
		for month, c := range months {
			docs = append(docs, counterDoc{ID: genID(gen, month), C: c})
		}
		if _, err := s.c(counterCol(family)).InsertMany(ctx, docs); err != nil {
			return wrap("rebuild report counters", err)
		}
	}
	_, err = s.c(colReportCounters).ReplaceOne(ctx, bson.D{{Key: "_id", Value: "meta"}}, countersMeta{ID: "meta", Gen: gen, BuiltAt: s.Now(), Layout: countersLayout},
		options.Replace().SetUpsert(true))
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
		if _, err := s.c(col).DeleteMany(ctx, filter); err != nil {
			return wrap("drop report counters", err)
		}
	}
	return nil
}

// months lists the YYYY-MM months the period touches.
func (p Period) months() map[string]bool {
	from, _ := time.Parse(time.DateOnly, p.From)
	to, _ := time.Parse(time.DateOnly, p.To)
	out := map[string]bool{}
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		out[m.Format("2006-01")] = true
	}
	return out
}

// readCounters calls fn for every count of a family's named views (see
// counterViews) in the period's days whose region is in scope, with the
// key's fields after day and region (the fields a view leaves out blank).
// On the embedded engine the months the period covers whole come from their
// views (counters_views.go) with date the month's first day; elsewhere, and
// for the months the period cuts, from the day keys those views count. On
// the engine it reads the family's whole (small) collection in one query:
// any filter would scan it anyway.
func (s *Store) readCounters(ctx context.Context, gen int, family string, names []string, scope model.Scope, p Period, fn func(date, region string, rest []string, n int)) error {
	vs := views(family, names)
	months := p.months()
	each := func(month, k string, n int) {
		if n == 0 {
			return
		}
		parts := strings.Split(k, "|")
		if len(parts) < 2 {
			return
		}
		date := month + "-" + parts[0]
		if date < p.From || date > p.To || !scope.Allows(parts[1]) || !anyView(vs, parts[2:]) {
			return
		}
		fn(date, parts[1], parts[2:], n)
	}
	eachView := func(month, k string, n int) {
		if n == 0 {
			return
		}
		parts := strings.Split(k, "|")
		if scope.Allows(parts[0]) {
			fn(month+"-01", parts[0], parts[1:], n)
		}
	}
	if err := s.liteCounters(ctx, gen, family, vs, p, months, each, eachView); !errors.Is(err, errNoPushdown) {
		return err
	}
	prefix := genID(gen, "")
	cur, err := s.c(counterCol(family)).Find(ctx, bson.D{})
	if err != nil {
		return wrap("read report counters", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var doc counterDoc
		if err := cur.Decode(&doc); err != nil {
			return wrap("read report counters", err)
		}
		month, ok := strings.CutPrefix(doc.ID, prefix)
		if !ok || !months[month] {
			continue
		}
		for k, n := range doc.C {
			each(month, k, n)
		}
	}
	return wrap("read report counters", cur.Err())
}

// liteCounterMonth runs q for the document with _id id.
func (s *Store) liteCounterMonth(ctx context.Context, db *sql.DB, q, id string, each func(key string, n int)) error {
	rows, err := db.QueryContext(ctx, q, id)
	if err != nil {
		return fmt.Errorf("store: read report counters in SQLite: %w", err)
	}
	defer rows.Close()
	var key string
	var n int
	for rows.Next() {
		if err := rows.Scan(&key, &n); err != nil {
			return fmt.Errorf("store: read report counters in SQLite: %w", err)
		}
		each(key, n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read report counters in SQLite: %w", err)
	}
	return nil
}

// liteCounters reads, on the embedded engine, the counts of the period's
// months of a family straight from SQLite, with no decoding by the engine
// (which decoded every month's document into a map, most of a dashboard's
// time). The months the period covers whole come from the trigger-kept
// views of vs (eachView gets view keys), in one query by their index; each
// other month from its document's day keys (eachDay), the document by the
// _id index and its counts by json_each. errNoPushdown elsewhere.
func (s *Store) liteCounters(ctx context.Context, gen int, family string, vs []counterView, p Period, months map[string]bool,
	eachDay, eachView func(month, key string, n int)) error {
	if s.lite == nil || s.noPushdown {
		return errNoPushdown
	}
	db, tables, err := s.liteDB(ctx)
	if err != nil {
		return errNoPushdown
	}
	table, ok := tables[counterCol(family)]
	if !ok || len(months) == 0 {
		return nil // no counters yet: the engine has nothing either
	}
	// One query per cut month: json_each parses the document once, where
	// any expression on the document per count would parse (or compare) the
	// whole document again for every count.
	q := fmt.Sprintf(`SELECT j.key, j.value FROM json_each((SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = json_quote(?)), '$.c') AS j
		WHERE j.type = 'integer'`, table)
	var ids []any
	whole := map[string]string{} // document id -> month
	for month := range months {
		if p.wholeMonth(month) {
			id := genID(gen, month)
			ids = append(ids, id)
			whole[id] = month
			continue
		}
		if err := s.liteCounterMonth(ctx, db, q, genID(gen, month), func(key string, n int) { eachDay(month, key, n) }); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return liteViewRows(ctx, db, table, ids, vs, func(id, key string, n int) { eachView(whole[id], key, n) })
}

// CommitmentsByRegion counts commitments made in the period by region and
// status (from the counter documents).
func (s *Store) CommitmentsByRegion(ctx context.Context, scope model.Scope, p Period) ([]StatusCount, error) {
	gen, err := s.freshCounters(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[[2]string]int{}
	err = s.readCounters(ctx, gen, "c", []string{"s"}, scope, p, func(_, region string, rest []string, n int) {
		if len(rest) >= 1 {
			counts[[2]string{region, rest[0]}] += n
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]StatusCount, 0, len(counts))
	for k, n := range counts {
		if n > 0 {
			out = append(out, StatusCount{Region: k[0], Status: k[1], Count: n})
		}
	}
	sortStatusCounts(out)
	return out, nil
}

// OverdueByOwner counts overdue commitments (due before today in Lima, status
// not final) whose due date falls in the period, by region and owner, with
// the owners' names (from the counter documents).
func (s *Store) OverdueByOwner(ctx context.Context, scope model.Scope, p Period) ([]OwnerCount, error) {
	gen, err := s.freshCounters(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[[2]string]int{}
	// Overdue is due before today: the period ends yesterday at the latest,
	// so that the months before today's can be read from their views.
	if yesterday := model.Today(s.Now().AddDate(0, 0, -1)); yesterday < p.To {
		p.To = yesterday
	}
	if p.From <= p.To {
		err = s.readCounters(ctx, gen, "d", []string{"r"}, scope, p, func(_, region string, rest []string, n int) {
			if len(rest) >= 1 {
				counts[[2]string{region, rest[0]}] += n
			}
		})
		if err != nil {
			return nil, err
		}
	}
	for k, n := range counts {
		if n <= 0 {
			delete(counts, k)
		}
	}
	return s.ownerCounts(ctx, counts)
}

// MeetingsPerMonth counts meetings that start in the period by Lima month
// and region (from the counter documents).
func (s *Store) MeetingsPerMonth(ctx context.Context, scope model.Scope, p Period) ([]MonthCount, error) {
	gen, err := s.freshCounters(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[[2]string]int{}
	err = s.readCounters(ctx, gen, "m", []string{"r"}, scope, p, func(date, region string, _ []string, n int) {
		counts[[2]string{date[:7], region}] += n
	})
	if err != nil {
		return nil, err
	}
	out := make([]MonthCount, 0, len(counts))
	for k, n := range counts {
		if n > 0 {
			out = append(out, MonthCount{Month: k[0], Region: k[1], Count: n})
		}
	}
	sortMonthCounts(out)
	return out, nil
}

// LegislatorsWithCommitments counts the distinct legislators with at least
// one commitment made in the period, per region of the commitment (largest
// first) and in total, each legislator once (from the counter documents).
func (s *Store) LegislatorsWithCommitments(ctx context.Context, scope model.Scope, p Period) (*LegislatorCounts, error) {
	gen, err := s.freshCounters(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[[2]string]int{}
	err = s.readCounters(ctx, gen, "c", []string{"l"}, scope, p, func(_, region string, rest []string, n int) {
		if len(rest) >= 3 && rest[1] == model.KindLegislator {
			counts[[2]string{region, rest[2]}] += n
		}
	})
	if err != nil {
		return nil, err
	}
	perRegion := map[string]int{}
	regionsOf := map[string]int{}
	for k, n := range counts {
		if n > 0 {
			perRegion[k[0]]++
			regionsOf[k[1]]++
		}
	}
	out := &LegislatorCounts{Total: len(regionsOf), Items: regionCounts(perRegion)}
	for _, n := range regionsOf {
		if n > 1 {
			out.MultiRegion++
		}
	}
	return out, nil
}

// ActiveCommittees counts the oversight committees (not archived) with at
// least one meeting or commitment in the period, per committee region; the
// committee, the meeting and the commitment must all be in scope (from the
// counter documents).
func (s *Store) ActiveCommittees(ctx context.Context, scope model.Scope, p Period) ([]RegionCount, error) {
	gen, err := s.freshCounters(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := s.committeeRegistry(ctx, gen)
	if err != nil {
		return nil, err
	}
	active := map[string]bool{}
	err = s.readCounters(ctx, gen, "c", []string{"k"}, scope, p, func(_, _ string, rest []string, n int) {
		if n > 0 && len(rest) >= 3 && rest[1] == model.KindOversightCommittee {
			active[rest[2]] = true
		}
	})
	if err != nil {
		return nil, err
	}
	err = s.readCounters(ctx, gen, "p", []string{"r"}, scope, p, func(_, _ string, rest []string, n int) {
		if n > 0 && len(rest) >= 1 {
			active[rest[0]] = true
		}
	})
	if err != nil {
		return nil, err
	}
	perRegion := map[string]int{}
	for id, entry := range reg {
		region, archived, _ := strings.Cut(entry, "|")
		if active[id] && archived != "true" && scope.Allows(region) {
			perRegion[region]++
		}
	}
	return regionCounts(perRegion), nil
}
