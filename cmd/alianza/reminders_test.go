package main

import (
	"bytes"
	"context"
	"net/mail"
	"strconv"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/smtptest"
)

// TestRemindersSendOnce: with the demo data and every demo user on a daily
// digest, `alianza reminders send --once` sends the due digests through a
// real SMTP server (plain text on loopback, AUTH PLAIN) and prints them; a
// second run finds nothing due.
func TestRemindersSendOnce(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Plain)
	env := map[string]string{
		"ALIANZA_DATA_DIR": t.TempDir(), "ALIANZA_LOG_LEVEL": "error",
		"ALIANZA_SMTP_HOST": srv.Host, "ALIANZA_SMTP_PORT": strconv.Itoa(srv.Port), "ALIANZA_SMTP_TLS": "none",
		"ALIANZA_SMTP_USER": smtptest.User, "ALIANZA_SMTP_PASSWORD": smtptest.Password, "ALIANZA_SMTP_FROM": "alianza@example.org",
		"ALIANZA_PUBLIC_URL": "https://alianza.example.org",
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "load"}, &out, &errb, envFrom(env)); code != 0 {
		t.Fatalf("demo load: %s", errb.String())
	}
	cfg := loadConfig(t, env)
	ctx := context.Background()
	s, closeDB := openDatabase(t, ctx, cfg)
	daily := model.DigestDaily
	for _, u := range demo.Users {
		if _, err := s.UpdatePrefs(ctx, model.SystemActor, demo.ID("user-"+u.Key), model.PrefsPatch{Digest: &daily}); err != nil {
			t.Fatal(err)
		}
	}
	closeDB()

	out.Reset()
	if code := run(ctx, []string{"reminders", "send", "--once"}, &out, &errb, envFrom(env)); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	sent := strings.Count(out.String(), "sent daily/")
	if sent == 0 || sent != len(srv.Messages()) {
		t.Fatalf("printed %d sent, server got %d:\n%s", sent, len(srv.Messages()), out.String())
	}
	// The CLI signs the unsubscribe links with the data folder's secret,
	// as the server that checks them does.
	for _, m := range srv.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		if lu := msg.Header.Get("List-Unsubscribe"); !strings.HasPrefix(lu, "<https://alianza.example.org/api/v1/unsubscribe/") {
			t.Fatalf("a digest without its unsubscribe link: %q", lu)
		}
	}
	out.Reset()
	if code := run(ctx, []string{"reminders", "send", "--once"}, &out, &errb, envFrom(env)); code != 0 || strings.TrimSpace(out.String()) != "no digest due" {
		t.Fatalf("second run: exit %d %q", code, out.String())
	}
	if n := len(srv.Messages()); n != sent {
		t.Fatalf("second run sent more: %d", n)
	}
	out.Reset()
	errb.Reset()
	if code := run(ctx, []string{"reminders", "send"}, &out, &errb, envFrom(env)); code != 1 || !strings.Contains(errb.String(), "--once") {
		t.Fatalf("without --once: %d %q", code, errb.String())
	}
}
