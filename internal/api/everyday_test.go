package api

import (
	"context"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

func TestTeamIsScoped(t *testing.T) {
	ta := newTestApp(t)
	names := func(as string) map[string]bool {
		r := ta.do(as, "GET", "/api/v1/team", nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", as, r.status, r.body)
		}
		var l list[map[string]any]
		r.decode(t, &l)
		out := map[string]bool{}
		for _, m := range l.Items {
			if _, leaked := m["email"]; leaked {
				t.Errorf("team shows emails: %v", m)
			}
			out[m["name"].(string)] = true
		}
		return out
	}
	cusco := names("cusco_officer")
	if !cusco["cusco_manager"] || !cusco["manager"] || cusco["loreto_manager"] || cusco["loreto_viewer"] {
		t.Errorf("Cusco officer's team: %v", cusco)
	}
	loreto := names("loreto_viewer")
	if !loreto["loreto_manager"] || loreto["cusco_officer"] {
		t.Errorf("Loreto viewer's team: %v", loreto)
	}
	if all := names("admin"); len(all) != len(testUsers) {
		t.Errorf("admin's team: %v", all)
	}
	if r := ta.do("", "GET", "/api/v1/team", nil); r.status != 401 {
		t.Errorf("anonymous: %d", r.status)
	}
}

func TestDeleteCommitmentAndMeetingRecords(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	mk := func() (meeting, commitment, task string) {
		r := ta.do("cusco_officer", "POST", "/api/v1/meetings", meetingWithRecords(f))
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		m := r.json(t)
		c, _ := jsonPath(m, "commitments.0.id")
		tk, _ := jsonPath(m, "tasks.0.id")
		return m["id"].(string), c.(string), tk.(string)
	}
	m1, c1, t1 := mk()
	m2, c2, t2 := mk()
	m3, c3, t3 := mk()
	ta.run(t, []scenario{
		{name: "viewer cannot delete a commitment", as: "viewer", method: "DELETE", path: "/api/v1/commitments/" + c2, status: 403},
		{name: "another region does not see it", as: "loreto_manager", method: "DELETE", path: "/api/v1/commitments/" + c2, status: 404},
		{name: "an officer who does not own it", as: "officer", method: "DELETE", path: "/api/v1/commitments/" + c2, status: 403},
	})
	ta.steps(t, []scenario{
		{name: "the region's manager", as: "cusco_manager", method: "DELETE", path: "/api/v1/commitments/" + c2, status: 204},
		{name: "gone", as: "cusco_manager", method: "GET", path: "/api/v1/commitments/" + c2, status: 404},
		{name: "and off its meeting", as: "cusco_manager", method: "GET", path: "/api/v1/meetings/" + m2, status: 200, want: map[string]any{"commitment_ids": []string{}}},
		{name: "a task of the meeting", as: "cusco_manager", method: "DELETE", path: "/api/v1/tasks/" + t2, status: 204},
		{name: "is off it too", as: "cusco_manager", method: "GET", path: "/api/v1/meetings/" + m2, status: 200, want: map[string]any{"task_ids": []string{}}},
		{name: "meeting: viewer", as: "viewer", method: "DELETE", path: "/api/v1/meetings/" + m1 + "?with_records=true", status: 403},
		{name: "meeting: other region", as: "loreto_manager", method: "DELETE", path: "/api/v1/meetings/" + m1 + "?with_records=true", status: 404},
		{name: "meeting: another officer", as: "officer", method: "DELETE", path: "/api/v1/meetings/" + m1 + "?with_records=true", status: 403},
		{name: "refused deletes nothing", as: "admin", method: "GET", path: "/api/v1/commitments/" + c1, status: 200},
		{name: "meeting with its records", as: "cusco_officer", method: "DELETE", path: "/api/v1/meetings/" + m1 + "?with_records=true", status: 204},
		{name: "its commitment is gone", as: "admin", method: "GET", path: "/api/v1/commitments/" + c1, status: 404},
		{name: "its task is gone", as: "admin", method: "GET", path: "/api/v1/tasks/" + t1, status: 404},
		{name: "meeting alone", as: "cusco_officer", method: "DELETE", path: "/api/v1/meetings/" + m3, status: 204},
		{name: "its commitment stays", as: "admin", method: "GET", path: "/api/v1/commitments/" + c3, status: 200},
		{name: "its task stays", as: "admin", method: "GET", path: "/api/v1/tasks/" + t3, status: 200},
	})
	for _, e := range []struct{ entity, id string }{{"commitment", c1}, {"commitment", c2}, {"task", t1}, {"meeting", m1}} {
		items, _, err := ta.store.ListAudit(context.Background(), store.AuditFilter{Scope: model.Scope{All: true}, Entity: e.entity, EntityID: e.id}, store.Page{All: true})
		if err != nil {
			t.Fatal(err)
		}
		deleted := false
		for _, a := range items {
			deleted = deleted || a.Action == model.ActionDelete
		}
		if !deleted {
			t.Errorf("%s %s: no delete in the audit trail", e.entity, e.id)
		}
	}
}

func TestMeetingsByStaff(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	if r := ta.do("cusco_officer", "POST", "/api/v1/meetings", meetingBody(f, nil)); r.status != 201 {
		t.Fatal(r.status)
	}
	if r := ta.do("manager", "POST", "/api/v1/meetings", meetingBody(f, map[string]any{"staff_ids": []string{ta.users["officer"].ID.Hex()}})); r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	count := func(staff string) int {
		r := ta.do("admin", "GET", "/api/v1/meetings?staff_id="+staff, nil)
		var l list[model.Meeting]
		r.decode(t, &l)
		return len(l.Items)
	}
	if n := count(ta.users["cusco_officer"].ID.Hex()); n != 1 {
		t.Errorf("by owner: %d", n)
	}
	if n := count(ta.users["officer"].ID.Hex()); n != 1 {
		t.Errorf("by staff: %d", n)
	}
	if n := count(ta.users["viewer"].ID.Hex()); n != 0 {
		t.Errorf("by nobody: %d", n)
	}
}

func TestExportsReadWell(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	body := meetingWithRecords(f)
	body["tasks"].([]map[string]any)[0]["due_on"] = "2026-03-10"
	r := ta.do("cusco_officer", "POST", "/api/v1/meetings", body)
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := ta.do("cusco_officer", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Ana Quispe", "regions": []string{"08"}, "phones": []string{"+51 984 123 456"}}); r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	get := func(path string) string {
		r := ta.do("cusco_manager", "GET", path, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		return string(r.body)
	}
	tasks := get("/api/v1/tasks?format=csv&lang=es")
	if !strings.HasPrefix(tasks, "\uFEFFTarea,Fecha límite,Región,Responsable,Hecha,Vencido") || !strings.Contains(tasks, "Enviar acta,2026-03-10,Cusco,cusco_officer,No,") {
		t.Errorf("tasks: %q", tasks)
	}
	cms := get("/api/v1/commitments?format=csv&lang=en")
	if !strings.Contains(cms, "Stakeholder,Stakeholder kind,Commitment,Type,Region,Made on,Due on,Status,Overdue,Next follow-up") ||
		!strings.Contains(cms, "Rosa Huamán,Legislator,Presentar proyecto,Legislative,Cusco,2026-03-05,2026-06-30,Pending,") {
		t.Errorf("commitments: %q", cms)
	}
	sts := get("/api/v1/stakeholders?format=csv&lang=es")
	if !strings.Contains(sts, ",+51 984 123 456,") {
		t.Errorf("phone not as written: %q", sts)
	}
	// Without lang the export keeps codes, for scripts.
	if raw := get("/api/v1/commitments?format=csv"); !strings.Contains(raw, ",legislative,") || !strings.Contains(raw, ",pending,") {
		t.Errorf("raw: %q", raw)
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{
		"+51 984 123 456":         "+51 984 123 456",
		"-12.5":                   "-12.5",
		"(01) 426-1234":           "(01) 426-1234",
		"=HYPERLINK(\"x\")":       "'=HYPERLINK(\"x\")",
		"+cmd|' /C calc'!A0":      "'+cmd|' /C calc'!A0",
		"-2+3+cmd|' /C calc'!A0":  "'-2+3+cmd|' /C calc'!A0",
		"@SUM(A1)":                "'@SUM(A1)",
		"Presupuesto = prioridad": "Presupuesto = prioridad",
		"+":                       "'+",
	} {
		if got := model.SpreadsheetSafe(in); got != want {
			t.Errorf("SpreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// Queue counts agree with the lists they count, for every role and region.
func TestMessageCountsMatchQueues(t *testing.T) {
	ta, f := appWith(t, mailApp, insertMail)
	queries := map[string]string{"new": "status=new", "follow_up": "status=follow_up", "unmatched": "unmatched=true", "awaiting_reply": "awaiting_reply=true", "all": ""}
	for _, as := range []string{"admin", "manager", "cusco_officer", "loreto_viewer"} {
		r := ta.do(as, "GET", "/api/v1/messages/counts", nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", as, r.status, r.body)
		}
		var counts map[string]int
		r.decode(t, &counts)
		for q, query := range queries {
			var l list[map[string]any]
			ta.do(as, "GET", "/api/v1/messages?limit=200&"+query, nil).decode(t, &l)
			if counts[q] != len(l.Items) {
				t.Errorf("%s: %s counts %d, list has %d", as, q, counts[q], len(l.Items))
			}
		}
		if as == "manager" && (counts["all"] != 4 || counts["unmatched"] != 1 || counts["awaiting_reply"] != 1) {
			t.Errorf("manager counts %v", counts)
		}
	}
	ta.run(t, []scenario{
		{name: "names in the queue", as: "cusco_officer", method: "GET", path: "/api/v1/messages?stakeholder_id=" + f.rosa.ID.Hex(), status: 200,
			want: map[string]any{"items.0.stakeholder_names": []string{"Rosa Huamán"}}},
		{name: "names in the reader", as: "loreto_viewer", method: "GET", path: "/api/v1/messages/" + f.loreto.Message.ID.Hex(), status: 200,
			want: map[string]any{"stakeholder_names": []string{"Asociación Amazónica"}}},
		{name: "counts by region", as: "admin", method: "GET", path: "/api/v1/messages/counts?region=16", status: 200, want: map[string]any{"all": 1}},
		{name: "counts need a session", as: "", method: "GET", path: "/api/v1/messages/counts", status: 401},
	})
}
