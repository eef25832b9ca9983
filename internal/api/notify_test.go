package api

import (
	"testing"

	"github.com/alianza-pe/alianza/internal/demo"
)

func TestNotificationsAndSettings(t *testing.T) {
	ta := newReportApp(t) // demo data; today is 2026-11-27 in Lima
	rosa := demo.ID("leg-rosa-quispe").Hex()
	var c struct {
		ID string `json:"id"`
	}
	r := ta.do("cusco_officer", "POST", "/api/v1/commitments", map[string]any{
		"stakeholder_id": rosa, "text": "Presentar el pedido de información", "type": "oversight", "region": "08", "due_on": "2026-11-27"})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r.decode(t, &c)
	ta.run(t, []scenario{
		{name: "digest is off by default", as: "cusco_officer", method: "GET", path: "/api/v1/me", status: 200,
			want: map[string]any{"digest": "off", "lang": "es", "calendar_feed": false, "email": present}},
	})
	ta.steps(t, []scenario{
		{name: "a digest without a mail server is refused, in the caller's language", as: "cusco_officer", method: "PATCH", path: "/api/v1/me", body: map[string]any{"digest": "daily"}, status: 422,
			want: map[string]any{"errors.0.field": "digest", "errors.0.code": "smtp_not_configured", "errors.0.message": "Este servidor no tiene configurado un servidor de correo, así que no puede enviarte resúmenes. Pídele a quien administra Alianza que lo configure."}},
		{name: "and nothing is kept", as: "cusco_officer", method: "GET", path: "/api/v1/me", status: 200, want: map[string]any{"digest": "off"}},
		{name: "turning it off needs no mail server", as: "cusco_officer", method: "PATCH", path: "/api/v1/me", body: map[string]any{"digest": "off"}, status: 200},
	})
	ta.app = ta.newApp(func(o *Options) { o.SMTPConfigured = true })
	ta.steps(t, []scenario{
		{name: "turn on a weekly digest in English", as: "cusco_officer", method: "PATCH", path: "/api/v1/me", body: map[string]any{"digest": "weekly", "lang": "en"}, status: 200,
			want: map[string]any{"digest": "weekly", "lang": "en", "role": "officer"}},
		{name: "settings kept", as: "cusco_officer", method: "GET", path: "/api/v1/me", status: 200, want: map[string]any{"digest": "weekly"}},
		{name: "unknown frequency", as: "viewer", method: "PATCH", path: "/api/v1/me", body: map[string]any{"digest": "hourly"}, status: 422,
			want: map[string]any{"errors.0.field": "digest"}},
		{name: "no role change through /me", as: "viewer", method: "PATCH", path: "/api/v1/me", body: map[string]any{"role": "admin"}, status: 400},
		{name: "due today", as: "cusco_officer", method: "GET", path: "/api/v1/notifications", status: 200,
			want: map[string]any{"items.0.kind": "due_today", "items.0.id": c.ID, "items.0.path": "/commitments/" + c.ID, "unread": 1}},
		{name: "the manager changes its status", as: "cusco_manager", method: "POST", path: "/api/v1/commitments/" + c.ID + "/status",
			body: map[string]any{"status": "in_progress"}, status: 200},
		{name: "the owner is told", as: "cusco_officer", method: "GET", path: "/api/v1/notifications", status: 200,
			want: map[string]any{"items.0.kind": "status_changed", "items.0.status": "in_progress", "items.0.by": present, "items.1.kind": "due_today", "unread": 2}},
		{name: "others' notifications are their own", as: "loreto_manager", method: "GET", path: "/api/v1/notifications", status: 200,
			want: map[string]any{"unread": 0}},
		{name: "seen", as: "cusco_officer", method: "POST", path: "/api/v1/notifications/seen", status: 204},
		{name: "nothing unread", as: "cusco_officer", method: "GET", path: "/api/v1/notifications", status: 200,
			want: map[string]any{"unread": 0, "items.1.kind": "due_today"}},
		{name: "admins see the digest passes", as: "admin", method: "GET", path: "/api/v1/admin/reminders", status: 200,
			want: map[string]any{"smtp_configured": true, "runs": []any{}, "failed": []any{}}},
		{name: "managers do not", as: "manager", method: "GET", path: "/api/v1/admin/reminders", status: 403},
		{name: "anonymous", as: "", method: "GET", path: "/api/v1/notifications", status: 401},
	})
}
