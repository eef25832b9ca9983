package words

import (
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
)

// TestCSVWording: headers and coded cells read as on screen; unknown
// columns keep their own name in each language, and codes without wording
// stay as they are.
func TestCSVWording(t *testing.T) {
	for _, tt := range []struct {
		own  Text
		l    Lang
		want string
	}{
		{Text{"nombre_region", "region_name"}, ES, "Nombre de la región"},
		{Text{"nombre_region", "region_name"}, EN, "Region name"},
		{Text{"trimestre", "quarter"}, ES, "Trimestre"},
		{Text{"propio", "own"}, ES, "propio"},
		{Text{"propio", "own"}, EN, "own"},
	} {
		if got := CSVHeader(tt.own, tt.l); got != tt.want {
			t.Errorf("CSVHeader(%v, %s) = %q, want %q", tt.own, tt.l, got, tt.want)
		}
	}
	for _, tt := range []struct {
		export, field, v string
		l                Lang
		want             string
	}{
		{"compromisos", "overdue", "true", ES, "Sí"},
		{"compromisos", "overdue", "true", EN, "Yes"},
		{"compromisos", "overdue", "false", ES, "No"},
		{"compromisos", "status", "fulfilled", ES, "Cumplido"},
		{"compromisos", "text", "fulfilled", ES, "fulfilled"},
	} {
		if got := CSVValue(tt.export, tt.field, tt.v, tt.l); got != tt.want {
			t.Errorf("CSVValue(%s.%s, %q, %s) = %q, want %q", tt.export, tt.field, tt.v, tt.l, got, tt.want)
		}
	}
}

func TestPersonalPage(t *testing.T) {
	es, en := PersonalPage(ES), PersonalPage(EN)
	if es["lang"] != "es" || es["title"] != "Datos personales que guarda Alianza" || en["lang"] != "en" || en["to"] != "To" {
		t.Errorf("es %v en %v", es, en)
	}
	if len(es) != len(en) {
		t.Error("the languages list different keys")
	}
}

func TestTablesHaveBothLanguages(t *testing.T) {
	for name, tb := range map[string]Table{"Problems": Problems, "Digest": Digest, "Calendar": Calendar, "Audiences": Audiences,
		"Modalities": Modalities, "Statuses": Statuses, "csvHeaders": csvHeaders, "personalPage": personalPage, "Phrases": Phrases} {
		for k, w := range tb {
			if w.ES == "" || w.EN == "" {
				t.Errorf("%s[%s] lacks a language: %+v", name, k, w)
			}
		}
	}
}

// TestEnumsHaveWording: every value of the enums reports name has its
// words, so a new status or audience cannot reach an export as a code.
func TestEnumsHaveWording(t *testing.T) {
	for name, tt := range map[string]struct {
		enum  model.Enum
		table Table
	}{"statuses": {model.CommitmentStatuses, Statuses}, "audiences": {model.AudienceTypes, Audiences},
		"modalities": {model.TrainingModalities, Modalities}} {
		for _, v := range tt.enum {
			if _, ok := tt.table[v]; !ok {
				t.Errorf("%s: %q has no wording", name, v)
			}
		}
	}
	if len(StatusDetails) == 0 || len(Digest) == 0 || len(Calendar) == 0 {
		t.Error("catalog groups are empty")
	}
	// Number and Month index these lists.
	if len(numbers) != 11 || len(months) != 12 {
		t.Errorf("%d numbers (want 0..10), %d months", len(numbers), len(months))
	}
	for _, k := range []string{"yes", "national"} {
		if _, ok := Phrases[k]; !ok {
			t.Errorf("phrase %q missing", k)
		}
	}
}
