package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/imaptest"
	"github.com/alianza-pe/alianza/internal/mailsync"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// imapServer is go-imap's in-memory IMAP server on a loopback port (as in
// mailsync's tests).
type imapServer struct {
	host string
	port int
	user *imapmemserver.User
}

const (
	imapUser = "equipo@alianza.org.pe"
	imapPass = "clave-del-buzon-123"
)

func startIMAP(t *testing.T) *imapServer {
	t.Helper()
	s := imaptest.Start(t, imapUser, imapPass, []string{"INBOX", "Sent"})
	host, port, _ := net.SplitHostPort(s.Addr)
	p, _ := strconv.Atoi(port)
	return &imapServer{host: host, port: p, user: s.User}
}

func (s *imapServer) add(t *testing.T, folder, raw string) {
	t.Helper()
	raw = strings.ReplaceAll(raw, "\n", "\r\n")
	imaptest.Append(t, s.user, folder, []byte(raw), &imap.AppendOptions{Time: time.Now()})
}

func mailFrom(n int, from, subject string) string {
	return fmt.Sprintf("From: Remitente <%s>\nTo: equipo@alianza.org.pe\nSubject: %s\nDate: Mon, 2 Mar 2026 10:%02d:00 -0500\nMessage-ID: <m%d@test>\nContent-Type: text/plain; charset=utf-8\n\nCuerpo %d.\n", from, subject, n%60, n, n)
}

const withAttachment = `From: Rosa <rosa@congreso.gob.pe>
To: equipo@alianza.org.pe
Subject: Acta adjunta
Date: Tue, 3 Mar 2026 09:00:00 -0500
Message-ID: <acta@test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Adjunto el acta.
--b1
Content-Type: text/plain; name="acta.txt"
Content-Disposition: attachment; filename="acta.txt"

Acuerdos de la reunión.
--b1--
`

// syncerFor builds a syncer for a stored mailbox as the workers do.
func syncerFor(t *testing.T, ta *testApp, id bson.ObjectID, holder string) *mailsync.Syncer {
	t.Helper()
	mb, err := ta.store.MailboxByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	key := mailKey(t)
	if err := store.DecryptMailboxPassword(key, mb); err != nil {
		t.Fatal(err)
	}
	acct := mailsync.AccountFromMailbox(*mb)
	im := config.Defaults().IMAP
	s, err := mailsync.New(acct, workflow.MailSink{Store: ta.store}, mailsync.Options{Holder: holder, Timeout: 5 * time.Second,
		PollInterval: im.Interval, MinBackoff: im.MinBackoff, MaxBackoff: im.MaxBackoff, LeaseTTL: im.LeaseTTL})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func createMailbox(t *testing.T, ta *testApp, body map[string]any) string {
	t.Helper()
	r := ta.do("admin", "POST", "/api/v1/mailboxes", body)
	if r.status != 201 {
		t.Fatalf("create mailbox: %d %s", r.status, r.body)
	}
	if bytes.Contains(r.body, []byte(fmt.Sprint(body["password"]))) || bytes.Contains(r.body, []byte("password")) {
		t.Fatalf("password in the answer: %s", r.body)
	}
	return r.json(t)["id"].(string)
}

func TestMailboxesAPI(t *testing.T) {
	ta := mailApp(t)
	id := createMailbox(t, ta, map[string]any{"name": "Prensa", "host": "127.0.0.1", "port": 1143, "tls": "none", "username": "prensa", "password": "secreta-1", "domains": []string{"alianza.org.pe"}})
	key := mailKey(t)
	env, err := ta.flows.SyncEnvMailbox(context.Background(), key, model.Mailbox{ID: store.EnvMailboxID("imap.example.org:993", imapUser),
		Name: imapUser, Host: "imap.example.org", Port: 993, TLS: "implicit", Username: imapUser, Password: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ta.run(t, []scenario{
		{name: "list", as: "admin", method: "GET", path: "/api/v1/mailboxes", status: 200,
			want: map[string]any{"items.1.name": imapUser, "items.1.source": "env", "items.0.id": id, "items.0.source": "api", "items.0.tls": "none", "items.0.folders": []any{}}},
		{name: "list by manager", as: "manager", method: "GET", path: "/api/v1/mailboxes", status: 403},
		{name: "create by manager", as: "manager", method: "POST", path: "/api/v1/mailboxes", body: map[string]any{"name": "x"}, status: 403},
		{name: "create plain text remote", as: "admin", method: "POST", path: "/api/v1/mailboxes",
			body: map[string]any{"name": "x", "host": "imap.example.org", "tls": "none", "username": "u", "password": "p"}, status: 422, want: map[string]any{"errors.0.field": "tls"}},
		{name: "create invalid", as: "admin", method: "POST", path: "/api/v1/mailboxes", body: map[string]any{"name": "", "tls": "implicit"}, status: 422},
		{name: "create unknown field", as: "admin", method: "POST", path: "/api/v1/mailboxes", body: map[string]any{"nombre": "x"}, status: 400},
		{name: "delete env mailbox", as: "admin", method: "DELETE", path: "/api/v1/mailboxes/" + env.ID.Hex(), status: 422},
		{name: "delete by officer", as: "officer", method: "DELETE", path: "/api/v1/mailboxes/" + id, status: 403},
	})
	ta.steps(t, []scenario{
		{name: "patch", as: "admin", method: "PATCH", path: "/api/v1/mailboxes/" + id, body: map[string]any{"name": "Prensa y comunicaciones", "password": "nueva-2", "version": 1}, status: 200,
			want: map[string]any{"name": "Prensa y comunicaciones", "version": float64(2)}},
		{name: "patch stale", as: "admin", method: "PATCH", path: "/api/v1/mailboxes/" + id, body: map[string]any{"name": "x", "version": 1}, status: 409},
		{name: "patch invalid", as: "admin", method: "PATCH", path: "/api/v1/mailboxes/" + id, body: map[string]any{"port": 70000, "version": 2}, status: 422,
			want: map[string]any{"errors.0.field": "port"}},
		{name: "patch env mailbox", as: "admin", method: "PATCH", path: "/api/v1/mailboxes/" + env.ID.Hex(), body: map[string]any{"name": "x", "version": 1}, status: 422,
			want: map[string]any{"errors.0.field": "source"}},
		{name: "patch missing", as: "admin", method: "PATCH", path: "/api/v1/mailboxes/" + bson.NewObjectID().Hex(), body: map[string]any{"version": 1}, status: 404},
		{name: "delete", as: "admin", method: "DELETE", path: "/api/v1/mailboxes/" + id, status: 204},
		{name: "delete again", as: "admin", method: "DELETE", path: "/api/v1/mailboxes/" + id, status: 404},
	})
	mb, err := ta.store.MailboxByID(context.Background(), env.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := ta.do("admin", "GET", "/api/v1/mailboxes", nil); bytes.Contains(r.body, []byte(mb.PasswordEnc)) || bytes.Contains(r.body, []byte("password")) {
		t.Fatalf("password material in the list: %s", r.body)
	}
	r := ta.do("admin", "GET", "/api/v1/audit?entity=mailbox&entity_id="+id, nil)
	if items := r.json(t)["items"].([]any); len(items) != 3 {
		t.Fatalf("%d audit entries for the mailbox, want create, update, delete", len(items))
	}
	if bytes.Contains(r.body, []byte("nueva-2")) || bytes.Contains(r.body, []byte("secreta-1")) {
		t.Fatalf("password in the audit trail: %s", r.body)
	}
}

// TestMailSyncEndToEnd: IMAP server -> Syncer with the store as Sink -> the
// review queue shows the messages matched to a stakeholder; attachments
// download through the API; errors show on the mailbox.
func TestMailSyncEndToEnd(t *testing.T) {
	ta := mailApp(t)
	srv := startIMAP(t)
	rosa := model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindPerson, Name: "Rosa Huamán", Emails: []string{"rosa@congreso.gob.pe"},
		Regions: []string{"08"}, Stance: "unknown", Influence: "medium", Version: 1}
	if err := ta.store.InsertStakeholders(context.Background(), []model.Stakeholder{rosa}); err != nil {
		t.Fatal(err)
	}
	srv.add(t, "INBOX", mailFrom(1, "rosa@congreso.gob.pe", "Presupuesto"))
	srv.add(t, "INBOX", mailFrom(2, "nadie@gmail.com", "Consulta"))
	srv.add(t, "INBOX", withAttachment)
	id := createMailbox(t, ta, map[string]any{"name": "Equipo", "host": srv.host, "port": srv.port, "tls": "none",
		"username": imapUser, "password": imapPass, "address": imapUser, "domains": []string{"alianza.org.pe"}})
	oid, _ := bson.ObjectIDFromHex(id)

	rep, err := syncerFor(t, ta, oid, "test-1").SyncOnce(context.Background())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	if imp, _, _ := rep.Totals(); imp != 3 {
		t.Fatalf("imported %d, want 3", imp)
	}
	acta := mailsync.IDForMessageID("acta@test").Hex()
	ta.run(t, []scenario{
		{name: "matched in the queue", as: "cusco_officer", method: "GET", path: "/api/v1/messages", status: 200,
			want: map[string]any{"items.0.id": acta, "items.0.stakeholder_ids.0": rosa.ID.Hex(), "items.1.subject": "Presupuesto", "items.1.regions": []string{"08"}}},
		{name: "unmatched waits", as: "admin", method: "GET", path: "/api/v1/messages?unmatched=true", status: 200,
			want: map[string]any{"items.0.subject": "Consulta", "items.0.seen_in.0.mailbox_id": id}},
		{name: "sync state", as: "admin", method: "GET", path: "/api/v1/mailboxes", status: 200,
			want: map[string]any{"items.0.folders.0.name": "INBOX", "items.0.folders.0.imported": float64(3), "items.0.folders.0.last_uid": float64(3), "items.0.folders.0.last_success_at": present}},
		{name: "search", as: "cusco_officer", method: "GET", path: "/api/v1/search?q=presupuesto", status: 200, want: map[string]any{"messages.0.subject": "Presupuesto"}},
		{name: "timeline", as: "cusco_officer", method: "GET", path: "/api/v1/stakeholders/" + rosa.ID.Hex() + "/timeline", status: 200,
			want: map[string]any{"items.0.type": "message", "items.0.id": acta}},
	})
	r := ta.do("cusco_officer", "GET", "/api/v1/messages/"+acta+"/attachments/0", nil)
	if r.status != 200 || string(r.body) != "Acuerdos de la reunión." || r.header.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.Contains(r.header.Get("Content-Disposition"), "acta.txt") {
		t.Fatalf("attachment: %d %q %v", r.status, r.body, r.header)
	}

	// A wrong password shows on the mailbox, not as a silent success.
	bad := createMailbox(t, ta, map[string]any{"name": "Mal", "host": srv.host, "port": srv.port, "tls": "none", "username": imapUser, "password": "equivocada"})
	bid, _ := bson.ObjectIDFromHex(bad)
	if _, err := syncerFor(t, ta, bid, "test-1").SyncOnce(context.Background()); !errors.Is(err, mailsync.ErrAuth) {
		t.Fatalf("wrong password: %v", err)
	}
	ta.run(t, []scenario{{name: "auth failure visible", as: "admin", method: "GET", path: "/api/v1/mailboxes", status: 200,
		want: map[string]any{"items.1.id": bad, "items.1.folders.0.last_error_reason": "auth", "items.1.folders.0.last_error_at": present}}})
}

// TestTwoSyncersRacing: two syncers (as two app instances) on one mailbox
// store each message once; the lease lets only one sync at a time.
func TestTwoSyncersRacing(t *testing.T) {
	ta := mailApp(t)
	srv := startIMAP(t)
	const n = 12
	for i := 1; i <= n; i++ {
		srv.add(t, "INBOX", mailFrom(i, fmt.Sprintf("p%d@congreso.gob.pe", i), fmt.Sprintf("Mensaje %d", i)))
	}
	id := createMailbox(t, ta, map[string]any{"name": "Equipo", "host": srv.host, "port": srv.port, "tls": "none", "username": imapUser, "password": imapPass})
	oid, _ := bson.ObjectIDFromHex(id)
	syncers := []*mailsync.Syncer{syncerFor(t, ta, oid, "instancia-a"), syncerFor(t, ta, oid, "instancia-b")}
	var wg sync.WaitGroup
	var mu sync.Mutex
	imported, held := 0, 0
	for round := 0; round < 3; round++ {
		for _, s := range syncers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rep, err := s.SyncOnce(context.Background())
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, mailsync.ErrLeaseHeld):
					held++
				case err != nil:
					t.Error(err)
				default:
					i, _, _ := rep.Totals()
					imported += i
				}
			}()
		}
		wg.Wait()
	}
	if imported != n {
		t.Fatalf("imported %d in total, want %d (held %d times)", imported, n, held)
	}
	items, _, err := ta.store.ListMessages(context.Background(), model.Scope{All: true}, store.MessageFilter{IncludeFailed: true}, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != n {
		t.Fatalf("%d messages stored, want %d", len(items), n)
	}
	for _, m := range items {
		if len(m.SeenIn) != 1 {
			t.Fatalf("%s seen %d times", m.Subject, len(m.SeenIn))
		}
	}
}
