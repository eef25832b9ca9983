package api

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// resultsApp is a test app holding one record for each counting rule, in
// the first half of 2026:
//   - Ana (district Cusco): two commitments made in Lima, one fulfilled;
//   - Beto (Madre de Dios): his only commitment withdrawn;
//   - Carla (Madre de Dios): one withdrawn, one pending, in Madre de Dios;
//   - Dora (national): one commitment in Lima;
//   - Eva (no district): one commitment in Cusco;
//   - Fito (Cusco): a commitment made before the period;
//   - the Loreto committee: one commitment in Loreto;
//   - a virtual training in Lima (85 public defenders, 50 women and 35
//     men, and 70 judges), an in-person one in Cusco (20 police) and a call.
func resultsApp(t *testing.T) *testApp {
	t.Helper()
	ta := newTestApp(t)
	now := time.Date(2026, 6, 15, 15, 0, 0, 0, time.UTC)
	ta.store.SetClock(func() time.Time { return now })
	legislator := func(name, district, region string) string {
		t.Helper()
		body := map[string]any{"kind": "legislator", "name": name, "regions": []string{region},
			"legislator": map[string]any{"chamber": "congress", "electoral_district": district}}
		var st struct{ ID string }
		ta.do("admin", "POST", "/api/v1/stakeholders", body).decode(t, &st)
		if st.ID == "" {
			t.Fatalf("stakeholder %s not created", name)
		}
		return st.ID
	}
	commitment := func(who, region, madeOn, status string) {
		t.Helper()
		var c struct {
			ID string
		}
		r := ta.do("admin", "POST", "/api/v1/commitments", map[string]any{"stakeholder_id": who, "text": "Compromiso " + madeOn, "type": "legislative",
			"region": region, "made_on": madeOn})
		r.decode(t, &c)
		if r.status != 201 {
			t.Fatalf("commitment: %d %s", r.status, r.body)
		}
		if status != "" {
			if r := ta.do("admin", "POST", "/api/v1/commitments/"+c.ID+"/status", map[string]any{"status": status, "evidence": "https://ejemplo.pe/acta"}); r.status != 200 {
				t.Fatalf("status %s: %d %s", status, r.status, r.body)
			}
		}
	}
	ana := legislator("Ana Demo", "08", "08")
	commitment(ana, "15", "2026-02-01", "")
	commitment(ana, "15", "2026-03-01", "fulfilled")
	beto := legislator("Beto Demo", "17", "17")
	commitment(beto, "15", "2026-02-10", "withdrawn")
	carla := legislator("Carla Demo", "17", "17")
	commitment(carla, "17", "2026-02-11", "withdrawn")
	commitment(carla, "17", "2026-04-11", "")
	dora := legislator("Dora Demo", "NAC", "NAC")
	commitment(dora, "15", "2026-05-01", "")
	eva := legislator("Eva Demo", "", "08")
	commitment(eva, "08", "2026-05-02", "")
	fito := legislator("Fito Demo", "08", "08")
	commitment(fito, "08", "2025-12-01", "")

	var com struct{ ID string }
	ta.do("admin", "POST", "/api/v1/stakeholders", map[string]any{"kind": "oversight_committee", "name": "Comité Loreto Demo", "regions": []string{"16"},
		"committee": map[string]any{"region": "16"}}).decode(t, &com)
	commitment(com.ID, "16", "2026-03-03", "")

	meeting := func(body map[string]any) {
		t.Helper()
		if r := ta.do("admin", "POST", "/api/v1/meetings", body); r.status != 201 {
			t.Fatalf("meeting: %d %s", r.status, r.body)
		}
	}
	meeting(map[string]any{"starts_at": "2026-03-20T15:00:00Z", "duration_min": 120, "kind": "training", "region": "15", "place": "Zoom",
		"training": map[string]any{"modality": "virtual", "audience": []map[string]any{
			{"type": "public_defenders", "count": 85, "women": 50, "men": 35}, {"type": "judges", "count": 70}}}})
	meeting(map[string]any{"starts_at": "2026-04-20T15:00:00Z", "duration_min": 120, "kind": "training", "region": "08", "place": "Cusco",
		"training": map[string]any{"modality": "in_person", "audience": []map[string]any{{"type": "police", "count": 20}}}})
	meeting(map[string]any{"starts_at": "2026-04-21T15:00:00Z", "duration_min": 30, "kind": "call", "region": "15", "place": "Lima",
		"participants": []map[string]any{{"stakeholder_id": dora, "role": ""}}})
	return ta
}

const resultsPeriod = "from=2026-01-01&to=2026-06-30"

// TestResultsRulesAgree: the funder line, the indicator, its breakdown and
// its records count the same members by the same rule.
func TestResultsRulesAgree(t *testing.T) {
	ta := resultsApp(t)
	var funder struct {
		Lines []struct{ ES, EN string }
		Rules []struct {
			Code string
			Rule struct{ ES, EN string }
		}
	}
	ta.do("manager", "GET", "/api/v1/reports/funder?"+resultsPeriod, nil).decode(t, &funder)
	wantLines := []string{
		"De enero a junio de 2026, acuerdos con cuatro congresistas: nivel nacional (2), Cusco (1) y Madre de Dios (1). Hasta la fecha se ha cumplido uno de sus cinco compromisos.",
		"De enero a junio de 2026, capacitación presencial a 20 personas en una sesión: policías (20).",
		"De enero a junio de 2026, capacitación virtual a 155 personas en una sesión: defensores públicos (85: 50 mujeres y 35 hombres) y jueces (70).",
		"De enero a junio de 2026, ninguna iniciativa avanzó de etapa.",
	}
	if len(funder.Lines) != len(wantLines) {
		t.Fatalf("lines: %+v", funder.Lines)
	}
	for i, w := range wantLines {
		if funder.Lines[i].ES != w {
			t.Errorf("line %d:\n got %q\nwant %q", i, funder.Lines[i].ES, w)
		}
	}
	if en := funder.Lines[0].EN; en != "From January to June 2026, agreements reached with four members of Congress representing national level (2), Cusco (1) and Madre de Dios (1). So far one of their five commitments has been fulfilled." {
		t.Errorf("english line: %q", en)
	}
	if len(funder.Rules) == 0 || funder.Rules[0].Code != "congress_agreements" || !strings.Contains(funder.Rules[0].Rule.ES, "no retirado") ||
		!strings.Contains(funder.Rules[0].Rule.EN, "not withdrawn") {
		t.Errorf("rules: %+v", funder.Rules)
	}
	// The members behind the funder line: the agreement indicators' records.
	listed := map[string]string{}
	for _, code := range []string{"congress_agreements", "committee_agreements"} {
		var recs struct {
			Items []struct {
				Name, Region string
				Commitments  []struct{ Status string }
			}
		}
		ta.do("manager", "GET", "/api/v1/indicators/"+code+"/records?"+resultsPeriod, nil).decode(t, &recs)
		for _, r := range recs.Items {
			listed[r.Name] = r.Region
			for _, c := range r.Commitments {
				if c.Status == "withdrawn" {
					t.Errorf("%s: a withdrawn agreement listed", r.Name)
				}
			}
		}
	}
	wantListed := map[string]string{"Ana Demo": "08", "Carla Demo": "17", "Dora Demo": "NAC", "Eva Demo": "NAC", "Comité Loreto Demo": "16"}
	if fmt.Sprint(listed) != fmt.Sprint(wantListed) {
		t.Errorf("listed %v, want %v", listed, wantListed)
	}

	// The indicator and its breakdown.
	var ind struct {
		Items []struct {
			Code       string
			Actual     int
			Breakdowns []struct {
				By    string
				Items []struct {
					Key   string
					Count int
				}
			}
		}
	}
	ta.do("manager", "GET", "/api/v1/indicators?"+resultsPeriod, nil).decode(t, &ind)
	figures := map[string]string{}
	for _, it := range ind.Items {
		s := fmt.Sprint(it.Actual)
		for _, b := range it.Breakdowns {
			sum := 0
			s += " " + b.By + ":"
			for _, x := range b.Items {
				s += fmt.Sprintf(" %s=%d", x.Key, x.Count)
				sum += x.Count
			}
			if sum != it.Actual {
				t.Errorf("%s by %s adds up to %d, not %d", it.Code, b.By, sum, it.Actual)
			}
		}
		figures[it.Code] = s
	}
	wantFigures := map[string]string{
		"congress_agreements":   "4 district: NAC=2 08=1 17=1",
		"committee_agreements":  "1 region: 16=1",
		"people_trained":        "175 region: 15=155 08=20 audience: public_defenders=85 judges=70 police=20 modality: virtual=155 in_person=20",
		"trainings_held":        "2 region: 08=1 15=1 modality: in_person=1 virtual=1",
		"meetings_held":         "1 region: 15=1",
		"commitments_fulfilled": "1 region: 15=1",
	}
	for code, w := range wantFigures {
		if figures[code] != w {
			t.Errorf("%s:\n got %s\nwant %s", code, figures[code], w)
		}
	}

	// The records behind each figure add up to it.
	for code := range wantFigures {
		var recs struct {
			Total     int
			Truncated bool
			Items     []struct {
				Entity      string
				Name        string
				Region      string
				Count       int
				Commitments []struct{ Status string }
			}
		}
		ta.do("viewer", "GET", "/api/v1/indicators/"+code+"/records?"+resultsPeriod, nil).decode(t, &recs)
		sum := 0
		for _, r := range recs.Items {
			sum += r.Count
		}
		actual := 0
		fmt.Sscan(figures[code], &actual)
		if sum != actual || recs.Truncated {
			t.Errorf("%s: records add up to %d (total %d), the figure is %d: %+v", code, sum, recs.Total, actual, recs.Items)
		}
		if code == "congress_agreements" {
			got := map[string]string{}
			for _, r := range recs.Items {
				got[r.Name] = fmt.Sprintf("%s/%d", r.Region, len(r.Commitments))
			}
			if fmt.Sprint(got) != "map[Ana Demo:08/2 Carla Demo:17/1 Dora Demo:NAC/1 Eva Demo:NAC/1]" {
				t.Errorf("members: %v", got)
			}
		}
	}

	// The legislators dashboard counts by the same rule.
	ta.run(t, []scenario{
		{name: "dashboard", as: "manager", method: "GET", path: "/api/v1/reports/legislators-with-commitments?" + resultsPeriod, status: 200,
			want: map[string]any{"total": 4, "commitments": 5, "fulfilled": 1, "items.0.region": "NAC", "items.0.count": 2, "summary.es": wantLines[0]}},
		// Scope: a Cusco manager sees Eva's Cusco commitment only (Ana's were made in Lima).
		{name: "cusco manager", as: "cusco_manager", method: "GET", path: "/api/v1/indicators?" + resultsPeriod, status: 200,
			want: map[string]any{"items.0.code": "congress_agreements", "items.0.actual": 1, "items.0.breakdowns.0.items.0.key": "NAC", "whole": false,
				"items.2.actual": 20}},
		{name: "admin narrowed to Cusco sees the same", as: "admin", method: "GET", path: "/api/v1/indicators?region=08&" + resultsPeriod, status: 200,
			want: map[string]any{"items.0.actual": 1, "items.2.actual": 20, "region": "08", "whole": false}},
		{name: "another region's figures", as: "cusco_manager", method: "GET", path: "/api/v1/indicators?region=15&" + resultsPeriod, status: 422,
			want: map[string]any{"errors.0.field": "region", "errors.0.code": "out_of_scope"}},
		{name: "another region's records", as: "cusco_manager", method: "GET", path: "/api/v1/indicators/congress_agreements/records?region=15", status: 422},
		{name: "cusco records", as: "cusco_manager", method: "GET", path: "/api/v1/indicators/congress_agreements/records?" + resultsPeriod, status: 200,
			want: map[string]any{"total": 1, "items.0.name": "Eva Demo", "items.0.region": "NAC", "items.0.entity": "stakeholder"}},
		{name: "unknown indicator", as: "viewer", method: "GET", path: "/api/v1/indicators/nope/records", status: 404},
		{name: "a page of one", as: "manager", method: "GET", path: "/api/v1/indicators/congress_agreements/records?limit=1&" + resultsPeriod, status: 200,
			want: map[string]any{"total": 4, "truncated": true, "items.0.name": "Ana Demo"}},
		{name: "records: bad limit", as: "viewer", method: "GET", path: "/api/v1/indicators/congress_agreements/records?limit=201", status: 422},
		{name: "records: bad cursor", as: "viewer", method: "GET", path: "/api/v1/indicators/congress_agreements/records?cursor=x", status: 400},
		{name: "bad year", as: "viewer", method: "GET", path: "/api/v1/indicators?year=19", status: 422, want: map[string]any{"errors.0.field": "year"}},
		{name: "no target yet", as: "viewer", method: "GET", path: "/api/v1/indicators?" + resultsPeriod, status: 200,
			want: map[string]any{"year": 2026, "items.0.target": nil, "items.0.percent": nil, "items.0.name.en": "Agreements with members of Congress"}},
	})
}

// TestIndicatorTargets: managers and admins of every region set targets,
// audited; others may not; the list shows target and percent.
func TestIndicatorTargets(t *testing.T) {
	ta := resultsApp(t)
	const put = "/api/v1/indicators/people_trained/targets/2026"
	ta.run(t, []scenario{
		{name: "a manager of one region may not", as: "cusco_manager", method: "PUT", path: put, body: map[string]any{"value": 500}, status: 403},
		{name: "officers may not", as: "officer", method: "PUT", path: put, body: map[string]any{"value": 500}, status: 403},
		{name: "viewers may not", as: "viewer", method: "PUT", path: put, body: map[string]any{"value": 500}, status: 403},
		{name: "value required", as: "manager", method: "PUT", path: put, body: map[string]any{}, status: 422,
			want: map[string]any{"errors.0.field": "value", "errors.0.code": "required"}},
		{name: "negative", as: "manager", method: "PUT", path: put, body: map[string]any{"value": -1}, status: 422,
			want: map[string]any{"errors.0.field": "value", "errors.0.code": "out_of_range", "errors.0.message": "Debe ser de 0 a 10000000."}},
		{name: "bad year", as: "manager", method: "PUT", path: "/api/v1/indicators/people_trained/targets/1999", body: map[string]any{"value": 5}, status: 422,
			want: map[string]any{"errors.0.field": "year"}},
		{name: "unknown indicator", as: "manager", method: "PUT", path: "/api/v1/indicators/nope/targets/2026", body: map[string]any{"value": 5}, status: 404},
	})
	ta.steps(t, []scenario{
		{name: "the manager sets it", as: "manager", method: "PUT", path: put, body: map[string]any{"value": 700}, status: 200,
			want: map[string]any{"code": "people_trained", "year": 2026, "value": 700}},
		{name: "the admin changes it", as: "admin", method: "PUT", path: put, body: map[string]any{"value": 500}, status: 200},
		{name: "shown with the year's actual and percent", as: "viewer", method: "GET", path: "/api/v1/indicators?" + resultsPeriod, status: 200,
			want: map[string]any{"items.2.code": "people_trained", "items.2.target": 500, "items.2.year_actual": 175, "items.2.percent": 35, "items.0.target": nil}},
		{name: "audited", as: "admin", method: "GET", path: "/api/v1/audit?entity=indicator_target", status: 200,
			want: map[string]any{"items.0.entity_id": "people_trained/2026", "items.0.action": "update", "items.0.changes.0.old": 700, "items.0.changes.0.new": 500,
				"items.1.action": "create"}},
	})
	// A retried change with its Idempotency-Key is recorded once.
	for i := range 2 {
		r := ta.do("manager", "PUT", "/api/v1/indicators/trainings_held/targets/2026", map[string]any{"value": 12}, "Idempotency-Key", "target-retry-1")
		if r.status != 200 || (i == 1) != (r.header.Get("Idempotent-Replayed") == "true") {
			t.Fatalf("try %d: %d %v %s", i, r.status, r.header, r.body)
		}
	}
	var audit struct {
		Items []struct {
			EntityID string `json:"entity_id"`
		}
	}
	ta.do("admin", "GET", "/api/v1/audit?entity=indicator_target", nil).decode(t, &audit)
	if len(audit.Items) != 3 || audit.Items[0].EntityID != "trainings_held/2026" {
		t.Errorf("audit after a retried change: %+v", audit.Items)
	}

	r := ta.do("viewer", "GET", "/api/v1/indicators?format=csv&lang=en&"+resultsPeriod, nil)
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, "People trained,people_trained,2026,500,175,35.0,2026-01-01 / 2026-06-30,175,") ||
		!strings.HasPrefix(strings.TrimPrefix(body, "\uFEFF"), "Indicator,") {
		t.Errorf("csv: %d %s", r.status, body)
	}
	r = ta.do("viewer", "GET", "/api/v1/indicators?format=csv&lang=es&"+resultsPeriod, nil)
	if body := string(r.body); !strings.Contains(body, "Personas capacitadas,people_trained,2026,500,175,35.0,") || !strings.Contains(body, "Lima (155)") {
		t.Errorf("csv es: %s", body)
	}
}
