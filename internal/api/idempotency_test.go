package api

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/words"
)

func countMeetings(t *testing.T, ta *testApp) (meetings, commitments, tasks int) {
	t.Helper()
	ctx := context.Background()
	all := model.Scope{All: true}
	ms, _, err := ta.store.ListMeetings(ctx, all, store.MeetingFilter{}, store.Page{All: true})
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := ta.store.ListCommitments(ctx, all, store.CommitmentFilter{}, store.Page{All: true})
	if err != nil {
		t.Fatal(err)
	}
	ts, _, err := ta.store.ListTasks(ctx, all, store.TaskFilter{}, store.Page{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return len(ms), len(cs), len(ts)
}

func TestIdempotentMeetingCreate(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	now := time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)
	ta.store.SetClock(func() time.Time { return now })
	body := meetingWithRecords(f)
	const key = "3f1c2b9e-5d0a-4f5e-9a51-0d6c1f2e7a11"

	first := ta.do("cusco_officer", "POST", "/api/v1/meetings", body, IdempotencyHeader, key)
	if first.status != 201 {
		t.Fatalf("first: %d %s", first.status, first.body)
	}
	again := ta.do("cusco_officer", "POST", "/api/v1/meetings", body, IdempotencyHeader, key)
	if again.status != 201 || string(again.body) != string(first.body) {
		t.Fatalf("repeat: %d %s, want the first answer %s", again.status, again.body, first.body)
	}
	if again.header.Get("Idempotent-Replayed") != "true" || again.header.Get("Content-Type") != first.header.Get("Content-Type") {
		t.Errorf("repeat headers %v", again.header)
	}
	if m, c, tk := countMeetings(t, ta); m != 1 || c != 1 || tk != 1 {
		t.Fatalf("after a repeat: %d meetings, %d commitments, %d tasks; want 1 each", m, c, tk)
	}

	// Same key, other body: refused with a code, nothing created.
	other := meetingBody(f, map[string]any{"summary": "Otro resumen"})
	r := ta.do("cusco_officer", "POST", "/api/v1/meetings", other, IdempotencyHeader, key, "Accept-Language", "en")
	if r.status != 422 || r.json(t)["code"] != "idempotency_key_reused" {
		t.Fatalf("reused key: %d %s", r.status, r.body)
	}
	if msg, _ := jsonPath(r.json(t), "errors.0.message"); msg != words.Problems.In("idempotency_key_reused", words.EN) {
		t.Errorf("message %v, want the English wording", msg)
	}

	// The key belongs to its user: another user's same key is a new request.
	if r := ta.do("officer", "POST", "/api/v1/meetings", body, IdempotencyHeader, key); r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("other user: %d %s", r.status, r.body)
	}

	// A day later the key is forgotten: a new record.
	now = now.Add(idemKeep + time.Minute)
	late := ta.do("cusco_officer", "POST", "/api/v1/meetings", body, IdempotencyHeader, key)
	if late.status != 201 || late.json(t)["id"] == first.json(t)["id"] {
		t.Fatalf("after expiry: %d %s", late.status, late.body)
	}
	if m, _, _ := countMeetings(t, ta); m != 3 {
		t.Fatalf("%d meetings, want 3", m)
	}
	// The purge removes only expired records: the new one still replays.
	now = now.Add(time.Hour)
	if err := ta.store.PurgeExpired(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := ta.do("cusco_officer", "POST", "/api/v1/meetings", body, IdempotencyHeader, key); r.status != 201 || r.json(t)["id"] != late.json(t)["id"] {
		t.Fatalf("after purge: %d %s", r.status, r.body)
	}
}

func TestIdempotencyFailuresAndOtherWrites(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)

	// A refused write keeps nothing: the corrected body may use the same key.
	bad := meetingBody(f, map[string]any{"kind": "telepathy"})
	if r := ta.do("cusco_officer", "POST", "/api/v1/meetings", bad, IdempotencyHeader, "k1"); r.status != 422 {
		t.Fatalf("bad body: %d %s", r.status, r.body)
	}
	if r := ta.do("cusco_officer", "POST", "/api/v1/meetings", meetingBody(f, nil), IdempotencyHeader, "k1"); r.status != 201 {
		t.Fatalf("corrected body: %d %s", r.status, r.body)
	}

	// Status changes: a repeat replays instead of failing on the version.
	cm := ta.do("cusco_officer", "POST", "/api/v1/commitments", map[string]any{
		"stakeholder_id": f.cusco.ID.Hex(), "text": "Visitar", "type": "other", "due_on": "2026-12-01"}, IdempotencyHeader, "k2")
	if cm.status != 201 {
		t.Fatalf("commitment: %d %s", cm.status, cm.body)
	}
	path := "/api/v1/commitments/" + cm.json(t)["id"].(string) + "/status"
	st := map[string]any{"status": "in_progress", "note": "llamé", "version": 1}
	a := ta.do("cusco_officer", "POST", path, st, IdempotencyHeader, "k3")
	b := ta.do("cusco_officer", "POST", path, st, IdempotencyHeader, "k3")
	if a.status != 200 || b.status != 200 || string(a.body) != string(b.body) {
		t.Fatalf("status twice: %d %s / %d %s", a.status, a.body, b.status, b.body)
	}
	if h, _ := jsonPath(b.json(t), "history"); len(h.([]any)) != 2 {
		t.Fatalf("history %v, want created + one change", h)
	}
	// Without the header the same repeat is a version conflict, as before.
	if r := ta.do("cusco_officer", "POST", path, st); r.status != 409 {
		t.Fatalf("without key: %d", r.status)
	}
	// Stakeholders and tasks too.
	for _, w := range []struct{ path string }{{"/api/v1/stakeholders"}, {"/api/v1/tasks"}} {
		var body map[string]any
		if w.path == "/api/v1/tasks" {
			body = map[string]any{"title": "Llamar", "region": "08"}
		} else {
			body = map[string]any{"kind": "person", "name": "Ana Quispe", "regions": []string{"08"}}
		}
		x := ta.do("cusco_officer", "POST", w.path, body, IdempotencyHeader, "k-"+w.path)
		y := ta.do("cusco_officer", "POST", w.path, body, IdempotencyHeader, "k-"+w.path)
		if x.status != 201 || y.status != 201 || x.json(t)["id"] != y.json(t)["id"] {
			t.Fatalf("%s twice: %d %s / %d %s", w.path, x.status, x.body, y.status, y.body)
		}
	}
	if r := ta.do("cusco_officer", "POST", "/api/v1/tasks", map[string]any{"title": "x", "region": "08"}, IdempotencyHeader, string(make([]byte, 300))); r.status != 400 {
		t.Errorf("overlong key: %d", r.status)
	}
}

// Concurrent repeats (a double click, or two instances) make one record:
// the second waits for the first and replays it, or is told it is in flight.
func TestIdempotencyConcurrent(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	body := meetingBody(f, nil)
	var wg sync.WaitGroup
	res := make([]resp, 4)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = ta.do("cusco_officer", "POST", "/api/v1/meetings", body, IdempotencyHeader, "same")
		}()
	}
	wg.Wait()
	var id any
	for _, r := range res {
		switch r.status {
		case 201:
			if id == nil {
				id = r.json(t)["id"]
			} else if r.json(t)["id"] != id {
				t.Fatalf("two different meetings: %v and %v", id, r.json(t)["id"])
			}
		case 409:
			if r.json(t)["code"] != "idempotency_in_flight" {
				t.Fatalf("409 without code: %s", r.body)
			}
		default:
			t.Fatalf("status %d %s", r.status, r.body)
		}
	}
	if m, _, _ := countMeetings(t, ta); m != 1 {
		t.Fatalf("%d meetings, want 1", m)
	}
}

// A kept answer is for the access its user had: once an admin narrows it, a
// repeat runs again under the new access instead of replaying.
func TestReplayForgottenWhenAccessNarrows(t *testing.T) {
	ta := newTestApp(t)
	made := ta.do("admin", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Persona de Cusco", "regions": []string{"08"}})
	if made.status != 201 {
		t.Fatalf("create: %d %s", made.status, made.body)
	}
	body := map[string]any{"notes": "nota", "version": 1}
	path := "/api/v1/stakeholders/" + made.json(t)["id"].(string)
	if r := ta.do("cusco_manager", "PATCH", path, body, IdempotencyHeader, "k-1"); r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	if r := ta.do("cusco_manager", "PATCH", path, body, IdempotencyHeader, "k-1"); r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("repeat before the change was not a replay: %d", r.status)
	}
	if r := ta.do("admin", "PATCH", "/api/v1/users/"+ta.users["cusco_manager"].ID.Hex(), map[string]any{"regions": []string{"16"}}); r.status != 200 {
		t.Fatalf("narrow: %d %s", r.status, r.body)
	}
	r := ta.do("cusco_manager", "PATCH", path, body, IdempotencyHeader, "k-1")
	if r.header.Get("Idempotent-Replayed") != "" || r.status != 404 {
		t.Fatalf("after losing Cusco: %d replayed=%q %s, want a fresh 404", r.status, r.header.Get("Idempotent-Replayed"), r.body)
	}
}

// The stored fingerprint is keyed: someone reading the database cannot test
// guesses of a body (an admin's password reset) against a plain hash.
func TestFingerprintIsKeyed(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.users["admin"]
	path := "/api/v1/users/" + ta.users["viewer"].ID.Hex()
	body := `{"password":"Loreto-Selva-2026-clave"}`
	if r := ta.do("admin", "PATCH", path, body, IdempotencyHeader, "reset-1"); r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	// The claim's id as the middleware makes it: user, method, route, key, route parameters.
	id := sumParts(sha256.New(), admin.ID.Hex(), "PATCH", "/api/v1/users/:id", "reset-1", ta.users["viewer"].ID.Hex())
	plain := sumParts(sha256.New(), "", body)
	_, _, err := ta.store.BeginIdempotent(context.Background(), id, admin.ID, plain, time.Minute)
	if !errors.Is(err, store.ErrIdemMismatch) {
		t.Fatalf("an unkeyed hash of the body matched the stored fingerprint (err %v)", err)
	}
}

// An Idempotency-Key keys the route, not the path as spelled, and a retry
// whose kept answer an erasure dropped never writes again (issue 20,
// point 7): "/stakeholders/" with the same key created a duplicate, and a
// retry after an erasure brought the erased person back.
func TestIdempotencyKeyedOnRouteAndErasure(t *testing.T) {
	ta := newTestApp(t)
	const key = "b7e1f0c2-route-and-erasure"
	body := map[string]any{"kind": "person", "name": "Irma Ccori Demo", "regions": []string{"08"}, "emails": []string{"irma.ccori@example.pe"}}
	first := ta.do("admin", "POST", "/api/v1/stakeholders", body, IdempotencyHeader, key)
	if first.status != 201 {
		t.Fatalf("first: %d %s", first.status, first.body)
	}
	id, _ := first.json(t)["id"].(string)
	for _, path := range []string{"/api/v1/stakeholders/", "/api/v1/stakeholders//"} {
		r := ta.do("admin", "POST", path, body, IdempotencyHeader, key)
		if r.status != 404 && (r.status != 201 || r.json(t)["id"] != id || r.header.Get("Idempotent-Replayed") != "true") {
			t.Errorf("%s with the same key: %d %s, want the first answer replayed (or 404)", path, r.status, r.body)
		}
	}
	// Other spellings are not served at all.
	if r := ta.do("admin", "POST", "/api/v1/STAKEHOLDERS", body, IdempotencyHeader, key); r.status != 404 {
		t.Errorf("/STAKEHOLDERS: %d %s", r.status, r.body)
	}
	// An id spelled in capitals is the same record and the same write.
	patch := map[string]any{"notes": "nota", "version": 1}
	const key2 = "b7e1f0c2-patch"
	p1 := ta.do("admin", "PATCH", "/api/v1/stakeholders/"+id, patch, IdempotencyHeader, key2)
	p2 := ta.do("admin", "PATCH", "/api/v1/stakeholders/"+strings.ToUpper(id), patch, IdempotencyHeader, key2)
	if p1.status != 200 || p2.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("patch by an upper-case id: %d then %d %s", p1.status, p2.status, p2.body)
	}
	if n := countNamed(t, ta, "Irma Ccori Demo"); n != 1 {
		t.Fatalf("%d stakeholders named so after the retries, want 1", n)
	}

	// Erased: a retry of the creation replays the kept answer as the
	// erasure redacted it, and creates nothing.
	if r := ta.do("admin", "POST", "/api/v1/admin/stakeholders/"+id+"/erase", map[string]any{"confirm_name": "Irma Ccori Demo"}); r.status != 200 {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	r := ta.do("admin", "POST", "/api/v1/stakeholders", body, IdempotencyHeader, key, "Accept-Language", "es")
	if r.status != 201 || r.header.Get("Idempotent-Replayed") != "true" || strings.Contains(string(r.body), "Ccori") {
		t.Fatalf("retry after the erasure: %d %s", r.status, r.body)
	}
	if n := countNamed(t, ta, "Irma Ccori Demo"); n != 0 {
		t.Fatalf("the erased person came back: %d records", n)
	}
}

// countNamed is how many stakeholders hold name.
func countNamed(t *testing.T, ta *testApp, name string) int {
	t.Helper()
	sts, _, err := ta.store.ListStakeholders(context.Background(), model.Scope{All: true}, store.StakeholderFilter{}, store.Page{All: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, st := range sts {
		if st.Name == name {
			n++
		}
	}
	return n
}
