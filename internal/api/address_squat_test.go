package api

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// Address squatting (issue 20, point 5): a Loreto officer puts an address
// nobody held on a Loreto contact; the Cusco manager may not add it to
// theirs, and the refusal says who can resolve it; an admin of both regions
// adds it to the Cusco contact too, and the mail of that address then files
// under both regions.
func TestClaimedAddressResolvedByAdminOfBothRegions(t *testing.T) {
	ta := mailApp(t)
	ctx := context.Background()
	hash := testPasswordHash(t)
	for key, u := range map[string]model.NewUser{
		"loreto_officer": {Role: model.RoleOfficer, Regions: []string{"16"}},
		"both_admin":     {Role: model.RoleAdmin, Regions: []string{"08", "16"}},
	} {
		u.Email, u.Name = key+"@alianza.test", key
		created, err := ta.store.CreateUser(ctx, model.SystemActor, u, hash)
		if err != nil {
			t.Fatal(err)
		}
		ta.users[key] = created
	}
	const addr = "lucia.tupa@example.pe"
	r := ta.do("loreto_officer", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Lucía Tupa", "regions": []string{"16"}, "emails": []string{addr}})
	if r.status != 201 {
		t.Fatalf("Loreto contact: %d %s", r.status, r.body)
	}
	r = ta.do("cusco_manager", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Lucía Tupa (Cusco)", "regions": []string{"08"}})
	if r.status != 201 {
		t.Fatalf("Cusco contact: %d %s", r.status, r.body)
	}
	cusco, _ := r.json(t)["id"].(string)
	msg := mkMessage(9, addr, []string{"equipo@alianza.org.pe"}, "Coordinación Cusco", ta.store.Now())
	if _, err := ta.store.SaveMessages(ctx, []model.IncomingMessage{msg}, workflow.MatchMail(ta.store)); err != nil {
		t.Fatal(err)
	}
	msgPath := "/api/v1/messages/" + msg.Message.ID.Hex()
	ta.steps(t, []scenario{
		{name: "the Cusco manager is refused, and told who can resolve it", as: "cusco_manager", method: "PATCH", path: "/api/v1/stakeholders/" + cusco,
			body: map[string]any{"emails": []string{addr}, "version": 1}, status: 422,
			want: map[string]any{"errors.0.field": "emails[0]", "errors.0.code": "address_out_of_scope",
				"errors.0.message": "Pertenece a un actor de otra región; un administrador de ambas regiones, o de todas, puede añadirla a los dos actores."}},
		{name: "the Cusco manager does not see the Loreto mail", as: "cusco_manager", method: "GET", path: msgPath, status: 404},
		{name: "an admin of both regions adds it", as: "both_admin", method: "PATCH", path: "/api/v1/stakeholders/" + cusco,
			body: map[string]any{"emails": []string{addr}, "version": 1}, status: 200},
		{name: "the Cusco manager reads it now", as: "cusco_manager", method: "GET", path: msgPath, status: 200, want: map[string]any{"regions": []string{"08"}}},
		{name: "the mail files under both regions", as: "admin", method: "GET", path: msgPath, status: 200,
			want: map[string]any{"regions": []string{"08", "16"}}},
	})
	held, err := ta.store.StakeholdersByEmail(ctx, []string{addr})
	if err != nil || len(held[addr]) != 2 {
		t.Fatalf("holders of %s: %v %v", addr, held[addr], err)
	}
	var regions []string
	for _, st := range held[addr] {
		regions = append(regions, st.Regions...)
	}
	slices.Sort(regions)
	if strings.Join(regions, ",") != "08,16" {
		t.Fatalf("holders' regions %v", regions)
	}
}
