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

func TestTimeline(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	clock := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	w.Store.SetClock(func() time.Time { return clock })
	in := w.MeetingInput() // 2026-03-05 15:00Z with cusco and nac
	in.Commitments = []model.CommitmentInput{{StakeholderID: w.Cusco.ID, Text: "Proyecto de ley", Type: "legislative"}}
	res, err := w.Flows.CreateMeeting(ctx, fixture.AsAdmin(w.Officer, w.All), in)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Commitments[0]
	clock = clock.Add(24 * time.Hour)
	if _, err := w.Flows.ChangeCommitmentStatus(ctx, fixture.AsAdmin(w.Officer, w.All), c.ID, model.StatusChangeInput{Status: model.StatusInProgress, Note: "en agenda"}); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(24 * time.Hour)
	if _, err := w.Flows.CreateTask(ctx, fixture.AsAdmin(w.Officer, w.All), model.TaskInput{Title: "Seguimiento", Links: model.TaskLinks{CommitmentID: c.ID}}); err != nil {
		t.Fatal(err)
	}
	// A Loreto meeting with the same stakeholder is out of a Cusco user's scope.
	if err := w.Store.InsertMeetings(ctx, []model.Meeting{{ID: bson.NewObjectID(), StartsAt: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), Region: "16",
		Summary: "Loreto", Participants: []model.Participant{{StakeholderID: w.Cusco.ID}}, StakeholderIDs: []bson.ObjectID{w.Cusco.ID}}}); err != nil {
		t.Fatal(err)
	}

	types := func(scope model.Scope, limit int) ([]string, []store.TimelineItem) {
		var out []string
		var all []store.TimelineItem
		cursor := ""
		for i := 0; i < 10; i++ {
			items, next, err := w.Store.Timeline(ctx, scope, w.Cusco.ID, store.Page{Limit: limit, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				out = append(out, it.Type)
				all = append(all, it)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		return out, all
	}
	want := []string{"meeting", "task", "status_change", "meeting", "commitment"}
	for _, limit := range []int{50, 2, 1} {
		got, items := types(w.All, limit)
		if len(got) != len(want) {
			t.Fatalf("limit %d: %v, want %v", limit, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("limit %d: %v, want %v", limit, got, want)
			}
		}
		for i := 1; i < len(items); i++ {
			if items[i].At.After(items[i-1].At) {
				t.Fatalf("not newest first: %+v", items)
			}
		}
	}
	if got, _ := types(w.CuscoOnly, 50); len(got) != 4 {
		t.Fatalf("cusco scope sees %v", got)
	}
	if _, _, err := w.Store.Timeline(ctx, w.Loreto16, w.Cusco.ID, store.Page{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stakeholder out of scope: %v", err)
	}
	if _, _, err := w.Store.Timeline(ctx, w.All, w.Cusco.ID, store.Page{Cursor: "zz"}); !errors.Is(err, store.ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
}
