package api

import (
	"strings"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestCommitmentsAPI(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	r := ta.do("cusco_officer", "POST", "/api/v1/commitments", map[string]any{"stakeholder_id": f.cusco.ID.Hex(), "text": "Presentar proyecto", "type": "legislative", "due_on": "2020-01-31"})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	r = ta.do("admin", "POST", "/api/v1/commitments", map[string]any{"stakeholder_id": f.loreto.ID.Hex(), "text": "Monitorear", "type": "oversight", "due_on": "2099-01-01"})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	loretoID := r.json(t)["id"].(string)
	missing := bson.NewObjectID().Hex()
	path := "/api/v1/commitments/" + id
	ta.run(t, []scenario{
		{name: "get", as: "viewer", method: "GET", path: path, status: 200,
			want: map[string]any{"stakeholder_name": "Rosa Huamán", "stakeholder_kind": "legislator", "status": "pending", "overdue": true, "history.0.status": "pending", "region": "08"}},
		{name: "get out of region", as: "loreto_viewer", method: "GET", path: path, status: 404},
		{name: "get missing", as: "admin", method: "GET", path: "/api/v1/commitments/" + missing, status: 404},
		{name: "list overdue", as: "admin", method: "GET", path: "/api/v1/commitments?overdue=true", status: 200, want: map[string]any{"items.0.id": id}},
		{name: "list overdue excludes future", as: "admin", method: "GET", path: "/api/v1/commitments?overdue=true&region=16", status: 200, want: map[string]any{"items": []any{}}},
		{name: "list scope", as: "loreto_manager", method: "GET", path: "/api/v1/commitments", status: 200, want: map[string]any{"items.0.id": loretoID}},
		{name: "list by kind", as: "admin", method: "GET", path: "/api/v1/commitments?stakeholder_kind=organization", status: 200, want: map[string]any{"items.0.id": loretoID}},
		{name: "list by due range", as: "admin", method: "GET", path: "/api/v1/commitments?due_from=2020-01-01&due_to=2020-12-31", status: 200, want: map[string]any{"items.0.id": id}},
		{name: "list q", as: "admin", method: "GET", path: "/api/v1/commitments?q=monitoreo", status: 200, want: map[string]any{"items": []any{}}},
		{name: "list bad status", as: "admin", method: "GET", path: "/api/v1/commitments?status=done", status: 422, want: map[string]any{"errors.0.field": "status"}},
		{name: "list bad overdue", as: "admin", method: "GET", path: "/api/v1/commitments?overdue=maybe", status: 422, want: map[string]any{"errors.0.field": "overdue"}},
		{name: "list bad due_from", as: "admin", method: "GET", path: "/api/v1/commitments?due_from=2020", status: 422, want: map[string]any{"errors.0.field": "due_from"}},
		{name: "create invalid", as: "officer", method: "POST", path: "/api/v1/commitments", status: 422,
			body: map[string]any{"stakeholder_id": f.cusco.ID.Hex(), "text": "", "type": "budget"}, want: map[string]any{"errors.0.field": "text"}},
		{name: "create stakeholder out of region", as: "cusco_officer", method: "POST", path: "/api/v1/commitments", status: 422,
			body: map[string]any{"stakeholder_id": f.loreto.ID.Hex(), "text": "x", "type": "budget"}, want: map[string]any{"errors.0.field": "stakeholder_id"}},
		{name: "create by viewer", as: "viewer", method: "POST", path: "/api/v1/commitments", status: 403,
			body: map[string]any{"stakeholder_id": f.cusco.ID.Hex(), "text": "x", "type": "budget"}},
		{name: "patch by other officer", as: "officer", method: "PATCH", path: path, body: map[string]any{"text": "y"}, status: 403},
		{name: "patch stale", as: "cusco_officer", method: "PATCH", path: path, body: map[string]any{"text": "y", "version": 9}, status: 409},
		{name: "patch invalid", as: "cusco_officer", method: "PATCH", path: path, body: map[string]any{"type": "x"}, status: 422, want: map[string]any{"errors.0.field": "type"}},
		{name: "status invalid", as: "cusco_officer", method: "POST", path: path + "/status", body: map[string]any{"status": "done"}, status: 422,
			want: map[string]any{"errors.0.field": "status"}},
		{name: "status by other officer", as: "officer", method: "POST", path: path + "/status", body: map[string]any{"status": "fulfilled"}, status: 403},
		{name: "status by viewer", as: "viewer", method: "POST", path: path + "/status", body: map[string]any{"status": "fulfilled"}, status: 403},
		{name: "status missing", as: "cusco_officer", method: "POST", path: "/api/v1/commitments/" + missing + "/status", body: map[string]any{"status": "fulfilled"}, status: 404},
		{name: "out of region manager", as: "loreto_manager", method: "POST", path: path + "/status", body: map[string]any{"status": "withdrawn"}, status: 404},
	})
	ta.steps(t, []scenario{
		{name: "patch", as: "cusco_officer", method: "PATCH", path: path, body: map[string]any{"due_on": "2099-12-31", "next_follow_up_on": "2026-04-01", "version": 1}, status: 200,
			want: map[string]any{"due_on": "2099-12-31", "overdue": false, "version": float64(2)}},
		{name: "status stale", as: "cusco_officer", method: "POST", path: path + "/status", body: map[string]any{"status": "fulfilled", "version": 1}, status: 409},
		{name: "status fulfilled", as: "cusco_officer", method: "POST", path: path + "/status", body: map[string]any{"status": "fulfilled", "evidence": "Ley 31234", "version": 2}, status: 200,
			want: map[string]any{"status": "fulfilled", "history.1.status": "fulfilled", "history.1.evidence": "Ley 31234", "history.1.by_email": "cusco_officer@alianza.test", "history.1.by_name": "cusco_officer", "version": float64(3)}},
		{name: "officer cannot reopen", as: "cusco_officer", method: "POST", path: path + "/status", body: map[string]any{"status": "in_progress"}, status: 403},
		{name: "manager reopens", as: "cusco_manager", method: "POST", path: path + "/status", body: map[string]any{"status": "in_progress", "note": "sin reglamento"}, status: 200,
			want: map[string]any{"status": "in_progress", "history.2.note": "sin reglamento", "version": float64(4)}},
	})
	r = ta.do("admin", "GET", "/api/v1/audit?entity=commitment&entity_id="+id, nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"field":"status","old":"fulfilled","new":"in_progress"`) {
		t.Fatalf("audit: %s", r.body)
	}
	r = ta.do("admin", "GET", "/api/v1/commitments?format=csv", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "stakeholder,stakeholder_kind,text") || !strings.Contains(string(r.body), "Rosa Huamán,legislator,Presentar proyecto,legislative,Cusco") {
		t.Fatalf("csv: %s", r.body)
	}
}

func TestCommitmentStatusConcurrentAPI(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	r := ta.do("officer", "POST", "/api/v1/commitments", map[string]any{"stakeholder_id": f.cusco.ID.Hex(), "text": "x", "type": "budget"})
	id := r.json(t)["id"].(string)
	const n = 6
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i] = ta.do("officer", "POST", "/api/v1/commitments/"+id+"/status", map[string]any{"status": "in_progress", "version": 1}).status
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case 200:
			ok++
		case 409:
		default:
			t.Errorf("status %d", c)
		}
	}
	var got struct {
		History []any `json:"history"`
		Version int   `json:"version"`
	}
	ta.do("officer", "GET", "/api/v1/commitments/"+id, nil).decode(t, &got)
	if ok != 1 || len(got.History) != 2 || got.Version != 2 {
		t.Fatalf("%d winners (%v), %d history entries, version %d", ok, codes, len(got.History), got.Version)
	}
}
