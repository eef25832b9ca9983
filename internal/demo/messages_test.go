package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestDemoCorrespondence: the demo mail is matched to the demo stakeholders,
// has one unmatched sender, a thread with its reply, and one outbound
// follow-up awaiting its reply; loading twice adds nothing.
func TestDemoCorrespondence(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	flows := workflow.New(s)
	n, err := demo.Load(ctx, flows, s, now)
	if err != nil {
		t.Fatal(err)
	}
	if n.Messages != 6 {
		t.Fatalf("%d messages loaded, want 6", n.Messages)
	}
	all := model.Scope{All: true}
	count := func(f store.MessageFilter) int {
		t.Helper()
		items, _, err := s.ListMessages(ctx, all, f, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	if got := count(store.MessageFilter{Unmatched: true}); got != 1 {
		t.Errorf("%d unmatched, want 1 (the press request)", got)
	}
	if got := count(store.MessageFilter{AwaitingReply: true, AwaitingReplyDays: 7}); got != 1 {
		t.Errorf("%d awaiting reply, want 1 (the Loreto budget follow-up)", got)
	}
	if got := count(store.MessageFilter{Region: "08"}); got != 3 {
		t.Errorf("%d Cusco messages, want 3", got)
	}
	again, err := demo.Load(ctx, flows, s, now)
	if err != nil || again.Messages != 0 {
		t.Fatalf("second load: %+v %v", again, err)
	}
}
