package report

import "testing"

func TestInitiativesLine(t *testing.T) {
	for _, tc := range []struct {
		name     string
		advanced int
		kinds    []KindCount
		approved []Approvals
		es, en   string
	}{
		{"none", 0, nil, nil, "Ninguna iniciativa avanzó de etapa en el periodo.", "No initiative advanced a stage in the period."},
		{"one", 1, []KindCount{{"bill", 1}}, nil, "Una iniciativa avanzó de etapa en el periodo: proyectos de ley (1).",
			"One initiative advanced a stage in the period: bills (1)."},
		{"plans approved", 5, []KindCount{{"bill", 3}, {"regional_action_plan", 2}}, []Approvals{{"regional_action_plan", []string{"08", "21"}}},
			"Cinco iniciativas avanzaron de etapa en el periodo: proyectos de ley (3) y planes regionales de acción (2); planes regionales de acción aprobados en Cusco y Puno.",
			"Five initiatives advanced a stage in the period: bills (3) and regional action plans (2); regional action plans approved in Cusco and Puno."},
		{"approved nationally", 12, []KindCount{{"national_policy", 12}}, []Approvals{{"national_policy", []string{"15", "NAC"}}, {"regional_ordinance", []string{"11"}}},
			"12 iniciativas avanzaron de etapa en el periodo: políticas nacionales (12); políticas nacionales aprobadas en Lima y a nivel nacional; ordenanzas regionales aprobadas en Ica.",
			"12 initiatives advanced a stage in the period: national policies (12); national policies approved in Lima and at national level; regional ordinances approved in Ica."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := InitiativesLine(tc.advanced, tc.kinds, tc.approved)
			if got.ES != tc.es || got.EN != tc.en {
				t.Fatalf("got\n%s\n%s\nwant\n%s\n%s", got.ES, got.EN, tc.es, tc.en)
			}
		})
	}
	if got := WithPeriod(InitiativesLine(2, []KindCount{{"bill", 2}}, nil), "2026-01-01", "2026-06-30"); got.ES != "De enero a junio de 2026, dos iniciativas avanzaron de etapa: proyectos de ley (2)." {
		t.Fatalf("with period: %s", got.ES)
	}
}
