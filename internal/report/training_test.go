package report

import "testing"

func TestTrainingSummary(t *testing.T) {
	tests := []struct {
		name              string
		trainings, people int
		modalities        []string
		audiences         []AudienceCount
		es, en            string
	}{
		{"none", 0, 0, nil, nil, "Sin capacitaciones en el periodo.", "No trainings delivered in the period."},
		{"the team's line", 2, 155, []string{"virtual"}, []AudienceCount{{Audience: "public_defenders", People: 85}, {Audience: "judges", People: 70}},
			"Capacitación virtual a 155 personas en dos sesiones: defensores públicos (85) y jueces (70).",
			"Virtual training delivered to 155 people in two sessions: public defenders (85) and judges (70)."},
		{"one person, one session", 1, 1, []string{"in_person"}, []AudienceCount{{Audience: "police", People: 1}},
			"Capacitación presencial a una persona en una sesión: policías (1).",
			"In-person training delivered to one person in one session: police officers (1)."},
		{"mixed modalities, many sessions", 12, 9, []string{"in_person", "hybrid"},
			[]AudienceCount{{Audience: "prosecutors", People: 4}, {Audience: "regional_officials", People: 3}, {Audience: "civil_society", People: 2}},
			"Capacitación a nueve personas en 12 sesiones: fiscales (4), funcionarios regionales (3) y sociedad civil (2).",
			"Training delivered to nine people in 12 sessions: prosecutors (4), regional officials (3) and civil society (2)."},
		{"hybrid is feminine", 1, 30, []string{"hybrid"}, []AudienceCount{{Audience: "other", People: 30}},
			"Capacitación híbrida a 30 personas en una sesión: otros (30).",
			"Hybrid training delivered to 30 people in one session: others (30)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TrainingSummary(tt.trainings, tt.people, tt.modalities, tt.audiences)
			if got.ES != tt.es {
				t.Errorf("es:\n got %q\nwant %q", got.ES, tt.es)
			}
			if got.EN != tt.en {
				t.Errorf("en:\n got %q\nwant %q", got.EN, tt.en)
			}
		})
	}
}

func TestPeriodPhrase(t *testing.T) {
	tests := []struct{ from, to, es, en string }{
		{"2026-01-01", "2026-03-31", "De enero a marzo de 2026", "From January to March 2026"},
		{"2026-02-01", "2026-02-28", "En febrero de 2026", "In February 2026"},
		{"2025-12-01", "2026-11-30", "De diciembre de 2025 a noviembre de 2026", "From December 2025 to November 2026"},
		{"2025-12-01", "2026-11-27", "Del 1 de diciembre de 2025 al 27 de noviembre de 2026", "From 1 December 2025 to 27 November 2026"},
		{"2026-01-05", "2026-03-15", "Del 5 de enero al 15 de marzo de 2026", "From 5 January to 15 March 2026"},
		{"2026-03-01", "2026-03-15", "Del 1 al 15 de marzo de 2026", "From 1 to 15 March 2026"},
		{"2026-03-05", "2026-03-05", "El 5 de marzo de 2026", "On 5 March 2026"},
	}
	for _, tt := range tests {
		got := PeriodPhrase(tt.from, tt.to)
		if got.ES != tt.es || got.EN != tt.en {
			t.Errorf("%s..%s: %q / %q, want %q / %q", tt.from, tt.to, got.ES, got.EN, tt.es, tt.en)
		}
	}
}

func TestWithPeriod(t *testing.T) {
	got := WithPeriod(LegislatorSummary(2, []RegionCount{{"16", 2}}), "2026-01-01", "2026-03-31")
	if got.ES != "De enero a marzo de 2026, acuerdos con dos congresistas: Loreto (2)." ||
		got.EN != "From January to March 2026, agreements reached with two members of Congress representing Loreto (2)." {
		t.Errorf("legislators: %+v", got)
	}
	got = WithPeriod(TrainingSummary(0, 0, nil, nil), "2026-03-05", "2026-03-05")
	if got.ES != "El 5 de marzo de 2026, sin capacitaciones." || got.EN != "On 5 March 2026, no trainings delivered." {
		t.Errorf("none: %+v", got)
	}
}
