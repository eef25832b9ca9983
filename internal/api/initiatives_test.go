package api

import (
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestInitiativesAPI(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	bill := map[string]any{"kind": "bill", "title": "Ley contra la trata en zonas mineras", "number": "PL 9123/2026-CR", "url": "https://wb2server.congreso.gob.pe/pl/9123",
		"region": "08", "stage": "presented", "stage_on": "2026-02-10", "summary": "Endurece penas", "tags": []string{" Minería "},
		"stakeholders": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "role": "author"}, {"stakeholder_id": f.nac.ID.Hex(), "role": "supporter"}}}
	r := ta.do("cusco_officer", "POST", "/api/v1/initiatives", bill, "Accept-Language", "es")
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	path := "/api/v1/initiatives/" + id
	r = ta.do("admin", "POST", "/api/v1/initiatives", map[string]any{"kind": "regional_action_plan", "title": "Plan regional de Loreto", "region": "16", "stage": "drafting"})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	loretoID := r.json(t)["id"].(string)
	missing := bson.NewObjectID().Hex()
	ta.run(t, []scenario{
		{name: "get", as: "viewer", method: "GET", path: path, status: 200, want: map[string]any{
			"kind": "bill", "stage": "presented", "stage_on": "2026-02-10", "tags.0": "minería", "owner_name": "cusco_officer",
			"stakeholders.0.name": "Rosa Huamán", "stakeholders.0.kind": "legislator", "stakeholders.0.role": "author", "stakeholders.1.name": "Fiscalía de la Nación",
			"history.0.stage": "presented", "history.0.on": "2026-02-10", "history.0.by_name": "cusco_officer", "commitments": []any{}, "meetings": []any{}, "version": float64(1)}},
		{name: "get out of region", as: "loreto_manager", method: "GET", path: path, status: 404},
		{name: "get missing", as: "admin", method: "GET", path: "/api/v1/initiatives/" + missing, status: 404},
		{name: "meta", as: "viewer", method: "GET", path: "/api/v1/initiatives/meta", status: 200, want: map[string]any{
			"kinds.0.code": "bill", "kinds.0.name_es": "Proyecto de ley", "kinds.0.stages.2.code": "committee_report", "kinds.0.stages.2.name_es": "Dictamen",
			"kinds.1.stages.0.code": "draft", "kinds.2.stages.0.code": "drafting", "roles.0.code": "author", "roles.5.code": "implementer"}},
		{name: "list scope", as: "loreto_manager", method: "GET", path: "/api/v1/initiatives", status: 200, want: map[string]any{"items.0.id": loretoID, "items.1": absent}},
		{name: "list by kind", as: "admin", method: "GET", path: "/api/v1/initiatives?kind=bill", status: 200, want: map[string]any{"items.0.id": id, "items.1": absent}},
		{name: "list by stage", as: "admin", method: "GET", path: "/api/v1/initiatives?stage=drafting", status: 200, want: map[string]any{"items.0.id": loretoID, "items.1": absent}},
		{name: "list by region", as: "admin", method: "GET", path: "/api/v1/initiatives?region=08", status: 200, want: map[string]any{"items.0.id": id, "items.1": absent}},
		{name: "list by number", as: "admin", method: "GET", path: "/api/v1/initiatives?q=9123", status: 200, want: map[string]any{"items.0.id": id, "items.1": absent}},
		{name: "list by title words", as: "admin", method: "GET", path: "/api/v1/initiatives?q=trata+minera", status: 200, want: map[string]any{"items.0.id": id, "items.1": absent}},
		{name: "list by stakeholder", as: "admin", method: "GET", path: "/api/v1/initiatives?stakeholder_id=" + f.nac.ID.Hex(), status: 200, want: map[string]any{"items.0.id": id, "items.1": absent}},
		{name: "list moved since", as: "admin", method: "GET", path: "/api/v1/initiatives?moved_since=2026-02-11&region=08", status: 200, want: map[string]any{"items": []any{}}},
		{name: "list bad kind", as: "admin", method: "GET", path: "/api/v1/initiatives?kind=law", status: 422, want: map[string]any{"errors.0.field": "kind"}},
		{name: "list bad moved_since", as: "admin", method: "GET", path: "/api/v1/initiatives?moved_since=ayer", status: 422, want: map[string]any{"errors.0.field": "moved_since"}},
		{name: "create stage of another kind", as: "officer", method: "POST", path: "/api/v1/initiatives", status: 422,
			body: map[string]any{"kind": "regional_ordinance", "title": "x", "region": "08", "stage": "in_committee"},
			want: map[string]any{"errors.0.field": "stage", "errors.0.code": "stage_not_in_kind", "errors.0.message": "Esa etapa no corresponde a este tipo de iniciativa."}},
		{name: "create invalid", as: "officer", method: "POST", path: "/api/v1/initiatives", status: 422,
			body: map[string]any{"kind": "law", "title": "", "region": "99", "url": "javascript:alert(1)", "stakeholders": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "role": "boss"}}},
			want: map[string]any{"errors.0.field": "kind", "errors.1.field": "title", "errors.2.field": "url", "errors.2.code": "invalid_url", "errors.3.field": "region",
				"errors.4.field": "stage", "errors.5.field": "stakeholders[0].role"}},
		{name: "create out of region", as: "cusco_officer", method: "POST", path: "/api/v1/initiatives", status: 422,
			body: map[string]any{"kind": "bill", "title": "x", "region": "16", "stage": "presented"}, want: map[string]any{"errors.0.field": "region", "errors.0.code": "out_of_scope"}},
		{name: "create stakeholder out of region", as: "cusco_officer", method: "POST", path: "/api/v1/initiatives", status: 422,
			body: map[string]any{"kind": "bill", "title": "x", "region": "08", "stage": "presented", "stakeholders": []map[string]any{{"stakeholder_id": f.loreto.ID.Hex(), "role": "author"}}},
			want: map[string]any{"errors.0.field": "stakeholders[0].stakeholder_id", "errors.0.code": "not_found"}},
		{name: "create by viewer", as: "viewer", method: "POST", path: "/api/v1/initiatives", status: 403, body: bill},
		{name: "patch by other officer", as: "officer", method: "PATCH", path: path, body: map[string]any{"title": "y"}, status: 403},
		{name: "patch stale", as: "cusco_officer", method: "PATCH", path: path, body: map[string]any{"title": "y", "version": 9}, status: 409},
		{name: "patch out of region", as: "loreto_manager", method: "PATCH", path: path, body: map[string]any{"title": "y"}, status: 404},
		{name: "stage not in kind", as: "cusco_officer", method: "POST", path: path + "/stage", body: map[string]any{"stage": "published"}, status: 422,
			want: map[string]any{"errors.0.field": "stage", "errors.0.code": "stage_not_in_kind"}},
		{name: "stage unknown", as: "cusco_officer", method: "POST", path: path + "/stage", body: map[string]any{"stage": "signed"}, status: 422, want: map[string]any{"errors.0.code": "not_in_list"}},
		{name: "stage unchanged", as: "cusco_officer", method: "POST", path: path + "/stage", body: map[string]any{"stage": "presented"}, status: 422, want: map[string]any{"errors.0.code": "stage_unchanged"}},
		{name: "stage in the future", as: "cusco_officer", method: "POST", path: path + "/stage", body: map[string]any{"stage": "plenary", "on": "2999-01-01"}, status: 422,
			want: map[string]any{"errors.0.field": "on", "errors.0.code": "future_date"}},
		{name: "stage stale", as: "cusco_officer", method: "POST", path: path + "/stage", body: map[string]any{"stage": "plenary", "version": 7}, status: 409},
		{name: "stage by viewer", as: "viewer", method: "POST", path: path + "/stage", body: map[string]any{"stage": "plenary"}, status: 403},
		{name: "delete by officer", as: "cusco_officer", method: "DELETE", path: path, status: 403},
		{name: "delete out of region", as: "loreto_manager", method: "DELETE", path: path, status: 404},
	})
	ta.steps(t, []scenario{
		{name: "patch", as: "cusco_officer", method: "PATCH", path: path, body: map[string]any{"title": "Ley contra la trata y la explotación en zonas mineras", "version": 1,
			"stakeholders": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "role": "co_author"}}}, status: 200,
			want: map[string]any{"version": float64(2), "stakeholders.0.role": "co_author", "stakeholders.0.name": "Rosa Huamán", "stakeholders.1": absent}},
		{name: "stage", as: "cusco_officer", method: "POST", path: path + "/stage", body: map[string]any{"stage": "in_committee", "on": "2026-02-20", "note": "Comisión de Justicia", "version": 2}, status: 200,
			want: map[string]any{"stage": "in_committee", "stage_on": "2026-02-20", "version": float64(3), "history.1.stage": "in_committee", "history.1.note": "Comisión de Justicia",
				"history.1.by_name": "cusco_officer", "history.1.on": "2026-02-20"}},
		{name: "stage again with the old version", as: "cusco_manager", method: "POST", path: path + "/stage", body: map[string]any{"stage": "plenary", "version": 2}, status: 409},
		{name: "moved since", as: "viewer", method: "GET", path: "/api/v1/initiatives?moved_since=2026-02-15&region=08", status: 200, want: map[string]any{"items.0.id": id, "items.1": absent, "items.0.history": absent}},
	})
	r = ta.do("admin", "GET", "/api/v1/audit?entity=initiative&entity_id="+id, nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"field":"stage","old":"presented","new":"in_committee"`) || !strings.Contains(string(r.body), `"action":"create"`) {
		t.Fatalf("audit: %s", r.body)
	}
	r = ta.do("admin", "GET", "/api/v1/initiatives?format=csv&lang=es&kind=bill", nil)
	if r.status != 200 || !strings.HasPrefix(string(r.body), "\uFEFFIniciativa,Número,Tipo,Etapa") || !strings.Contains(string(r.body), "En comisión") || !strings.Contains(string(r.body), "Proyecto de ley") {
		t.Fatalf("csv es: %s", r.body)
	}
	r = ta.do("admin", "GET", "/api/v1/initiatives?format=csv&lang=en&kind=bill", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "In committee") || !strings.Contains(string(r.body), ",Bill,") {
		t.Fatalf("csv en: %s", r.body)
	}
	ta.steps(t, []scenario{
		{name: "delete", as: "cusco_manager", method: "DELETE", path: path, status: 204},
		{name: "gone", as: "admin", method: "GET", path: path, status: 404},
	})
}

// The NAC stakeholder linked to a Cusco bill is not shown to a Cusco user
// without the national grant, and a patch by that user keeps it.
func TestInitiativeHiddenStakeholdersKept(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	nacOnly := map[string]any{"kind": "national_policy", "title": "Política nacional", "region": "08", "stage": "drafting",
		"stakeholders": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "role": "author"}, {"stakeholder_id": f.loreto.ID.Hex(), "role": "implementer"}}}
	r := ta.do("admin", "POST", "/api/v1/initiatives", nacOnly)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	path := "/api/v1/initiatives/" + r.json(t)["id"].(string)
	ta.steps(t, []scenario{
		{name: "cusco sees only cusco's", as: "cusco_manager", method: "GET", path: path, status: 200, want: map[string]any{"stakeholders.0.name": "Rosa Huamán", "stakeholders.1": absent}},
		{name: "cusco patches what it sees", as: "cusco_manager", method: "PATCH", path: path, status: 200,
			body: map[string]any{"stakeholders": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "role": "supporter"}}}, want: map[string]any{"stakeholders.1": absent}},
		{name: "the hidden link stays", as: "admin", method: "GET", path: path, status: 200,
			want: map[string]any{"stakeholders.0.role": "supporter", "stakeholders.1.name": "Asociación Amazónica", "stakeholders.1.role": "implementer"}},
		// Naming the hidden stakeholder (whose id leaked somehow) changes
		// nothing of its link: its role is kept.
		{name: "cusco names the hidden link with another role", as: "cusco_manager", method: "PATCH", path: path, status: 200,
			body: map[string]any{"stakeholders": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "role": "supporter"}, {"stakeholder_id": f.loreto.ID.Hex(), "role": "opponent"}}}},
		{name: "the hidden role stays", as: "admin", method: "GET", path: path, status: 200,
			want: map[string]any{"stakeholders.1.name": "Asociación Amazónica", "stakeholders.1.role": "implementer"}},
	})
	// A commitment linked to an initiative the editor cannot see keeps it.
	loretoPlan := ta.do("admin", "POST", "/api/v1/initiatives", map[string]any{"kind": "regional_action_plan", "title": "Plan de Loreto", "region": "16", "stage": "drafting"}).json(t)["id"].(string)
	c := ta.do("admin", "POST", "/api/v1/commitments", map[string]any{"stakeholder_id": f.cusco.ID.Hex(), "text": "Apoyar el plan", "type": "coordination", "initiative_id": loretoPlan})
	if c.status != 201 {
		t.Fatalf("commitment: %d %s", c.status, c.body)
	}
	cpath := "/api/v1/commitments/" + c.json(t)["id"].(string)
	ta.steps(t, []scenario{
		{name: "cusco unlinks a hidden initiative", as: "cusco_manager", method: "PATCH", path: cpath, status: 422,
			body: map[string]any{"initiative_id": "000000000000000000000000"}, want: map[string]any{"errors.0.field": "initiative_id", "errors.0.code": "initiative_out_of_scope"}},
		{name: "the link stays", as: "admin", method: "GET", path: cpath, status: 200, want: map[string]any{"initiative_id": loretoPlan}},
	})
	if strings.Contains(string(ta.do("cusco_manager", "GET", "/api/v1/initiatives", nil).body), "Amazónica") {
		t.Fatal("the list shows a stakeholder of another region")
	}
}

// Commitments and meetings link initiatives; the initiative's page lists
// them, the stakeholder's timeline shows the role and the stage changes,
// the global search finds it by number and title, and a retried create
// with its Idempotency-Key stores one initiative.
func TestInitiativeLinksAPI(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	body := map[string]any{"kind": "regional_action_plan", "title": "Plan regional contra la trata de Cusco", "number": "PRA-2026-08",
		"region": "08", "stage": "drafting", "stage_on": "2026-01-05", "stakeholders": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "role": "implementer"}}}
	r := ta.do("cusco_officer", "POST", "/api/v1/initiatives", body, "Idempotency-Key", "plan-cusco-1")
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	if again := ta.do("cusco_officer", "POST", "/api/v1/initiatives", body, "Idempotency-Key", "plan-cusco-1"); again.status != 201 || again.json(t)["id"] != id {
		t.Fatalf("retry: %d %s", again.status, again.body)
	}
	loreto := ta.do("admin", "POST", "/api/v1/initiatives", map[string]any{"kind": "regional_action_plan", "title": "Plan de Loreto", "region": "16", "stage": "drafting"}).json(t)["id"].(string)
	path := "/api/v1/initiatives/" + id
	ta.steps(t, []scenario{
		{name: "one initiative after the retry", as: "admin", method: "GET", path: "/api/v1/initiatives?region=08", status: 200, want: map[string]any{"items.0.id": id, "items.1": absent}},
		{name: "commitment on a hidden initiative", as: "cusco_officer", method: "POST", path: "/api/v1/commitments", status: 422,
			body: map[string]any{"stakeholder_id": f.cusco.ID.Hex(), "text": "Aprobar el plan", "type": "coordination", "initiative_id": loreto},
			want: map[string]any{"errors.0.field": "initiative_id", "errors.0.code": "not_found"}},
		{name: "commitment", as: "cusco_officer", method: "POST", path: "/api/v1/commitments", status: 201,
			body: map[string]any{"stakeholder_id": f.cusco.ID.Hex(), "text": "Aprobar el plan", "type": "coordination", "initiative_id": id}, want: map[string]any{"initiative_id": id}},
		{name: "meeting", as: "cusco_officer", method: "POST", path: "/api/v1/meetings", status: 201,
			body: meetingBody(f, map[string]any{"summary": "Revisión del plan regional", "initiative_ids": []string{id}}), want: map[string]any{"initiative_ids.0": id}},
		{name: "meeting on a hidden initiative", as: "cusco_officer", method: "POST", path: "/api/v1/meetings", status: 422,
			body: meetingBody(f, map[string]any{"initiative_ids": []string{loreto}}), want: map[string]any{"errors.0.field": "initiative_ids[0]"}},
		{name: "stage", as: "cusco_officer", method: "POST", path: path + "/stage", status: 200, body: map[string]any{"stage": "approved", "on": "2026-02-01", "note": "Ordenanza regional 005"}},
		{name: "page", as: "viewer", method: "GET", path: path, status: 200, want: map[string]any{
			"commitments.0.text": "Aprobar el plan", "commitments.0.status": "pending", "commitments.0.stakeholder_name": "Rosa Huamán",
			"meetings.0.summary": "Revisión del plan regional", "meetings.0.held_on": "2026-03-05", "history.1.stage": "approved"}},
		{name: "timeline", as: "cusco_officer", method: "GET", path: "/api/v1/stakeholders/" + f.cusco.ID.Hex() + "/timeline?limit=200", status: 200, want: map[string]any{"items": present}},
		{name: "search by number", as: "cusco_officer", method: "GET", path: "/api/v1/search?q=pra+2026", status: 200, want: map[string]any{"initiatives.0.id": id, "initiatives.1": absent}},
		{name: "search by title", as: "cusco_officer", method: "GET", path: "/api/v1/search?q=plan+trata", status: 200, want: map[string]any{"initiatives.0.id": id, "initiatives.0.stage": "approved"}},
		{name: "search in scope", as: "loreto_manager", method: "GET", path: "/api/v1/search?q=plan", status: 200, want: map[string]any{"initiatives.0.id": loreto, "initiatives.1": absent}},
	})
	r = ta.do("cusco_officer", "GET", "/api/v1/stakeholders/"+f.cusco.ID.Hex()+"/timeline?limit=200", nil)
	var tl struct {
		Items []struct{ Type, ID, Title, Detail, Status string }
	}
	r.decode(t, &tl)
	var role, stage bool
	for _, it := range tl.Items {
		role = role || it.Type == "initiative" && it.ID == id && it.Detail == "implementer" && it.Status == "approved"
		stage = stage || it.Type == "stage_change" && it.ID == id && it.Status == "approved" && it.Detail == "Ordenanza regional 005"
	}
	if !role || !stage {
		t.Fatalf("timeline lacks the initiative role (%v) or stage change (%v): %s", role, stage, r.body)
	}
}

// The indicators initiatives_advanced and initiatives_approved, their
// records, the funder line, and the reminders of followers.
func TestInitiativeResultsAPI(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	mk := func(as, kind, region, stage, on string, moves ...string) string {
		t.Helper()
		r := ta.do(as, "POST", "/api/v1/initiatives", map[string]any{"kind": kind, "title": kind + " " + region, "region": region, "stage": stage, "stage_on": on})
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		id := r.json(t)["id"].(string)
		for i := 0; i < len(moves); i += 2 {
			if r := ta.do("admin", "POST", "/api/v1/initiatives/"+id+"/stage", map[string]any{"stage": moves[i], "on": moves[i+1]}); r.status != 200 {
				t.Fatalf("stage: %d %s", r.status, r.body)
			}
		}
		return id
	}
	mk("admin", "regional_action_plan", "08", "drafting", "2025-12-01", "approved", "2026-02-01")
	mk("admin", "regional_action_plan", "21", "drafting", "2026-01-10", "approved", "2026-03-01")
	followed := mk("cusco_officer", "bill", "08", "presented", "2026-01-05", "in_committee", "2026-02-10")
	linked := mk("admin", "bill", "16", "presented", "2026-01-05", "archived", "2026-02-10")
	mk("admin", "regional_ordinance", "16", "draft", "2026-01-05", "presented", "2026-07-15")
	// The officer follows the Loreto bill through a commitment about it.
	if r := ta.do("officer", "POST", "/api/v1/commitments", map[string]any{"stakeholder_id": f.loreto.ID.Hex(), "text": "Apoyar", "type": "legislative", "initiative_id": linked}); r.status != 201 {
		t.Fatalf("commitment: %d %s", r.status, r.body)
	}
	ta.do("admin", "POST", "/api/v1/initiatives/"+linked+"/stage", map[string]any{"stage": "withdrawn", "note": "retirado por su autor"})
	ta.run(t, []scenario{
		{name: "figures", as: "manager", method: "GET", path: "/api/v1/indicators?" + resultsPeriod, status: 200, want: map[string]any{
			"items.6.code": "initiatives_advanced", "items.6.actual": 3, "items.6.breakdowns.0.items.0.key": "08", "items.6.breakdowns.0.items.0.count": 2,
			"items.6.breakdowns.1.items.0.key": "regional_action_plan", "items.6.breakdowns.1.items.0.count": 2,
			"items.7.code": "initiatives_approved", "items.7.actual": 2}},
		{name: "figures in scope", as: "loreto_manager", method: "GET", path: "/api/v1/indicators?" + resultsPeriod, status: 200, want: map[string]any{
			"items.6.actual": 0, "items.7.actual": 0}},
		{name: "advanced records", as: "viewer", method: "GET", path: "/api/v1/indicators/initiatives_advanced/records?" + resultsPeriod, status: 200, want: map[string]any{
			"total": 3, "items.0.entity": "initiative", "items.0.date": "2026-03-01", "items.0.status": "approved", "items.1.id": followed, "items.1.status": "in_committee", "items.2.date": "2026-02-01", "items.3": absent}},
		{name: "approved records", as: "viewer", method: "GET", path: "/api/v1/indicators/initiatives_approved/records?" + resultsPeriod, status: 200, want: map[string]any{
			"total": 2, "items.0.region": "21", "items.1.region": "08"}},
		{name: "owner reminded", as: "cusco_officer", method: "GET", path: "/api/v1/notifications", status: 200, want: map[string]any{
			"items.0.kind": "stage_changed", "items.0.entity": "initiative", "items.0.id": followed, "items.0.status": "in_committee", "items.0.by": "admin"}},
		{name: "commitment owner reminded", as: "officer", method: "GET", path: "/api/v1/notifications", status: 200, want: map[string]any{
			"items.0.kind": "stage_changed", "items.0.id": linked, "items.0.status": "withdrawn"}},
		{name: "mover not reminded", as: "admin", method: "GET", path: "/api/v1/notifications", status: 200, want: map[string]any{"items": []any{}}},
	})
	var rep struct{ Lines []struct{ ES, EN string } }
	ta.do("manager", "GET", "/api/v1/reports/funder?"+resultsPeriod, nil).decode(t, &rep)
	wantES := "tres iniciativas avanzaron de etapa: planes regionales de acción (2) y proyectos de ley (1); planes regionales de acción aprobados en Cusco y Puno."
	wantEN := "three initiatives advanced a stage: regional action plans (2) and bills (1); regional action plans approved in Cusco and Puno."
	found := false
	for _, l := range rep.Lines {
		found = found || strings.HasSuffix(l.ES, wantES) && strings.HasSuffix(l.EN, wantEN)
	}
	if !found {
		t.Fatalf("no initiatives line in %+v", rep.Lines)
	}
}
