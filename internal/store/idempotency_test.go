package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestIdempotencyClaims(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := fixture.OpenAt(t, &now)
	ctx := context.Background()
	user := bson.NewObjectID()
	const pending, keep = 2 * time.Minute, 24 * time.Hour

	if rec, claimed, err := s.BeginIdempotent(ctx, "k", user, "fp1", pending); rec != nil || !claimed || err != nil {
		t.Fatalf("first claim: %v %v %v", rec, claimed, err)
	}
	if _, _, err := s.BeginIdempotent(ctx, "k", user, "fp1", pending); !errors.Is(err, store.ErrIdemInFlight) {
		t.Fatalf("repeat while running: %v, want ErrIdemInFlight", err)
	}
	// The instance that held the claim died: after the pending time the key is free.
	now = now.Add(pending + time.Second)
	if rec, claimed, err := s.BeginIdempotent(ctx, "k", user, "fp1", pending); rec != nil || !claimed || err != nil {
		t.Fatalf("claim after a dead one: %v %v %v", rec, claimed, err)
	}
	if err := s.CompleteIdempotent(ctx, "k", 201, map[string]string{"Content-Type": "application/json"}, []byte(`{"id":1}`), keep); err != nil {
		t.Fatal(err)
	}
	// Abandon only frees running claims, never a stored outcome.
	if err := s.AbandonIdempotent(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	rec, claimed, err := s.BeginIdempotent(ctx, "k", user, "fp1", pending)
	if err != nil || claimed || rec == nil || rec.Status != 201 || string(rec.Body) != `{"id":1}` || rec.Headers["Content-Type"] != "application/json" {
		t.Fatalf("replay: %+v %v", rec, err)
	}
	if _, _, err := s.BeginIdempotent(ctx, "k", user, "fp2", pending); !errors.Is(err, store.ErrIdemMismatch) {
		t.Fatalf("other body: %v, want ErrIdemMismatch", err)
	}
	now = now.Add(keep + time.Second)
	if rec, claimed, err := s.BeginIdempotent(ctx, "k", user, "fp2", pending); rec != nil || !claimed || err != nil {
		t.Fatalf("after a day: %v %v %v", rec, claimed, err)
	}
}

// Many instances racing for one key: exactly one wins the claim.
func TestIdempotencyOneWinner(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	user := bson.NewObjectID()
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, busy := 0, 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, claimed, err := s.BeginIdempotent(ctx, "race", user, "fp", time.Minute)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && claimed && rec == nil:
				won++
			case errors.Is(err, store.ErrIdemInFlight):
				busy++
			default:
				t.Errorf("unexpected %v %v", rec, err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || busy != 7 {
		t.Fatalf("%d claims won, %d told in flight; want 1 and 7", won, busy)
	}
}
