package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// reportNow is the fixed clock of the report tests (10:00 in Lima).
var reportNow = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

// demoDB is a database holding the demo dataset loaded at reportNow,
// loaded once and copied for each test (the load takes seconds under
// -race); its value is what the load counted.
var demoDB = storetest.NewTemplate(func(t testing.TB, s *store.Store) store.DatasetCounts {
	t.Helper()
	s.SetClock(func() time.Time { return reportNow })
	n, err := demo.Load(context.Background(), workflow.New(s), s, reportNow)
	if err != nil {
		t.Fatal(err)
	}
	return n
})

// loadDemo stores the demo dataset on a fresh database and returns the same
// records as built in Go, to count them another way. The store is as the
// load left it: its clock at reportNow, the workflows' hooks on.
func loadDemo(t *testing.T) (*store.Store, store.Dataset) {
	t.Helper()
	s, n := demoDB.Open(t)
	s.SetClock(func() time.Time { return reportNow })
	workflow.New(s)
	ids := map[string]bson.ObjectID{}
	for _, u := range demo.Users {
		ids[u.Key] = demo.ID("user-" + u.Key)
	}
	d := demo.Build(reportNow, ids)
	if n.Stakeholders != len(d.Stakeholders) || n.Meetings != len(d.Meetings) || n.Commitments != len(d.Commitments) || n.Tasks != len(d.Tasks) || n.Users != len(demo.Users) {
		t.Fatalf("loaded %+v", n)
	}
	return s, d
}

func TestDemoLoadIsIdempotent(t *testing.T) {
	s, _ := loadDemo(t)
	ctx := context.Background()
	n, err := demo.Load(ctx, workflow.New(s), s, reportNow.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != (store.DatasetCounts{}) {
		t.Fatalf("second load added %+v", n)
	}
	u, err := s.UserByEmail(ctx, "manager.cusco@alianza.test")
	if err != nil || u.Role != model.RoleManager || len(u.Regions) != 1 || u.Regions[0] != "08" {
		t.Fatalf("demo manager: %+v %v", u, err)
	}
}

// expected computes every report from the records in Go.
type expected struct {
	byStatus   map[store.StatusCount]bool
	overdue    map[string]int // region/owner -> count
	perMonth   map[store.MonthCount]bool
	committees map[string]int
}

func expect(d store.Dataset, scope model.Scope, p store.Period) expected {
	today := model.Today(reportNow)
	e := expected{byStatus: map[store.StatusCount]bool{}, overdue: map[string]int{}, perMonth: map[store.MonthCount]bool{},
		committees: map[string]int{}}
	from, _ := time.ParseInLocation(time.DateOnly, p.From, model.Lima)
	to, _ := time.ParseInLocation(time.DateOnly, p.To, model.Lima)
	to = to.AddDate(0, 0, 1)
	status := map[[2]string]int{}
	active := map[bson.ObjectID]bool{}
	for _, c := range d.Commitments {
		if !scope.Allows(c.Region) {
			continue
		}
		if c.MadeOn >= p.From && c.MadeOn <= p.To {
			status[[2]string{c.Region, c.Status}]++
			active[c.StakeholderID] = true
		}
		if c.Overdue(today) && c.DueOn >= p.From && c.DueOn <= p.To {
			e.overdue[c.Region+"/"+c.OwnerID.Hex()]++
		}
	}
	for k, n := range status {
		e.byStatus[store.StatusCount{Region: k[0], Status: k[1], Count: n}] = true
	}
	months := map[[2]string]int{}
	for _, m := range d.Meetings {
		if !scope.Allows(m.Region) || m.StartsAt.Before(from) || !m.StartsAt.Before(to) {
			continue
		}
		months[[2]string{m.StartsAt.In(model.Lima).Format("2006-01"), m.Region}]++
		for _, id := range m.StakeholderIDs {
			active[id] = true
		}
	}
	for k, n := range months {
		e.perMonth[store.MonthCount{Month: k[0], Region: k[1], Count: n}] = true
	}
	for _, s := range d.Stakeholders {
		if s.Kind == model.KindOversightCommittee && !s.Archived && active[s.ID] && scope.Allows(s.Committee.Region) {
			e.committees[s.Committee.Region]++
		}
	}
	return e
}

func TestReportsMatchTheDemoData(t *testing.T) {
	s, d := loadDemo(t)
	loreto := model.Scope{Regions: []string{"16"}}
	def := store.DefaultPeriod(reportNow)
	if def != (store.Period{From: "2025-12-01", To: "2026-11-27"}) {
		t.Fatalf("default period %+v", def)
	}
	tests := []struct {
		name  string
		scope model.Scope
		p     store.Period
	}{
		{"all regions, last twelve months", model.Scope{All: true}, def},
		{"loreto only", loreto, def},
		{"cusco and puno", model.Scope{Regions: []string{"08", "21"}}, def},
		{"last 30 days", model.Scope{All: true}, store.Period{From: "2026-10-28", To: "2026-11-27"}},
		{"one month", model.Scope{All: true}, store.Period{From: "2026-09-01", To: "2026-09-30"}},
		{"before any data", model.Scope{All: true}, store.Period{From: "2020-01-01", To: "2020-12-31"}},
	}
	type impl struct {
		name       string
		byStatus   func(context.Context, model.Scope, store.Period) ([]store.StatusCount, error)
		overdue    func(context.Context, model.Scope, store.Period) ([]store.OwnerCount, error)
		perMonth   func(context.Context, model.Scope, store.Period) ([]store.MonthCount, error)
		committees func(context.Context, model.Scope, store.Period) ([]store.RegionCount, error)
	}
	impls := []impl{
		{"counters", s.CommitmentsByRegion, s.OverdueByOwner, s.MeetingsPerMonth, s.ActiveCommittees},
		{"scan", s.CommitmentsByRegionScan, s.OverdueByOwnerScan, s.MeetingsPerMonthScan, s.ActiveCommitteesScan},
	}
	for _, im := range impls {
		for _, tt := range tests {
			t.Run(im.name+"/"+tt.name, func(t *testing.T) {
				checkReports(t, d, tt.scope, tt.p, im.byStatus, im.overdue, im.perMonth, im.committees)
			})
		}
	}
}

func checkReports(t *testing.T, d store.Dataset, scope model.Scope, p store.Period,
	byStatusFn func(context.Context, model.Scope, store.Period) ([]store.StatusCount, error),
	overdueFn func(context.Context, model.Scope, store.Period) ([]store.OwnerCount, error),
	perMonthFn func(context.Context, model.Scope, store.Period) ([]store.MonthCount, error),
	committeesFn func(context.Context, model.Scope, store.Period) ([]store.RegionCount, error),
) {
	t.Helper()
	ctx := context.Background()
	want := expect(d, scope, p)

	byStatus, err := byStatusFn(ctx, scope, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range byStatus {
		if !scope.Allows(r.Region) {
			t.Errorf("commitments by region: %s is out of scope", r.Region)
		}
	}
	if got := setOf(byStatus); !maps.Equal(got, want.byStatus) {
		t.Errorf("commitments by region:\n got %v\nwant %v", got, want.byStatus)
	}

	overdue, err := overdueFn(ctx, scope, p)
	if err != nil {
		t.Fatal(err)
	}
	gotOverdue := map[string]int{}
	for _, r := range overdue {
		gotOverdue[r.Region+"/"+r.OwnerID.Hex()] = r.Count
		if r.OwnerName == "" {
			t.Errorf("overdue: owner %s has no name", r.OwnerID.Hex())
		}
	}
	if !maps.Equal(gotOverdue, want.overdue) {
		t.Errorf("overdue:\n got %v\nwant %v", gotOverdue, want.overdue)
	}

	months, err := perMonthFn(ctx, scope, p)
	if err != nil {
		t.Fatal(err)
	}
	if gotMonths := setOf(months); !maps.Equal(gotMonths, want.perMonth) {
		t.Errorf("meetings per month:\n got %v\nwant %v", gotMonths, want.perMonth)
	}

	committees, err := committeesFn(ctx, scope, p)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(regionMap(committees), want.committees) {
		t.Errorf("active committees: got %v, want %v", committees, want.committees)
	}
}

// setOf is the set of rows, for comparing rows that come in any order.
func setOf[T comparable](rows []T) map[T]bool {
	set := make(map[T]bool, len(rows))
	for _, r := range rows {
		set[r] = true
	}
	return set
}

// TestReportDetails pins a few numbers of the demo data that the generic
// comparison above could get wrong the same way twice.
func TestReportDetails(t *testing.T) {
	s, _ := loadDemo(t)
	ctx := context.Background()
	all := model.Scope{All: true}
	p := store.DefaultPeriod(reportNow)

	committees, err := s.ActiveCommittees(ctx, all, p)
	if err != nil {
		t.Fatal(err)
	}
	if m := regionMap(committees); len(m) != 6 || m["11"] != 0 {
		t.Errorf("active committees: %v; want one in each program region and not the archived one in Ica", committees)
	}

	loreto, err := s.CommitmentsByRegion(ctx, model.Scope{Regions: []string{"16"}}, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(loreto) == 0 {
		t.Fatal("no Loreto commitments")
	}
	for _, r := range loreto {
		if r.Region != "16" {
			t.Errorf("Loreto manager sees %s", r.Region)
		}
	}
	none, err := s.CommitmentsByRegion(ctx, model.Scope{}, p)
	if err != nil || len(none) != 0 {
		t.Errorf("empty scope: %v %v", none, err)
	}
	if err := (store.Period{From: "2026-02-01", To: "2026-01-01"}).Validate(); err == nil {
		t.Error("reversed period accepted")
	}
	var ve *model.ValidationError
	if err := (store.Period{From: "2026-13-01", To: "x"}).Validate(); !errors.As(err, &ve) || len(ve.Errors) != 2 {
		t.Errorf("bad dates: %v", err)
	}
}

func regionMap(rows []store.RegionCount) map[string]int {
	m := map[string]int{}
	for _, r := range rows {
		if _, dup := m[r.Region]; dup {
			panic(fmt.Sprintf("region %s twice", r.Region))
		}
		m[r.Region] = r.Count
	}
	return m
}

// TestReportCountersCatchUp: a write that bypasses the hooks (a bulk insert)
// shows once the counters are invalidated, or after CountersMaxAge by a
// background rebuild.
func TestReportCountersCatchUp(t *testing.T) {
	s, _ := loadDemo(t)
	ctx := context.Background()
	all := model.Scope{All: true}
	p := store.Period{From: "2026-11-27", To: "2026-11-27"}
	count := func() int {
		t.Helper()
		rows, err := s.MeetingsPerMonth(ctx, all, p)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rows {
			n += r.Count
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("%d demo meetings today, want 0", n)
	}
	add := func(key string) {
		t.Helper()
		m := model.Meeting{ID: demo.ID(key), StartsAt: reportNow, Kind: "call", Region: "16", Participants: []model.Participant{},
			StakeholderIDs: []bson.ObjectID{}, StaffIDs: []bson.ObjectID{}, Topics: []string{}, CommitmentIDs: []bson.ObjectID{}, TaskIDs: []bson.ObjectID{}}
		if err := s.InsertMeetings(ctx, []model.Meeting{m}); err != nil {
			t.Fatal(err)
		}
	}
	add("catch-up-1")
	if n := count(); n != 0 {
		t.Fatalf("counters changed without hook or rebuild: %d", n)
	}
	if err := s.InvalidateReportCounters(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("after invalidation: %d meetings today, want 1", n)
	}
	// The server's periodic rebuild (cmd/alianza workers) catches up with
	// writes that bypassed the hooks.
	add("catch-up-2")
	if err := s.RebuildReportCounters(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 2 {
		t.Fatalf("after the periodic rebuild: %d meetings today, want 2", n)
	}
}

// TestReportCounterHooks: what the write paths report through the hooks shows
// at once, without a rebuild.
func TestReportCounterHooks(t *testing.T) {
	s := fixture.OpenAt(t, &reportNow)
	ctx := context.Background()
	com := model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindOversightCommittee, Committee: &model.Committee{Region: "16"},
		Regions: []string{"16"}, Relationships: []model.Relationship{}}
	if err := s.InsertStakeholders(ctx, []model.Stakeholder{com}); err != nil {
		t.Fatal(err)
	}
	all := model.Scope{All: true}
	p := store.Period{From: "2026-11-01", To: "2026-11-30"}
	if _, err := s.MeetingsPerMonth(ctx, all, p); err != nil { // builds the (empty) counters
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	m := &model.Meeting{ID: bson.NewObjectID(), StartsAt: reportNow, Region: "16", StakeholderIDs: []bson.ObjectID{com.ID}}
	s.CountMeeting(ctx, nil, m)
	rows, err := s.MeetingsPerMonth(ctx, all, p)
	must(err)
	active, err := s.ActiveCommittees(ctx, all, p)
	must(err)
	if len(rows) != 1 || rows[0].Count != 1 || len(active) != 1 || active[0].Region != "16" {
		t.Fatalf("after create: %v %v", rows, active)
	}
	moved := *m
	moved.Region = "08"
	s.CountMeeting(ctx, m, &moved)
	rows, err = s.MeetingsPerMonth(ctx, all, p)
	must(err)
	if len(rows) != 1 || rows[0].Region != "08" || rows[0].Count != 1 {
		t.Fatalf("after moving to Cusco: %v", rows)
	}

	c := &model.Commitment{ID: bson.NewObjectID(), StakeholderID: bson.NewObjectID(), StakeholderKind: model.KindLegislator,
		Region: "16", MadeOn: "2026-11-02", DueOn: "2026-11-10", Status: model.StatusPending}
	s.CountCommitment(ctx, nil, c)
	overdue, err := s.OverdueByOwner(ctx, all, p)
	must(err)
	if len(overdue) != 1 || overdue[0].Count != 1 {
		t.Fatalf("after commitment: %v", overdue)
	}
	done := *c
	done.Status = model.StatusFulfilled
	s.CountCommitment(ctx, c, &done)
	overdue, err = s.OverdueByOwner(ctx, all, p)
	must(err)
	byStatus, err := s.CommitmentsByRegion(ctx, all, p)
	must(err)
	if len(overdue) != 0 || len(byStatus) != 1 || byStatus[0].Status != model.StatusFulfilled {
		t.Fatalf("after fulfilment: %v %v", overdue, byStatus)
	}

	com.Archived = true
	s.CountStakeholder(ctx, com.ID, &com)
	active, err = s.ActiveCommittees(ctx, all, p)
	must(err)
	if len(active) != 0 {
		t.Fatalf("archived committee still active: %v", active)
	}
	s.CountMeeting(ctx, &moved, nil)
	rows, err = s.MeetingsPerMonth(ctx, all, p)
	must(err)
	if len(rows) != 0 {
		t.Fatalf("after delete: %v", rows)
	}
}

// dashboards reads the five dashboards of scope over p, by name.
func dashboards(ctx context.Context, s *store.Store, scope model.Scope, p store.Period) (map[string]any, error) {
	a, err1 := s.CommitmentsByRegion(ctx, scope, p)
	b, err2 := s.OverdueByOwner(ctx, scope, p)
	c, err3 := s.MeetingsPerMonth(ctx, scope, p)
	d, err4 := s.ActiveCommittees(ctx, scope, p)
	e, err5 := s.Trainings(ctx, scope, p)
	return map[string]any{"by region": a, "overdue": b, "per month": c, "committees": d, "trainings": e},
		errors.Join(err1, err2, err3, err4, err5)
}

// TestCounterViewsFollowTheWrites: after random creates, changes and
// deletes reported through the write hooks, the five dashboards read from
// the counters give what a rebuild from scratch gives, over periods of
// whole months, cut months, a single day and today.
func TestCounterViewsFollowTheWrites(t *testing.T) {
	s := fixture.OpenAt(t, &reportNow)
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
				d, err := dashboards(ctx, s, scope, p)
				if err != nil {
					t.Fatal(err)
				}
				slices.SortFunc(d["overdue"].([]store.OwnerCount), func(x, y store.OwnerCount) int {
					return strings.Compare(x.Region+x.OwnerID.Hex(), y.Region+y.OwnerID.Hex())
				})
				for name, v := range d {
					add(scope, p, name, v)
				}
				f, err := s.IndicatorFigures(ctx, scope, p)
				if err != nil {
					t.Fatal(err)
				}
				add(scope, p, "indicators", f)
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
	views := answers()
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
