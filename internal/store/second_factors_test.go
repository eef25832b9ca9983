package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestSecondFactorStepsAndCodesOnce: a TOTP step and a recovery code each
// pass once, however many sign-ins race for them.
func TestSecondFactorStepsAndCodesOnce(t *testing.T) {
	storetest.NeedsIsolation(t)
	s := storetest.Open(t)
	ctx := context.Background()
	id := bson.NewObjectID()
	key := make([]byte, 32)
	sealed, err := store.SealSecondFactor(key, id, "JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	if open, err := store.OpenSecondFactor(key, bson.NewObjectID(), sealed); err == nil {
		t.Fatalf("a sealed secret opened for another user: %q", open)
	}
	if err := s.EnableSecondFactor(ctx, model.SystemActor, id, sealed, 10, []string{"h1", "h2"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("enable without a pending secret: %v", err)
	}
	if err := s.SetPendingSecondFactor(ctx, model.SystemActor, id, sealed); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.UseTOTPStep(ctx, id, 11); ok || err != nil {
		t.Fatalf("a step of a pending factor: %v %v", ok, err)
	}
	if err := s.EnableSecondFactor(ctx, model.SystemActor, id, sealed, 10, []string{"h1", "h2"}); err != nil {
		t.Fatal(err)
	}
	race := func(try func() (bool, error)) int32 {
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := try()
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		return wins.Load()
	}
	if n := race(func() (bool, error) { return s.UseTOTPStep(ctx, id, 11) }); n != 1 {
		t.Fatalf("step 11 passed %d times", n)
	}
	for _, step := range []int64{10, 11} {
		if ok, _ := s.UseTOTPStep(ctx, id, step); ok {
			t.Fatalf("step %d passed after 11", step)
		}
	}
	if n := race(func() (bool, error) { return s.UseRecoveryCode(ctx, model.SystemActor, id, "h2") }); n != 1 {
		t.Fatalf("a recovery code passed %d times", n)
	}
	sf, err := s.SecondFactorOf(ctx, id)
	if err != nil || !sf.Active() || sf.LastStep != 11 || len(sf.Recovery) != 1 || sf.Recovery[0] != "h1" {
		t.Fatalf("after the races: %+v %v", sf, err)
	}
	on, err := s.SecondFactorsOn(ctx, []bson.ObjectID{id, bson.NewObjectID()})
	if err != nil || len(on) != 1 || !on[id] {
		t.Fatalf("on: %v %v", on, err)
	}
	if err := s.RemoveSecondFactor(ctx, model.SystemActor, id); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveSecondFactor(ctx, model.SystemActor, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second removal: %v", err)
	}
}
