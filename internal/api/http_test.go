package api

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
)

func TestHTTPLayer(t *testing.T) {
	ta := newTestApp(t)
	ta.run(t, []scenario{
		{name: "unknown api route", as: "admin", method: "GET", path: "/api/v1/nothing-here", status: 404, want: map[string]any{"title": "Not Found", "status": float64(404)}},
		{name: "healthz", method: "GET", path: "/healthz", status: 200, want: map[string]any{"status": "ok"}},
		{name: "readyz", method: "GET", path: "/readyz", status: 200, want: map[string]any{"status": "ready"}},
		{name: "regions", as: "viewer", method: "GET", path: "/api/v1/regions", status: 200,
			want: map[string]any{"items.7.code": "08", "items.7.name": "Cusco", "items.7.program": true, "items.25.code": "NAC", "items.0.program": false}},
		{name: "enums", as: "viewer", method: "GET", path: "/api/v1/enums", status: 200, want: map[string]any{"roles": []string{"admin", "manager", "officer", "viewer"}}},
		{name: "wrong content type", as: "admin", method: "POST", path: "/api/v1/users", body: nil, status: 415},
	})

	r := ta.do("viewer", "GET", "/api/v1/regions", nil)
	var regions struct{ Items []model.Region }
	r.decode(t, &regions)
	program := 0
	for _, x := range regions.Items {
		if x.Program {
			program++
		}
	}
	if len(regions.Items) != 26 || program != 6 {
		t.Fatalf("%d regions, %d program regions; want 26 and 6", len(regions.Items), program)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Request-Id"} {
		if r.header.Get(h) == "" {
			t.Errorf("header %s missing", h)
		}
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Error("CSP lacks frame-ancestors 'none'")
	}
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS is on")
	}
}

func TestBodyTooLarge(t *testing.T) {
	ta := newTestApp(t)
	app := ta.newApp(func(o *Options) { o.BodyLimit = 1024 })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/api/v1/users", strings.NewReader(`{"name":"`+strings.Repeat("x", 4096)+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+ta.token("admin"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 413 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestServerErrorHidesInternals(t *testing.T) {
	ta := newTestApp(t)
	tok := ta.token("admin")
	if err := ta.store.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/v1/users", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := ta.app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	var p Problem
	_ = json.NewDecoder(res.Body).Decode(&p)
	if res.StatusCode != 500 || p.Status != 500 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if strings.Contains(strings.ToLower(p.Detail), "client") || strings.Contains(p.Detail, "store:") {
		t.Fatalf("internals leaked: %q", p.Detail)
	}
	if r := ta.do("", "GET", "/readyz", nil); r.status != 503 {
		t.Fatalf("readyz with the database gone: %d", r.status)
	}
}

// TestAuthorizationMatrix sends every route of the table as every role and
// with no token: forbidden roles get 403, allowed ones never 401/403.
func TestAuthorizationMatrix(t *testing.T) {
	ta := newTestApp(t)
	roles := []string{"", "admin", "manager", "officer", "viewer"}
	for _, rt := range ta.newAPI().routes() {
		path := "/api/v1" + strings.NewReplacer(":id", "0123456789abcdef01234567", ":other_id", "0123456789abcdef01234568", ":index", "0").Replace(rt.path)
		for _, role := range roles {
			r := ta.do(role, rt.method, path, "{}")
			allowed := rt.public || (role != "" && (rt.access == nil || contains(rt.access, role)))
			switch {
			case rt.public:
				if r.status == 403 {
					t.Errorf("%s %s as %q: 403 on a public route", rt.method, rt.path, role)
				}
			case role == "" && r.status != 401:
				t.Errorf("%s %s without token: %d, want 401", rt.method, rt.path, r.status)
			case role != "" && !allowed && r.status != 403:
				t.Errorf("%s %s as %s: %d, want 403", rt.method, rt.path, role, r.status)
			case role != "" && allowed && (r.status == 401 || r.status == 403 || r.status >= 500):
				t.Errorf("%s %s as %s: %d, want it allowed: %s", rt.method, rt.path, role, r.status, r.body)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (ta *testApp) newAPI() *API {
	return &API{store: ta.store, tokens: ta.tokens, log: discardLogger()}
}

// TestOpenAPIMatchesRoutes compares the document with what Fiber serves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	ta := newTestApp(t)
	r := ta.do("", "GET", "/api/v1/openapi.json", nil)
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	r.decode(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	var served []string
	for _, rt := range ta.app.GetRoutes(true) {
		if !strings.HasPrefix(rt.Path, "/api/v1/") || rt.Method == "HEAD" || rt.Method == "USE" {
			continue
		}
		served = append(served, rt.Method+" "+openAPIPath(rt.Path))
	}
	sort.Strings(documented)
	sort.Strings(served)
	if strings.Join(documented, "\n") != strings.Join(served, "\n") {
		t.Fatalf("OpenAPI paths differ from the routes.\ndocumented:\n%s\nserved:\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}
	// Every $ref resolves.
	for _, ref := range strings.Split(string(r.body), `"$ref":"#/components/schemas/`)[1:] {
		name := ref[:strings.IndexByte(ref, '"')]
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("dangling $ref %s", name)
		}
	}
}
