package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestListMeetingsFiltersAndPages(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	var ms []model.Meeting
	for i := 0; i < 5; i++ {
		region, kind := "08", "virtual"
		if i%2 == 1 {
			region, kind = "16", "call"
		}
		ms = append(ms, model.Meeting{ID: bson.NewObjectID(), StartsAt: base.AddDate(0, 0, i), DurationMin: 30, Kind: kind, Region: region,
			Participants: []model.Participant{{StakeholderID: w.Cusco.ID, Name: w.Cusco.Name}}, StakeholderIDs: []bson.ObjectID{w.Cusco.ID},
			Topics: []string{}, StaffIDs: []bson.ObjectID{}, CommitmentIDs: []bson.ObjectID{}, TaskIDs: []bson.ObjectID{}, Version: 1})
	}
	if err := w.Store.InsertMeetings(ctx, ms); err != nil {
		t.Fatal(err)
	}
	var got []time.Time
	for _, m := range allPages(t, 2, func(p store.Page) ([]model.Meeting, string, error) {
		return w.Store.ListMeetings(ctx, w.All, store.MeetingFilter{}, p)
	}) {
		got = append(got, m.StartsAt)
	}
	if len(got) != 5 || !got[0].Equal(base.AddDate(0, 0, 4)) || !got[4].Equal(base) {
		t.Fatalf("pages newest first: %v", got)
	}
	for _, tc := range []struct {
		name  string
		scope model.Scope
		f     store.MeetingFilter
		want  int
	}{
		{"scope cusco", w.CuscoOnly, store.MeetingFilter{}, 3},
		{"region filter outside scope", w.CuscoOnly, store.MeetingFilter{Region: "16"}, 0},
		{"kind", w.All, store.MeetingFilter{Kind: "call"}, 2},
		{"from to", w.All, store.MeetingFilter{From: base.AddDate(0, 0, 1), To: base.AddDate(0, 0, 3)}, 2},
		{"stakeholder", w.All, store.MeetingFilter{StakeholderID: w.Cusco.ID}, 5},
		{"other stakeholder", w.All, store.MeetingFilter{StakeholderID: w.NAC.ID}, 0},
	} {
		items, _, err := w.Store.ListMeetings(ctx, tc.scope, tc.f, store.Page{})
		if err != nil || len(items) != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.name, len(items), err, tc.want)
		}
	}
}

func TestInsertMeetingCompensates(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	boom := errors.New("disk full")
	now := w.Store.Now()
	for _, step := range []string{"commitments", "tasks", "meeting"} {
		t.Run(step, func(t *testing.T) {
			store.SetCreateFailpoint(t, step, boom)
			m := model.NewMeeting(w.MeetingInput(), w.Officer, now)
			c := model.NewCommitment(model.NestedCommitment(model.CommitmentInput{StakeholderID: w.Cusco.ID, Text: "x", Type: "budget"}, m), w.Cusco, w.All, w.Officer, now)
			var ts []model.Task
			for _, title := range []string{"y", "z"} {
				ts = append(ts, *model.NewTask(model.NestedTask(model.TaskInput{Title: title}, m), "08", w.Officer, now))
			}
			m.CommitmentIDs, m.TaskIDs = []bson.ObjectID{c.ID}, []bson.ObjectID{ts[0].ID, ts[1].ID}
			if err := w.Store.InsertMeeting(ctx, w.Officer, m, []model.Commitment{*c}, ts); !errors.Is(err, boom) {
				t.Fatalf("got %v, want the failure", err)
			}
			if m, c, tk := w.Counts(t); m+c+tk != 0 {
				t.Fatalf("left %d meetings, %d commitments, %d tasks behind", m, c, tk)
			}
		})
	}
	entries, _, err := w.Store.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "commitment"}, store.Page{})
	if err != nil || len(entries) != 0 {
		t.Fatalf("audit entries for undone records: %d %v", len(entries), err)
	}
}
