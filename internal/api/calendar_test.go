package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/demo"
	ics "github.com/arran4/golang-ical"
)

func parseICS(t *testing.T, r resp) map[string]*ics.VEvent {
	t.Helper()
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("calendar: %d %s: %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, r.body)
	}
	out := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		out[e.Id()] = e
	}
	return out
}

func prop(e *ics.VEvent, p ics.ComponentProperty) string {
	if x := e.GetProperty(p); x != nil {
		return x.Value
	}
	return ""
}

func TestCalendarFeed(t *testing.T) {
	ta := newReportApp(t)
	officer := ta.users["cusco_officer"].ID.Hex()
	rosa := demo.ID("leg-rosa-quispe").Hex()
	var m struct {
		ID          string `json:"id"`
		Commitments []struct {
			ID string `json:"id"`
		} `json:"commitments"`
	}
	r := ta.do("cusco_officer", "POST", "/api/v1/meetings", map[string]any{
		"starts_at": "2026-11-20T15:00:00Z", "duration_min": 90, "kind": "in_person", "region": "08", "place": "Sede del GORE Cusco",
		"summary": "Revisión del presupuesto", "participants": []map[string]any{{"stakeholder_id": rosa}},
		"commitments": []map[string]any{{"stakeholder_id": rosa, "text": "Enviar el informe", "type": "oversight", "due_on": "2026-12-04"}}})
	if r.status != 201 {
		t.Fatalf("meeting: %d %s", r.status, r.body)
	}
	r.decode(t, &m)
	// A Loreto meeting with the Cusco officer as staff stays out of their feed: not in their regions.
	loreto := ta.do("admin", "POST", "/api/v1/meetings", map[string]any{
		"starts_at": "2026-11-21T15:00:00Z", "duration_min": 30, "kind": "call", "region": "16", "summary": "Llamada", "staff_ids": []string{officer},
		"participants": []map[string]any{{"stakeholder_id": demo.ID("com-loreto").Hex()}}})
	if loreto.status != 201 {
		t.Fatalf("loreto meeting: %d %s", loreto.status, loreto.body)
	}
	var link calendarLink
	r = ta.do("cusco_officer", "POST", "/api/v1/me/calendar", nil)
	if r.status != 201 {
		t.Fatalf("feed: %d %s", r.status, r.body)
	}
	r.decode(t, &link)
	path := strings.TrimPrefix(link.URL, "http://127.0.0.1")
	if !strings.HasPrefix(path, "/api/v1/calendar/") || !strings.HasSuffix(path, ".ics") {
		t.Fatalf("link %q", link.URL)
	}
	events := parseICS(t, ta.do("", "GET", path, nil))
	ev := events["meeting-"+m.ID+"@alianza"]
	if ev == nil {
		t.Fatalf("meeting missing: %v", keysOf(events))
	}
	if prop(ev, ics.ComponentPropertyDtStart) != "20261120T150000Z" || prop(ev, ics.ComponentPropertyDtEnd) != "20261120T163000Z" ||
		prop(ev, ics.ComponentPropertyLocation) != "Sede del GORE Cusco" || !strings.Contains(prop(ev, ics.ComponentPropertySummary), "Rosa") ||
		!strings.Contains(prop(ev, ics.ComponentPropertyDescription), "/meetings/"+m.ID) {
		t.Errorf("meeting event: %s", ev.Serialize(nil))
	}
	due := events["commitment-"+m.Commitments[0].ID+"@alianza"]
	if due == nil || prop(due, ics.ComponentPropertyDtStart) != "20261204" || prop(due, ics.ComponentPropertyDtEnd) != "20261205" {
		t.Fatalf("due date event: %v", keysOf(events))
	}
	for id := range events {
		if strings.Contains(id, loretoID(t, loreto)) {
			t.Errorf("Loreto meeting in a Cusco officer's feed: %s", id)
		}
	}
	ta.run(t, []scenario{
		{name: "the feed shows as on", as: "cusco_officer", method: "GET", path: "/api/v1/me", status: 200, want: map[string]any{"calendar_feed": true}},
		{name: "a wrong token", as: "", method: "GET", path: "/api/v1/calendar/abc.ics", status: 404},
		{name: "one meeting's event", as: "cusco_officer", method: "GET", path: "/api/v1/meetings/" + m.ID + "/calendar.ics", status: 200},
		{name: "out of region", as: "loreto_manager", method: "GET", path: "/api/v1/meetings/" + m.ID + "/calendar.ics", status: 404},
		{name: "needs a session", as: "", method: "GET", path: "/api/v1/meetings/" + m.ID + "/calendar.ics", status: 401},
	})
	one := parseICS(t, ta.do("cusco_officer", "GET", "/api/v1/meetings/"+m.ID+"/calendar.ics", nil))
	if len(one) != 1 || one["meeting-"+m.ID+"@alianza"] == nil {
		t.Fatalf("download: %v", keysOf(one))
	}

	// The secret link is never kept for an Idempotency-Key replay: the same
	// key twice renews twice.
	var urls []string
	for range 2 {
		r := ta.do("cusco_officer", "POST", "/api/v1/me/calendar", nil, "Idempotency-Key", "cal-1")
		var l calendarLink
		r.decode(t, &l)
		if r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("calendar with a key: %d replayed=%q", r.status, r.header.Get("Idempotent-Replayed"))
		}
		urls = append(urls, l.URL)
	}
	if urls[0] == urls[1] {
		t.Fatal("the second request with the same key got the stored secret link back")
	}

	// Renewing cuts the old link; revoking cuts the new one.
	var renewed calendarLink
	ta.do("cusco_officer", "POST", "/api/v1/me/calendar", nil).decode(t, &renewed)
	newPath := strings.TrimPrefix(renewed.URL, "http://127.0.0.1")
	if r := ta.do("", "GET", path, nil); r.status != 404 {
		t.Fatalf("old link after renewal: %d", r.status)
	}
	parseICS(t, ta.do("", "GET", newPath, nil))
	if r := ta.do("cusco_officer", "DELETE", "/api/v1/me/calendar", nil); r.status != 204 {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := ta.do("", "GET", newPath, nil); r.status != 404 {
		t.Fatalf("link after revoking: %d", r.status)
	}

	// The access log never holds the token.
	var buf bytes.Buffer
	app := ta.newApp(func(o *Options) { o.Log = slog.New(slog.NewTextHandler(&buf, nil)) })
	// The router ignores case: an upper-case path must not reach the log either.
	for _, p := range []string{newPath, strings.ToUpper(newPath)} {
		res, err := app.Test(httptest.NewRequest("GET", p, nil), int((10 * time.Second).Milliseconds()))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	token := strings.TrimSuffix(strings.TrimPrefix(newPath, "/api/v1/calendar/"), ".ics")
	if strings.Contains(strings.ToLower(buf.String()), strings.ToLower(token)) {
		t.Fatalf("log holds the token in some case: %s", buf.String())
	}
	if strings.Contains(buf.String(), token) || !strings.Contains(buf.String(), "/api/v1/calendar/{token}.ics") {
		t.Fatalf("log: %s", buf.String())
	}
}

func loretoID(t *testing.T, r resp) string {
	t.Helper()
	var m struct {
		ID string `json:"id"`
	}
	r.decode(t, &m)
	return m.ID
}

func keysOf(m map[string]*ics.VEvent) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Without ALIANZA_PUBLIC_URL a forged Host header never ends up in the
// feed link: only the listen address or a loopback name on its port is
// taken from the request (issue 20, point 10).
func TestCalendarLinkIgnoresForgedHost(t *testing.T) {
	ta := newTestApp(t)
	cases := []struct {
		public, listen, host, want string
	}{
		{"", "127.0.0.1:8080", "evil.example", "http://127.0.0.1:8080/api/v1/calendar/"},
		{"", "127.0.0.1:8080", "evil.example:8080", "http://127.0.0.1:8080/api/v1/calendar/"},
		{"", "127.0.0.1:8080", "localhost:9999", "http://127.0.0.1:8080/api/v1/calendar/"},
		{"", "127.0.0.1:8080", "localhost:8080", "http://localhost:8080/api/v1/calendar/"},
		{"", "127.0.0.1:8080", "[::1]:8080", "http://[::1]:8080/api/v1/calendar/"},
		{"", "0.0.0.0:8080", "evil.example:8080", "http://127.0.0.1:8080/api/v1/calendar/"},
		{"https://alianza.example.org/", "0.0.0.0:8080", "evil.example", "https://alianza.example.org/api/v1/calendar/"},
	}
	for _, c := range cases {
		app := ta.newApp(func(o *Options) { o.PublicURL, o.ListenAddr = c.public, c.listen })
		req := httptest.NewRequest("POST", "/api/v1/me/calendar", nil)
		req.Host = c.host
		req.Header.Set("Authorization", "Bearer "+ta.token("officer"))
		res, err := app.Test(req, 30000)
		if err != nil {
			t.Fatal(err)
		}
		var link calendarLink
		err = json.NewDecoder(res.Body).Decode(&link)
		res.Body.Close()
		if err != nil || res.StatusCode != 201 || !strings.HasPrefix(link.URL, c.want) {
			t.Errorf("listen %s, Host %s: %d %q, want %s...", c.listen, c.host, res.StatusCode, link.URL, c.want)
		}
	}
}
