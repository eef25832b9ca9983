package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestCounterViewsFollowTheWrites: after random creates, changes and
// deletes reported through the write hooks, the six dashboards read from
// the month views (SQLite path) give what the day keys give (the engine's
// path) and what a rebuild from scratch gives, over periods of whole months,
// cut months, a single day and today.
func TestCounterViewsFollowTheWrites(t *testing.T) {
	s := storetest.Open(t)
	s.SetClock(func() time.Time { return reportNow })
	ctx := context.Background()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	regions := []string{"15", "08", "16", "NAC"}
	pick := func(list []string) string { return list[rng.Intn(len(list))] }

	var committees []bson.ObjectID
	for i := range 4 {
		c := model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindOversightCommittee, Committee: &model.Committee{Region: regions[i]},
			Regions: []string{regions[i]}, Relationships: []model.Relationship{}, Archived: i == 3}
		if err := s.InsertStakeholders(ctx, []model.Stakeholder{c}); err != nil {
			t.Fatal(err)
		}
		committees = append(committees, c.ID)
	}
	legislators := []bson.ObjectID{bson.NewObjectID(), bson.NewObjectID(), bson.NewObjectID()}
	all := model.Scope{All: true}
	if _, err := s.MeetingsPerMonth(ctx, all, store.DefaultPeriod(reportNow)); err != nil { // builds the counters
		t.Fatal(err)
	}

	// Dates from January 2025 to two weeks after today.
	when := func() time.Time {
		return time.Date(2025, 1, 1, 15, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int63n(int64(reportNow.AddDate(0, 0, 14).Sub(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))))))
	}
	meeting := func() *model.Meeting {
		m := &model.Meeting{ID: bson.NewObjectID(), StartsAt: when(), Region: pick(regions), Kind: "call", Participants: []model.Participant{},
			StakeholderIDs: []bson.ObjectID{}, StaffIDs: []bson.ObjectID{}, Topics: []string{}, CommitmentIDs: []bson.ObjectID{}, TaskIDs: []bson.ObjectID{}}
		if rng.Intn(2) == 0 {
			m.StakeholderIDs = []bson.ObjectID{committees[rng.Intn(len(committees))]}
		}
		if rng.Intn(3) == 0 {
			m.Kind = model.KindTraining
			m.Training = &model.Training{Modality: pick(model.TrainingModalities), Audience: []model.AudienceCount{
				{Type: pick(model.AudienceTypes), Count: 1 + rng.Intn(20)}, {Type: pick(model.AudienceTypes), Count: 1 + rng.Intn(5)}}}
		}
		return m
	}
	commitment := func() *model.Commitment {
		c := &model.Commitment{ID: bson.NewObjectID(), Region: pick(regions), Status: pick(model.CommitmentStatuses),
			MadeOn: model.Today(when()), DueOn: model.Today(when()), OwnerID: bson.NewObjectID(), StakeholderKind: model.KindPerson, StakeholderID: bson.NewObjectID()}
		switch rng.Intn(3) {
		case 0:
			c.StakeholderKind, c.StakeholderID = model.KindLegislator, legislators[rng.Intn(len(legislators))]
		case 1:
			c.StakeholderKind, c.StakeholderID = model.KindOversightCommittee, committees[rng.Intn(len(committees))]
		}
		return c
	}
	var meetings []*model.Meeting
	var commitments []*model.Commitment
	for range 150 {
		switch r := rng.Intn(10); {
		case r < 4:
			m := meeting()
			s.CountMeeting(ctx, nil, m)
			meetings = append(meetings, m)
		case r < 8:
			c := commitment()
			s.CountCommitment(ctx, nil, c)
			commitments = append(commitments, c)
		case r == 8 && len(meetings) > 0:
			i := rng.Intn(len(meetings))
			if rng.Intn(2) == 0 {
				s.CountMeeting(ctx, meetings[i], nil)
				meetings = append(meetings[:i], meetings[i+1:]...)
			} else {
				m := meeting()
				m.ID = meetings[i].ID
				s.CountMeeting(ctx, meetings[i], m)
				meetings[i] = m
			}
		case r == 9 && len(commitments) > 0:
			i := rng.Intn(len(commitments))
			c := *commitments[i]
			c.Status = pick(model.CommitmentStatuses)
			c.Region = pick(regions)
			s.CountCommitment(ctx, commitments[i], &c)
			commitments[i] = &c
		}
	}

	periods := []store.Period{store.DefaultPeriod(reportNow), {From: "2025-01-01", To: "2026-12-31"}, {From: "2025-03-01", To: "2025-03-31"},
		{From: "2025-02-14", To: "2026-11-03"}, {From: "2026-11-27", To: "2026-11-27"}, {From: "2026-10-31", To: "2026-12-01"}}
	// answers are the dashboards' JSON, one per scope, period and report.
	// Overdue rows of equal count and owner name (these owners are not
	// users) come in any order: they are sorted by owner here.
	answers := func() []string {
		t.Helper()
		var out []string
		add := func(scope model.Scope, p store.Period, name string, v any) {
			raw, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%v %v %s: %s", scope, p, name, raw))
		}
		for _, scope := range []model.Scope{all, {Regions: []string{"15"}}, {Regions: []string{"08", "NAC"}}} {
			for _, p := range periods {
				a, err1 := s.CommitmentsByRegion(ctx, scope, p)
				b, err2 := s.OverdueByOwner(ctx, scope, p)
				c, err3 := s.MeetingsPerMonth(ctx, scope, p)
				d, err4 := s.LegislatorsWithCommitments(ctx, scope, p)
				e, err5 := s.ActiveCommittees(ctx, scope, p)
				f, err6 := s.Trainings(ctx, scope, p)
				if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
					t.Fatal(err)
				}
				slices.SortFunc(b, func(x, y store.OwnerCount) int {
					return strings.Compare(x.Region+x.OwnerID.Hex(), y.Region+y.OwnerID.Hex())
				})
				for name, v := range map[string]any{"by region": a, "overdue": b, "per month": c, "legislators": d, "committees": e, "trainings": f} {
					add(scope, p, name, v)
				}
			}
		}
		slices.Sort(out)
		return out
	}
	compare := func(what string, got, want []string) {
		t.Helper()
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s:\n got %s\nwant %s", what, got[i], want[i])
			}
		}
	}
	s.SetPushdown(false)
	days := answers()
	s.SetPushdown(true)
	views := answers()
	compare("month views against day keys", views, days)
	// The same records stored, so that a rebuild counts them from the collections.
	ms := make([]model.Meeting, len(meetings))
	for i, m := range meetings {
		ms[i] = *m
	}
	cs := make([]model.Commitment, len(commitments))
	for i, c := range commitments {
		cs[i] = *c
	}
	if err := errors.Join(s.InsertMeetings(ctx, ms), s.InsertCommitments(ctx, cs)); err != nil {
		t.Fatal(err)
	}
	if err := s.RebuildReportCounters(ctx); err != nil {
		t.Fatal(err)
	}
	compare("rebuilt against kept by the hooks", answers(), views)
}
