package store

// The ...Scan dashboards count over the collections (finds with a
// projection, grouped here): the reference the counter-based dashboards
// (reports.go) are tested against, and what the store benchmarks compare
// them with.

import (
	"context"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// AgreementsScan is Agreements over the records: the commitments made in
// the period, in scope, with stakeholders of kind, and their stakeholders'
// names and groups (legislators by the district they represent,
// committees by their region), read whatever the caller's regions: a
// commitment in scope already names them.
func (s *Store) AgreementsScan(ctx context.Context, scope model.Scope, p Period, kind string) (*model.Agreements, error) {
	var made []model.AgreementCommitment
	err := s.col(colCommitments).Find(ctx, agreementFilter(scope, p, kind), coll.FindOptions{Projection: agreementProjection}, &made)
	if err != nil {
		return nil, wrap("agreements", err)
	}
	return s.countAgreements(ctx, made, map[bson.ObjectID]model.Stakeholder{})
}

// scanCommitment is the projection the scans read of a commitment.
type scanCommitment struct {
	Region        string        `bson:"region"`
	Status        string        `bson:"status"`
	OwnerID       bson.ObjectID `bson:"owner_id"`
	StakeholderID bson.ObjectID `bson:"stakeholder_id"`
}

// scanCommitments reads the fields of scanCommitment of the commitments
// filter selects.
func (s *Store) scanCommitments(ctx context.Context, filter bson.D, fields ...string) ([]scanCommitment, error) {
	proj := make(bson.D, len(fields))
	for i, f := range fields {
		proj[i] = bson.E{Key: f, Value: 1}
	}
	var rows []scanCommitment
	err := s.col(colCommitments).Find(ctx, filter, coll.FindOptions{Projection: proj}, &rows)
	return rows, err
}

// CommitmentsByRegionScan counts commitments made in the period by region and status.
func (s *Store) CommitmentsByRegionScan(ctx context.Context, scope model.Scope, p Period) ([]StatusCount, error) {
	match := scoped(bson.D{{Key: "made_on", Value: p.dateRange()}}, scope, "region")
	rows, err := s.scanCommitments(ctx, match, "region", "status")
	if err != nil {
		return nil, wrap("report commitments by region", err)
	}
	counts := map[[2]string]int{}
	for _, r := range rows {
		counts[[2]string{r.Region, r.Status}]++
	}
	out := make([]StatusCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, StatusCount{Region: k[0], Status: k[1], Count: n})
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
	rows, err := s.scanCommitments(ctx, match, "region", "owner_id")
	if err != nil {
		return nil, wrap("report overdue", err)
	}
	counts := map[[2]string]int{}
	for _, r := range rows {
		counts[[2]string{r.Region, r.OwnerID.Hex()}]++
	}
	return s.ownerCounts(ctx, counts)
}

// MeetingsPerMonthScan counts meetings that start in the period by Lima month and
// region. The engine has no date operators, so the months are computed here
// over a projection of two small fields.
func (s *Store) MeetingsPerMonthScan(ctx context.Context, scope model.Scope, p Period) ([]MonthCount, error) {
	from, to := p.instants()
	filter := scoped(timeRange(bson.D{}, "starts_at", from, to), scope, "region")
	var meetings []struct {
		StartsAt time.Time `bson:"starts_at"`
		Region   string    `bson:"region"`
	}
	err := s.col(colMeetings).Find(ctx, filter, coll.FindOptions{Projection: bson.D{{Key: "starts_at", Value: 1}, {Key: "region", Value: 1}}}, &meetings)
	if err != nil {
		return nil, wrap("report meetings per month", err)
	}
	type key struct{ month, region string }
	counts := map[key]int{}
	for _, m := range meetings {
		counts[key{m.StartsAt.In(model.Lima).Format("2006-01"), m.Region}]++
	}
	out := make([]MonthCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, MonthCount{Month: k.month, Region: k.region, Count: n})
	}
	sortMonthCounts(out)
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
	err := s.col(colStakeholders).Find(ctx, filter, coll.FindOptions{Projection: bson.D{{Key: "committee.region", Value: 1}}}, &committees)
	if err != nil {
		return nil, wrap("report active committees", err)
	}
	if len(committees) == 0 {
		return []RegionCount{}, nil
	}
	ids := make([]bson.ObjectID, len(committees))
	isCommittee := make(map[bson.ObjectID]bool, len(committees))
	for i, c := range committees {
		ids[i] = c.ID
		isCommittee[c.ID] = true
	}
	active := map[bson.ObjectID]bool{}
	rows, err := s.scanCommitments(ctx, scoped(bson.D{
		{Key: "stakeholder_kind", Value: model.KindOversightCommittee},
		{Key: "made_on", Value: p.dateRange()},
	}, scope, "region"), "stakeholder_id")
	if err != nil {
		return nil, wrap("report active committees", err)
	}
	for _, r := range rows {
		active[r.StakeholderID] = true
	}
	from, to := p.instants()
	var meetings []struct {
		StakeholderIDs []bson.ObjectID `bson:"stakeholder_ids"`
	}
	err = s.col(colMeetings).Find(ctx, scoped(timeRange(bson.D{{Key: "stakeholder_ids", Value: bson.D{{Key: "$in", Value: ids}}}}, "starts_at", from, to), scope, "region"),
		coll.FindOptions{Projection: bson.D{{Key: "stakeholder_ids", Value: 1}}}, &meetings)
	if err != nil {
		return nil, wrap("report active committees", err)
	}
	for _, m := range meetings {
		for _, id := range m.StakeholderIDs {
			if isCommittee[id] {
				active[id] = true
			}
		}
	}
	perRegion := map[string]int{}
	for _, c := range committees {
		if active[c.ID] {
			perRegion[c.Committee.Region]++
		}
	}
	return regionCounts(perRegion), nil
}
