package report

import "testing"

func TestLegislatorSummary(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		regions []RegionCount
		es, en  string
	}{
		{"none", 0, nil,
			"Sin acuerdos con congresistas en el periodo.",
			"No agreements reached with members of Congress in the period."},
		{"one legislator one region", 1, []RegionCount{{"08", 1}},
			"Acuerdos con un congresista: Cusco (1).",
			"Agreements reached with one member of Congress representing Cusco (1)."},
		{"two legislators one region", 2, []RegionCount{{"16", 2}},
			"Acuerdos con dos congresistas: Loreto (2).",
			"Agreements reached with two members of Congress representing Loreto (2)."},
		{"two legislators two regions", 2, []RegionCount{{"15", 1}, {"11", 1}},
			"Acuerdos con dos congresistas: Lima (1) e Ica (1).",
			"Agreements reached with two members of Congress representing Lima (1) and Ica (1)."},
		{"four legislators three regions", 4, []RegionCount{{"08", 2}, {"15", 1}, {"17", 1}},
			"Acuerdos con cuatro congresistas: Cusco (2), Lima (1) y Madre de Dios (1).",
			"Agreements reached with four members of Congress representing Cusco (2), Lima (1) and Madre de Dios (1)."},
		{"ten", 10, []RegionCount{{"21", 10}},
			"Acuerdos con diez congresistas: Puno (10).",
			"Agreements reached with ten members of Congress representing Puno (10)."},
		{"more than ten in digits, national level", 12, []RegionCount{{"04", 11}, {"NAC", 1}},
			"Acuerdos con 12 congresistas: Arequipa (11) y nivel nacional (1).",
			"Agreements reached with 12 members of Congress representing Arequipa (11) and national level (1)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LegislatorSummary(tt.total, tt.regions)
			if got.ES != tt.es {
				t.Errorf("es:\n got %q\nwant %q", got.ES, tt.es)
			}
			if got.EN != tt.en {
				t.Errorf("en:\n got %q\nwant %q", got.EN, tt.en)
			}
		})
	}
}
