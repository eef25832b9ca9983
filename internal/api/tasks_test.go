package api

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestTasksAPI(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	officer := ta.users["cusco_officer"].ID.Hex()
	mk := func(as string, body map[string]any) string {
		t.Helper()
		r := ta.do(as, "POST", "/api/v1/tasks", body)
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		return r.json(t)["id"].(string)
	}
	late := mk("cusco_officer", map[string]any{"title": "Llamar", "due_on": "2020-01-01", "links": map[string]any{"stakeholder_id": f.cusco.ID.Hex()}})
	byManager := mk("manager", map[string]any{"title": "Oficio", "region": "08", "assignee_id": officer, "due_on": "2099-01-01"})
	loreto := mk("admin", map[string]any{"title": "Visitar", "links": map[string]any{"stakeholder_id": f.loreto.ID.Hex()}})
	missing := bson.NewObjectID().Hex()
	path := "/api/v1/tasks/" + late
	ta.run(t, []scenario{
		{name: "get", as: "viewer", method: "GET", path: path, status: 200,
			want: map[string]any{"region": "08", "assignee_id": officer, "overdue": true, "links.stakeholder_id": f.cusco.ID.Hex()}},
		{name: "get out of region", as: "loreto_viewer", method: "GET", path: path, status: 404},
		{name: "get missing", as: "admin", method: "GET", path: "/api/v1/tasks/" + missing, status: 404},
		{name: "mine in due order", as: "cusco_officer", method: "GET", path: "/api/v1/tasks?mine=true", status: 200,
			want: map[string]any{"items.0.id": late, "items.1.id": byManager}},
		{name: "mine overdue", as: "cusco_officer", method: "GET", path: "/api/v1/tasks?mine=true&overdue=true", status: 200,
			want: map[string]any{"items.0.id": late}},
		{name: "scope", as: "loreto_manager", method: "GET", path: "/api/v1/tasks", status: 200, want: map[string]any{"items.0.id": loreto}},
		{name: "by stakeholder", as: "admin", method: "GET", path: "/api/v1/tasks?stakeholder_id=" + f.loreto.ID.Hex(), status: 200, want: map[string]any{"items.0.id": loreto}},
		{name: "bad done", as: "admin", method: "GET", path: "/api/v1/tasks?done=perhaps", status: 422, want: map[string]any{"errors.0.field": "done"}},
		{name: "create no region", as: "officer", method: "POST", path: "/api/v1/tasks", body: map[string]any{"title": "x"}, status: 422,
			want: map[string]any{"errors.0.field": "region"}},
		{name: "create link out of region", as: "cusco_officer", method: "POST", path: "/api/v1/tasks", status: 422,
			body: map[string]any{"title": "x", "links": map[string]any{"stakeholder_id": f.loreto.ID.Hex()}}, want: map[string]any{"errors.0.field": "links.stakeholder_id"}},
		{name: "create by viewer", as: "viewer", method: "POST", path: "/api/v1/tasks", body: map[string]any{"title": "x", "region": "08"}, status: 403},
		{name: "patch by stranger officer", as: "officer", method: "PATCH", path: path, body: map[string]any{"done": true}, status: 403},
		{name: "patch stale", as: "cusco_officer", method: "PATCH", path: path, body: map[string]any{"done": true, "version": 3}, status: 409},
		{name: "patch invalid", as: "cusco_officer", method: "PATCH", path: path, body: map[string]any{"due_on": "pronto"}, status: 422,
			want: map[string]any{"errors.0.field": "due_on"}},
		{name: "delete by stranger", as: "officer", method: "DELETE", path: path, status: 403},
		{name: "delete out of region", as: "loreto_manager", method: "DELETE", path: path, status: 404},
	})
	ta.steps(t, []scenario{
		{name: "assignee marks done", as: "cusco_officer", method: "PATCH", path: "/api/v1/tasks/" + byManager, body: map[string]any{"done": true, "version": 1}, status: 200,
			want: map[string]any{"done": true, "done_at": present, "version": float64(2)}},
		{name: "done filter", as: "admin", method: "GET", path: "/api/v1/tasks?done=true", status: 200, want: map[string]any{"items.0.id": byManager}},
		{name: "not done filter", as: "cusco_officer", method: "GET", path: "/api/v1/tasks?done=false", status: 200, want: map[string]any{"items.0.id": late}},
		{name: "delete by creator", as: "cusco_officer", method: "DELETE", path: path, status: 204},
		{name: "gone", as: "admin", method: "GET", path: path, status: 404},
	})
}
