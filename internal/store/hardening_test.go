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

// TestImportUndoesWritesWhenAMergeConflicts: issue 8 found an import that
// answered 409 but kept the rows written before the conflict. A merge
// target changed by someone else between the check and the write must undo
// the records created and the merges already saved.
func TestImportUndoesWritesWhenAMergeConflicts(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	a := mustCreateStakeholder(t, s, shScopeAll, model.StakeholderInput{Kind: "person", Name: "Ana Quispe", Emails: []string{"ana@ong.pe"}, Regions: []string{"08"}})
	b := mustCreateStakeholder(t, s, shScopeAll, model.StakeholderInput{Kind: "person", Name: "Beto Mamani", Emails: []string{"beto@ong.pe"}, Regions: []string{"08"}})
	rows := []store.ImportRow{
		{Row: 2, Input: model.StakeholderInput{Kind: "person", Name: "Nueva Persona", Regions: []string{"08"}}},
		{Row: 3, Input: model.StakeholderInput{Kind: "person", Name: "Ana", Emails: []string{"ana@ong.pe", "ana2@ong.pe"}, Regions: []string{"08"}}},
		{Row: 4, Input: model.StakeholderInput{Kind: "person", Name: "Beto", Emails: []string{"beto@ong.pe"}, Phones: []string{"999"}, Regions: []string{"08"}}},
	}
	// Someone edits Beto while the import runs: after the merge checks,
	// before the writes.
	notes := "editada"
	canEdit := func(st *model.Stakeholder) bool {
		if st.ID == b.ID {
			v := st.Version
			if _, err := s.UpdateStakeholder(ctx, model.SystemActor, shScopeAll, b.ID, model.StakeholderPatch{Notes: &notes, Version: &v}); err != nil {
				t.Errorf("concurrent edit: %v", err)
			}
		}
		return true
	}
	auditBefore, _, _ := s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "stakeholder"}, store.Page{All: true})
	_, err := s.ImportStakeholders(ctx, model.SystemActor, shScopeAll, rows, false, canEdit)
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("import with a conflicting merge: %v, want ErrConflict", err)
	}
	all, _, _ := s.ListStakeholders(ctx, shScopeAll, store.StakeholderFilter{}, store.Page{All: true})
	if len(all) != 2 {
		t.Fatalf("%d stakeholders after a failed import, want the 2 from before", len(all))
	}
	gotA, _ := s.StakeholderByID(ctx, shScopeAll, a.ID)
	if gotA.Version != a.Version || !slices.Equal(gotA.Emails, a.Emails) {
		t.Fatalf("merge into Ana not undone: %+v", gotA)
	}
	gotB, _ := s.StakeholderByID(ctx, shScopeAll, b.ID)
	if gotB.Notes != "editada" || len(gotB.Phones) != 0 {
		t.Fatalf("Beto: %+v", gotB)
	}
	auditAfter, _, _ := s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "stakeholder"}, store.Page{All: true})
	if len(auditAfter) != len(auditBefore)+1 { // the concurrent edit only
		t.Fatalf("audit entries: %d before, %d after", len(auditBefore), len(auditAfter))
	}
}

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
