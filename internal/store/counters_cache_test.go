package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestMemberCountsFollowEachWrite: the agreement figures and the active
// committees, which reuse the counter documents they read until a write's
// stamp says they changed (and what they derived from one until its bytes
// change), answer after every single write (commitments created, changed,
// deleted; members moving district, changing kind, archived, deleted) what
// counting the collections answers, over whole and cut months, read again
// and again from the same store and from another process's, whichever of
// the two wrote.
func TestMemberCountsFollowEachWrite(t *testing.T) {
	s := fixture.OpenAt(t, &reportNow)
	ctx := context.Background()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	actor := model.Actor{ID: bson.NewObjectID(), Name: "Demo"}
	regions := []string{"15", "08", "16", "NAC"}
	pick := func(list []string) string { return list[rng.Intn(len(list))] }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	all := model.Scope{All: true}
	must(s.RebuildReportCounters(ctx))
	stores := []*store.Store{s, s.OtherProcess()}
	writer := func() *store.Store { return stores[rng.Intn(len(stores))] }

	var members []*model.Stakeholder
	for i := range 6 {
		st := &model.Stakeholder{ID: bson.NewObjectID(), Name: fmt.Sprint("Member ", i), Kind: model.KindLegislator,
			Legislator: &model.Legislator{ElectoralDistrict: pick(regions)}, Regions: []string{"15"}}
		if i%2 == 1 {
			st.Kind, st.Legislator, st.Committee = model.KindOversightCommittee, nil, &model.Committee{Region: pick(regions)}
		}
		must(s.InsertStakeholder(ctx, actor, st))
		members = append(members, st)
	}
	var commitments []*model.Commitment
	when := func() string {
		return model.Today(time.Date(2026, 9, 1, 15, 0, 0, 0, time.UTC).AddDate(0, 0, rng.Intn(90)))
	}
	periods := []store.Period{{From: "2026-09-01", To: "2026-11-30"}, {From: "2026-09-14", To: "2026-11-20"}, {From: "2026-10-01", To: "2026-10-31"}}
	var checkOne func(step string, s *store.Store)
	check := func(step string) {
		t.Helper()
		for i, s := range stores {
			checkOne(fmt.Sprint(step, ", store ", i), s)
		}
	}
	checkOne = func(step string, s *store.Store) {
		t.Helper()
		// The same regions in another order share what was derived for them.
		for _, scope := range []model.Scope{all, {Regions: []string{"15"}}, {Regions: []string{"08", "NAC"}}, {Regions: []string{"NAC", "08"}}} {
			for _, p := range periods {
				for _, kind := range []string{model.KindLegislator, model.KindOversightCommittee} {
					got, err := s.Agreements(ctx, scope, p, kind)
					must(err)
					want, err := s.AgreementsScan(ctx, scope, p, kind)
					must(err)
					g := fmt.Sprint(got.Members, got.Commitments, got.Fulfilled, got.Groups)
					if w := fmt.Sprint(want.Members, want.Commitments, want.Fulfilled, want.Groups); g != w {
						t.Fatalf("%s: %s agreements in %v %v: %s, counting the collections %s", step, kind, scope, p, g, w)
					}
				}
				got, err := s.ActiveCommittees(ctx, scope, p)
				must(err)
				want, err := s.ActiveCommitteesScan(ctx, scope, p)
				must(err)
				if g, w := fmt.Sprint(got), fmt.Sprint(want); g != w {
					t.Fatalf("%s: active committees in %v %v: %s, counting the collections %s", step, scope, p, g, w)
				}
			}
		}
	}
	check("no commitments")
	for i := range 60 {
		switch r := rng.Intn(10); {
		case r < 4 || len(commitments) == 0:
			m := members[rng.Intn(len(members))]
			c := &model.Commitment{ID: bson.NewObjectID(), Region: pick(regions), Status: pick(model.CommitmentStatuses), MadeOn: when(),
				StakeholderID: m.ID, StakeholderKind: m.Kind, OwnerID: actor.ID, Text: "x"}
			must(writer().InsertCommitment(ctx, actor, c))
			commitments = append(commitments, c)
			check(fmt.Sprint(i, ": commitment created"))
		case r < 6:
			j := rng.Intn(len(commitments))
			cur := *commitments[j]
			cur.Status, cur.Region, cur.MadeOn = pick(model.CommitmentStatuses), pick(regions), when()
			got, err := writer().ReplaceCommitment(ctx, actor, commitments[j], &cur)
			must(err)
			commitments[j] = got
			check(fmt.Sprint(i, ": commitment changed"))
		case r < 7:
			j := rng.Intn(len(commitments))
			must(writer().RemoveCommitment(ctx, actor, commitments[j]))
			commitments = append(commitments[:j], commitments[j+1:]...)
			check(fmt.Sprint(i, ": commitment deleted"))
		default:
			j := rng.Intn(len(members))
			cur := *members[j]
			switch {
			case cur.Kind == model.KindLegislator && rng.Intn(3) == 0:
				cur.Kind, cur.Legislator = model.KindPerson, nil // its commitments keep their kind
			case cur.Kind == model.KindLegislator || cur.Kind == model.KindPerson:
				cur.Kind, cur.Legislator = model.KindLegislator, &model.Legislator{ElectoralDistrict: pick(regions)}
			case rng.Intn(2) == 0:
				cur.Archived = !cur.Archived
			default:
				cur.Committee = &model.Committee{Region: pick(regions)}
			}
			got, err := writer().ReplaceStakeholder(ctx, actor, members[j], &cur)
			must(err)
			members[j] = got
			check(fmt.Sprint(i, ": member changed"))
		}
	}
	// A member deleted counts under nivel nacional, as counting does.
	must(writer().RemoveStakeholder(ctx, actor, members[0]))
	check("member deleted")
	must(s.RebuildReportCounters(ctx))
	check("rebuilt")
}

// TestStakeholderWritesLeaveRegistriesAlone: a stakeholder's write updates
// the committee and agreement-group registries only when its entry in
// them changes (each holds every member of Congress and committee), and
// the figures follow the writes that do.
func TestStakeholderWritesLeaveRegistriesAlone(t *testing.T) {
	s := fixture.OpenAt(t, &reportNow)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.RebuildReportCounters(ctx))
	updates := s.CountUpdates("report_counters")
	actor := model.Actor{ID: bson.NewObjectID(), Name: "Demo"}
	expect := func(step string, want int64) {
		t.Helper()
		if got := updates(); got != want {
			t.Fatalf("%s: %d registry updates so far, want %d", step, got, want)
		}
	}
	person := &model.Stakeholder{ID: bson.NewObjectID(), Name: "Persona", Kind: model.KindPerson, Regions: []string{"15"}}
	must(s.InsertStakeholder(ctx, actor, person))
	expect("person created", 0)
	cur := *person
	cur.Notes = "llamar"
	_, err := s.ReplaceStakeholder(ctx, actor, person, &cur)
	must(err)
	expect("person's notes", 0)

	leg := &model.Stakeholder{ID: bson.NewObjectID(), Name: "Congresista", Kind: model.KindLegislator,
		Legislator: &model.Legislator{ElectoralDistrict: "16"}, Regions: []string{"16"}}
	must(s.InsertStakeholder(ctx, actor, leg))
	expect("legislator created", 1) // the groups registry only
	must(s.InsertCommitment(ctx, actor, &model.Commitment{ID: bson.NewObjectID(), Region: "15", MadeOn: "2026-11-02", Status: model.StatusPending,
		StakeholderID: leg.ID, StakeholderKind: model.KindLegislator, OwnerID: actor.ID, Text: "x"}))
	p := store.Period{From: "2026-11-01", To: "2026-11-30"}
	groups := func(step, want string) {
		t.Helper()
		a, err := s.Agreements(ctx, model.Scope{All: true}, p, model.KindLegislator)
		must(err)
		if got := fmt.Sprint(a.Groups); got != want {
			t.Fatalf("%s: groups %s, want %s", step, got, want)
		}
	}
	groups("created", "[{16 1}]")
	notes := *leg
	notes.Notes = "reunión"
	got, err := s.ReplaceStakeholder(ctx, actor, leg, &notes)
	must(err)
	expect("legislator's notes", 1)
	moved := *got
	moved.Legislator = &model.Legislator{ElectoralDistrict: "08"}
	got, err = s.ReplaceStakeholder(ctx, actor, got, &moved)
	must(err)
	expect("legislator's district", 2)
	groups("moved", "[{08 1}]")

	com := &model.Stakeholder{ID: bson.NewObjectID(), Name: "Comité", Kind: model.KindOversightCommittee,
		Committee: &model.Committee{Region: "15"}, Regions: []string{"15"}}
	must(s.InsertStakeholder(ctx, actor, com))
	expect("committee created", 4) // both registries
	archived := *com
	archived.Archived = true
	_, err = s.ReplaceStakeholder(ctx, actor, com, &archived)
	must(err)
	expect("committee archived", 5) // the committees registry only

	must(s.RemoveStakeholder(ctx, actor, got))
	expect("legislator deleted", 6)
	groups("deleted", "[{NAC 1}]")
}

// TestTrainingSumsMatchTheRows: the trainings as the figures and the
// funder report count them (each document's counts summed per slot and
// region first) are the trainings report's, over whole months, cut months
// and single days, in every scope, before and after trainings change.
func TestTrainingSumsMatchTheRows(t *testing.T) {
	s, _ := loadDemo(t)
	ctx := context.Background()
	periods := []store.Period{store.DefaultPeriod(reportNow), {From: "2026-01-01", To: "2026-12-31"}, {From: "2026-02-14", To: "2026-11-03"},
		{From: "2026-11-27", To: "2026-11-27"}, {From: "2026-10-31", To: "2026-12-01"}}
	check := func(step string) {
		t.Helper()
		seen := 0
		for _, scope := range []model.Scope{{All: true}, {Regions: []string{"15"}}, {Regions: []string{"08", "NAC"}}} {
			for _, p := range periods {
				rows, err := s.Trainings(ctx, scope, p)
				if err != nil {
					t.Fatal(err)
				}
				funder, err := s.FunderCounts(ctx, scope, p)
				if err != nil {
					t.Fatal(err)
				}
				seen += rows.People
				rows.Items = []store.TrainingRow{}
				if g, w := fmt.Sprintf("%+v", *funder.Trainings), fmt.Sprintf("%+v", *rows); g != w {
					t.Fatalf("%s: %v %v: summed %s, the report's %s", step, scope, p, g, w)
				}
			}
		}
		if seen == 0 {
			t.Fatalf("%s: no people trained in any period", step)
		}
	}
	check("demo")
	m := &model.Meeting{ID: bson.NewObjectID(), StartsAt: reportNow, Region: "15", Kind: model.KindTraining,
		Training: &model.Training{Modality: model.TrainingModalities[0], Audience: []model.AudienceCount{{Type: model.AudienceTypes[0], Count: 7}}}}
	s.CountMeeting(ctx, nil, m)
	check("a training added")
	s.CountMeeting(ctx, m, nil)
	check("and removed")
}

// TestCounterCacheUnderConcurrentReads: requests reading the figures at
// once while commitments are written share the cached documents and the
// member table (run with -race), and once the writes are done they all
// answer what counting the collections answers.
func TestCounterCacheUnderConcurrentReads(t *testing.T) {
	s := fixture.OpenAt(t, &reportNow)
	ctx := context.Background()
	actor := model.Actor{ID: bson.NewObjectID(), Name: "Demo"}
	all := model.Scope{All: true}
	p := store.Period{From: "2026-10-01", To: "2026-11-20"} // both months cut: their day keys
	if err := s.RebuildReportCounters(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				if _, err := s.Agreements(ctx, all, p, model.KindLegislator); err != nil {
					errs <- err
					return
				}
				if _, err := s.FunderCounts(ctx, all, p); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 30 {
		c := &model.Commitment{ID: bson.NewObjectID(), Region: "15", Status: model.StatusPending, MadeOn: fmt.Sprintf("2026-%02d-%02d", 10+i%2, 1+i%20),
			StakeholderID: bson.NewObjectID(), StakeholderKind: model.KindLegislator, OwnerID: actor.ID, Text: "x"}
		if err := s.InsertCommitment(ctx, actor, c); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Agreements(ctx, all, p, model.KindLegislator)
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.AgreementsScan(ctx, all, p, model.KindLegislator)
	if err != nil {
		t.Fatal(err)
	}
	if got.Members != 30 || fmt.Sprint(got.Members, got.Commitments, got.Groups) != fmt.Sprint(want.Members, want.Commitments, want.Groups) {
		t.Fatalf("after the writes: %d members %d commitments %v, counting the collections %d %d %v",
			got.Members, got.Commitments, got.Groups, want.Members, want.Commitments, want.Groups)
	}
}

// TestInitiativeMovesFollowEachWrite: the initiatives that advanced a stage
// or were approved, as the figures and the records read them from the moves
// derived once per counter document version, are after every single write
// (initiatives created, stage changed, region or kind changed, removed, a
// rebuild) what walking the documents' keys gives, with the same regions,
// kinds and days, over whole and cut months, in every scope.
func TestInitiativeMovesFollowEachWrite(t *testing.T) {
	s := fixture.OpenAt(t, &reportNow)
	ctx := context.Background()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	actor := model.Actor{ID: bson.NewObjectID(), Name: "Demo"}
	regions := []string{"15", "08", "16", "NAC"}
	pick := func(list []string) string { return list[rng.Intn(len(list))] }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	stages := func(kind string) []string {
		for _, k := range model.InitiativeKinds {
			if k.Code == kind {
				var out []string
				for _, st := range k.Stages {
					out = append(out, st.Code)
				}
				return out
			}
		}
		t.Fatalf("no kind %s", kind)
		return nil
	}
	var kinds []string
	for _, k := range model.InitiativeKinds {
		kinds = append(kinds, k.Code)
	}
	when := func() string {
		return model.Today(time.Date(2026, 9, 1, 15, 0, 0, 0, time.UTC).AddDate(0, 0, rng.Intn(90)))
	}
	must(s.RebuildReportCounters(ctx))
	periods := []store.Period{{From: "2026-09-01", To: "2026-11-30"}, {From: "2026-09-14", To: "2026-11-20"}, {From: "2026-10-01", To: "2026-10-31"}}
	sorted := func(list []store.InitiativeMove) string {
		out := make([]string, len(list))
		for i, m := range list {
			out[i] = m.ID.Hex() + "|" + m.Region + "|" + m.Kind + "|" + m.Date
		}
		slices.Sort(out)
		return fmt.Sprint(out)
	}
	moved := 0
	check := func(step string) {
		t.Helper()
		for _, scope := range []model.Scope{{All: true}, {Regions: []string{"15"}}, {Regions: []string{"08", "NAC"}}} {
			for _, p := range periods {
				for _, days := range []bool{false, true} {
					got, err := s.Moves(ctx, scope, p, days)
					must(err)
					want, err := s.MovesWalk(ctx, scope, p, days)
					must(err)
					for f := range got {
						if g, w := sorted(got[f]), sorted(want[f]); g != w {
							t.Fatalf("%s: moves %d in %v %v (days %v): %s, walking the keys %s", step, f, scope, p, days, g, w)
						}
						moved += len(got[f])
					}
				}
			}
		}
	}
	check("no initiatives")
	var its []*model.Initiative
	for i := range 80 {
		switch r := rng.Intn(10); {
		case r < 3 || len(its) == 0:
			kind := pick(kinds)
			it := &model.Initiative{ID: bson.NewObjectID(), Kind: kind, Title: fmt.Sprint("Iniciativa ", i), Region: pick(regions),
				Stage: stages(kind)[0], StageOn: when(), OwnerID: actor.ID}
			it.History = []model.StageChange{{Stage: it.Stage, On: it.StageOn}}
			must(s.InsertInitiative(ctx, actor, it))
			its = append(its, it)
			check(fmt.Sprint(i, ": initiative created"))
		case r < 7:
			j := rng.Intn(len(its))
			got, err := s.UpdateInitiativeStage(ctx, actor, its[j], model.StageChange{Stage: pick(stages(its[j].Kind)), On: when(), At: time.Now()}, nil)
			must(err)
			its[j] = got
			check(fmt.Sprint(i, ": stage changed"))
		case r < 9:
			j := rng.Intn(len(its))
			cur := *its[j]
			cur.Region = pick(regions)
			if rng.Intn(2) == 0 {
				cur.Kind = pick(kinds) // its history keeps its stages
			}
			got, err := s.ReplaceInitiative(ctx, actor, its[j], &cur)
			must(err)
			its[j] = got
			check(fmt.Sprint(i, ": region or kind changed"))
		default:
			j := rng.Intn(len(its))
			must(s.RemoveInitiative(ctx, actor, its[j]))
			its = append(its[:j], its[j+1:]...)
			check(fmt.Sprint(i, ": initiative removed"))
		}
	}
	must(s.RebuildReportCounters(ctx))
	check("rebuilt")
	if moved == 0 {
		t.Fatal("no initiative moved in any period")
	}
}

// TestCountersReadOnlyWhatWasWritten: a figure asked again with no write in
// between reads no counter document, only the meta document (whose stamps
// say nothing changed); after a commitment's write it reads the
// commitments' documents again, after a member's district changed the
// groups registry, whichever process wrote; and each answer is what
// counting the collections answers.
func TestCountersReadOnlyWhatWasWritten(t *testing.T) {
	s := fixture.OpenAt(t, &reportNow)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.RebuildReportCounters(ctx))
	other := s.OtherProcess()
	actor := model.Actor{ID: bson.NewObjectID(), Name: "Demo"}
	leg := &model.Stakeholder{ID: bson.NewObjectID(), Name: "Congresista", Kind: model.KindLegislator,
		Legislator: &model.Legislator{ElectoralDistrict: "16"}, Regions: []string{"16"}}
	must(s.InsertStakeholder(ctx, actor, leg))
	commit := func(w *store.Store, madeOn string) {
		t.Helper()
		must(w.InsertCommitment(ctx, actor, &model.Commitment{ID: bson.NewObjectID(), Region: "15", MadeOn: madeOn, Status: model.StatusPending,
			StakeholderID: leg.ID, StakeholderKind: model.KindLegislator, OwnerID: actor.ID, Text: "x"}))
	}
	commit(s, "2026-11-02")
	reads := s.CountReads("report_counters")
	all := model.Scope{All: true}
	p := store.Period{From: "2026-10-01", To: "2026-11-20"} // October's view, November's day keys
	ask := func(step string, wantReads int64, wantCommitments int) {
		t.Helper()
		before := reads()
		got, err := s.Agreements(ctx, all, p, model.KindLegislator)
		must(err)
		if n := reads() - before; n != wantReads {
			t.Fatalf("%s: %d reads of the counters, want %d", step, n, wantReads)
		}
		want, err := s.AgreementsScan(ctx, all, p, model.KindLegislator)
		must(err)
		g := fmt.Sprint(got.Members, got.Commitments, got.Groups)
		if w := fmt.Sprint(want.Members, want.Commitments, want.Groups); g != w || got.Commitments != wantCommitments {
			t.Fatalf("%s: %s, counting the collections %s, want %d commitments", step, g, w, wantCommitments)
		}
	}
	ask("first", 3, 1) // the meta document, the two months' documents, the groups registry
	ask("again", 1, 1)
	commit(s, "2026-10-05")
	ask("a commitment in October", 2, 2)
	ask("again", 1, 2)
	commit(other, "2026-11-03")
	ask("another process's commitment", 2, 3)
	moved := *leg
	moved.Legislator = &model.Legislator{ElectoralDistrict: "08"}
	_, err := other.ReplaceStakeholder(ctx, actor, leg, &moved)
	must(err)
	ask("another process moved the member", 2, 3) // the groups registry
	ask("again", 1, 3)
	must(s.RebuildReportCounters(ctx))
	ask("rebuilt", 3, 3)
}
