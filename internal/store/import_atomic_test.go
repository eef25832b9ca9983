package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
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
	auditBefore, _, _ := s.ListAudit(ctx, store.AuditFilter{Entity: "stakeholder"}, store.Page{All: true})
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
	auditAfter, _, _ := s.ListAudit(ctx, store.AuditFilter{Entity: "stakeholder"}, store.Page{All: true})
	if len(auditAfter) != len(auditBefore)+1 { // the concurrent edit only
		t.Fatalf("audit entries: %d before, %d after", len(auditBefore), len(auditAfter))
	}
}
