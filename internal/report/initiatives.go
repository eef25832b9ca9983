package report

import (
	"strings"

	"github.com/alianza-pe/alianza/internal/words"
)

// KindCount is one kind of initiative's number in a line.
type KindCount struct {
	Kind  string
	Count int
}

// Approvals are the regions where initiatives of one kind were approved.
type Approvals struct {
	Kind    string
	Regions []string // region codes, in the order they should read
}

// InitiativesLine is the funder line of the initiatives: how many advanced
// a stage in the period, by kind, then where each kind was approved, e.g.
// "Cinco iniciativas avanzaron de etapa en el periodo: proyectos de ley (3)
// y planes regionales de acción (2); planes regionales de acción aprobados
// en Cusco y Puno." / "Five initiatives advanced a stage in the period:
// bills (3) and regional action plans (2); regional action plans approved
// in Cusco and Puno."
func InitiativesLine(advanced int, kinds []KindCount, approved []Approvals) Summary {
	var s Summary
	switch advanced {
	case 0:
		s = Summary{ES: "Ninguna iniciativa avanzó de etapa en el periodo", EN: "No initiative advanced a stage in the period"}
	case 1:
		s = Summary{ES: "Una iniciativa avanzó de etapa en el periodo", EN: "One initiative advanced a stage in the period"}
	default:
		s = Summary{ES: capitalize(words.Number(advanced, words.ES)) + " iniciativas avanzaron de etapa en el periodo",
			EN: capitalize(words.Number(advanced, words.EN)) + " initiatives advanced a stage in the period"}
	}
	if len(kinds) > 0 {
		list := countedList(len(kinds), func(i int, l words.Lang) (string, int) {
			return words.InitiativeKinds.In(kinds[i].Kind, l), kinds[i].Count
		})
		s.ES += ": " + list.ES
		s.EN += ": " + list.EN
	}
	for _, a := range approved {
		s.ES += "; " + words.InitiativeKinds.In(a.Kind+".approved", words.ES) + " " + placesIn(a.Regions, words.ES)
		s.EN += "; " + words.InitiativeKinds.In(a.Kind+".approved", words.EN) + " " + placesIn(a.Regions, words.EN)
	}
	s.ES += "."
	s.EN += "."
	return s
}

// placesIn is "en Cusco y Puno" / "in Cusco and Puno", with the national
// level as "a nivel nacional" / "at national level".
func placesIn(regions []string, l words.Lang) string {
	var named []string
	national := false
	for _, r := range regions {
		if r == "NAC" {
			national = true
			continue
		}
		named = append(named, words.RegionName(r, l))
	}
	var parts []string
	if len(named) > 0 {
		in := "en "
		if l == words.EN {
			in = "in "
		}
		parts = append(parts, in+words.Join(named, l))
	}
	if national {
		parts = append(parts, map[words.Lang]string{words.ES: "a nivel nacional", words.EN: "at national level"}[l])
	}
	return words.Join(parts, l)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
