package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func newUser(email string) model.NewUser {
	return model.NewUser{Email: email, Name: "Ana", Role: model.RoleOfficer, Regions: []string{"08"}, Password: "correct horse battery"}
}

func TestUsers(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, model.SystemActor, newUser("ana@example.org"), "hash")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, model.SystemActor, newUser("ana@example.org"), "hash"); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("duplicate email: got %v, want ErrDuplicate", err)
	}
	got, err := s.UserByEmail(ctx, "ANA@example.org ")
	if err != nil || got.ID != u.ID {
		t.Fatalf("by email: %v %v", got, err)
	}
	if _, err := s.UserByID(ctx, bson.NewObjectID()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing user: got %v, want ErrNotFound", err)
	}
	role := model.RoleManager
	stale := 7
	if _, err := s.UpdateUser(ctx, model.SystemActor, u.ID, model.UserPatch{Role: &role, Version: &stale}, ""); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale version: got %v, want ErrConflict", err)
	}
	u2, err := s.UpdateUser(ctx, model.SystemActor, u.ID, model.UserPatch{Role: &role, Version: &u.Version}, "")
	if err != nil || u2.Role != role || u2.Version != 2 {
		t.Fatalf("update: %+v %v", u2, err)
	}
	entries, _, err := s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "user", EntityID: u.ID.Hex()}, store.Page{})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit entries: %d %v", len(entries), err)
	}
	if entries[0].Action != model.ActionUpdate || entries[0].Changes[0].Field != "role" {
		t.Fatalf("newest audit entry: %+v", entries[0])
	}
}

func TestListUsersPages(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	for _, e := range []string{"e@x.org", "a@x.org", "d@x.org", "b@x.org", "c@x.org"} {
		if _, err := s.CreateUser(ctx, model.SystemActor, newUser(e), "h"); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, u := range allPages(t, 2, func(p store.Page) ([]model.User, string, error) { return s.ListUsers(ctx, model.Scope{All: true}, p) }) {
		got = append(got, u.Email)
	}
	want := []string{"a@x.org", "b@x.org", "c@x.org", "d@x.org", "e@x.org"}
	if len(got) != len(want) {
		t.Fatalf("pages: got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pages: got %v, want %v", got, want)
		}
	}
	if _, _, err := s.ListUsers(ctx, model.Scope{All: true}, store.Page{Cursor: "!!"}); !errors.Is(err, store.ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
}

func TestRefreshTokenRotation(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	uid := bson.NewObjectID()
	exp := s.Now().Add(1e12)
	for _, h := range []string{"h1", "h2"} {
		if err := s.SaveRefreshToken(ctx, store.RefreshToken{Hash: h, Family: "f", UserID: uid, ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.UseRefreshToken(ctx, "h1", "tab", time.Minute); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if _, err := s.UseRefreshToken(ctx, "h1", "thief", time.Minute); !errors.Is(err, store.ErrTokenReused) {
		t.Fatalf("reuse: got %v, want ErrTokenReused", err)
	}
	if _, err := s.UseRefreshToken(ctx, "h2", "tab", time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("sibling after reuse: got %v, want ErrNotFound (family revoked)", err)
	}
	if _, err := s.UseRefreshToken(ctx, "nope", "tab", time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestKV(t *testing.T) {
	s := storetest.Open(t)
	kv := s.KV("x:")
	if v, err := kv.Get("a"); err != nil || v != nil {
		t.Fatalf("missing: %v %v", v, err)
	}
	if err := kv.Set("a", []byte("1"), 0); err != nil {
		t.Fatal(err)
	}
	if err := kv.Set("a", []byte("2"), -1); err != nil {
		t.Fatal(err)
	}
	if v, _ := kv.Get("a"); string(v) != "2" {
		t.Fatalf("get: %q", v)
	}
	if err := kv.Reset(); err != nil {
		t.Fatal(err)
	}
	if v, _ := kv.Get("a"); v != nil {
		t.Fatalf("after reset: %q", v)
	}
}

// TestRefreshTokenConcurrentUse: of many concurrent uses of one token exactly
// one succeeds (the embedded engine needs the in-process lock for that).
func TestRefreshTokenConcurrentUse(t *testing.T) {
	storetest.NeedsIsolation(t)
	s := storetest.Open(t)
	ctx := context.Background()
	if err := s.SaveRefreshToken(ctx, store.RefreshToken{Hash: "c1", Family: "fc", UserID: bson.NewObjectID(), ExpiresAt: s.Now().Add(1e12)}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	results := make(chan error, n)
	for i := 0; i < n; i++ {
		client := string(rune('a' + i)) // other clients get no grace
		go func() { _, err := s.UseRefreshToken(ctx, "c1", client, time.Minute); results <- err }()
	}
	ok := 0
	for i := 0; i < n; i++ {
		if err := <-results; err == nil {
			ok++
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent uses succeeded, want exactly 1", ok)
	}
}

// TestRefreshGraceForTwoTabs: two tabs refreshing together presented the
// same token and the second was taken for a thief, signing the user out.
// The same client may present a just-rotated token once within the grace;
// a second time, after the grace, or from another client is reuse.
func TestRefreshGraceForTwoTabs(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := fixture.OpenAt(t, &now)
	ctx := context.Background()
	save := func(h, fam string) {
		if err := s.SaveRefreshToken(ctx, store.RefreshToken{Hash: h, Family: fam, UserID: bson.NewObjectID(), ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	const grace = 30 * time.Second
	save("a", "fa")
	if _, err := s.UseRefreshToken(ctx, "a", "tab", grace); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Second)
	if tok, err := s.UseRefreshToken(ctx, "a", "tab", grace); err != nil || tok.Family != "fa" {
		t.Fatalf("second tab within the grace: %v %v", tok, err)
	}
	if _, err := s.UseRefreshToken(ctx, "a", "tab", grace); !errors.Is(err, store.ErrTokenReused) {
		t.Fatalf("a third use: %v, want reuse", err)
	}

	save("b", "fb")
	if _, err := s.UseRefreshToken(ctx, "b", "tab", grace); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseRefreshToken(ctx, "b", "elsewhere", grace); !errors.Is(err, store.ErrTokenReused) {
		t.Fatalf("another client within the grace: %v, want reuse", err)
	}

	save("c", "fc")
	if _, err := s.UseRefreshToken(ctx, "c", "tab", grace); err != nil {
		t.Fatal(err)
	}
	now = now.Add(grace + time.Second)
	if _, err := s.UseRefreshToken(ctx, "c", "tab", grace); !errors.Is(err, store.ErrTokenReused) {
		t.Fatalf("after the grace: %v, want reuse", err)
	}
}

// TestPurgeExpired: refresh tokens and login counters past their expiry
// are deleted by the periodic purge; live ones stay.
func TestPurgeExpired(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := fixture.OpenAt(t, &now)
	ctx := context.Background()
	for h, exp := range map[string]time.Time{"old": now.Add(-time.Minute), "live": now.Add(time.Hour)} {
		if err := s.SaveRefreshToken(ctx, store.RefreshToken{Hash: h, Family: h, ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddLoginFailure(ctx, "pair:x", time.Minute); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	if err := s.PurgeExpired(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RefreshTokenFamily(ctx, "old"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired token kept: %v", err)
	}
	if _, err := s.RefreshTokenFamily(ctx, "live"); err != nil {
		t.Fatalf("live token purged: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.PurgeExpired(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("purge ignores its context: %v", err)
	}
}

// TestLoginFailuresConcurrent: the counter was read, incremented in Go and
// replaced, so parallel attempts overwrote each other's counts. Each
// attempt must add one, and each caller see a distinct count.
func TestLoginFailuresConcurrent(t *testing.T) {
	storetest.NeedsIsolation(t)
	s := storetest.Open(t)
	ctx := context.Background()
	const n = 20
	var wg sync.WaitGroup
	seen := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := s.AddLoginFailure(ctx, "pair:x", time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			seen <- f.Count
		}()
	}
	wg.Wait()
	close(seen)
	counts := map[int]bool{}
	for c := range seen {
		counts[c] = true
	}
	f, err := s.LoginFailuresOf(ctx, "pair:x")
	if err != nil || f.Count != n || len(counts) != n {
		t.Fatalf("count %d (%v), distinct counts seen %d, want %d", f.Count, err, len(counts), n)
	}
	if err := s.UncountLoginAttempt(ctx, "pair:x"); err != nil {
		t.Fatal(err)
	}
	if f, _ := s.LoginFailuresOf(ctx, "pair:x"); f.Count != n-1 {
		t.Fatalf("after uncounting one: %d", f.Count)
	}
}

func TestIdempotencyClaims(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := fixture.OpenAt(t, &now)
	ctx := context.Background()
	user := bson.NewObjectID()
	const pending, keep = 2 * time.Minute, 24 * time.Hour

	if rec, claimed, err := s.BeginIdempotent(ctx, "k", user, "fp1", pending); rec != nil || !claimed || err != nil {
		t.Fatalf("first claim: %v %v %v", rec, claimed, err)
	}
	if _, _, err := s.BeginIdempotent(ctx, "k", user, "fp1", pending); !errors.Is(err, store.ErrIdemInFlight) {
		t.Fatalf("repeat while running: %v, want ErrIdemInFlight", err)
	}
	// The instance that held the claim died: after the pending time the key is free.
	now = now.Add(pending + time.Second)
	if rec, claimed, err := s.BeginIdempotent(ctx, "k", user, "fp1", pending); rec != nil || !claimed || err != nil {
		t.Fatalf("claim after a dead one: %v %v %v", rec, claimed, err)
	}
	if err := s.CompleteIdempotent(ctx, "k", 201, map[string]string{"Content-Type": "application/json"}, []byte(`{"id":1}`), keep); err != nil {
		t.Fatal(err)
	}
	// Abandon only frees running claims, never a stored outcome.
	if err := s.AbandonIdempotent(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	rec, claimed, err := s.BeginIdempotent(ctx, "k", user, "fp1", pending)
	if err != nil || claimed || rec == nil || rec.Status != 201 || string(rec.Body) != `{"id":1}` || rec.Headers["Content-Type"] != "application/json" {
		t.Fatalf("replay: %+v %v", rec, err)
	}
	if _, _, err := s.BeginIdempotent(ctx, "k", user, "fp2", pending); !errors.Is(err, store.ErrIdemMismatch) {
		t.Fatalf("other body: %v, want ErrIdemMismatch", err)
	}
	now = now.Add(keep + time.Second)
	if rec, claimed, err := s.BeginIdempotent(ctx, "k", user, "fp2", pending); rec != nil || !claimed || err != nil {
		t.Fatalf("after a day: %v %v %v", rec, claimed, err)
	}
}

// Many instances racing for one key: exactly one wins the claim.
func TestIdempotencyOneWinner(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	user := bson.NewObjectID()
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, busy := 0, 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, claimed, err := s.BeginIdempotent(ctx, "race", user, "fp", time.Minute)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && claimed && rec == nil:
				won++
			case errors.Is(err, store.ErrIdemInFlight):
				busy++
			default:
				t.Errorf("unexpected %v %v", rec, err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || busy != 7 {
		t.Fatalf("%d claims won, %d told in flight; want 1 and 7", won, busy)
	}
}

// TestDigestRunsKeepTheLast50: the trim read up to 1000 passes on every
// save; it now deletes what is older than the 50th newest. The newest 50
// stay, in order.
func TestDigestRunsKeepTheLast50(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range 55 {
		if err := s.SaveDigestRun(ctx, store.DigestRun{Holder: "h", StartedAt: start.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := s.DigestRuns(ctx, 100)
	if err != nil || len(runs) != 50 {
		t.Fatalf("kept %d runs (%v)", len(runs), err)
	}
	if !runs[0].StartedAt.Equal(start.Add(54*time.Hour)) || !runs[49].StartedAt.Equal(start.Add(5*time.Hour)) {
		t.Fatalf("kept from %v to %v", runs[49].StartedAt, runs[0].StartedAt)
	}
}
