package api

import (
	"bytes"
	"context"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/notify"
	"github.com/alianza-pe/alianza/internal/smtptest"
	"github.com/alianza-pe/alianza/internal/store"
)

// TestDigestMailHeadersAndUnsubscribe sends a real digest through the test
// SMTP server, parses the message as a mail system would, and follows its
// one-click unsubscribe link (RFC 8058) on the app without a session.
func TestDigestMailHeadersAndUnsubscribe(t *testing.T) {
	ta := newTestApp(t)
	ta.app = ta.newApp(func(o *Options) { o.SMTPConfigured = true })
	ctx := context.Background()
	officer := ta.users["cusco_officer"]
	if r := ta.do("cusco_officer", "PATCH", "/api/v1/me", map[string]any{"digest": "daily", "lang": "en"}); r.status != 200 {
		t.Fatalf("digest on: %d %s", r.status, r.body)
	}
	yesterday := time.Now().In(model.Lima).AddDate(0, 0, -1).Format(time.DateOnly)
	if r := ta.do("cusco_officer", "POST", "/api/v1/tasks", map[string]any{"title": "Enviar el acta", "region": "08", "due_on": yesterday}); r.status != 201 {
		t.Fatalf("task: %d %s", r.status, r.body)
	}
	srv := smtptest.Start(t, smtptest.StartTLS)
	key := ta.tokens.Derive(notify.UnsubscribePurpose)
	w := &notify.Worker{Store: ta.store, Holder: "test", PublicURL: "https://alianza.example.org/", UnsubscribeKey: key, Log: discardLogger(),
		Sender: notify.SMTP{Host: srv.Host, Port: srv.Port, User: smtptest.User, Password: smtptest.Password, From: "avisos@ong.example.org",
			TLS: model.TLSStartTLS, TLSConfig: srv.ClientTLS, Timeout: 10 * time.Second}}
	if res, err := w.RunOnce(ctx); err != nil || len(res) != 1 || res[0].Status != store.DigestSent {
		t.Fatalf("digest: %+v %v", res, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	from, err := mail.ParseAddress(m.Header.Get("From"))
	if err != nil || from.Name != "Alianza" || from.Address != "avisos@ong.example.org" {
		t.Errorf("From %q: %v", m.Header.Get("From"), err)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@ong.example.org>") {
		t.Errorf("Message-ID %q: want one on the sender's domain", id)
	}
	if got := m.Header.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted %q", got)
	}
	if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", got)
	}
	lu := m.Header.Get("List-Unsubscribe")
	const prefix = "<https://alianza.example.org" + notify.UnsubscribePath
	if !strings.HasPrefix(lu, prefix) || !strings.HasSuffix(lu, ">") {
		t.Fatalf("List-Unsubscribe %q", lu)
	}
	link := strings.TrimSuffix(strings.TrimPrefix(lu, "<https://alianza.example.org"), ">")
	if !strings.Contains(string(msgs[0].Data), "To stop receiving it:") {
		t.Errorf("the text does not offer the link")
	}

	// Opening the link shows a page and changes nothing (link scanners GET it).
	page := ta.do("", "GET", link, nil)
	if page.status != 200 || !strings.Contains(string(page.body), `<form method="post">`) || !strings.Contains(string(page.body), `lang="en"`) {
		t.Fatalf("page: %d %s", page.status, page.body)
	}
	if p, _ := ta.store.Prefs(ctx, officer.ID); p.Digest != model.DigestDaily {
		t.Fatalf("GET turned the digest off")
	}
	// The one-click POST, as a mail provider sends it.
	r := ta.do("", "POST", link, "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded")
	if r.status != 200 || !strings.Contains(string(r.body), "no longer receive") {
		t.Fatalf("one-click: %d %s", r.status, r.body)
	}
	if p, _ := ta.store.Prefs(ctx, officer.ID); p.Digest != model.DigestOff {
		t.Fatalf("digest still %q", p.Digest)
	}
	entries, _, err := ta.store.ListAudit(ctx, store.AuditFilter{Entity: "preferences", EntityID: officer.ID.Hex(), Scope: model.Scope{All: true}}, store.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, e := range entries {
		for _, c := range e.Changes {
			if c.Field == "digest" && e.ActorID == officer.ID && c.New == model.DigestOff {
				audited = true
			}
		}
	}
	if !audited {
		t.Fatalf("no audit entry of the unsubscribe by its user: %+v", entries)
	}
	// Again: still fine, nothing more to change; and the log never holds the token.
	logs := ta.rebuildWithLog(nil)
	if r := ta.do("", "POST", link, ""); r.status != 200 {
		t.Fatalf("second click: %d", r.status)
	}
	token := strings.TrimPrefix(link, notify.UnsubscribePath)
	if strings.Contains(logs.String(), token) || !strings.Contains(logs.String(), notify.UnsubscribePath+"{token}") {
		t.Fatalf("access log: %s", logs.String())
	}

	other := ta.tokens.Derive("another purpose")
	ta.run(t, []scenario{
		{name: "a made-up token", method: "POST", path: notify.UnsubscribePath + "bm90LWEtdG9rZW4", status: 404},
		{name: "a token for someone else, with the wrong key", method: "POST", path: notify.UnsubscribePath + notify.UnsubscribeToken(other, ta.users["admin"].ID), status: 404},
		{name: "a page for a made-up token", method: "GET", path: notify.UnsubscribePath + "x", status: 404},
	})
	if p, _ := ta.store.Prefs(ctx, ta.users["admin"].ID); p.Digest != model.DigestOff {
		t.Fatalf("admin's digest changed: %q", p.Digest)
	}
}
