package api

import (
	"testing"
)

func TestTimelineAPI(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	r := ta.do("admin", "POST", "/api/v1/meetings", meetingBody(f, map[string]any{
		"commitments": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "text": "Presentar proyecto", "type": "legislative"}},
	}))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var created struct {
		ID          string `json:"id"`
		Commitments []struct {
			ID string `json:"id"`
		} `json:"commitments"`
	}
	r.decode(t, &created)
	cid := created.Commitments[0].ID
	if r := ta.do("admin", "POST", "/api/v1/commitments/"+cid+"/status", map[string]any{"status": "in_progress", "note": "en agenda"}); r.status != 200 {
		t.Fatalf("status: %d %s", r.status, r.body)
	}
	if r := ta.do("admin", "POST", "/api/v1/tasks", map[string]any{"title": "Seguimiento", "links": map[string]any{"commitment_id": cid}}); r.status != 201 {
		t.Fatalf("task: %d %s", r.status, r.body)
	}
	path := "/api/v1/stakeholders/" + f.cusco.ID.Hex() + "/timeline"
	ta.run(t, []scenario{
		{name: "first page", as: "cusco_officer", method: "GET", path: path + "?limit=2", status: 200,
			want: map[string]any{"items.0.type": present, "items.1.type": present, "next_cursor": present}},
		{name: "out of region", as: "loreto_manager", method: "GET", path: path, status: 404},
		{name: "missing", as: "admin", method: "GET", path: "/api/v1/stakeholders/0123456789abcdef01234567/timeline", status: 404},
		{name: "bad cursor", as: "admin", method: "GET", path: path + "?cursor=zz", status: 400},
	})
	var all []string
	cursor := ""
	for i := 0; i < 5; i++ {
		var page struct {
			Items []struct {
				Type string `json:"type"`
				ID   string `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		r := ta.do("viewer", "GET", path+"?limit=2&cursor="+cursor, nil)
		r.decode(t, &page)
		for _, it := range page.Items {
			all = append(all, it.Type)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	want := map[string]int{"meeting": 1, "commitment": 1, "status_change": 1, "task": 1}
	got := map[string]int{}
	for _, ty := range all {
		got[ty]++
	}
	if len(all) != 4 || got["meeting"] != 1 || got["commitment"] != 1 || got["status_change"] != 1 || got["task"] != 1 {
		t.Fatalf("timeline types %v, want one of each of %v", all, want)
	}
	// The nested commitment is made on the meeting's day (Lima midnight),
	// so it sorts just after the meeting held that afternoon.
	if all[2] != "meeting" || all[3] != "commitment" {
		t.Fatalf("order %v, want the new task and status change first, then the meeting, then the commitment", all)
	}
}
