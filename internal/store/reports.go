package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The dashboards. Every aggregation uses only $match, $group, $sort,
// $project, $unwind and $count, which the embedded engine implements.
// Measured on FerretDB 1.24 (see the report of issue #3):
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

// CommitmentsByRegion counts commitments made in the period by region and status.
func (s *Store) CommitmentsByRegion(ctx context.Context, scope model.Scope, p Period) ([]StatusCount, error) {
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
	// Sorted here: the order of statuses is the enum's, not the alphabet's.
	slices.SortFunc(out, func(a, b StatusCount) int {
		if a.Region != b.Region {
			return compareStrings(a.Region, b.Region)
		}
		return slices.Index(model.CommitmentStatuses, a.Status) - slices.Index(model.CommitmentStatuses, b.Status)
	})
	return out, nil
}

// OverdueByOwner counts overdue commitments (due before today in Lima, status
// not final) whose due date falls in the period, by region and owner, with
// the owners' names. Most overdue first.
func (s *Store) OverdueByOwner(ctx context.Context, scope model.Scope, p Period) ([]OwnerCount, error) {
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
	ids := make([]bson.ObjectID, 0, len(rows))
	for _, r := range rows {
		if !r.ID.Owner.IsZero() {
			ids = append(ids, r.ID.Owner)
		}
	}
	users, err := s.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]OwnerCount, len(rows))
	for i, r := range rows {
		out[i] = OwnerCount{Region: r.ID.Region, OwnerID: r.ID.Owner, OwnerName: users[r.ID.Owner].Name, Count: r.N}
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

// MeetingsPerMonth counts meetings that start in the period by Lima month and
// region. The engine has no date operators, so the months are computed here
// over a projection of two small fields.
func (s *Store) MeetingsPerMonth(ctx context.Context, scope model.Scope, p Period) ([]MonthCount, error) {
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
	slices.SortFunc(out, func(a, b MonthCount) int {
		if a.Month != b.Month {
			return compareStrings(a.Month, b.Month)
		}
		return compareStrings(a.Region, b.Region)
	})
	return out, nil
}

// LegislatorsWithCommitments counts the distinct legislators with at least
// one commitment made in the period, per region of the commitment (largest
// first), and in total (each legislator once).
func (s *Store) LegislatorsWithCommitments(ctx context.Context, scope model.Scope, p Period) (*LegislatorCounts, error) {
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

// ActiveCommittees counts the oversight committees (not archived) with at
// least one meeting or commitment in the period, per committee region. The
// committee, the meeting and the commitment must all be in scope.
func (s *Store) ActiveCommittees(ctx context.Context, scope model.Scope, p Period) ([]RegionCount, error) {
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

// Dataset is a set of built records that a loader stores in one go.
type Dataset struct {
	Users        []model.User
	Stakeholders []model.Stakeholder
	Meetings     []model.Meeting
	Commitments  []model.Commitment
	Tasks        []model.Task
}

// DatasetCounts are how many records of each kind a load stored.
type DatasetCounts struct {
	Users, Stakeholders, Meetings, Commitments, Tasks int
}

// LoadDataset stores the records whose _id is not stored yet, so loading the
// same dataset twice adds nothing. Users whose email is taken are skipped.
// One audit entry per collection records the load.
func (s *Store) LoadDataset(ctx context.Context, actor model.Actor, d Dataset) (DatasetCounts, error) {
	var n DatasetCounts
	var err error
	if n.Users, err = loadMissing(ctx, s, colUsers, d.Users, func(u model.User) bson.ObjectID { return u.ID }); err != nil {
		return n, err
	}
	if n.Stakeholders, err = loadMissing(ctx, s, colStakeholders, d.Stakeholders, func(x model.Stakeholder) bson.ObjectID { return x.ID }); err != nil {
		return n, err
	}
	if n.Meetings, err = loadMissing(ctx, s, colMeetings, d.Meetings, func(x model.Meeting) bson.ObjectID { return x.ID }); err != nil {
		return n, err
	}
	if n.Commitments, err = loadMissing(ctx, s, colCommitments, d.Commitments, func(x model.Commitment) bson.ObjectID { return x.ID }); err != nil {
		return n, err
	}
	if n.Tasks, err = loadMissing(ctx, s, colTasks, d.Tasks, func(x model.Task) bson.ObjectID { return x.ID }); err != nil {
		return n, err
	}
	for col, c := range map[string]int{colUsers: n.Users, colStakeholders: n.Stakeholders, colMeetings: n.Meetings, colCommitments: n.Commitments, colTasks: n.Tasks} {
		if c > 0 {
			s.audit(ctx, actor, model.ActionCreate, "dataset", col, nil, []model.Change{{Field: col, New: c}})
		}
	}
	return n, nil
}

// loadMissing inserts the docs whose id is not in col yet. A document that
// still collides (a user's email taken by another id) is skipped.
func loadMissing[T any](ctx context.Context, s *Store, col string, docs []T, id func(T) bson.ObjectID) (int, error) {
	if len(docs) == 0 {
		return 0, nil
	}
	existing := map[bson.ObjectID]bool{}
	for start := 0; start < len(docs); start += bulkBatch {
		ids := make([]bson.ObjectID, 0, bulkBatch)
		for _, d := range docs[start:min(start+bulkBatch, len(docs))] {
			ids = append(ids, id(d))
		}
		var found []struct {
			ID bson.ObjectID `bson:"_id"`
		}
		err := s.findAll(ctx, col, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
			options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}), &found)
		if err != nil {
			return 0, wrap("load "+col, err)
		}
		for _, f := range found {
			existing[f.ID] = true
		}
	}
	missing := make([]any, 0, len(docs))
	for _, d := range docs {
		if !existing[id(d)] {
			missing = append(missing, d)
		}
	}
	inserted := 0
	for start := 0; start < len(missing); start += bulkBatch {
		batch := missing[start:min(start+bulkBatch, len(missing))]
		res, err := s.c(col).InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		if res != nil {
			inserted += len(res.InsertedIDs)
		}
		if err != nil && !isOnlyDuplicates(err) {
			return inserted, wrap(fmt.Sprintf("load %s", col), err)
		}
	}
	return inserted, nil
}

// isOnlyDuplicates reports whether a bulk write failed only on duplicate keys.
func isOnlyDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return false
		}
	}
	return true
}
