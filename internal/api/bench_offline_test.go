package api

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/demo"
)

// BenchmarkReportTrainings: the trainings dashboard reads counters, like the others.
func BenchmarkReportTrainings(b *testing.B) { benchGet(b, "admin", "/api/v1/reports/trainings") }

// BenchmarkOfflineWorkingSet downloads what the app keeps on the device for
// a one-region officer (Cusco) at scale 1, through the same requests as
// ui/src/offline/cache.ts, and reports the size of the cached JSON
// (cache-bytes; the budget is 2 MB).
func BenchmarkOfflineWorkingSet(b *testing.B) {
	app, _ := benchApp(b)
	get := func(token, path string, out any) {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			b.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
		}
		if err := json.Unmarshal(body, out); err != nil {
			b.Fatal(err)
		}
	}
	login := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"email":"officer.cusco@ref.alianza.test","password":"`+demo.Password+`"}`))
	login.Header.Set("Content-Type", "application/json")
	res, err := app.Test(login, -1)
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("login: %v %v", res.StatusCode, err)
	}
	var tok tokenResponse
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	type cached struct {
		ID      string   `json:"id"`
		Name    string   `json:"name"`
		Kind    string   `json:"kind"`
		Regions []string `json:"regions"`
	}
	var size, people int
	b.ResetTimer()
	for b.Loop() {
		var all []cached
		cursor := ""
		for {
			var page struct {
				Items      []cached `json:"items"`
				NextCursor string   `json:"next_cursor"`
			}
			get(tok.AccessToken, "/api/v1/stakeholders?limit=200&cursor="+cursor, &page)
			all = append(all, page.Items...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		var tasks struct {
			Items []json.RawMessage `json:"items"`
		}
		get(tok.AccessToken, "/api/v1/tasks?mine=true&done=false&limit=200", &tasks)
		var regions, enums json.RawMessage
		get(tok.AccessToken, "/api/v1/regions", &regions)
		get(tok.AccessToken, "/api/v1/enums", &enums)
		blob, _ := json.Marshal(map[string]any{"stakeholders": all, "tasks": tasks.Items, "regions": regions, "enums": enums})
		size, people = len(blob), len(all)
	}
	b.ReportMetric(float64(size), "cache-bytes")
	b.ReportMetric(float64(people), "stakeholders")
}
