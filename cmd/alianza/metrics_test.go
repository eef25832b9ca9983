package main

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/metrics/metricstest"
	"github.com/alianza-pe/alianza/internal/store"
)

// TestMetricsEndpoint runs serve with ALIANZA_METRICS_ADDR, a mailbox that
// syncs, one whose password is wrong and scheduled backups, and scrapes
// the metrics address as Prometheus would after each event.
func TestMetricsEndpoint(t *testing.T) {
	old := mailboxRescan
	mailboxRescan = 100 * time.Millisecond
	t.Cleanup(func() { mailboxRescan = old })
	imapAddr := startIMAP(t, 2)
	env := mailEnv(t, imapAddr, imapPass)
	for k, v := range adminEnv(t, env["ALIANZA_DATA_DIR"]) {
		env[k] = v
	}
	env["ALIANZA_METRICS_ADDR"] = freeAddr(t)
	env["ALIANZA_BACKUP_DIR"] = t.TempDir()
	base, stop := startServe(t, env)
	defer stop()
	scrapeURL := "http://" + env["ALIANZA_METRICS_ADDR"] + "/metrics"
	scrape := func() metricstest.Families { return metricstest.ScrapeURL(t, scrapeURL) }

	// The app's port does not serve them (nor pprof).
	for _, p := range []string{"/metrics", "/debug/pprof/"} {
		res, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("app port %s: %d, want 404", p, res.StatusCode)
		}
	}

	envBox := store.EnvMailboxID(imapAddr, imapUser).Hex()
	start := float64(time.Now().Add(-time.Minute).Unix())
	waitFor(t, "mail sync and backup in the metrics", func() bool {
		f := scrape()
		synced, ok1 := f.Value("alianza_mail_sync_last_success_timestamp_seconds", map[string]string{"mailbox": envBox})
		backed, ok2 := f.Value("alianza_backup_last_success_timestamp_seconds", nil)
		return ok1 && ok2 && synced > start && backed > start
	})

	// A mailbox with a wrong password: its failures are counted and it
	// shows as failing.
	token := adminLogin(t, base)
	host, port, _ := net.SplitHostPort(imapAddr)
	var p int
	fmt.Sscan(port, &p)
	code, m := postJSON(t, base+"/api/v1/mailboxes", token, map[string]any{"name": "Otro", "host": host, "port": p, "tls": "none", "username": imapUser, "password": "equivocada"})
	if code != http.StatusCreated {
		t.Fatalf("add mailbox: %d %v", code, m)
	}
	bad, _ := m["id"].(string)
	waitFor(t, "sync errors of the broken mailbox", func() bool {
		f := scrape()
		errs, _ := f.Value("alianza_mail_sync_errors_total", map[string]string{"mailbox": bad})
		failing, _ := f.Value("alianza_mail_sync_failing", map[string]string{"mailbox": bad})
		return errs >= 1 && failing == 1
	})

	f := scrape()
	if v, _ := f.Value("alianza_mail_sync_failing", map[string]string{"mailbox": envBox}); v != 0 {
		t.Errorf("the working mailbox shows as failing")
	}
	if v, _ := f.Value("alianza_http_requests_total", map[string]string{"route": "/api/v1/auth/login", "method": "POST", "status": "200"}); v != 1 {
		t.Errorf("login requests %v, want 1", v)
	}
	if v, _ := f.Value("alianza_database_size_bytes", nil); v <= 0 {
		t.Errorf("database size %v", v)
	}
	if v, _ := f.Value("alianza_digest_failures_total", nil); v != 0 {
		t.Errorf("digest failures %v", v)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_open_fds"} {
		if _, ok := f.Value(name, nil); !ok {
			t.Errorf("%s missing", name)
		}
	}
	if names := f.LabelValues("alianza_mailbox_info", "name"); !strings.Contains(strings.Join(names, ","), "Otro") {
		t.Errorf("mailbox names %v", names)
	}
}
