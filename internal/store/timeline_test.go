package store_test

import (
	"context"
	"math/rand"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestTimelinePagesMatchWhole reads random timelines (meetings, commitments
// with status changes, tasks on the stakeholder and on their commitments,
// many at the same instant, in two regions) a page at a time at several
// lengths and in two scopes, and checks the pages join into the whole
// timeline: the tasks are read only down to the date the other sources
// fill a page to, which must never drop or repeat one.
func TestTimelinePagesMatchWhole(t *testing.T) {
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d", seed)
	w := fixture.NewWorld(t)
	ctx := context.Background()
	st := w.Cusco.ID
	base := time.Date(2025, 1, 1, 5, 0, 0, 0, time.UTC)
	// Coarse instants (whole days, 60 of them) so that items share dates.
	at := func() time.Time { return base.Add(time.Duration(rng.Intn(60)) * 24 * time.Hour) }
	region := func() string { return []string{"08", "16"}[rng.Intn(2)] }

	var meetings []model.Meeting
	for range rng.Intn(40) {
		meetings = append(meetings, model.Meeting{ID: bson.NewObjectID(), StartsAt: at(), Region: region(), Summary: "m",
			Participants: []model.Participant{{StakeholderID: st}}, StakeholderIDs: []bson.ObjectID{st}})
	}
	var commitments []model.Commitment
	for range 5 + rng.Intn(20) {
		made := at()
		c := model.Commitment{ID: bson.NewObjectID(), StakeholderID: st, Text: "c", Type: "legislative", Region: region(),
			MadeOn: made.In(model.Lima).Format(time.DateOnly), Status: model.StatusPending, CreatedAt: made, UpdatedAt: made,
			History: []model.StatusChange{{Status: model.StatusPending, At: made}}}
		for range rng.Intn(3) {
			c.History = append(c.History, model.StatusChange{Status: model.StatusInProgress, At: at()})
		}
		commitments = append(commitments, c)
	}
	var tasks []model.Task
	for range rng.Intn(80) {
		tk := model.Task{ID: bson.NewObjectID(), Title: "t", Region: region(), CreatedAt: at()}
		if rng.Intn(3) == 0 {
			tk.Links.StakeholderID = st
		} else {
			tk.Links.CommitmentID = commitments[rng.Intn(len(commitments))].ID
		}
		tk.UpdatedAt = tk.CreatedAt
		tasks = append(tasks, tk)
	}
	if len(meetings) > 0 {
		if err := w.Store.InsertMeetings(ctx, meetings); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Store.InsertCommitments(ctx, commitments); err != nil {
		t.Fatal(err)
	}
	if len(tasks) > 0 {
		if err := w.Store.InsertTasks(ctx, tasks); err != nil {
			t.Fatal(err)
		}
	}

	key := func(it store.TimelineItem) string {
		return it.Type + "/" + it.ID + "/" + it.At.String() + "/" + it.Detail + "/" + it.Status
	}
	for _, scope := range []model.Scope{w.All, w.CuscoOnly} {
		whole, next, err := w.Store.Timeline(ctx, scope, st, store.Page{All: true})
		if err != nil || next != "" {
			t.Fatalf("whole: %v %q", err, next)
		}
		for _, limit := range []int{1, 3, 7, 25} {
			var got []store.TimelineItem
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > len(whole)+1 {
					t.Fatalf("seed %d: limit %d: the pages do not end", seed, limit)
				}
				items, next, err := w.Store.Timeline(ctx, scope, st, store.Page{Limit: limit, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				if len(items) > limit {
					t.Fatalf("seed %d: limit %d: a page of %d", seed, limit, len(items))
				}
				got = append(got, items...)
				if next == "" {
					break
				}
				cursor = next
			}
			if len(got) != len(whole) {
				t.Fatalf("seed %d: scope %v limit %d: %d items in pages, %d whole", seed, scope.Regions, limit, len(got), len(whole))
			}
			for i := range whole {
				if key(got[i]) != key(whole[i]) {
					t.Fatalf("seed %d: scope %v limit %d: item %d is %s, whole has %s", seed, scope.Regions, limit, i, key(got[i]), key(whole[i]))
				}
			}
		}
	}
}
