package store

// The ...Scan dashboards aggregate over the collections: the reference the
// counter-based dashboards (reports.go) are tested against, and what the
// store benchmarks compare them with.

import (
	"context"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

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
