package api

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/config"
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
	return appOn(t, s, createTestUsers(t, s))
}

// appOn is a test app on s, whose users (by key) are already written.
func appOn(t *testing.T, s *store.Store, users map[string]*model.User) *testApp {
	t.Helper()
	tokens, err := auth.NewTokens([]byte(strings.Repeat("s", 32)))
	if err != nil {
		t.Fatal(err)
	}
	ta := &testApp{t: t, store: s, flows: workflow.New(s), tokens: tokens, users: users}
	ta.app = ta.newApp(nil)
	return ta
}

// createTestUsers writes testUsers to s.
func createTestUsers(t testing.TB, s *store.Store) map[string]*model.User {
	t.Helper()
	hash := testPasswordHash(t)
	users := map[string]*model.User{}
	for _, u := range testUsers {
		in := model.NewUser{Email: u.key + "@alianza.test", Name: u.key, Role: u.role, Regions: u.regions}
		created, err := s.CreateUser(context.Background(), model.SystemActor, in, hash)
		if err != nil {
			t.Fatal(err)
		}
		users[u.key] = created
	}
	return users
}

// appWith is a test app made by newApp holding the records seed writes, the
// set-up of most tests: appWith(t, newTestApp, insertStakeholders).
func appWith[F any](t *testing.T, newApp func(*testing.T) *testApp, seed func(*testing.T, *testApp) F) (*testApp, F) {
	t.Helper()
	ta := newApp(t)
	return ta, seed(t, ta)
}

// newApp is an app on the test app's store, workflows and tokens with the
// options change sets. It keeps ta's workflows: wiring a second set on the
// same store would run every after-write effect twice.
func (ta *testApp) newApp(change func(*Options)) *fiber.App {
	o := Options{Store: ta.store, Flows: ta.flows, Tokens: ta.tokens, Log: discardLogger(), Version: "test"}
	if change != nil {
		change(&o)
	}
	return New(testOptions(o))
}

// testOptions fills the limits o leaves zero with the defaults serve would
// resolve from config (api.New has none of its own).
func testOptions(o Options) Options {
	d := config.Defaults()
	if o.LoginMax == 0 {
		o.LoginMax, o.LoginIPMax, o.LoginWindow = d.Login.MaxFailures, d.Login.MaxIPFailures, d.Login.Window
	}
	if o.BodyLimit == 0 {
		o.BodyLimit = d.BodyLimit
	}
	if o.AwaitingReplyDays == 0 {
		o.AwaitingReplyDays = d.AwaitingReplyDays
	}
	if o.AttachmentMaxBytes == 0 {
		o.AttachmentMaxBytes = d.AttachmentMaxBytes
	}
	if o.IMAPTimeout == 0 {
		o.IMAPTimeout = d.IMAP.AttachmentTimeout
	}
	return o
}

// testPasswordHash hashes testPassword once per test binary: argon2id under
// the race detector takes seconds, and every test app needs the same hash.
var testPasswordHash = func() func(t testing.TB) string {
	var once sync.Once
	var hash string
	var err error
	return func(t testing.TB) string {
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
	ta.checkOpenAPI(method, path, res.StatusCode, res.Header, b)
	ta.checkProblemCodes(method, path, res.Header, b)
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

// absent as a wanted value means the path must not exist (e.g. "items.1":
// a list of one).
var absent = struct{ absent bool }{true}

// run runs independent scenarios, each a subtest: every one must pass alone
// (go test -run 'TestX/name$') and in any order, so none may change the
// data the others see. A write that succeeds is a step of a story, for
// ta.steps. Under go test -shuffle the scenarios run shuffled too.
func (ta *testApp) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range shuffled(t, scenarios) {
		t.Run(sc.name, func(t *testing.T) {
			r := ta.check(t, sc)
			if r.status < 300 && sc.method != "GET" && sc.method != "HEAD" {
				t.Errorf("%s %s answered %d: a scenario that changes data leaves it to the others; make it a step (ta.steps)", sc.method, sc.path, r.status)
			}
		})
	}
}

// steps runs a story: scenarios in order, each seeing what the ones
// before it did. They are not subtests, so none can be run without the
// steps before it; the test is the unit.
func (ta *testApp) steps(t *testing.T, steps []scenario) {
	t.Helper()
	for _, sc := range steps {
		ta.check(stepT{t, sc.name}, sc)
	}
}

// stepT names the step in its failures.
type stepT struct {
	*testing.T
	name string
}

func (s stepT) Errorf(format string, args ...any) {
	s.T.Helper()
	s.T.Errorf("step %q: "+format, append([]any{s.name}, args...)...)
}

func (s stepT) Fatalf(format string, args ...any) {
	s.T.Helper()
	s.T.Fatalf("step %q: "+format, append([]any{s.name}, args...)...)
}

// shuffled is scenarios in the order go test -shuffle asks for: as given
// when it is off, else shuffled with its seed (or a logged one for "on").
func shuffled(t *testing.T, scenarios []scenario) []scenario {
	f := flag.Lookup("test.shuffle")
	if f == nil || f.Value.String() == "off" {
		return scenarios
	}
	seed, err := strconv.ParseInt(f.Value.String(), 10, 64)
	if err != nil {
		seed = time.Now().UnixNano()
		t.Logf("scenarios shuffled with seed %d", seed)
	}
	out := slices.Clone(scenarios)
	rand.New(rand.NewSource(seed)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func (ta *testApp) check(t testing.TB, sc scenario) resp {
	t.Helper()
	r := ta.do(sc.as, sc.method, sc.path, sc.body)
	if r.status != sc.status {
		t.Fatalf("%s %s as %q: status %d, want %d: %s", sc.method, sc.path, sc.as, r.status, sc.status, r.body)
	}
	if r.status >= 400 && r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("error content type %q, want application/problem+json", r.header.Get("Content-Type"))
	}
	if len(sc.want) == 0 {
		return r
	}
	var doc any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("not JSON: %s", r.body)
	}
	for path, want := range sc.want {
		got, ok := jsonPath(doc, path)
		if want == absent {
			if ok {
				t.Errorf("%s: present in %s", path, r.body)
			}
			continue
		}
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
	return r
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
