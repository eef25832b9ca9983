package workflow_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// testPassword is the password of the users the tests create.
const testPassword = "vicuñas cruzan el altiplano"

// userAndMailbox creates a manager of Cusco and a mailbox (encrypted with
// the key it returns), as the system.
func userAndMailbox(t *testing.T, f *workflow.Flows) ([]byte, *model.User, *model.Mailbox) {
	t.Helper()
	ctx := context.Background()
	key, err := store.MailboxKey([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	boss := model.SystemUser()
	user, err := f.CreateUser(ctx, boss, model.NewUser{Email: "ana@x.org", Name: "Ana", Role: model.RoleManager, Regions: []string{"08"}, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	box, err := f.CreateMailbox(ctx, boss, key, model.MailboxInput{Name: "Prensa", Host: "imap.example.org", TLS: "implicit", Username: "prensa@alianza.org.pe", Password: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return key, user, box
}

// snapshot sums every document of every collection, so a test can tell
// that a failed write left nothing behind, whatever it touched.
func snapshot(t *testing.T, s *store.Store) map[string][32]byte {
	t.Helper()
	ctx := context.Background()
	names, err := s.CollectionNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][32]byte{}
	for _, name := range names {
		h := sha256.New()
		if err := s.Each(ctx, name, func(doc bson.Raw) error { _, err := h.Write(doc); return err }); err != nil {
			t.Fatal(err)
		}
		out[name] = [32]byte(h.Sum(nil))
	}
	return out
}

// TestChangeWithoutAuditIsNotKept: with 20 KB free a create answered 500
// but the record stayed, without an audit entry (issue 20, point 3). Each
// write now files its audit entry in its own transaction: when the entry
// cannot be written, the write fails with ErrAuditFailed and the database
// is left exactly as it was, on every main write path.
func TestChangeWithoutAuditIsNotKept(t *testing.T) {
	s, f := open(t)
	if s.Embedded() == nil {
		t.Skip("FerretDB has no transactions: there a change is kept and answered ErrAuditFailed (api: TestChangeWithoutAuditIsNotAcknowledged)")
	}
	ctx := context.Background()
	boss := model.SystemUser()
	key, user, box := userAndMailbox(t, f)
	rosa := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Rosa Quispe", Regions: []string{"08"}, Emails: []string{"rosa@example.pe"}})
	luis := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Luis Mamani", Regions: []string{"08"}})
	if _, err := f.SaveMessages(ctx, []model.IncomingMessage{mail(1, "rosa@example.pe", "equipo@ong.pe"), mail(2, "nuevo@example.pe", "equipo@ong.pe")}); err != nil {
		t.Fatal(err)
	}
	msg := bson.ObjectID{0xee, 1}
	// Written without effects: its mail is matched again below.
	nuevo := model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindPerson, Name: "Nuevo", Emails: []string{"nuevo@example.pe"}, Regions: []string{"16"},
		Stance: "unknown", Influence: "medium", Version: 1}
	if err := s.InsertStakeholders(ctx, []model.Stakeholder{nuevo}); err != nil {
		t.Fatal(err)
	}
	met, err := f.CreateMeeting(ctx, boss, model.MeetingInput{StartsAt: "2026-03-02T15:00:00Z", DurationMin: 60, Kind: "in_person", Region: "08",
		Summary: "Revisión", Participants: []model.ParticipantInput{{StakeholderID: rosa.ID, Role: "participant"}},
		Commitments: []model.CommitmentInput{{StakeholderID: rosa.ID, Text: "Enviar el informe", Type: "budget"}},
		Tasks:       []model.TaskInput{{Title: "Llamar a Rosa", Region: "08"}}})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := f.CreateCommitment(ctx, boss, model.CommitmentInput{StakeholderID: rosa.ID, Text: "Visitar", Type: "other", Region: "08"})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := f.CreateTask(ctx, boss, model.TaskInput{Title: "Escribir", Region: "08"})
	if err != nil {
		t.Fatal(err)
	}
	other := bson.NewObjectID()
	if err := s.SetPendingSecondFactor(ctx, boss.Actor(), user.ID, "sealed"); err != nil {
		t.Fatal(err)
	}
	if err := s.EnableSecondFactor(ctx, boss.Actor(), user.ID, "sealed", 1, []string{"h1"}); err != nil {
		t.Fatal(err)
	}
	ver := func(v int) *int { return &v }
	text := func(v string) *string { return &v }
	digest := "weekly"
	target := 12

	s.SetWriteFault(func(col string) error {
		if col == "audit" {
			return errors.New("test: database or disk is full")
		}
		return nil
	})
	t.Cleanup(func() { s.SetWriteFault(nil) })
	writes := []struct {
		name  string
		write func() error
	}{
		{"create stakeholder", func() error {
			_, err := f.CreateStakeholder(ctx, boss, model.StakeholderInput{Kind: "person", Name: "Sin Rastro", Regions: []string{"08"}, Emails: []string{"sin@example.pe"}})
			return err
		}},
		{"update stakeholder", func() error {
			_, err := f.UpdateStakeholder(ctx, boss, rosa.ID, model.StakeholderPatch{Name: text("Rosa Q."), Version: ver(rosa.Version)})
			return err
		}},
		{"add relationship", func() error {
			_, err := f.AddRelationship(ctx, boss, luis.ID, model.RelationshipInput{StakeholderID: rosa.ID, Kind: "advises"})
			return err
		}},
		{"delete stakeholder", func() error { _, err := f.DeleteStakeholder(ctx, boss, luis.ID); return err }},
		{"create meeting with records", func() error {
			_, err := f.CreateMeeting(ctx, boss, model.MeetingInput{StartsAt: "2026-03-03T15:00:00Z", DurationMin: 30, Kind: "call", Region: "08",
				Summary: "Llamada", Participants: []model.ParticipantInput{{StakeholderID: rosa.ID, Role: "participant"}},
				Commitments: []model.CommitmentInput{{StakeholderID: rosa.ID, Text: "Revisar", Type: "oversight"}},
				Tasks:       []model.TaskInput{{Title: "Enviar acta", Region: "08"}}})
			return err
		}},
		{"update meeting", func() error {
			_, err := f.UpdateMeeting(ctx, boss, met.Meeting.ID, model.MeetingPatch{Summary: text("Otra"), Version: ver(met.Meeting.Version)})
			return err
		}},
		{"delete meeting with records", func() error { return f.DeleteMeeting(ctx, boss, met.Meeting.ID, true) }},
		{"create commitment", func() error {
			_, err := f.CreateCommitment(ctx, boss, model.CommitmentInput{StakeholderID: rosa.ID, Text: "Otro", Type: "other", Region: "08"})
			return err
		}},
		{"update commitment", func() error {
			_, err := f.UpdateCommitment(ctx, boss, cm.ID, model.CommitmentPatch{Text: text("Visitar Cusco"), Version: ver(cm.Version)})
			return err
		}},
		{"commitment status", func() error {
			_, err := f.ChangeCommitmentStatus(ctx, boss, cm.ID, model.StatusChangeInput{Status: "in_progress", Note: "llamé", Version: ver(cm.Version)})
			return err
		}},
		{"delete commitment", func() error { return f.DeleteCommitment(ctx, boss, cm.ID) }},
		{"create task", func() error {
			_, err := f.CreateTask(ctx, boss, model.TaskInput{Title: "Otra", Region: "08"})
			return err
		}},
		{"update task", func() error {
			_, err := f.UpdateTask(ctx, boss, tk.ID, model.TaskPatch{Title: text("Escribir más"), Version: ver(tk.Version)})
			return err
		}},
		{"delete task", func() error { return f.DeleteTask(ctx, boss, tk.ID) }},
		{"create user", func() error {
			_, err := f.CreateUser(ctx, boss, model.NewUser{Email: "eva@x.org", Name: "Eva", Role: model.RoleViewer, Regions: []string{"08"}, Password: testPassword})
			return err
		}},
		{"update user", func() error {
			_, err := f.UpdateUser(ctx, boss, user.ID, model.UserPatch{Name: text("Ana María")})
			return err
		}},
		{"create mailbox", func() error {
			_, err := f.CreateMailbox(ctx, boss, key, model.MailboxInput{Name: "Otra", Host: "imap.example.org", TLS: "implicit", Username: "otra@alianza.org.pe", Password: "x"})
			return err
		}},
		{"update mailbox", func() error {
			_, err := f.UpdateMailbox(ctx, boss, key, box.ID, model.MailboxPatch{Name: text("Prensa Lima"), Version: &box.Version})
			return err
		}},
		{"delete mailbox", func() error { return f.DeleteMailbox(ctx, boss, box.ID) }},
		{"message", func() error {
			_, err := f.UpdateMessage(ctx, boss, msg, model.MessagePatch{Notes: text("revisar"), Version: ver(1)})
			return err
		}},
		{"message status", func() error {
			_, err := f.SetMessagesStatus(ctx, boss, []bson.ObjectID{msg}, model.MessageDone)
			return err
		}},
		{"message link", func() error { _, err := s.LinkMessageCommitment(ctx, boss.Actor(), msg, cm.ID); return err }},
		{"rematch", func() error {
			_, err := s.RematchAddresses(ctx, boss.Actor(), []string{"rosa@example.pe", "nuevo@example.pe"})
			return err
		}},
		{"preferences", func() error {
			_, err := f.UpdatePrefs(ctx, user, model.PrefsPatch{Digest: &digest, MailServer: true})
			return err
		}},
		{"calendar link", func() error { return s.SetCalendarToken(ctx, user.Actor(), user.ID, "hash") }},
		{"import with a merge", func() error {
			_, err := f.ImportStakeholders(ctx, boss, []workflow.ImportRow{
				{Row: 1, Input: model.StakeholderInput{Kind: "person", Name: "Importada", Regions: []string{"08"}}},
				{Row: 2, Input: model.StakeholderInput{Kind: "person", Name: "Rosa Quispe", Regions: []string{"08"}, Emails: []string{"rosa@example.pe"}, Phones: []string{"+51 984 000 111"}}},
			}, false)
			return err
		}},
		{"erasure", func() error { _, err := f.EraseStakeholder(ctx, boss, rosa.ID, rosa.Name); return err }},
		{"indicator target", func() error {
			_, err := f.SetIndicatorTarget(ctx, boss, store.IndicatorCodes()[0], 2026, model.TargetInput{Value: &target})
			return err
		}},
		{"second factor pending", func() error { return s.SetPendingSecondFactor(ctx, boss.Actor(), other, "sealed") }},
		{"second factor recovery code", func() error {
			used, err := s.UseRecoveryCode(ctx, boss.Actor(), user.ID, "h1")
			if err == nil && used {
				err = fmt.Errorf("used")
			}
			return err
		}},
		{"second factor reset", func() error { return f.ResetSecondFactor(ctx, boss, user.ID) }},
	}
	for _, w := range writes {
		before := snapshot(t, s)
		err := w.write()
		if !errors.Is(err, store.ErrAuditFailed) {
			t.Errorf("%s without its audit entry: %v, want ErrAuditFailed", w.name, err)
		}
		after := snapshot(t, s)
		for name, sum := range before {
			if after[name] != sum {
				t.Errorf("%s without its audit entry changed %s", w.name, name)
			}
		}
	}
}
