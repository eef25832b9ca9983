package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

// TestTrainingsMatchTheDemoData: the counters give what counting the demo's
// trainings in Go gives, for every scope.
func TestTrainingsMatchTheDemoData(t *testing.T) {
	s, d := loadDemo(t)
	ctx := context.Background()
	p := store.DefaultPeriod(reportNow)
	for _, scope := range []model.Scope{{All: true}, {Regions: []string{"16"}}, {Regions: []string{"21", "08"}}, {Regions: []string{"01"}}} {
		got, err := s.Trainings(ctx, scope, p)
		if err != nil {
			t.Fatal(err)
		}
		trainings, people := 0, 0
		perAudience := map[string]int{}
		for _, m := range d.Meetings {
			day := model.Today(m.StartsAt)
			if m.Training == nil || !scope.Allows(m.Region) || day < p.From || day > p.To {
				continue
			}
			trainings++
			for _, a := range m.Training.Audience {
				people += a.Count
				perAudience[a.Type] += a.Count
			}
		}
		if got.Trainings != trainings || got.People != people || len(got.Audiences) != len(perAudience) {
			t.Fatalf("scope %v: got %+v, want %d trainings, %d people, %v", scope, got, trainings, people, perAudience)
		}
		sum := 0
		for _, r := range got.Items {
			if !scope.Allows(r.Region) {
				t.Errorf("row out of scope %v: %+v", scope, r)
			}
			sum += r.People
		}
		for _, a := range got.Audiences {
			if perAudience[a.Audience] != a.People {
				t.Errorf("%s: %d, want %d", a.Audience, a.People, perAudience[a.Audience])
			}
		}
		if sum != people {
			t.Errorf("items add up to %d, want %d", sum, people)
		}
	}
}

// TestTrainingWritesUpdateTheCounts: creating, changing and deleting a
// training through the store shows in the report at once.
func TestTrainingWritesUpdateTheCounts(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	p := store.Period{From: "2026-01-01", To: "2026-12-31"}
	report := func() *store.TrainingCounts {
		t.Helper()
		r, err := w.Store.Trainings(ctx, w.All, p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := report(); r.Trainings != 0 || r.People != 0 {
		t.Fatalf("empty: %+v", r)
	}
	in := w.MeetingInput()
	in.Kind = model.KindTraining
	in.Participants = nil // a training needs no stakeholder per attendee
	in.Training = &model.Training{Modality: "virtual", Topics: []string{" enfoque centrado en la víctima "},
		Audience: []model.AudienceCount{{Type: "public_defenders", Count: 85}, {Type: "judges", Count: 70}}}
	res, err := w.Flows.CreateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), in)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Meeting.Training.Topics; len(got) != 1 || got[0] != "enfoque centrado en la víctima" {
		t.Errorf("topics not trimmed: %q", got)
	}
	r := report()
	if r.Trainings != 1 || r.People != 155 || len(r.Modalities) != 1 || r.Modalities[0] != "virtual" ||
		r.Audiences[0] != (store.AudienceTotal{Audience: "public_defenders", People: 85}) ||
		len(r.Items) != 2 || r.Items[0] != (store.TrainingRow{Quarter: "2026-Q1", Region: "08", Audience: "public_defenders", People: 85}) {
		t.Fatalf("after create: %+v", r)
	}
	if r, _ := w.Store.Trainings(ctx, w.Loreto16, p); r.People != 0 {
		t.Fatalf("Loreto sees Cusco's training: %+v", r)
	}

	judges := model.Training{Modality: "in_person", Audience: []model.AudienceCount{{Type: "judges", Count: 12}}}
	m, err := w.Flows.UpdateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), res.Meeting.ID, model.MeetingPatch{Training: &judges})
	if err != nil {
		t.Fatal(err)
	}
	if r := report(); r.Trainings != 1 || r.People != 12 || r.Modalities[0] != "in_person" {
		t.Fatalf("after update: %+v", r)
	}
	// It stops being a training: the audience goes with it.
	call := "call"
	m, err = w.Flows.UpdateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), m.ID, model.MeetingPatch{Kind: &call})
	if err != nil {
		t.Fatal(err)
	}
	if m.Training != nil {
		t.Fatalf("a call keeps its training: %+v", m.Training)
	}
	if r := report(); r.Trainings != 0 || r.People != 0 {
		t.Fatalf("after kind change: %+v", r)
	}
	training := model.KindTraining
	if _, err := w.Flows.UpdateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), m.ID, model.MeetingPatch{Kind: &training}); !isField(err, "training") {
		t.Fatalf("a training without audience: %v", err)
	}
	m, err = w.Flows.UpdateMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), m.ID, model.MeetingPatch{Kind: &training, Training: &judges})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Flows.DeleteMeeting(ctx, fixture.AsAdmin(w.Officer, w.CuscoOnly), m.ID, false); err != nil {
		t.Fatal(err)
	}
	if r := report(); r.Trainings != 0 || r.People != 0 || len(r.Items) != 0 {
		t.Fatalf("after delete: %+v", r)
	}
}

func isField(err error, field string) bool {
	var v *model.ValidationError
	if !errors.As(err, &v) {
		return false
	}
	for _, f := range v.Errors {
		if f.Field == field {
			return true
		}
	}
	return false
}
