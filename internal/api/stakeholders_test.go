package api

import (
	"context"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// shFixture is a small set of stakeholders in several regions.
type shFixture struct {
	cusco, cuscoOfficers, loreto, nac *model.Stakeholder
}

// seedStakeholders creates the fixture: Cusco records owned by the
// all-regions officer and by cusco_officer, one in Loreto, one national.
func seedStakeholders(t *testing.T, ta *testApp) shFixture {
	t.Helper()
	mk := func(owner string, in model.StakeholderInput) *model.Stakeholder {
		t.Helper()
		in.OwnerID = ta.users[owner].ID
		st, err := insertStakeholder(context.Background(), ta.store, model.SystemActor, in)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	return shFixture{
		cusco: mk("officer", model.StakeholderInput{Kind: "person", Name: "Rosa Quispe", Emails: []string{"rosa@ong.pe"}, Regions: []string{"08"}, Tags: []string{"salud"}}),
		cuscoOfficers: mk("cusco_officer", model.StakeholderInput{Kind: "institution", Name: "Gobierno Regional del Cusco",
			Regions: []string{"08"}, Notes: "Sede en Perú"}),
		loreto: mk("manager", model.StakeholderInput{Kind: "person", Name: "Carla Ríos", Regions: []string{"16"}, Tags: []string{"salud"}}),
		nac: mk("manager", model.StakeholderInput{Kind: "legislator", Name: "Congresista Nacional", Regions: []string{"NAC"},
			Legislator: &model.Legislator{Chamber: "congress", Party: "Partido Azul"}}),
	}
}

func listNames(t *testing.T, ta *testApp, as, path string) string {
	t.Helper()
	r := ta.do(as, "GET", path, nil)
	if r.status != 200 {
		t.Fatalf("GET %s as %s: %d %s", path, as, r.status, r.body)
	}
	var l struct{ Items []model.Stakeholder }
	r.decode(t, &l)
	var names []string
	for _, x := range l.Items {
		names = append(names, x.Name)
	}
	return strings.Join(names, "|")
}

func TestStakeholdersListScopeAndFilters(t *testing.T) {
	ta := newTestApp(t)
	seedStakeholders(t, ta)
	tests := []struct{ as, path, want string }{
		{"viewer", "/api/v1/stakeholders", "Carla Ríos|Congresista Nacional|Gobierno Regional del Cusco|Rosa Quispe"},
		{"cusco_officer", "/api/v1/stakeholders", "Gobierno Regional del Cusco|Rosa Quispe"},
		{"loreto_viewer", "/api/v1/stakeholders", "Carla Ríos"},
		{"loreto_viewer", "/api/v1/stakeholders?region=08", ""},
		{"loreto_viewer", "/api/v1/stakeholders?q=cusco", ""},
		{"loreto_viewer", "/api/v1/stakeholders?tag=SALUD", "Carla Ríos"},
		{"viewer", "/api/v1/stakeholders?region=8", "Gobierno Regional del Cusco|Rosa Quispe"},
		{"viewer", "/api/v1/stakeholders?kind=legislator", "Congresista Nacional"},
		{"viewer", "/api/v1/stakeholders?q=peru", "Gobierno Regional del Cusco"},
		{"viewer", "/api/v1/stakeholders?q=azul", "Congresista Nacional"},
		{"viewer", "/api/v1/stakeholders?stance=unknown&tag=salud&region=08", "Rosa Quispe"},
		{"viewer", "/api/v1/stakeholders?owner_id=" + ta.users["cusco_officer"].ID.Hex(), "Gobierno Regional del Cusco"},
		{"viewer", "/api/v1/stakeholders?archived=true", ""},
	}
	for _, tt := range tests {
		if got := listNames(t, ta, tt.as, tt.path); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.as, tt.path, got, tt.want)
		}
	}
	ta.run(t, []scenario{
		{name: "paged", as: "viewer", method: "GET", path: "/api/v1/stakeholders?limit=3", status: 200,
			want: map[string]any{"items.2.name": "Gobierno Regional del Cusco", "next_cursor": present}},
		{name: "bad kind", as: "viewer", method: "GET", path: "/api/v1/stakeholders?kind=alien", status: 422, want: map[string]any{"errors.0.field": "kind"}},
		{name: "bad region", as: "viewer", method: "GET", path: "/api/v1/stakeholders?region=99", status: 422, want: map[string]any{"errors.0.field": "region"}},
		{name: "bad owner", as: "viewer", method: "GET", path: "/api/v1/stakeholders?owner_id=x", status: 422},
		{name: "bad archived", as: "viewer", method: "GET", path: "/api/v1/stakeholders?archived=maybe", status: 422},
		{name: "bad cursor", as: "viewer", method: "GET", path: "/api/v1/stakeholders?cursor=%%%", status: 400},
		{name: "anonymous", method: "GET", path: "/api/v1/stakeholders", status: 401},
	})
}

func TestStakeholdersCSVExport(t *testing.T) {
	ta := newTestApp(t)
	seedStakeholders(t, ta)
	r := ta.do("loreto_viewer", "GET", "/api/v1/stakeholders?format=csv&lang=es", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", r.status, r.header.Get("Content-Type"))
	}
	body := string(r.body)
	if !strings.HasPrefix(body, "\uFEFFID,Tipo,Nombre,Correos,Teléfonos,Regiones,Etiquetas,Postura") {
		t.Fatalf("no BOM or Spanish header: %.120q", body)
	}
	if !strings.Contains(body, "Carla Ríos") || !strings.Contains(body, "Loreto") || !strings.Contains(body, "manager@alianza.test") {
		t.Fatalf("missing the Loreto record: %s", body)
	}
	if strings.Contains(body, "Rosa") || strings.Contains(body, "Congresista") || strings.Count(body, "\n") != 2 {
		t.Fatalf("exported records outside the region: %s", body)
	}
	r = ta.do("viewer", "GET", "/api/v1/stakeholders?format=csv&limit=1", nil)
	if !strings.HasPrefix(string(r.body), "\uFEFFid,kind,name") || strings.Count(string(r.body), "\n") != 5 {
		t.Fatalf("English export of everything: %s", r.body)
	}
}

func TestStakeholdersCRUD(t *testing.T) {
	ta, f := appWith(t, newTestApp, seedStakeholders)
	cusco, own, loreto := "/api/v1/stakeholders/"+f.cusco.ID.Hex(), "/api/v1/stakeholders/"+f.cuscoOfficers.ID.Hex(), "/api/v1/stakeholders/"+f.loreto.ID.Hex()
	missing := "/api/v1/stakeholders/" + bson.NewObjectID().Hex()
	valid := map[string]any{"kind": "legislator", "name": " Ana  Flores ", "emails": []string{"Ana@Congreso.gob.pe", "ana@congreso.gob.pe"},
		"phones": []string{" 01 311 7777 "}, "regions": []string{"08", "NAC"}, "tags": []string{" Mujer ", "mujer"},
		"legislator": map[string]any{"chamber": "senate", "period": "2026-2031", "party": "Perú Libre", "electoral_district": "08", "committees": []string{"Mujer"}}}
	// Refusals and reads of the seeded records: each stands alone.
	ta.run(t, []scenario{
		{name: "create invalid", as: "officer", method: "POST", path: "/api/v1/stakeholders", status: 422,
			body: map[string]any{"kind": "legislator", "name": "", "emails": []string{"nope"}, "regions": []string{}, "stance": "x"},
			want: map[string]any{"errors.0.field": "name", "errors.1.field": "emails[0]", "errors.2.field": "regions", "errors.3.field": "stance", "errors.4.field": "legislator.chamber"}},
		{name: "committee with unknown member", as: "manager", method: "POST", path: "/api/v1/stakeholders", status: 422,
			body: map[string]any{"kind": "oversight_committee", "name": "Comité", "regions": []string{"08"}, "committee": map[string]any{"region": "08", "member_ids": []string{bson.NewObjectID().Hex()}}},
			want: map[string]any{"errors.0.field": "committee.member_ids[0]"}},
		{name: "committee with member in another region", as: "cusco_manager", method: "POST", path: "/api/v1/stakeholders", status: 422,
			body: map[string]any{"kind": "oversight_committee", "name": "Comité", "regions": []string{"08"}, "committee": map[string]any{"region": "08", "member_ids": []string{f.loreto.ID.Hex()}}}},
		{name: "create out of region", as: "cusco_officer", method: "POST", path: "/api/v1/stakeholders", status: 422,
			body: map[string]any{"kind": "person", "name": "X", "regions": []string{"16"}}, want: map[string]any{"errors.0.field": "regions[0]"}},
		{name: "create unknown field", as: "officer", method: "POST", path: "/api/v1/stakeholders", body: map[string]any{"nmae": "x"}, status: 400},
		{name: "create as viewer", as: "viewer", method: "POST", path: "/api/v1/stakeholders", body: valid, status: 403},
		{name: "get", as: "loreto_viewer", method: "GET", path: loreto, status: 200, want: map[string]any{"name": "Carla Ríos", "regions": []string{"16"}}},
		{name: "get out of region", as: "loreto_viewer", method: "GET", path: cusco, status: 404},
		{name: "get NAC without grant", as: "cusco_officer", method: "GET", path: "/api/v1/stakeholders/" + f.nac.ID.Hex(), status: 404},
		{name: "get missing", as: "admin", method: "GET", path: missing, status: 404},
		{name: "get bad id", as: "admin", method: "GET", path: "/api/v1/stakeholders/nope", status: 404},
		{name: "patch others' as officer", as: "cusco_officer", method: "PATCH", path: cusco, status: 403, body: map[string]any{"stance": "neutral", "version": 1}},
		{name: "patch without version", as: "cusco_manager", method: "PATCH", path: cusco, status: 422, body: map[string]any{"influence": "low"},
			want: map[string]any{"errors.0.field": "version"}},
		{name: "patch invalid", as: "cusco_manager", method: "PATCH", path: cusco, status: 422, body: map[string]any{"emails": []string{"bad"}, "version": 1}},
		{name: "patch out of region", as: "loreto_manager", method: "PATCH", path: cusco, status: 404, body: map[string]any{"version": 2}},
		{name: "patch into another region", as: "cusco_manager", method: "PATCH", path: cusco, status: 422, body: map[string]any{"regions": []string{"16"}, "version": 1}},
		{name: "patch as viewer", as: "viewer", method: "PATCH", path: cusco, status: 403, body: map[string]any{"version": 2}},
		{name: "patch missing", as: "officer", method: "PATCH", path: missing, status: 404, body: map[string]any{"version": 1}},
		{name: "delete as officer", as: "officer", method: "DELETE", path: loreto, status: 403},
		{name: "delete out of region", as: "cusco_manager", method: "DELETE", path: loreto, status: 404},
		{name: "delete missing", as: "manager", method: "DELETE", path: missing, status: 404},
	})
	// The story of the records this test changes.
	ta.steps(t, []scenario{
		{name: "create", as: "officer", method: "POST", path: "/api/v1/stakeholders", body: valid, status: 201,
			want: map[string]any{"name": "Ana Flores", "emails": []string{"ana@congreso.gob.pe"}, "phones": []string{"01 311 7777"}, "tags": []string{"mujer"},
				"stance": "unknown", "influence": "medium", "owner_id": ta.users["officer"].ID.Hex(), "version": float64(1),
				"legislator.chamber": "senate", "relationships": []any{}, "archived": false}},
		{name: "committee", as: "cusco_manager", method: "POST", path: "/api/v1/stakeholders", status: 201,
			body: map[string]any{"kind": "oversight_committee", "name": "Comité de Vigilancia Cusco", "regions": []string{"08"},
				"committee": map[string]any{"region": "08", "coordinator_id": f.cusco.ID.Hex(), "member_ids": []string{f.cusco.ID.Hex(), f.cuscoOfficers.ID.Hex()}}},
			want: map[string]any{"committee.coordinator_id": f.cusco.ID.Hex(), "committee.member_ids.1": f.cuscoOfficers.ID.Hex()}},
		{name: "patch own as officer", as: "cusco_officer", method: "PATCH", path: own, status: 200,
			body: map[string]any{"stance": "supporter", "tags": []string{"Agua"}, "version": 1}, want: map[string]any{"stance": "supporter", "tags": []string{"agua"}, "version": float64(2)}},
		{name: "patch in region as manager", as: "cusco_manager", method: "PATCH", path: cusco, status: 200,
			body: map[string]any{"influence": "high", "version": 1}, want: map[string]any{"influence": "high", "version": float64(2)}},
		{name: "patch stale", as: "cusco_manager", method: "PATCH", path: cusco, status: 409, body: map[string]any{"influence": "low", "version": 1}},
		{name: "delete", as: "loreto_manager", method: "DELETE", path: loreto, status: 200, want: map[string]any{"deleted": true, "archived": false}},
		{name: "gone", as: "admin", method: "GET", path: loreto, status: 404},
	})

	// Audit trail of the officer's change: the create, then their update.
	entries, _, err := ta.store.ListAudit(context.Background(), store.AuditFilter{Scope: model.Scope{All: true}, Entity: "stakeholder", EntityID: f.cuscoOfficers.ID.Hex()}, store.Page{})
	if err != nil || len(entries) != 2 || entries[0].ActorEmail != "cusco_officer@alianza.test" || entries[0].Action != model.ActionUpdate {
		t.Fatalf("audit: %v %+v", err, entries)
	}
}

func TestStakeholderDeleteArchivesWhenReferenced(t *testing.T) {
	ta, f := appWith(t, newTestApp, seedStakeholders)
	ctx := context.Background()
	if err := ta.store.InsertMeetings(ctx, []model.Meeting{{ID: bson.NewObjectID(), Region: "08", StakeholderIDs: []bson.ObjectID{f.cusco.ID}}}); err != nil {
		t.Fatal(err)
	}
	if err := ta.store.InsertCommitments(ctx, []model.Commitment{{ID: bson.NewObjectID(), Region: "NAC", StakeholderID: f.nac.ID}}); err != nil {
		t.Fatal(err)
	}
	cusco, nac := "/api/v1/stakeholders/"+f.cusco.ID.Hex(), "/api/v1/stakeholders/"+f.nac.ID.Hex()
	ta.steps(t, []scenario{
		{name: "with meetings", as: "cusco_manager", method: "DELETE", path: cusco, status: 200, want: map[string]any{"archived": true, "deleted": false}},
		{name: "still readable", as: "viewer", method: "GET", path: cusco, status: 200, want: map[string]any{"archived": true, "version": float64(2)}},
		{name: "with commitments", as: "admin", method: "DELETE", path: nac, status: 200, want: map[string]any{"archived": true}},
		{name: "unarchive", as: "manager", method: "PATCH", path: nac, status: 200, body: map[string]any{"archived": false, "version": 2}, want: map[string]any{"archived": false}},
	})
	if got := listNames(t, ta, "viewer", "/api/v1/stakeholders?archived=true"); got != "Rosa Quispe" {
		t.Fatalf("archived list: %q", got)
	}
}

func TestStakeholderRelationshipsBothSides(t *testing.T) {
	ta, f := appWith(t, newTestApp, seedStakeholders)
	cusco, nac := "/api/v1/stakeholders/"+f.cusco.ID.Hex(), "/api/v1/stakeholders/"+f.nac.ID.Hex()
	rel := map[string]any{"stakeholder_id": f.nac.ID.Hex(), "kind": "advises", "role": "Asesora de prensa", "since": "2025-03-01"}
	ta.steps(t, []scenario{
		{name: "add", as: "officer", method: "POST", path: cusco + "/relationships", body: rel, status: 201,
			want: map[string]any{"relationships.0.stakeholder_id": f.nac.ID.Hex(), "relationships.0.stakeholder_name": "Congresista Nacional",
				"relationships.0.direction": "out", "relationships.0.kind": "advises", "version": float64(2)}},
		{name: "other side", as: "viewer", method: "GET", path: nac, status: 200,
			want: map[string]any{"relationships.0.stakeholder_id": f.cusco.ID.Hex(), "relationships.0.stakeholder_name": "Rosa Quispe",
				"relationships.0.direction": "in", "relationships.0.role": "Asesora de prensa"}},
		{name: "loreto also points to it", as: "manager", method: "POST", path: "/api/v1/stakeholders/" + f.loreto.ID.Hex() + "/relationships", status: 201,
			body: map[string]any{"stakeholder_id": f.nac.ID.Hex(), "kind": "works_for"}},
		{name: "both in for all regions", as: "viewer", method: "GET", path: nac, status: 200,
			want: map[string]any{"relationships.1.stakeholder_name": "Rosa Quispe", "relationships.0.stakeholder_name": "Carla Ríos"}},
		{name: "invisible target", as: "cusco_officer", method: "POST", path: "/api/v1/stakeholders/" + f.cuscoOfficers.ID.Hex() + "/relationships", status: 422,
			body: map[string]any{"stakeholder_id": f.loreto.ID.Hex(), "kind": "advises"}, want: map[string]any{"errors.0.field": "stakeholder_id"}},
		{name: "invalid", as: "officer", method: "POST", path: cusco + "/relationships", status: 422,
			body: map[string]any{"stakeholder_id": f.cusco.ID.Hex(), "kind": "x", "since": "2025-05-01", "until": "2025-01-01"}},
		{name: "not owner", as: "cusco_officer", method: "POST", path: cusco + "/relationships", body: rel, status: 403},
		{name: "viewer", as: "viewer", method: "POST", path: cusco + "/relationships", body: rel, status: 403},
		{name: "out of region", as: "loreto_manager", method: "POST", path: cusco + "/relationships", body: rel, status: 404},
		{name: "remove as not owner", as: "cusco_officer", method: "DELETE", path: cusco + "/relationships/" + f.nac.ID.Hex(), status: 403},
		{name: "remove", as: "officer", method: "DELETE", path: cusco + "/relationships/" + f.nac.ID.Hex(), status: 200, want: map[string]any{"relationships": []any{}}},
		{name: "remove again", as: "officer", method: "DELETE", path: cusco + "/relationships/" + f.nac.ID.Hex(), status: 404},
		{name: "other side now", as: "viewer", method: "GET", path: nac, status: 200,
			want: map[string]any{"relationships.0.stakeholder_name": "Carla Ríos", "relationships.0.direction": "in"}},
	})
	// A user with NAC but not Loreto does not see the Loreto side.
	r := ta.do("admin", "POST", "/api/v1/users", map[string]any{"email": "nac@alianza.test", "name": "Nac", "role": "viewer", "regions": []string{"NAC"}, "password": testPassword})
	if r.status != 201 {
		t.Fatalf("create user: %d %s", r.status, r.body)
	}
	var u userView
	r.decode(t, &u)
	nacUser, err := ta.store.UserByID(context.Background(), mustID(t, u.ID))
	if err != nil {
		t.Fatal(err)
	}
	ta.users["nac_viewer"] = nacUser
	var v stakeholderView
	ta.do("nac_viewer", "GET", nac, nil).decode(t, &v)
	if len(v.Relationships) != 0 {
		t.Fatalf("NAC viewer sees relationships from other regions: %+v", v.Relationships)
	}
}

func mustID(t *testing.T, hex string) bson.ObjectID {
	t.Helper()
	id, err := bson.ObjectIDFromHex(hex)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// insertStakeholder stores in as given, owned by actor unless it names an
// owner: how tests set up data without the workflow's rules.
func insertStakeholder(ctx context.Context, s *store.Store, actor model.Actor, in model.StakeholderInput) (*model.Stakeholder, error) {
	st := in.Stakeholder()
	if st.OwnerID.IsZero() {
		st.OwnerID = actor.ID
	}
	return &st, s.InsertStakeholder(ctx, actor, &st)
}

// addRelationship stores the relationship in on st as given.
func addRelationship(ctx context.Context, s *store.Store, actor model.Actor, st *model.Stakeholder, in model.RelationshipInput) (*model.Stakeholder, error) {
	cur := *st
	cur.Relationships = append(append([]model.Relationship{}, st.Relationships...), in.Relationship())
	return s.ReplaceStakeholder(ctx, actor, st, &cur)
}
