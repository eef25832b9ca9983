package api

import (
	"context"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// recordFixtures are stakeholders in Cusco (08), Loreto (16) and national+Cusco.
type recordFixtures struct {
	cusco, loreto, nac model.Stakeholder
}

func insertStakeholders(t *testing.T, ta *testApp) recordFixtures {
	t.Helper()
	mk := func(name, kind string, regions ...string) model.Stakeholder {
		return model.Stakeholder{ID: bson.NewObjectID(), Kind: kind, Name: name, Regions: regions, Stance: "unknown", Influence: "medium"}
	}
	f := recordFixtures{
		cusco:  mk("Rosa Huamán", model.KindLegislator, "08"),
		loreto: mk("Asociación Amazónica", model.KindOrganization, "16"),
		nac:    mk("Fiscalía de la Nación", model.KindInstitution, "NAC", "08"),
	}
	if err := ta.store.InsertStakeholders(context.Background(), []model.Stakeholder{f.cusco, f.loreto, f.nac}); err != nil {
		t.Fatal(err)
	}
	return f
}

func meetingBody(f recordFixtures, extra map[string]any) map[string]any {
	b := map[string]any{
		"starts_at": "2026-03-05T15:00:00Z", "duration_min": 60, "kind": "in_person", "region": "08", "place": "Sede",
		"participants": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "role": "congresista"}},
		"topics":       []string{"budget"}, "summary": "Presupuesto de prevención",
	}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// meetingWithRecords is a meeting in Cusco at which one commitment (of
// f.cusco) and one task ("Enviar acta") were made.
func meetingWithRecords(f recordFixtures) map[string]any {
	return meetingBody(f, map[string]any{
		"commitments": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "text": "Presentar proyecto", "type": "legislative", "due_on": "2026-06-30"}},
		"tasks":       []map[string]any{{"title": "Enviar acta"}},
	})
}

func TestMeetingsAPI(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	created := ta.do("cusco_officer", "POST", "/api/v1/meetings", meetingWithRecords(f))
	if created.status != 201 {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	m := created.json(t)
	id := m["id"].(string)
	loreto := ta.do("admin", "POST", "/api/v1/meetings", meetingBody(f, map[string]any{"region": "16",
		"participants": []map[string]any{{"stakeholder_id": f.loreto.ID.Hex()}}}))
	if loreto.status != 201 {
		t.Fatalf("create loreto: %d %s", loreto.status, loreto.body)
	}
	loretoID := loreto.json(t)["id"].(string)
	missing := bson.NewObjectID().Hex()
	ta.run(t, []scenario{
		{name: "created with nested records", as: "admin", method: "GET", path: "/api/v1/meetings/" + id, status: 200,
			want: map[string]any{"participants.0.name": "Rosa Huamán", "version": float64(1), "commitment_ids.0": present, "task_ids.0": present}},
		{name: "nested commitment in list", as: "admin", method: "GET", path: "/api/v1/commitments?stakeholder_id=" + f.cusco.ID.Hex(), status: 200,
			want: map[string]any{"items.0.origin.kind": "meeting", "items.0.origin.id": id, "items.0.stakeholder_name": "Rosa Huamán", "items.0.region": "08"}},
		{name: "nested task in list", as: "admin", method: "GET", path: "/api/v1/tasks?meeting_id=" + id, status: 200,
			want: map[string]any{"items.0.title": "Enviar acta", "items.0.region": "08"}},
		{name: "list newest first in scope", as: "cusco_officer", method: "GET", path: "/api/v1/meetings", status: 200,
			want: map[string]any{"items.0.id": id}},
		{name: "list filters", as: "admin", method: "GET", path: "/api/v1/meetings?region=16&kind=in_person&from=2026-03-05&to=2026-03-05", status: 200,
			want: map[string]any{"items.0.id": loretoID}},
		{name: "list search", as: "viewer", method: "GET", path: "/api/v1/meetings?q=huaman", status: 200, want: map[string]any{"items.0.id": id}},
		{name: "list bad region", as: "admin", method: "GET", path: "/api/v1/meetings?region=99", status: 422, want: map[string]any{"errors.0.field": "region"}},
		{name: "list bad kind", as: "admin", method: "GET", path: "/api/v1/meetings?kind=lunch", status: 422, want: map[string]any{"errors.0.field": "kind"}},
		{name: "list bad date", as: "admin", method: "GET", path: "/api/v1/meetings?from=ayer", status: 422, want: map[string]any{"errors.0.field": "from"}},
		{name: "create invalid nested", as: "officer", method: "POST", path: "/api/v1/meetings", status: 422,
			body: meetingBody(f, map[string]any{"commitments": []map[string]any{
				{"stakeholder_id": f.cusco.ID.Hex(), "text": "ok", "type": "budget"},
				{"stakeholder_id": f.cusco.ID.Hex(), "text": "bad", "type": "budget", "due_on": "2026-13-01"}}}),
			want: map[string]any{"errors.0.field": "commitments[1].due_on"}},
		{name: "create unknown participant", as: "officer", method: "POST", path: "/api/v1/meetings", status: 422,
			body: meetingBody(f, map[string]any{"participants": []map[string]any{{"stakeholder_id": missing}}}),
			want: map[string]any{"errors.0.field": "participants[0].stakeholder_id"}},
		{name: "create participant out of region", as: "cusco_officer", method: "POST", path: "/api/v1/meetings", status: 422,
			body: meetingBody(f, map[string]any{"participants": []map[string]any{{"stakeholder_id": f.loreto.ID.Hex()}}}),
			want: map[string]any{"errors.0.field": "participants[0].stakeholder_id"}},
		{name: "create in other region", as: "cusco_officer", method: "POST", path: "/api/v1/meetings", status: 422,
			body: meetingBody(f, map[string]any{"region": "16", "participants": []any{}}), want: map[string]any{"errors.0.field": "region"}},
		{name: "create by viewer", as: "viewer", method: "POST", path: "/api/v1/meetings", body: meetingBody(f, nil), status: 403},
		{name: "get out of region", as: "loreto_manager", method: "GET", path: "/api/v1/meetings/" + id, status: 404},
		{name: "get missing", as: "admin", method: "GET", path: "/api/v1/meetings/" + missing, status: 404},
		{name: "patch by another officer", as: "officer", method: "PATCH", path: "/api/v1/meetings/" + id, body: map[string]any{"place": "x"}, status: 403},
		{name: "patch stale", as: "cusco_officer", method: "PATCH", path: "/api/v1/meetings/" + id, body: map[string]any{"place": "x", "version": 5}, status: 409},
		{name: "patch invalid", as: "cusco_officer", method: "PATCH", path: "/api/v1/meetings/" + id, body: map[string]any{"duration_min": 0}, status: 422,
			want: map[string]any{"errors.0.field": "duration_min"}},
		{name: "delete by another officer", as: "officer", method: "DELETE", path: "/api/v1/meetings/" + id, status: 403},
		{name: "delete out of region", as: "loreto_manager", method: "DELETE", path: "/api/v1/meetings/" + id, status: 404},
		{name: "delete by viewer", as: "viewer", method: "DELETE", path: "/api/v1/meetings/" + id, status: 403},
	})
	ta.steps(t, []scenario{
		{name: "patch by owner", as: "cusco_officer", method: "PATCH", path: "/api/v1/meetings/" + id, body: map[string]any{"place": "Municipio", "version": 1}, status: 200,
			want: map[string]any{"place": "Municipio", "version": float64(2)}},
		{name: "patch by manager", as: "cusco_manager", method: "PATCH", path: "/api/v1/meetings/" + id,
			body: map[string]any{"participants": []map[string]any{{"stakeholder_id": f.nac.ID.Hex()}}}, status: 200,
			want: map[string]any{"participants.0.name": "Fiscalía de la Nación", "version": float64(3)}},
		{name: "delete by owner", as: "cusco_officer", method: "DELETE", path: "/api/v1/meetings/" + id, status: 204},
		{name: "gone", as: "admin", method: "GET", path: "/api/v1/meetings/" + id, status: 404},
	})
}

func TestMeetingsCSV(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	if r := ta.do("admin", "POST", "/api/v1/meetings", meetingBody(f, map[string]any{"summary": "=cmd"})); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r := ta.do("admin", "GET", "/api/v1/meetings?format=csv&lang=es", nil)
	body := string(r.body)
	if r.status != 200 || !strings.HasPrefix(body, "\uFEFFInicio,Duración (min),Tipo,Región,Lugar,Participantes") ||
		!strings.Contains(body, "2026-03-05 10:00,60,Presencial,Cusco,Sede,Rosa Huamán,Presupuesto,'=cmd") {
		t.Fatalf("csv: %d %q", r.status, body)
	}
}
