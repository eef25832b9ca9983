package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/demo"
)

// newReportApp is a test app with the demo dataset and a fixed clock.
func newReportApp(t *testing.T) *testApp {
	t.Helper()
	ta := newTestApp(t)
	now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	ta.store.SetClock(func() time.Time { return now })
	if _, err := demo.Load(context.Background(), ta.flows, ta.store, now); err != nil {
		t.Fatal(err)
	}
	return ta
}

func TestReports(t *testing.T) {
	ta := newReportApp(t)
	const base = "/api/v1/reports/"
	ta.run(t, []scenario{
		{name: "a viewer reads the dashboards", as: "viewer", method: "GET", path: base + "overdue", status: 200},
		{name: "a Loreto viewer reads only Loreto", as: "loreto_viewer", method: "GET", path: base + "commitments-by-region", status: 200,
			want: map[string]any{"items.0.region": "16"}},
		{name: "officer may not", as: "officer", method: "GET", path: base + "commitments-by-region", status: 403},
		{name: "default period", as: "manager", method: "GET", path: base + "commitments-by-region", status: 200,
			want: map[string]any{"from": "2025-12-01", "to": "2026-11-27", "items.0.region": "04", "items.0.region_name": "Arequipa"}},
		{name: "loreto manager sees loreto", as: "loreto_manager", method: "GET", path: base + "commitments-by-region", status: 200,
			want: map[string]any{"items.0.region": "16"}},
		{name: "legislators summary for loreto", as: "loreto_manager", method: "GET", path: base + "legislators-with-commitments", status: 200,
			want: map[string]any{"total": 2, "items": []map[string]any{{"region": "16", "region_name": "Loreto", "count": 2}},
				"summary.es": "Del 1 de diciembre de 2025 al 27 de noviembre de 2026, acuerdos con dos congresistas: Loreto (2). Hasta la fecha se han cumplido dos de sus tres compromisos.",
				"summary.en": "From 1 December 2025 to 27 November 2026, agreements reached with two members of Congress representing Loreto (2). So far two of their three commitments have been fulfilled."}},
		{name: "legislators summary, all regions", as: "admin", method: "GET", path: base + "legislators-with-commitments", status: 200,
			// Each member once, under their district: the items add up to the total.
			want: map[string]any{"total": 10, "items.6.region": "NAC", "items.6.count": 1}},
		{name: "cusco manager: one cusco committee", as: "cusco_manager", method: "GET", path: base + "active-committees", status: 200,
			want: map[string]any{"total": 1, "items": []map[string]any{{"region": "08", "region_name": "Cusco", "count": 1}}}},
		{name: "meetings per month in one month", as: "admin", method: "GET", path: base + "meetings-per-month?from=2026-11-01&to=2026-11-30", status: 200,
			want: map[string]any{"items.0.month": "2026-11"}},
		{name: "nothing before the data", as: "admin", method: "GET", path: base + "overdue?from=2020-01-01&to=2020-12-31", status: 200,
			want: map[string]any{"items": []any{}, "today": "2026-11-27"}},
		{name: "bad date", as: "manager", method: "GET", path: base + "overdue?from=2026-02-30", status: 422,
			want: map[string]any{"errors.0.field": "from"}},
		{name: "reversed period", as: "manager", method: "GET", path: base + "meetings-per-month?from=2026-05-01&to=2026-04-01", status: 422,
			want: map[string]any{"errors.0.field": "to"}},
	})

	// Every overdue row is in scope and names its owner.
	var overdue struct {
		Items []struct {
			Region    string `json:"region"`
			OwnerName string `json:"owner_name"`
			Count     int    `json:"count"`
		}
	}
	ta.do("loreto_manager", "GET", base+"overdue", nil).decode(t, &overdue)
	if len(overdue.Items) == 0 {
		t.Fatal("no overdue commitments in Loreto")
	}
	for _, it := range overdue.Items {
		if it.OwnerName == "" || it.Region != "16" || it.Count < 1 {
			t.Errorf("overdue row without owner name: %+v", it)
		}
	}

	// CSV in Spanish.
	r := ta.do("cusco_manager", "GET", base+"commitments-by-region?format=csv&lang=es", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.status, r.header.Get("Content-Type"))
	}
	body := string(r.body)
	if !strings.HasPrefix(body, "\uFEFFRegión,Nombre de la región,Estado,Estado (texto),Cantidad\n") {
		t.Fatalf("csv header: %q", body[:min(80, len(body))])
	}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n")[1:] {
		if !strings.HasPrefix(line, "08,Cusco,") {
			t.Errorf("cusco manager's CSV has %q", line)
		}
	}
	if !strings.Contains(body, "Pendiente") {
		t.Errorf("csv lacks Spanish status labels: %s", body)
	}
	for _, name := range []string{"overdue", "meetings-per-month", "legislators-with-commitments", "active-committees"} {
		r := ta.do("admin", "GET", base+name+"?format=csv", nil)
		if r.status != 200 || !strings.Contains(string(r.body), "region") {
			t.Errorf("%s csv: %d %s", name, r.status, r.body)
		}
	}
}

// Every report route answers a period that is too long with a 422 naming
// "to" (code period_too_long, in the caller's language), and the longest
// allowed one with 200: an unbounded period (0001 to 9999) once crashed
// six dashboards with "too many SQL variables" (issue 20, point 6).
func TestReportPeriodBounded(t *testing.T) {
	ta := newReportApp(t)
	var reports []string
	for _, r := range (&API{}).routes() {
		if r.method == "GET" && strings.HasPrefix(r.path, "/reports/") {
			reports = append(reports, r.path)
		}
	}
	if len(reports) < 7 {
		t.Fatalf("report routes: %v", reports)
	}
	for _, path := range reports {
		for _, q := range []string{"from=0001-01-01&to=9999-12-31", "to=9999-12-31", "from=1990-01-01&to=2010-01-01"} {
			r := ta.do("admin", "GET", "/api/v1"+path+"?"+q, nil, "Accept-Language", "es")
			var p struct {
				Errors []struct{ Field, Code, Message string }
			}
			if r.status == 422 {
				r.decode(t, &p)
			}
			if len(p.Errors) != 1 || p.Errors[0].Field != "to" || p.Errors[0].Code != "period_too_long" ||
				!strings.Contains(p.Errors[0].Message, "20 años") {
				t.Errorf("%s?%s: %d %s", path, q, r.status, r.body)
			}
		}
		if r := ta.do("admin", "GET", "/api/v1"+path+"?from=2007-01-01&to=2026-12-31", nil); r.status != 200 {
			t.Errorf("%s over 20 years less a day: %d %.300s", path, r.status, r.body)
		}
	}
}
