package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestRefreshGraceForTwoTabs: two tabs refreshing together presented the
// same token and the second was taken for a thief, signing the user out.
// The same client may present a just-rotated token once within the grace;
// a second time, after the grace, or from another client is reuse.
func TestRefreshGraceForTwoTabs(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	save := func(h, fam string) {
		if err := s.SaveRefreshToken(ctx, store.RefreshToken{Hash: h, Family: fam, UserID: bson.NewObjectID(), ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	const grace = 30 * time.Second
	save("a", "fa")
	if _, err := s.UseRefreshToken(ctx, "a", "tab", grace); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Second)
	if tok, err := s.UseRefreshToken(ctx, "a", "tab", grace); err != nil || tok.Family != "fa" {
		t.Fatalf("second tab within the grace: %v %v", tok, err)
	}
	if _, err := s.UseRefreshToken(ctx, "a", "tab", grace); !errors.Is(err, store.ErrTokenReused) {
		t.Fatalf("a third use: %v, want reuse", err)
	}

	save("b", "fb")
	if _, err := s.UseRefreshToken(ctx, "b", "tab", grace); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseRefreshToken(ctx, "b", "elsewhere", grace); !errors.Is(err, store.ErrTokenReused) {
		t.Fatalf("another client within the grace: %v, want reuse", err)
	}

	save("c", "fc")
	if _, err := s.UseRefreshToken(ctx, "c", "tab", grace); err != nil {
		t.Fatal(err)
	}
	now = now.Add(grace + time.Second)
	if _, err := s.UseRefreshToken(ctx, "c", "tab", grace); !errors.Is(err, store.ErrTokenReused) {
		t.Fatalf("after the grace: %v, want reuse", err)
	}
}

// TestPurgeExpired: refresh tokens and login counters past their expiry
// are deleted by the periodic purge; live ones stay.
func TestPurgeExpired(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	for h, exp := range map[string]time.Time{"old": now.Add(-time.Minute), "live": now.Add(time.Hour)} {
		if err := s.SaveRefreshToken(ctx, store.RefreshToken{Hash: h, Family: h, ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddLoginFailure(ctx, "pair:x", time.Minute); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	if err := s.PurgeExpired(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RefreshTokenFamily(ctx, "old"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired token kept: %v", err)
	}
	if _, err := s.RefreshTokenFamily(ctx, "live"); err != nil {
		t.Fatalf("live token purged: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.PurgeExpired(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("purge ignores its context: %v", err)
	}
}

// TestRematchAddressesInOneGo: an import re-matched its addresses one
// query each; RematchAddresses does them together.
func TestRematchAddressesInOneGo(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	now := s.Now()
	save(t, s, incoming(1, "uno@ong.pe", []string{"equipo@alianza.org.pe"}, "Uno", now, at("INBOX", 1, 1)),
		incoming(2, "equipo@alianza.org.pe", []string{"dos@ong.pe"}, "Dos", now, at("INBOX", 2, 1)),
		incoming(3, "otro@ong.pe", nil, "Tres", now, at("INBOX", 3, 1)))
	mustCreateStakeholder(t, s, shScopeAll, model.StakeholderInput{Kind: "person", Name: "Uno", Regions: []string{"16"}, Emails: []string{"uno@ong.pe"}})
	mustCreateStakeholder(t, s, shScopeAll, model.StakeholderInput{Kind: "person", Name: "Dos", Regions: []string{"08"}, Emails: []string{"dos@ong.pe"}})
	n, err := s.RematchAddresses(ctx, model.SystemActor, []string{"UNO@ong.pe", "dos@ong.pe", "uno@ong.pe"})
	if err != nil || n != 2 {
		t.Fatalf("rematch: %d %v", n, err)
	}
	for id, want := range map[byte][]string{1: {"16"}, 2: {"08"}, 3: nil} {
		if m := getMsg(t, s, bson.ObjectID{0xee, id}); !slices.Equal(m.Regions, want) || m.Unmatched != (want == nil) {
			t.Errorf("message %d: regions %v unmatched %v", id, m.Regions, m.Unmatched)
		}
	}
}
