package workflow_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

func TestMailboxWorkflows(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	key, err := store.MailboxKey([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	admin := fixture.AsAdmin(w.Officer, w.All)
	manager := fixture.As(w.Other, model.RoleManager, w.All)
	in := model.MailboxInput{Name: "Prensa", Host: "imap.example.org", TLS: "implicit", Username: "prensa@alianza.org.pe", Password: "clave-1"}
	if _, err := w.Flows.CreateMailbox(ctx, manager, key, in); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("manager creates: %v", err)
	}
	bad := in
	bad.Password = ""
	if _, err := w.Flows.CreateMailbox(ctx, admin, key, bad); !slices.Contains(fieldsOf(err), "password") {
		t.Fatalf("no password: %v", err)
	}
	m, err := w.Flows.CreateMailbox(ctx, admin, key, in)
	if err != nil || m.Version != 1 || m.Port != 993 || m.PasswordEnc == "" {
		t.Fatalf("create: %+v %v", m, err)
	}

	name := "Prensa Lima"
	stale := 7
	if _, err := w.Flows.UpdateMailbox(ctx, admin, key, m.ID, model.MailboxPatch{Name: &name, Version: &stale}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := w.Flows.UpdateMailbox(ctx, manager, key, m.ID, model.MailboxPatch{Name: &name, Version: &m.Version}); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("manager updates: %v", err)
	}
	pw := "clave-2"
	got, err := w.Flows.UpdateMailbox(ctx, admin, key, m.ID, model.MailboxPatch{Name: &name, Password: &pw, Version: &m.Version})
	if err != nil || got.Name != name || got.Version != 2 {
		t.Fatalf("update: %+v %v", got, err)
	}
	if err := store.DecryptMailboxPassword(key, got); err != nil || got.Password != pw {
		t.Fatalf("new password: %q %v", got.Password, err)
	}
	same, err := w.Flows.UpdateMailbox(ctx, admin, key, m.ID, model.MailboxPatch{Name: &name, Version: &got.Version})
	if err != nil || same.Version != 2 {
		t.Fatalf("no change wrote: %+v %v", same, err)
	}

	// The environment's mailbox: stable id, not editable through the API,
	// syncing the same settings again changes nothing.
	env := model.Mailbox{ID: store.EnvMailboxID("imap.example.org:993", "equipo@alianza.org.pe"), Name: "equipo", Host: "imap.example.org", Port: 993, TLS: "implicit", Username: "equipo@alianza.org.pe", Password: "otra-clave"}
	e1, err := w.Flows.SyncEnvMailbox(ctx, key, env)
	if err != nil || e1.Source != model.MailboxSourceEnv {
		t.Fatalf("env: %+v %v", e1, err)
	}
	e2, err := w.Flows.SyncEnvMailbox(ctx, key, env)
	if err != nil || e2.Version != e1.Version || e2.PasswordEnc != e1.PasswordEnc {
		t.Fatalf("second sync changed it: %+v %v", e2, err)
	}
	env.Password = "cambiada"
	e3, err := w.Flows.SyncEnvMailbox(ctx, key, env)
	if err != nil || e3.Version != e1.Version+1 {
		t.Fatalf("password change: %+v %v", e3, err)
	}
	if err := store.DecryptMailboxPassword(key, e3); err != nil || e3.Password != "cambiada" {
		t.Fatalf("env password: %q %v", e3.Password, err)
	}
	if _, err := w.Flows.UpdateMailbox(ctx, admin, key, env.ID, model.MailboxPatch{Name: &name, Version: &e3.Version}); !slices.Contains(fieldsOf(err), "source") {
		t.Fatalf("env mailbox edited through the API: %v", err)
	}
	if err := w.Flows.DeleteMailbox(ctx, admin, env.ID); !slices.Contains(fieldsOf(err), "source") {
		t.Fatalf("env mailbox deleted through the API: %v", err)
	}

	if err := w.Flows.DeleteMailbox(ctx, manager, m.ID); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("manager deletes: %v", err)
	}
	if err := w.Flows.DeleteMailbox(ctx, admin, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Store.MailboxByID(ctx, m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted mailbox still there: %v", err)
	}
}
