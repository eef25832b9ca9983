package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/imaptest"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/emersion/go-imap/v2"
)

const (
	imapUser = "equipo@alianza.org.pe"
	imapPass = "clave-del-buzon-123"
)

// startIMAP runs go-imap's in-memory server with n messages in INBOX and
// one in Sent, and returns its address.
func startIMAP(t *testing.T, n int) string {
	t.Helper()
	s := imaptest.Start(t, imapUser, imapPass, []string{"INBOX", "Sent"})
	add := func(folder string, i int, from string) {
		raw := fmt.Sprintf("From: <%s>\r\nTo: <rosa@congreso.gob.pe>\r\nSubject: Mensaje %d\r\nDate: Mon, 2 Mar 2026 10:%02d:00 -0500\r\nMessage-ID: <cli-%d@test>\r\n\r\nHola %d.\r\n", from, i, i, i, i)
		imaptest.Append(t, s.User, folder, []byte(raw), &imap.AppendOptions{Time: time.Now()})
	}
	for i := 1; i <= n; i++ {
		add("INBOX", i, fmt.Sprintf("p%d@congreso.gob.pe", i))
	}
	add("Sent", 100, imapUser)
	return s.Addr
}

func mailEnv(t *testing.T, addr, password string) map[string]string {
	return map[string]string{
		"ALIANZA_DATA_DIR": t.TempDir(), "ALIANZA_LOG_LEVEL": "error", "ALIANZA_JWT_SECRET": strings.Repeat("j", 32),
		"ALIANZA_IMAP_ADDR": addr, "ALIANZA_IMAP_TLS": "none", "ALIANZA_IMAP_USER": imapUser, "ALIANZA_IMAP_PASSWORD": password,
		"ALIANZA_TEAM_DOMAINS": "alianza.org.pe",
	}
}

func TestMailSyncOnce(t *testing.T) {
	addr := startIMAP(t, 2)
	good := mailEnv(t, addr, imapPass)
	bad := mailEnv(t, addr, "equivocada")
	cases := []struct {
		name     string
		args     []string
		env      map[string]string
		code     int
		out, err string
	}{
		{"first pass", []string{"mail", "sync", "--once"}, good, 0, "INBOX: imported 2, duplicates 0, failed 0", ""},
		{"second pass imports nothing", []string{"mail", "sync", "--once"}, good, 0, "imported 0, duplicates 0, failed 0", ""},
		{"wrong password", []string{"mail", "sync", "--once"}, bad, 1, "", "auth"},
		{"without --once", []string{"mail", "sync"}, good, 1, "", "--once"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tc.args, &out, &errb, envFrom(tc.env))
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tc.code, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), tc.out) {
				t.Fatalf("stdout %q: want %q", out.String(), tc.out)
			}
			if tc.err != "" {
				lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
				if len(lines) != 1 || !strings.Contains(lines[0], tc.err) {
					t.Fatalf("stderr %q: want one line with %q", errb.String(), tc.err)
				}
			}
		})
	}
	// The Sent folder is found by name and synced with INBOX.
	var out, errb bytes.Buffer
	run(context.Background(), []string{"mail", "sync", "--once"}, &out, &errb, envFrom(good))
	if !strings.Contains(out.String(), " Sent: imported 0") {
		t.Fatalf("Sent folder not synced: %q", out.String())
	}
}

// TestWorkersFollowMailboxes: the workers sync the environment's mailbox,
// pick up one added later, and stop when the context ends.
func TestWorkersFollowMailboxes(t *testing.T) {
	addr := startIMAP(t, 3)
	old := mailboxRescan
	mailboxRescan = 100 * time.Millisecond
	t.Cleanup(func() { mailboxRescan = old })
	env := mailEnv(t, addr, imapPass)
	cfg := loadConfig(t, env)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, closeDB := openDatabase(t, ctx, cfg)
	defer closeDB()
	key, _ := store.MailboxKey([]byte(cfg.JWTSecret))
	wg := startWorkers(ctx, cfg, s, workflow.New(s), key, nil, log, nil)

	count := func() int {
		items, _, err := s.ListMessages(context.Background(), model.Scope{All: true}, store.MessageFilter{}, store.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	waitFor(t, "env mailbox synced", func() bool { return count() == 4 })
	envID := store.EnvMailboxID(addr, imapUser)
	if mb, err := s.MailboxByID(ctx, envID); err != nil || mb.Source != model.MailboxSourceEnv {
		t.Fatalf("env mailbox: %+v %v", mb, err)
	}
	// A second (broken) mailbox added through the API is picked up, and its
	// failure recorded.
	host, port, _ := net.SplitHostPort(addr)
	var p int
	fmt.Sscan(port, &p)
	mb, err := s.InsertMailbox(ctx, model.SystemActor, key, model.Mailbox{Name: "Otro", Host: host, Port: p, TLS: "none", Username: imapUser, Password: "mala", Source: model.MailboxSourceAPI})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "auth error recorded", func() bool {
		st, _ := s.FolderStates(ctx, mb.ID)
		return len(st) > 0 && st[0].LastErrorReason == "auth"
	})
	cancel()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("workers did not stop")
	}
	leases, _ := s.Leases(context.Background())
	if l, ok := leases[envID]; ok {
		t.Fatalf("lease kept after stop: %+v", l)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
