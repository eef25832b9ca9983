package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/gofiber/fiber/v2"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// testApp is the whole Fiber app on a fresh database with one user per role.
type testApp struct {
	t      *testing.T
	app    *fiber.App
	store  *store.Store
	flows  *workflow.Flows // the app's, for fixtures written as a user would
	tokens *auth.Tokens
	users  map[string]*model.User // by role name, plus "cusco_officer", "loreto_manager", ...
}

const testPassword = "contraseña-de-prueba"

// testUsers are created for every test app: each role with all regions, and
// regional users to test scope.
var testUsers = []struct {
	key, role string
	regions   []string
}{
	{"admin", model.RoleAdmin, []string{model.AllRegions}},
	{"manager", model.RoleManager, []string{model.AllRegions}},
	{"officer", model.RoleOfficer, []string{model.AllRegions}},
	{"viewer", model.RoleViewer, []string{model.AllRegions}},
	{"cusco_officer", model.RoleOfficer, []string{"08"}},
	{"cusco_manager", model.RoleManager, []string{"08"}},
	{"loreto_manager", model.RoleManager, []string{"16"}},
	{"loreto_viewer", model.RoleViewer, []string{"16"}},
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	s := storetest.Open(t)
	tokens, err := auth.NewTokens([]byte(strings.Repeat("s", 32)))
	if err != nil {
		t.Fatal(err)
	}
	ta := &testApp{t: t, store: s, flows: workflow.New(s), tokens: tokens, users: map[string]*model.User{}}
	ta.app = New(Options{Store: s, Flows: ta.flows, Tokens: tokens, Log: discardLogger(), Version: "test"})
	hash := testPasswordHash(t)
	for _, u := range testUsers {
		in := model.NewUser{Email: u.key + "@alianza.test", Name: u.key, Role: u.role, Regions: u.regions}
		created, err := s.CreateUser(context.Background(), model.SystemActor, in, hash)
		if err != nil {
			t.Fatal(err)
		}
		ta.users[u.key] = created
	}
	return ta
}

// testPasswordHash hashes testPassword once per test binary: argon2id under
// the race detector takes seconds, and every test app needs the same hash.
var testPasswordHash = func() func(t *testing.T) string {
	var once sync.Once
	var hash string
	var err error
	return func(t *testing.T) string {
		t.Helper()
		once.Do(func() { hash, err = auth.HashPassword(testPassword) })
		if err != nil {
			t.Fatal(err)
		}
		return hash
	}
}()

// token returns an access token for the user under key ("" = none).
func (ta *testApp) token(key string) string {
	if key == "" {
		return ""
	}
	u, ok := ta.users[key]
	if !ok {
		ta.t.Fatalf("no test user %q", key)
	}
	tok, err := ta.tokens.Issue(u)
	if err != nil {
		ta.t.Fatal(err)
	}
	return tok
}

// resp is a decoded response.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

func (r resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode response: %v: %s", err, r.body)
	}
}

// do sends a request as the user under key ("" = anonymous). body may be a
// string (sent as is) or any value (sent as JSON).
func (ta *testApp) do(key, method, path string, body any, headers ...string) resp {
	ta.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				ta.t.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok := ta.token(key); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := ta.app.Test(req, int((30 * time.Second).Milliseconds()))
	if err != nil {
		ta.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// scenario is one row of an API table test.
type scenario struct {
	name   string
	as     string // test user key; "" = no token
	method string
	path   string
	body   any
	status int
	// want lists JSON paths (a.b.0.c) and the value they must have, or
	// present to require the key only.
	want map[string]any
}

var present = struct{}{}

func (ta *testApp) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := ta.do(sc.as, sc.method, sc.path, sc.body)
			if r.status != sc.status {
				t.Fatalf("%s %s as %q: status %d, want %d: %s", sc.method, sc.path, sc.as, r.status, sc.status, r.body)
			}
			if r.status >= 400 && r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("error content type %q, want application/problem+json", r.header.Get("Content-Type"))
			}
			if len(sc.want) == 0 {
				return
			}
			var doc any
			if err := json.Unmarshal(r.body, &doc); err != nil {
				t.Fatalf("not JSON: %s", r.body)
			}
			for path, want := range sc.want {
				got, ok := jsonPath(doc, path)
				if !ok {
					t.Errorf("%s: missing in %s", path, r.body)
					continue
				}
				if want == present {
					continue
				}
				if !jsonEqual(got, want) {
					t.Errorf("%s = %v, want %v", path, got, want)
				}
			}
		})
	}
}

func jsonPath(doc any, path string) (any, bool) {
	cur := doc
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			x, ok := v[part]
			if !ok {
				return nil, false
			}
			cur = x
		case []any:
			i := 0
			for _, ch := range part {
				if ch < '0' || ch > '9' {
					return nil, false
				}
				i = i*10 + int(ch-'0')
			}
			if i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func jsonEqual(got, want any) bool {
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	return bytes.Equal(g, w)
}
