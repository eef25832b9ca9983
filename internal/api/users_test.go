package api

import (
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
)

func TestUsersAPI(t *testing.T) {
	ta := newTestApp(t)
	officer := ta.users["officer"].ID.Hex()
	admin := ta.users["admin"].ID.Hex()
	ta.run(t, []scenario{
		{name: "list", as: "admin", method: "GET", path: "/api/v1/users?limit=3", status: 200,
			want: map[string]any{"items.0.email": "admin@alianza.test", "next_cursor": present}},
		{name: "create duplicate", as: "admin", method: "POST", path: "/api/v1/users", status: 409,
			body: map[string]any{"email": "Officer@alianza.test", "name": "Rosa", "role": "officer", "regions": []string{"08"}, "password": "una clave larga de verdad"}},
		{name: "create invalid", as: "admin", method: "POST", path: "/api/v1/users", status: 422,
			body: map[string]any{"email": "not-an-email", "name": "", "role": "boss", "regions": []string{"99"}, "password": "short"},
			want: map[string]any{"errors.0.field": "email", "errors.1.field": "name", "errors.2.field": "role", "errors.3.field": "regions[0]", "errors.4.field": "password"}},
		{name: "all with codes", as: "admin", method: "POST", path: "/api/v1/users", status: 422,
			body: map[string]any{"email": "x@ong.pe", "name": "X", "role": "viewer", "regions": []string{"all", "08"}, "password": "una clave larga de verdad"}},
		{name: "unknown field", as: "admin", method: "POST", path: "/api/v1/users", status: 400, body: map[string]any{"emial": "x"}},
		{name: "bad json", as: "admin", method: "POST", path: "/api/v1/users", status: 400, body: "{not json"},
		{name: "get", as: "admin", method: "GET", path: "/api/v1/users/" + officer, status: 200, want: map[string]any{"role": "officer"}},
		{name: "get missing", as: "admin", method: "GET", path: "/api/v1/users/0123456789abcdef01234567", status: 404},
		{name: "get bad id", as: "admin", method: "GET", path: "/api/v1/users/xyz", status: 404},
		{name: "patch short password", as: "admin", method: "PATCH", path: "/api/v1/users/" + officer, status: 422,
			body: map[string]any{"password": "corta"}},
		{name: "cannot demote self", as: "admin", method: "PATCH", path: "/api/v1/users/" + admin, status: 422,
			body: map[string]any{"role": "viewer"}},
		{name: "manager cannot list users", as: "manager", method: "GET", path: "/api/v1/users", status: 403},
	})
	ta.steps(t, []scenario{
		{name: "create", as: "admin", method: "POST", path: "/api/v1/users", status: 201,
			body: map[string]any{"email": " Rosa@Ong.PE ", "name": "Rosa Quispe", "role": "officer", "regions": []string{"08", "17"}, "password": "una clave larga de verdad"},
			want: map[string]any{"email": "rosa@ong.pe", "regions": []string{"08", "17"}, "role": "officer"}},
		{name: "patch role and regions", as: "admin", method: "PATCH", path: "/api/v1/users/" + officer, status: 200,
			body: map[string]any{"role": "manager", "regions": []string{"16"}, "version": 1},
			want: map[string]any{"role": "manager", "regions": []string{"16"}, "version": 2}},
		{name: "patch stale version", as: "admin", method: "PATCH", path: "/api/v1/users/" + officer, status: 409,
			body: map[string]any{"name": "Otro", "version": 1}},
	})
}

func TestPasswordResetAndDisable(t *testing.T) {
	ta := newTestApp(t)
	id := ta.users["officer"].ID.Hex()
	tok := refreshCookieOf(t, login(ta, "officer@alianza.test", testPassword))
	if r := ta.do("admin", "PATCH", "/api/v1/users/"+id, map[string]any{"password": "nueva clave segura 2026"}); r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if r := login(ta, "officer@alianza.test", testPassword); r.status != 401 {
		t.Fatalf("old password still works: %d", r.status)
	}
	if r := login(ta, "officer@alianza.test", "nueva clave segura 2026"); r.status != 200 {
		t.Fatalf("new password: %d", r.status)
	}
	if r := ta.do("", "POST", "/api/v1/auth/refresh", nil, "Cookie", refreshCookie+"="+tok); r.status != 401 {
		t.Fatalf("session survived a password reset: %d", r.status)
	}
	if r := ta.do("admin", "PATCH", "/api/v1/users/"+id, map[string]any{"disabled": true}); r.status != 200 {
		t.Fatalf("disable: %d", r.status)
	}
	if r := login(ta, "officer@alianza.test", "nueva clave segura 2026"); r.status != 401 {
		t.Fatalf("disabled user signed in: %d", r.status)
	}
	if r := ta.do("officer", "GET", "/api/v1/me", nil); r.status != 401 {
		t.Fatalf("disabled user's token accepted: %d", r.status)
	}
}

func TestAuditAPI(t *testing.T) {
	ta := newTestApp(t)
	id := ta.users["viewer"].ID.Hex()
	ta.do("admin", "PATCH", "/api/v1/users/"+id, map[string]any{"name": "Visor"})
	ta.run(t, []scenario{
		{name: "by entity", as: "admin", method: "GET", path: "/api/v1/audit?entity=user&entity_id=" + id, status: 200,
			want: map[string]any{"items.0.action": "update", "items.0.actor_email": "admin@alianza.test",
				"items.0.changes.0.field": "name", "items.0.changes.0.old": "viewer", "items.0.changes.0.new": "Visor", "items.1.action": "create"}},
		{name: "bad actor id", as: "admin", method: "GET", path: "/api/v1/audit?actor_id=zz", status: 422},
		{name: "bad date", as: "admin", method: "GET", path: "/api/v1/audit?from=yesterday", status: 422},
		{name: "no update route", as: "admin", method: "DELETE", path: "/api/v1/audit", status: 404},
		{name: "not for managers", as: "manager", method: "GET", path: "/api/v1/audit", status: 403},
	})
}

// An admin of some regions reads only their regions' history: a deleted
// Lima record must not come back through its audit entry.
func TestAuditScopedToRegions(t *testing.T) {
	ta := newTestApp(t)
	addRegionalAdmin(t, ta)
	for _, r := range []string{"08", "15"} {
		if res := ta.do("admin", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Persona " + r, "regions": []string{r}}); res.status != 201 {
			t.Fatalf("create in %s: %d %s", r, res.status, res.body)
		}
	}
	var got list[model.AuditEntry]
	ta.do("cusco_admin", "GET", "/api/v1/audit?entity=stakeholder", nil).decode(t, &got)
	if len(got.Items) != 1 || len(got.Items[0].Regions) != 1 || got.Items[0].Regions[0] != "08" {
		t.Fatalf("a Cusco admin read %+v, want only the Cusco entry", got.Items)
	}
	ta.do("admin", "GET", "/api/v1/audit?entity=stakeholder", nil).decode(t, &got)
	if len(got.Items) != 2 {
		t.Fatalf("an admin of every region read %d entries, want 2", len(got.Items))
	}
}
