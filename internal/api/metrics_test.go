package api

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alianza-pe/alianza/internal/metrics"
	"github.com/alianza-pe/alianza/internal/metrics/metricstest"
)

// TestRequestMetricsByRoutePattern: requests are counted by the pattern of
// the route that answered them, so ids in paths never become series.
func TestRequestMetricsByRoutePattern(t *testing.T) {
	ta := newTestApp(t)
	m := metrics.New(metrics.Options{Store: ta.store, Version: "test", Log: discardLogger()})
	ta.app = ta.newApp(func(o *Options) { o.Metrics = m })
	for _, key := range []string{"viewer", "officer"} {
		if r := ta.do("admin", "GET", "/api/v1/users/"+ta.users[key].ID.Hex(), nil); r.status != 200 {
			t.Fatalf("get user: %d %s", r.status, r.body)
		}
	}
	ta.do("viewer", "GET", "/api/v1/users/"+ta.users["admin"].ID.Hex(), nil) // 403
	ta.do("", "GET", "/api/v1/no/such/route", nil)                           // 404 inside the API
	ta.do("", "GET", "/debug/pprof/", nil)                                   // 404 outside it

	fams := metricstest.ScrapeHandler(t, m.Handler())
	cases := []struct {
		route, method, status string
		want                  float64
	}{
		{"/api/v1/users/:id", "GET", "200", 2},
		{"/api/v1/users/:id", "GET", "403", 1},
	}
	for _, tc := range cases {
		labels := map[string]string{"route": tc.route, "method": tc.method, "status": tc.status}
		if got, _ := fams.Value("alianza_http_requests_total", labels); got != tc.want {
			t.Errorf("requests %v = %v, want %v", labels, got, tc.want)
		}
		if got, _ := fams.Value("alianza_http_request_duration_seconds", labels); got != tc.want {
			t.Errorf("duration samples %v = %v, want %v", labels, got, tc.want)
		}
	}
	if got, _ := fams.Value("alianza_http_requests_total", map[string]string{"status": "404"}); got < 1 {
		t.Errorf("404s not counted")
	}
	for _, route := range fams.LabelValues("alianza_http_requests_total", "route") {
		if strings.Contains(route, ta.users["viewer"].ID.Hex()) || strings.Contains(route, "pprof") || strings.Contains(route, "no/such") {
			t.Errorf("a request path became a label: %q", route)
		}
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "alianza_database_size_bytes", "alianza_build_info"} {
		if _, ok := fams.Value(name, nil); !ok {
			t.Errorf("%s missing", name)
		}
	}
}

// TestUnknownPathsAre404: the app's port answers the web app only on its
// client routes (ui/src/routes.json) and its files; anything else is a
// 404, so that an uptime check of /metrics is not fooled.
func TestUnknownPathsAre404(t *testing.T) {
	ta := newTestApp(t)
	index := "<!doctype html><title>Alianza</title>"
	ui := fstest.MapFS{
		"index.html":           {Data: []byte(index)},
		"assets/app-1234.js":   {Data: []byte("console.log(1)")},
		"manifest.webmanifest": {Data: []byte("{}")},
	}
	ta.app = ta.newApp(func(o *Options) { o.UI = ui })
	cases := []struct {
		path   string
		status int
		app    bool // answers index.html
	}{
		{"/", 200, true},
		{"/stakeholders", 200, true},
		{"/stakeholders/665f1c2e8b3a4d0012345678/edit", 200, true},
		{"/meetings/new", 200, true},
		{"/reports/funder", 200, true},
		{"/admin/users", 200, true},
		{"/profile/", 200, true},
		{"/index.html", 200, true},
		{"/assets/app-1234.js", 200, false},
		{"/manifest.webmanifest", 200, false},
		{"/metrics", 404, false},
		{"/debug/pprof/", 404, false},
		{"/debug/pprof/heap", 404, false},
		{"/wp-login.php", 404, false},
		{"/assets/missing.js", 404, false},
		{"/stakeholders/1/2/3", 404, false},
		{"/admin", 404, false},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			r := ta.do("", "GET", tc.path, nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d", r.status, tc.status)
			}
			if got := string(r.body) == index; got != tc.app {
				t.Fatalf("answered the app: %v, want %v (%.60s)", got, tc.app, r.body)
			}
			if head := ta.do("", "HEAD", tc.path, nil); head.status != tc.status {
				t.Fatalf("HEAD: status %d, want %d", head.status, tc.status)
			}
		})
	}
}

// TestAccessLogFields: one line per request with the user's id, the client
// IP (from X-Forwarded-For only through a trusted proxy) and the size sent.
func TestAccessLogFields(t *testing.T) {
	ta := newTestApp(t)
	cases := []struct {
		name    string
		proxies []string
		as      string
		wantIP  string
	}{
		{"signed in, no trusted proxy", nil, "viewer", "0.0.0.0"},
		{"through a trusted proxy", []string{"0.0.0.0/32"}, "admin", "203.0.113.7"},
		{"anonymous", nil, "", "0.0.0.0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logs := ta.rebuildWithLog(func(o *Options) { o.TrustedProxies = tc.proxies })
			path := "/api/v1/regions"
			if tc.as == "" {
				path = "/healthz"
			}
			r := ta.do(tc.as, "GET", path, nil, "X-Forwarded-For", "203.0.113.7")
			if r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
			var line map[string]any
			for _, l := range logs.Lines() {
				if strings.Contains(l, `"msg":"http request"`) {
					if err := json.Unmarshal([]byte(l), &line); err != nil {
						t.Fatal(err)
					}
				}
			}
			if line == nil {
				t.Fatalf("no access log line in %s", logs.String())
			}
			if line["client_ip"] != tc.wantIP {
				t.Errorf("client_ip %v, want %s", line["client_ip"], tc.wantIP)
			}
			if n, _ := line["bytes"].(float64); int(n) != len(r.body) || n == 0 {
				t.Errorf("bytes %v, body %d", line["bytes"], len(r.body))
			}
			wantUser := ""
			if tc.as != "" {
				wantUser = ta.users[tc.as].ID.Hex()
			}
			if got, _ := line["user_id"].(string); got != wantUser {
				t.Errorf("user_id %q, want %q", got, wantUser)
			}
		})
	}
}
