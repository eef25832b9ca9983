package workflow_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
)

func TestImportStakeholders(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	existing := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "José Huamán", Emails: []string{"jose@ong.pe"}, Regions: []string{"08"}, Tags: []string{"salud"}})
	rows := []workflow.ImportRow{
		{Row: 2, Input: model.StakeholderInput{Kind: "person", Name: "Nueva Persona", Emails: []string{"nueva@ong.pe"}, Regions: []string{"08"}}},
		{Row: 3, Input: model.StakeholderInput{Kind: "person", Name: "Otro Nombre", Emails: []string{"JOSE@ong.pe", "jose2@ong.pe"}, Regions: []string{"08"}, Tags: []string{"agua"}}},
		{Row: 4, Input: model.StakeholderInput{Kind: "person", Name: "jose huaman", Phones: []string{"999"}, Regions: []string{"08"}}},
		{Row: 5, Input: model.StakeholderInput{Kind: "person", Name: "NUEVA persona", Phones: []string{"111"}, Regions: []string{"08"}}},
		{Row: 6, Input: model.StakeholderInput{Kind: "person", Name: "José Huamán", Regions: []string{"16"}}}, // other region: a new record
	}
	res, err := f.ImportStakeholders(ctx, asUser(shScopeAll), rows, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 5 || res.Valid != 5 || len(res.Errors) != 0 || res.Created != 2 || res.Merged != 1 || len(res.Duplicates) != 3 || !res.DryRun {
		t.Fatalf("dry run: %+v", res)
	}
	if d := res.Duplicates; d[0].Row != 3 || d[0].ExistingID != existing.ID || d[1].Row != 4 || d[1].ExistingID != existing.ID || d[2].Row != 5 || !strings.Contains(d[2].Reason, "row 2") {
		t.Fatalf("duplicates: %+v", d)
	}
	if n, _, _ := s.ListStakeholders(ctx, shScopeAll, store.StakeholderFilter{}, store.Page{All: true}); len(n) != 1 {
		t.Fatalf("dry run wrote: %d", len(n))
	}

	bad := append(rows[:1:1], workflow.ImportRow{Row: 7, Input: model.StakeholderInput{Kind: "person", Name: "Sin región"}},
		workflow.ImportRow{Row: 8, Input: model.StakeholderInput{Kind: "person", Name: "Loreto", Regions: []string{"16"}}})
	res, err = f.ImportStakeholders(ctx, asUser(shScopeCusco), bad, false)
	if stakeholderFields(err) != "rows[7].regions,rows[8].regions[0]" || res.Valid != 1 {
		t.Fatalf("commit with errors: %v %+v", err, res)
	}
	if n, _, _ := s.ListStakeholders(ctx, shScopeAll, store.StakeholderFilter{}, store.Page{All: true}); len(n) != 1 {
		t.Fatalf("a refused import wrote %d records", len(n)-1)
	}

	res, err = f.ImportStakeholders(ctx, asUser(shScopeAll), rows, false)
	if err != nil || res.Created != 2 || res.Merged != 1 {
		t.Fatalf("commit: %v %+v", err, res)
	}
	got, _ := s.StakeholderByID(ctx, shScopeAll, existing.ID)
	if strings.Join(got.Emails, ",") != "jose@ong.pe,jose2@ong.pe" || strings.Join(got.Phones, ",") != "999" || strings.Join(got.Tags, ",") != "salud,agua" || got.Version != 2 {
		t.Fatalf("merged: %+v", got)
	}
	list, _, _ := s.ListStakeholders(ctx, shScopeAll, store.StakeholderFilter{Q: "nueva"}, store.Page{All: true})
	if len(list) != 1 || strings.Join(list[0].Phones, ",") != "111" {
		t.Fatalf("new record with merged row: %+v", list)
	}
	entries, _, _ := s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "stakeholder"}, store.Page{})
	if len(entries) != 4 { // existing create + 2 created + 1 merged
		t.Fatalf("audit entries: %d", len(entries))
	}
}

// TestImportUndoesWritesWhenAMergeConflicts: issue 8 found an import that
// answered 409 but kept the rows written before the conflict. A merge
// target changed by someone else between the check and the write must undo
// the records created and the merges already saved.
func TestImportUndoesWritesWhenAMergeConflicts(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	a := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Ana Quispe", Emails: []string{"ana@ong.pe"}, Regions: []string{"08"}})
	b := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Beto Mamani", Emails: []string{"beto@ong.pe"}, Regions: []string{"08"}})
	rows := []workflow.ImportRow{
		{Row: 2, Input: model.StakeholderInput{Kind: "person", Name: "Nueva Persona", Regions: []string{"08"}}},
		{Row: 3, Input: model.StakeholderInput{Kind: "person", Name: "Ana", Emails: []string{"ana@ong.pe", "ana2@ong.pe"}, Regions: []string{"08"}}},
		{Row: 4, Input: model.StakeholderInput{Kind: "person", Name: "Beto", Emails: []string{"beto@ong.pe"}, Phones: []string{"999"}, Regions: []string{"08"}}},
	}
	// Someone edits Beto while the import runs: after the merge checks,
	// before the writes.
	notes := "editada"
	t.Cleanup(func() { workflow.SetFault(nil) })
	workflow.SetFault(func(step string) error {
		if step == "import-commit" {
			v := b.Version
			if _, err := s.UpdateStakeholder(ctx, model.SystemActor, shScopeAll, b.ID, model.StakeholderPatch{Notes: &notes, Version: &v}); err != nil {
				t.Errorf("concurrent edit: %v", err)
			}
		}
		return nil
	})
	auditBefore, _, _ := s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "stakeholder"}, store.Page{All: true})
	_, err := f.ImportStakeholders(ctx, asUser(shScopeAll), rows, false)
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
