package workflow_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

var errEffect = errors.New("test: the effect failed")

// An effect that fails fails the write it belongs to (issue 20, point 11):
// twelve writes dropped what their after-write effects returned (users,
// preferences, the calendar link, mailboxes, message status and links,
// re-matching, erasure, dataset loads), so a failing hook was silently
// skipped unless a side channel in the context noticed. Each write is made
// with a hook that fails, and must answer its error.
func TestFailingEffectFailsTheWrite(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	var failing atomic.Bool
	s.OnChange(func(context.Context, store.Change) error {
		if failing.Load() {
			return errEffect
		}
		return nil
	})
	boss := model.SystemUser()
	key, user, box := userAndMailbox(t, f)
	rosa := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Rosa Quispe", Regions: []string{"08"}, Emails: []string{"rosa@example.pe"}})
	if _, err := f.SaveMessages(ctx, []model.IncomingMessage{mail(1, "rosa@example.pe", "equipo@ong.pe"), mail(2, "nuevo@example.pe", "equipo@ong.pe")}); err != nil {
		t.Fatal(err)
	}
	msg := bson.ObjectID{0xee, 1}
	cm, err := f.CreateCommitment(ctx, boss, model.CommitmentInput{StakeholderID: rosa.ID, Text: "Enviar el informe", Type: "budget", Region: "08"})
	if err != nil {
		t.Fatal(err)
	}
	// A stakeholder written without effects: its mail is matched again below.
	luis := model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindPerson, Name: "Luis", Emails: []string{"nuevo@example.pe"}, Regions: []string{"16"},
		Stance: "unknown", Influence: "medium", Version: 1}
	if err := s.InsertStakeholders(ctx, []model.Stakeholder{luis}); err != nil {
		t.Fatal(err)
	}
	name := "Ana María"
	digest := "weekly"
	failing.Store(true)
	writes := []struct {
		name  string
		write func() error
	}{
		{"create user", func() error {
			_, err := f.CreateUser(ctx, boss, model.NewUser{Email: "eva@x.org", Name: "Eva", Role: model.RoleViewer, Regions: []string{"08"}, Password: testPassword})
			return err
		}},
		{"update user", func() error { _, err := f.UpdateUser(ctx, boss, user.ID, model.UserPatch{Name: &name}); return err }},
		{"preferences", func() error {
			_, err := f.UpdatePrefs(ctx, user, model.PrefsPatch{Digest: &digest, MailServer: true})
			return err
		}},
		{"calendar link", func() error { return s.SetCalendarToken(ctx, user.Actor(), user.ID, "hash") }},
		{"create mailbox", func() error {
			_, err := f.CreateMailbox(ctx, boss, key, model.MailboxInput{Name: "Otra", Host: "imap.example.org", TLS: "implicit", Username: "otra@alianza.org.pe", Password: "x"})
			return err
		}},
		{"update mailbox", func() error {
			n := "Prensa Lima"
			_, err := f.UpdateMailbox(ctx, boss, key, box.ID, model.MailboxPatch{Name: &n, Version: &box.Version})
			return err
		}},
		{"delete mailbox", func() error { return f.DeleteMailbox(ctx, boss, box.ID) }},
		{"message status", func() error {
			_, err := f.SetMessagesStatus(ctx, boss, []bson.ObjectID{msg}, model.MessageDone)
			return err
		}},
		{"message link", func() error { _, err := s.LinkMessageCommitment(ctx, boss.Actor(), msg, cm.ID); return err }},
		{"rematch", func() error {
			_, err := s.RematchAddresses(ctx, boss.Actor(), []string{"nuevo@example.pe"})
			return err
		}},
		{"dataset", func() error {
			_, err := s.LoadDataset(ctx, boss.Actor(), store.Dataset{Users: []model.User{{ID: bson.NewObjectID(), Email: "carga@x.org", Name: "Carga",
				Role: model.RoleViewer, Regions: []string{"08"}, Version: 1}}})
			return err
		}},
		{"erasure", func() error { _, err := f.EraseStakeholder(ctx, boss, rosa.ID, rosa.Name); return err }},
	}
	for _, w := range writes {
		if err := w.write(); !errors.Is(err, errEffect) {
			t.Errorf("%s with a failing effect: %v, want the effect's error", w.name, err)
		}
	}
}
