package api

import (
	"bytes"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/demo"
	ics "github.com/arran4/golang-ical"
)

// TestCalendarFeedForCalendarApps: what calendar apps that poll a feed need:
// CRLF line ends (RFC 5545), HEAD like GET, an ETag answered with 304 on
// If-None-Match while nothing changed, and the user's optional reminder.
func TestCalendarFeedForCalendarApps(t *testing.T) {
	ta := newReportApp(t)
	rosa := demo.ID("leg-rosa-quispe").Hex()
	r := ta.do("cusco_officer", "POST", "/api/v1/meetings", map[string]any{
		"starts_at": "2026-11-20T15:00:00Z", "duration_min": 60, "kind": "in_person", "region": "08",
		"summary": "Revisión", "participants": []map[string]any{{"stakeholder_id": rosa}}})
	if r.status != 201 {
		t.Fatalf("meeting: %d %s", r.status, r.body)
	}
	meetingID := loretoID(t, r)
	if r := ta.do("cusco_officer", "PATCH", "/api/v1/me", map[string]any{"calendar_alarm_min": 30}); r.status != 200 || r.json(t)["calendar_alarm_min"] != 30.0 {
		t.Fatalf("alarm preference: %d %s", r.status, r.body)
	}
	var link calendarLink
	ta.do("cusco_officer", "POST", "/api/v1/me/calendar", nil).decode(t, &link)
	path := strings.TrimPrefix(link.URL, "http://example.com")

	get := ta.do("", "GET", path, nil)
	body := string(get.body)
	if strings.Count(body, "\n") != strings.Count(body, "\r\n") || !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
		t.Fatalf("lines must end in CRLF:\n%q", body)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(get.body))
	if err != nil {
		t.Fatal(err)
	}
	var alarms []*ics.VAlarm
	for _, e := range cal.Events() {
		if e.Id() == "meeting-"+meetingID+"@alianza" {
			alarms = e.Alarms()
		} else if strings.HasPrefix(e.Id(), "meeting-") && len(e.Alarms()) != 1 {
			t.Errorf("%s has %d alarms", e.Id(), len(e.Alarms()))
		} else if !strings.HasPrefix(e.Id(), "meeting-") && len(e.Alarms()) != 0 {
			t.Errorf("all-day %s has an alarm", e.Id())
		}
	}
	if len(alarms) != 1 || alarms[0].GetProperty(ics.ComponentPropertyTrigger).Value != "-PT30M" ||
		alarms[0].GetProperty(ics.ComponentPropertyAction).Value != "DISPLAY" || alarms[0].GetProperty(ics.ComponentPropertyDescription) == nil {
		t.Fatalf("meeting alarm: %v\n%s", alarms, body)
	}

	etag := get.header.Get("ETag")
	if !strings.HasPrefix(etag, `W/"`) {
		t.Fatalf("ETag %q", etag)
	}
	opaque := strings.TrimPrefix(etag, "W/")
	cases := []struct {
		name, method, ifNoneMatch string
		status                    int
		body                      bool
	}{
		{"GET again: the same text", "GET", "", 200, true},
		{"HEAD like GET, without the body", "HEAD", "", 200, false},
		{"If-None-Match with the ETag", "GET", etag, 304, false},
		{"If-None-Match without W/", "GET", opaque, 304, false},
		{"If-None-Match in a list", "GET", `"other", ` + etag, 304, false},
		{"HEAD with If-None-Match", "HEAD", etag, 304, false},
		{"If-None-Match with another tag", "GET", `"other"`, 200, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var h []string
			if tc.ifNoneMatch != "" {
				h = []string{"If-None-Match", tc.ifNoneMatch}
			}
			r := ta.do("", tc.method, path, nil, h...)
			if r.status != tc.status || r.header.Get("ETag") != etag {
				t.Fatalf("status %d ETag %q, want %d %q", r.status, r.header.Get("ETag"), tc.status, etag)
			}
			if tc.body != (len(r.body) > 0) || (tc.body && string(r.body) != body) {
				t.Fatalf("body: %d bytes", len(r.body))
			}
			if tc.status == 200 && !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") {
				t.Fatalf("Content-Type %q", r.header.Get("Content-Type"))
			}
		})
	}

	// A change to the feed's contents changes the ETag: the next poll gets it.
	if r := ta.do("cusco_officer", "PATCH", "/api/v1/me", map[string]any{"calendar_alarm_min": 0}); r.status != 200 {
		t.Fatalf("alarm off: %d %s", r.status, r.body)
	}
	after := ta.do("", "GET", path, nil, "If-None-Match", etag)
	if after.status != 200 || after.header.Get("ETag") == etag || strings.Contains(string(after.body), "BEGIN:VALARM") {
		t.Fatalf("after turning the alarm off: %d %q", after.status, after.header.Get("ETag"))
	}
	// A wrong link stays a 404 for HEAD too.
	if r := ta.do("", "HEAD", "/api/v1/calendar/nope.ics", nil); r.status != 404 {
		t.Fatalf("HEAD of a wrong link: %d", r.status)
	}
	ta.run(t, []scenario{
		{name: "a negative alarm", as: "cusco_officer", method: "PATCH", path: "/api/v1/me", body: map[string]any{"calendar_alarm_min": -5}, status: 422,
			want: map[string]any{"errors.0.field": "calendar_alarm_min", "errors.0.code": "out_of_range"}},
		{name: "an alarm over a week", as: "cusco_officer", method: "PATCH", path: "/api/v1/me", body: map[string]any{"calendar_alarm_min": 20000}, status: 422},
	})
}
