package api

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/testlog"
)

// rebuildWithLog rebuilds the app with changed options and a JSON log the test reads.
func (ta *testApp) rebuildWithLog(change func(*Options)) *testlog.Buffer {
	logs := &testlog.Buffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	ta.app = ta.newApp(func(o *Options) {
		o.Log = log
		if change != nil {
			change(o)
		}
	})
	ta.store.SetLogger(log)
	return logs
}

var errDiskFull = errors.New("database or disk is full")

// failStoreWrites makes the store's fail-closed writes to col fail as a full
// disk would (store.SetWriteFault), until the test ends.
func failStoreWrites(t *testing.T, ta *testApp, col string) {
	ta.store.SetWriteFault(func(c string) error {
		if c == col {
			return errDiskFull
		}
		return nil
	})
	t.Cleanup(func() { ta.store.SetWriteFault(nil) })
}

// TestLoginThrottleFailsClosed: with a full disk the throttle stopped
// counting and let every guess through. A throttle that cannot count
// refuses the sign-in (503) and says so in the structured log.
func TestLoginThrottleFailsClosed(t *testing.T) {
	ta := newTestApp(t)
	logs := ta.rebuildWithLog(nil)
	failStoreWrites(t, ta, "login_failures")
	r := login(ta, "officer@alianza.test", testPassword)
	if r.status != 503 || r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("login with a throttle that cannot count: %d %s", r.status, r.body)
	}
	if !strings.Contains(logs.String(), `"msg":"login throttle cannot count; sign-in refused"`) || !strings.Contains(logs.String(), "disk is full") {
		t.Fatalf("not logged: %s", logs)
	}
	ta.store.SetWriteFault(nil)
	if r := login(ta, "officer@alianza.test", testPassword); r.status != 200 {
		t.Fatalf("after recovery: %d", r.status)
	}
}

// TestChangeWithoutAuditIsNotAcknowledged: a change whose audit entry could
// not be written was answered 201 with no trace, then 500 with the record
// kept. It must answer an error, log the failure and keep nothing.
func TestChangeWithoutAuditIsNotAcknowledged(t *testing.T) {
	ta := newTestApp(t)
	logs := ta.rebuildWithLog(nil)
	failStoreWrites(t, ta, "audit")
	r := ta.do("manager", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Sin rastro", "regions": []string{"08"}})
	if r.status != 500 || !strings.Contains(string(r.body), `"code":"audit_failed"`) {
		t.Fatalf("create without audit: %d %s", r.status, r.body)
	}
	for _, want := range []string{`"msg":"audit write failed"`, `"entity":"stakeholder"`, `"msg":"request failed"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s: %s", want, logs)
		}
	}
	// Reads are not affected, and the change was not kept.
	if r := ta.do("manager", "GET", "/api/v1/stakeholders?limit=200", nil); r.status != 200 || strings.Contains(string(r.body), "Sin rastro") {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
}

// TestReadyzNeedsWrites: a database that answers pings but takes no writes
// (a full disk) is not ready.
func TestReadyzNeedsWrites(t *testing.T) {
	ta := newTestApp(t)
	logs := ta.rebuildWithLog(nil)
	if r := ta.do("", "GET", "/readyz", nil); r.status != 200 {
		t.Fatalf("readyz: %d %s", r.status, r.body)
	}
	failStoreWrites(t, ta, "idempotency")
	if r := ta.do("", "GET", "/readyz", nil); r.status != 503 || r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("readyz with writes failing: %d %s", r.status, r.body)
	}
	if !strings.Contains(logs.String(), "takes no writes") {
		t.Fatalf("not logged: %s", logs)
	}
}

// TestFullDiskRefusesKeyedSaves: on a full disk the first keyed write broke
// every later one for good (500), while /readyz said ready. A store that
// cannot take the write an Idempotency-Key makes is not ready, a keyed save
// is refused with a 503 the user can read in their language, nothing is
// kept, and both work again once space is freed, without a restart.
func TestFullDiskRefusesKeyedSaves(t *testing.T) {
	ta := newTestApp(t)
	ta.rebuildWithLog(nil)
	full := fmt.Errorf("%w: database or disk is full (13)", store.ErrUnwritable)
	ta.store.SetWriteFault(func(c string) error {
		if c == "idempotency" {
			return full
		}
		return nil
	})
	t.Cleanup(func() { ta.store.SetWriteFault(nil) })
	body := map[string]any{"kind": "person", "name": "Disco Lleno", "regions": []string{"08"}}
	for _, tc := range []struct {
		lang, want string
	}{{"es", "No se guardó nada"}, {"en", "Nothing was saved"}} {
		r := ta.do("", "GET", "/readyz", nil, "Accept-Language", tc.lang)
		if r.status != 503 || r.json(t)["code"] != "storage_unwritable" || !strings.Contains(string(r.body), tc.want) {
			t.Fatalf("readyz (%s) on a full disk: %d %s", tc.lang, r.status, r.body)
		}
		r = ta.do("manager", "POST", "/api/v1/stakeholders", body, IdempotencyHeader, "full-k1", "Accept-Language", tc.lang)
		if r.status != 503 || r.header.Get("Content-Type") != "application/problem+json" ||
			r.json(t)["code"] != "storage_unwritable" || !strings.Contains(string(r.body), tc.want) {
			t.Fatalf("keyed save (%s) on a full disk: %d %s", tc.lang, r.status, r.body)
		}
	}
	if r := ta.do("manager", "GET", "/api/v1/stakeholders?q=lleno", nil); r.status != 200 || strings.Contains(string(r.body), "Disco Lleno") {
		t.Fatalf("a refused save was kept: %d %s", r.status, r.body)
	}
	ta.store.SetWriteFault(nil)
	if r := ta.do("", "GET", "/readyz", nil); r.status != 200 {
		t.Fatalf("readyz after freeing space: %d %s", r.status, r.body)
	}
	r := ta.do("manager", "POST", "/api/v1/stakeholders", body, IdempotencyHeader, "full-k1")
	if r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("the same keyed save after freeing space: %d %s", r.status, r.body)
	}
	if r := ta.do("manager", "POST", "/api/v1/stakeholders", body, IdempotencyHeader, "full-k1"); r.status != 201 || r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("its retry is not replayed: %d %s", r.status, r.body)
	}
}

// TestLoginThrottleByAccountAndIP: five wrong passwords from anyone locked
// the real owner out, and behind a proxy everyone shared one counter.
// Failures now count per (account, client IP) with growing delays, the
// client IP comes from X-Forwarded-For only through a trusted proxy, and
// each IP still has a ceiling.
func TestLoginThrottleByAccountAndIP(t *testing.T) {
	ta := newTestApp(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ta.store.SetClock(func() time.Time { return now })
	logs := ta.rebuildWithLog(func(o *Options) { o.TrustedProxies = []string{"0.0.0.0/32"} }) // app.Test's peer
	from := func(ip, email, pw string) resp {
		return login(ta, email, pw, "X-Forwarded-For", "203.0.113.250, "+ip)
	}
	const attacker, owner = "198.51.100.7", "192.0.2.10"
	for i := 0; i < 5; i++ {
		if r := from(attacker, "viewer@alianza.test", "wrong password!!"); r.status != 401 {
			t.Fatalf("attempt %d: %d", i+1, r.status)
		}
	}
	r := from(attacker, "viewer@alianza.test", testPassword)
	if r.status != 429 || r.header.Get("Retry-After") != "1" || r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("6th attempt from the guesser: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	if !strings.Contains(logs.String(), `"msg":"sign-in failures throttled","request_id"`) || !strings.Contains(logs.String(), `"client_ip":"`+attacker+`"`) {
		t.Errorf("throttling not logged with the client IP: %s", logs)
	}
	if r := from(owner, "viewer@alianza.test", testPassword); r.status != 200 {
		t.Fatalf("the owner from elsewhere is locked out: %d", r.status)
	}
	// Delays grow: 1 s after the 5th failure, 2 s after the 6th.
	now = now.Add(1100 * time.Millisecond)
	if r := from(attacker, "viewer@alianza.test", "wrong password!!"); r.status != 401 {
		t.Fatalf("after the first delay: %d", r.status)
	}
	now = now.Add(1100 * time.Millisecond)
	if r := from(attacker, "viewer@alianza.test", "wrong password!!"); r.status != 429 || r.header.Get("Retry-After") != "1" {
		t.Fatalf("second delay not longer: %d %q", r.status, r.header.Get("Retry-After"))
	}
	now = now.Add(time.Second)
	if r := from(attacker, "viewer@alianza.test", testPassword); r.status != 200 {
		t.Fatalf("after the second delay, right password: %d", r.status)
	}
	// Success clears the pair.
	if r := from(attacker, "viewer@alianza.test", "wrong password!!"); r.status != 401 {
		t.Fatalf("after success: %d", r.status)
	}
	// The per-IP ceiling stops spraying many accounts from one address.
	blocked := 0
	for i := 0; i < 21; i++ {
		if r := from("198.51.100.99", "spray"+string(rune('a'+i))+"@alianza.test", "wrong password!!"); r.status == 429 {
			blocked = i
			break
		}
	}
	if blocked != 20 {
		t.Fatalf("per-IP ceiling at attempt %d, want 21", blocked+1)
	}

	// Without trusted proxies X-Forwarded-For is ignored: changing it does
	// not escape the counter.
	ta.rebuildWithLog(nil)
	for i := 0; i < 5; i++ {
		login(ta, "manager@alianza.test", "wrong password!!", "X-Forwarded-For", "10.0.0."+string(rune('1'+i)))
	}
	if r := login(ta, "manager@alianza.test", testPassword, "X-Forwarded-For", "10.9.9.9"); r.status != 429 {
		t.Fatalf("spoofed X-Forwarded-For escaped the throttle: %d", r.status)
	}
}

// TestSecureFollowsRealScheme: the refresh cookie's Secure flag and HSTS
// followed the Host header. They follow the real scheme: TLS, or
// X-Forwarded-Proto from a trusted proxy only.
func TestSecureFollowsRealScheme(t *testing.T) {
	ta := newTestApp(t)
	check := func(name string, secure bool, headers ...string) {
		t.Helper()
		r := login(ta, "officer@alianza.test", testPassword, headers...)
		if r.status != 200 {
			t.Fatalf("%s: login %d", name, r.status)
		}
		gotSecure := strings.Contains(strings.ToLower(r.header.Get("Set-Cookie")), "secure")
		gotHSTS := r.header.Get("Strict-Transport-Security") != ""
		if gotSecure != secure || gotHSTS != secure {
			t.Errorf("%s: Secure %v, HSTS %v; want %v", name, gotSecure, gotHSTS, secure)
		}
	}
	ta.rebuildWithLog(nil)
	check("public Host over plain HTTP", false, "Host", "alianza.example.org")
	check("forged X-Forwarded-Proto from an untrusted peer", false, "X-Forwarded-Proto", "https")
	ta.rebuildWithLog(func(o *Options) { o.TrustedProxies = []string{"0.0.0.0/32"} })
	check("trusted proxy says https", true, "X-Forwarded-Proto", "https", "Host", "localhost")
	check("trusted proxy says http", false, "X-Forwarded-Proto", "http")
}

// TestIdempotentChangeWithoutAuditIsNotReplayed: the idempotency middleware
// stored the handler's 201 before auditGuard turned the answer into 500, so
// a retry under the same key replayed a 201 for a change with no audit entry.
func TestIdempotentChangeWithoutAuditIsNotReplayed(t *testing.T) {
	ta := newTestApp(t)
	ta.rebuildWithLog(nil)
	failStoreWrites(t, ta, "audit")
	body := map[string]any{"kind": "person", "name": "Sin rastro", "regions": []string{"08"}}
	r := ta.do("manager", "POST", "/api/v1/stakeholders", body, IdempotencyHeader, "audit-k1")
	if r.status != 500 {
		t.Fatalf("create without audit: %d %s", r.status, r.body)
	}
	// Still failing: the retry runs again and fails again, no replayed 201.
	r = ta.do("manager", "POST", "/api/v1/stakeholders", body, IdempotencyHeader, "audit-k1")
	if r.status != 500 || r.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("retry while audit fails: %d replayed=%q %s", r.status, r.header.Get("Idempotent-Replayed"), r.body)
	}
	// Once the audit works, the retry runs for real and is acknowledged.
	ta.store.SetWriteFault(nil)
	r = ta.do("manager", "POST", "/api/v1/stakeholders", body, IdempotencyHeader, "audit-k1")
	if r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("retry after recovery: %d replayed=%q %s", r.status, r.header.Get("Idempotent-Replayed"), r.body)
	}
}

// TestLoginThrottleParallelGuesses: the counters were checked before the
// password and counted after it, so a burst of parallel wrong guesses all
// passed the check. Attempts are counted first: no more than the free
// attempts of a pair reach the password check.
func TestLoginThrottleParallelGuesses(t *testing.T) {
	ta := newTestApp(t)
	ta.rebuildWithLog(nil)
	const n = 15
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- login(ta, "viewer@alianza.test", "wrong password!!").status
		}()
	}
	wg.Wait()
	close(statuses)
	checked, refused := 0, 0
	for s := range statuses {
		switch s {
		case 401:
			checked++
		case 429:
			refused++
		default:
			t.Errorf("status %d", s)
		}
	}
	if checked > 5 || checked+refused != n {
		t.Fatalf("%d of %d parallel guesses reached the password check (limit 5), %d refused", checked, n, refused)
	}
}

// TestExportWithoutAuditIsRefused: the organisation export and the
// personal-data export went out even when their audit entry could not be
// written. Data must not leave without a trace.
func TestExportWithoutAuditIsRefused(t *testing.T) {
	ta := newTestApp(t)
	ta.rebuildWithLog(nil)
	r := ta.do("admin", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Rosa Quispe", "regions": []string{"08"}})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	personal := "/api/v1/admin/stakeholders/" + r.json(t)["id"].(string) + "/personal-data"
	failStoreWrites(t, ta, "audit")
	for _, path := range []string{"/api/v1/admin/export", personal, personal + "?format=html"} {
		r := ta.do("admin", "GET", path, nil)
		if r.status != 500 || strings.Contains(string(r.body), "Rosa") || !strings.Contains(string(r.body), `"code":"audit_failed"`) {
			t.Errorf("%s without audit: %d %.200s", path, r.status, r.body)
		}
	}
	ta.store.SetWriteFault(nil)
	if r := ta.do("admin", "GET", personal, nil); r.status != 200 {
		t.Fatalf("after recovery: %d", r.status)
	}
}
