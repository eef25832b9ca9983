package api

import (
	"context"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
)

// A region-limited admin is limited (issue 20, point 1): the probes of the
// hostile review, as a Puno admin. The authorization matrix covers every
// route; this follows the review's own requests.
func TestRegionalAdminIsLimited(t *testing.T) {
	ta, f := appWith(t, mailApp, insertMail)
	puno, err := ta.store.CreateUser(context.Background(), model.SystemActor, model.NewUser{Email: "puno_admin@alianza.test", Name: "Puno admin",
		Role: model.RoleAdmin, Regions: []string{"21"}}, testPasswordHash(t))
	if err != nil {
		t.Fatal(err)
	}
	ta.users["puno_admin"] = puno
	self := "/api/v1/users/" + puno.ID.Hex()
	ta.steps(t, []scenario{
		{name: "no other region's mail", as: "puno_admin", method: "GET", path: "/api/v1/messages", status: 200, want: map[string]any{"items": []any{}}},
		{name: "no unmatched mail", as: "puno_admin", method: "GET", path: "/api/v1/messages?unmatched=true", status: 200, want: map[string]any{"items": []any{}}},
		{name: "no Loreto message body", as: "puno_admin", method: "GET", path: "/api/v1/messages/" + f.loreto.Message.ID.Hex(), status: 404},
		{name: "no failed mail", as: "puno_admin", method: "GET", path: "/api/v1/messages/" + f.failed.Message.ID.Hex(), status: 404},
		{name: "no every region for themself", as: "puno_admin", method: "PATCH", path: self, body: map[string]any{"regions": []string{"all"}},
			status: 422, want: map[string]any{"errors.0.field": "regions", "errors.0.code": "grant_beyond_own"}},
		{name: "no other region for themself", as: "puno_admin", method: "PATCH", path: self, body: map[string]any{"regions": []string{"21", "16"}}, status: 422},
		{name: "no admin of every region", as: "puno_admin", method: "POST", path: "/api/v1/users",
			body: map[string]any{"email": "x@alianza.test", "name": "X", "role": "admin", "regions": []string{"all"}, "password": "una clave bastante larga"}, status: 422},
		{name: "an admin of Puno", as: "puno_admin", method: "POST", path: "/api/v1/users",
			body: map[string]any{"email": "y@alianza.test", "name": "Y", "role": "admin", "regions": []string{"21"}, "password": "una clave bastante larga"}, status: 201},
		{name: "the admin of every region is not theirs", as: "puno_admin", method: "PATCH", path: "/api/v1/users/" + ta.users["admin"].ID.Hex(),
			body: map[string]any{"password": "otra clave bastante larga"}, status: 404},
		{name: "no mailboxes", as: "puno_admin", method: "GET", path: "/api/v1/mailboxes", status: 403},
		{name: "no export", as: "puno_admin", method: "GET", path: "/api/v1/admin/export", status: 403},
		{name: "no personal data", as: "puno_admin", method: "GET", path: "/api/v1/admin/stakeholders/" + f.rosa.ID.Hex() + "/personal-data", status: 403},
		{name: "the admin of every region may", as: "admin", method: "PATCH", path: self, body: map[string]any{"regions": []string{"21", "16"}}, status: 200},
	})
	// The users list shows only users who share a region, never those of every region.
	r := ta.do("puno_admin", "GET", "/api/v1/users", nil)
	if r.status != 200 || strings.Contains(string(r.body), `"all"`) || !strings.Contains(string(r.body), "y@alianza.test") {
		t.Fatalf("users: %d %s", r.status, r.body)
	}
	// The audit trail is theirs: no Cusco or Loreto entries, no users of every region.
	r = ta.do("puno_admin", "GET", "/api/v1/audit", nil)
	if r.status != 200 || strings.Contains(string(r.body), f.rosa.ID.Hex()) || strings.Contains(string(r.body), ta.users["admin"].ID.Hex()) {
		t.Fatalf("audit: %d %s", r.status, r.body)
	}
}
