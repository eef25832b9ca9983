package demo_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestReferenceMessageBatches: the mailbox built a batch at a time is the
// whole one, in order, and each message's replied flag is what the whole
// mailbox says (an outbound message with a later inbound one in its
// thread), although a batch leaves before its threads' last messages are
// built.
func TestReferenceMessageBatches(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	ids := demo.ReferenceUserIDs()
	d := demo.Reference(0.1, now, ids)
	all := demo.ReferenceMessages(0.1, now, d, ids)
	if len(all) != demo.RefMessages/10 {
		t.Fatalf("%d messages, want %d", len(all), demo.RefMessages/10)
	}
	var got []model.IncomingMessage
	for batch := range demo.ReferenceMessageBatches(0.1, now, d, ids, 7) {
		if len(batch) == 0 || len(batch) > 7 {
			t.Fatalf("a batch of %d", len(batch))
		}
		got = append(got, batch...)
	}
	if !reflect.DeepEqual(got, all) {
		t.Fatal("the batches differ from the whole mailbox")
	}
	lastIn := map[bson.ObjectID]time.Time{}
	for _, in := range all {
		if m := in.Message; m.Direction == model.Inbound && m.Date.After(lastIn[m.ThreadID]) {
			lastIn[m.ThreadID] = m.Date
		}
	}
	replied := 0
	for i, in := range all {
		m := in.Message
		if want := m.Direction == model.Outbound && m.Date.Before(lastIn[m.ThreadID]); m.Replied != want {
			t.Fatalf("message %d: replied %v, want %v", i, m.Replied, want)
		}
		if m.Replied {
			replied++
		}
		if want := demo.ID(fmt.Sprintf("ref-message-%d", i)); m.ID != want {
			t.Fatalf("message %d has id %s", i, m.ID.Hex())
		}
	}
	if replied == 0 {
		t.Fatal("no message replied")
	}
	// A consumer may stop early.
	n := 0
	for range demo.ReferenceMessageBatches(0.1, now, d, ids, 100) {
		if n++; n == 3 {
			break
		}
	}
}
