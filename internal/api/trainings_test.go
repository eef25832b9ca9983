package api

import (
	"strings"
	"testing"
)

func TestTrainingReport(t *testing.T) {
	ta := newReportApp(t)
	training := map[string]any{
		"starts_at": "2026-11-20T15:00:00Z", "duration_min": 180, "kind": "training", "region": "08", "place": "Zoom",
		"summary": "Capacitación virtual sobre el enfoque centrado en la víctima",
		"training": map[string]any{"modality": "virtual",
			"topics":   []string{"enfoque centrado en la víctima", "atención informada en trauma", "estereotipos de género"},
			"audience": []map[string]any{{"type": "public_defenders", "count": 85}, {"type": "judges", "count": 70}}},
	}
	const path = "/api/v1/reports/trainings?from=2026-11-20&to=2026-11-20"
	ta.steps(t, []scenario{
		{name: "officer logs a training", as: "cusco_officer", method: "POST", path: "/api/v1/meetings", body: training, status: 201,
			want: map[string]any{"training.audience.0.count": 85, "training.modality": "virtual", "participants": []any{}}},
		{name: "a training must count its audience", as: "cusco_officer", method: "POST", path: "/api/v1/meetings", status: 422,
			body: map[string]any{"starts_at": "2026-11-20T15:00:00Z", "duration_min": 60, "kind": "training", "region": "08"},
			want: map[string]any{"errors.0.field": "training"}},
		{name: "bad audience", as: "cusco_officer", method: "POST", path: "/api/v1/meetings", status: 422,
			body: map[string]any{"starts_at": "2026-11-20T15:00:00Z", "duration_min": 60, "kind": "training", "region": "08",
				"training": map[string]any{"modality": "virtual", "audience": []map[string]any{{"type": "teachers", "count": 0}}}},
			want: map[string]any{"errors.0.field": "training.audience[0].type", "errors.1.field": "training.audience[0].count"}},
		{name: "officers do not read reports", as: "cusco_officer", method: "GET", path: path, status: 403},
		{name: "the cusco manager sees the line with its period", as: "cusco_manager", method: "GET", path: path, status: 200,
			want: map[string]any{"trainings": 1, "people": 155, "modalities": []string{"virtual"},
				"audiences.0.audience": "public_defenders", "audiences.0.people": 85,
				"items.0.quarter": "2026-Q4", "items.0.region_name": "Cusco", "items.1.audience": "judges", "items.1.people": 70,
				"summary.es": "El 20 de noviembre de 2026, capacitación virtual a 155 personas en una sesión: defensores públicos (85) y jueces (70).",
				"summary.en": "On 20 November 2026, virtual training delivered to 155 people in one session: public defenders (85) and judges (70)."}},
		{name: "loreto does not see cusco's training", as: "loreto_manager", method: "GET", path: path, status: 200,
			want: map[string]any{"trainings": 0, "people": 0, "items": []any{}}},
	})

	// The demo's Loreto training counts in Loreto's default period.
	var loreto struct {
		Trainings int `json:"trainings"`
		Items     []struct {
			Region string `json:"region"`
			People int    `json:"people"`
		} `json:"items"`
	}
	ta.do("loreto_manager", "GET", "/api/v1/reports/trainings", nil).decode(t, &loreto)
	if loreto.Trainings < 1 || len(loreto.Items) == 0 {
		t.Fatalf("loreto: %+v", loreto)
	}
	for _, it := range loreto.Items {
		if it.Region != "16" || it.People < 1 {
			t.Errorf("row %+v", it)
		}
	}

	// Like the other exports: with lang, people's headers (the audience
	// code stays next to its wording, as a report's status does);
	// without it, field names and English wording for scripts.
	r := ta.do("cusco_manager", "GET", path+"&format=csv&lang=es", nil)
	body := string(r.body)
	if r.status != 200 || !strings.HasPrefix(body, "\uFEFFTrimestre,Región,Nombre de la región,Público,Público (texto),Personas\n") ||
		!strings.Contains(body, "2026-Q4,08,Cusco,public_defenders,defensores públicos,85\n") {
		t.Fatalf("csv lang=es %d: %q", r.status, body)
	}
	r = ta.do("cusco_manager", "GET", path+"&format=csv&lang=en", nil)
	if body := string(r.body); r.status != 200 || !strings.HasPrefix(body, "\uFEFFQuarter,Region,Region name,Audience,Audience (text),People\n") ||
		!strings.Contains(body, "2026-Q4,08,Cusco,judges,judges,70\n") {
		t.Fatalf("csv lang=en %d: %q", r.status, body)
	}
	r = ta.do("cusco_manager", "GET", path+"&format=csv", nil)
	if body := string(r.body); r.status != 200 || !strings.HasPrefix(body, "\uFEFFquarter,region,region_name,audience,audience_label,people\n") ||
		!strings.Contains(body, "2026-Q4,08,Cusco,public_defenders,public defenders,85\n") {
		t.Fatalf("csv %d: %q", r.status, body)
	}
}
