// Package report holds the pure formatting of dashboards: the results
// summary sentence funders read (Spanish and English) and the labels CSV
// exports use. The aggregations themselves are store queries
// (internal/store/reports.go); nothing here touches the database.
package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
)

// RegionCount is one region's number in a summary, in the order it should read.
type RegionCount struct {
	Region string
	Count  int
}

// Summary is one sentence in each language.
type Summary struct {
	ES string `json:"es"`
	EN string `json:"en"`
}

var (
	wordsES = []string{"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez"}
	wordsEN = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
)

// NumberES writes 0..10 as a Spanish word ("uno" becomes "un" before a noun,
// which the caller handles) and larger numbers as digits, as style guides ask.
func NumberES(n int) string {
	if n >= 0 && n < len(wordsES) {
		return wordsES[n]
	}
	return strconv.Itoa(n)
}

// NumberEN writes 0..10 as an English word and larger numbers as digits.
func NumberEN(n int) string {
	if n >= 0 && n < len(wordsEN) {
		return wordsEN[n]
	}
	return strconv.Itoa(n)
}

// JoinES joins items the Spanish way: "a", "a y b", "a, b y c". The
// conjunction becomes "e" before a word starting with the sound /i/ ("Lima e
// Ica"), but not before "hie"/"hia" (diphthongs: "agua y hielo").
func JoinES(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	last := items[len(items)-1]
	return strings.Join(items[:len(items)-1], ", ") + " " + conjunctionES(last) + " " + last
}

func conjunctionES(next string) string {
	w := strings.ToLower(next)
	w = strings.NewReplacer("í", "i", "Í", "i").Replace(w)
	if strings.HasPrefix(w, "hie") || strings.HasPrefix(w, "hia") {
		return "y"
	}
	if strings.HasPrefix(w, "i") || strings.HasPrefix(w, "hi") {
		return "e"
	}
	return "y"
}

// JoinEN joins items without the Oxford comma: "a", "a and b", "a, b and c".
func JoinEN(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// RegionNameEN is the region's name in English text: proper names stay as
// they are, the national level is translated.
func RegionNameEN(code string) string {
	if code == model.National {
		return "national level"
	}
	return model.RegionName(code)
}

// RegionNameES is the region's name in Spanish text.
func RegionNameES(code string) string {
	if code == model.National {
		return "nivel nacional"
	}
	return model.RegionName(code)
}

// LegislatorSummary is the funder sentence for the legislators-with-commitments
// report: total distinct legislators and the per-region counts, in order, e.g.
// "Acuerdos con cuatro congresistas: Cusco (2), Lima (1) y Madre de Dios (1)."
// / "Agreements reached with four members of Congress representing Cusco (2),
// Lima (1) and Madre de Dios (1)." A legislator with commitments in several
// regions is counted once in total and once in each of those regions.
func LegislatorSummary(total int, regions []RegionCount) Summary {
	if total == 0 {
		return Summary{
			ES: "Sin acuerdos con congresistas en el periodo.",
			EN: "No agreements reached with members of Congress in the period.",
		}
	}
	es := make([]string, len(regions))
	en := make([]string, len(regions))
	for i, r := range regions {
		es[i] = fmt.Sprintf("%s (%d)", RegionNameES(r.Region), r.Count)
		en[i] = fmt.Sprintf("%s (%d)", RegionNameEN(r.Region), r.Count)
	}
	var s Summary
	if total == 1 {
		s.ES = "Acuerdos con un congresista"
		s.EN = "Agreements reached with one member of Congress"
	} else {
		s.ES = "Acuerdos con " + NumberES(total) + " congresistas"
		s.EN = "Agreements reached with " + NumberEN(total) + " members of Congress"
	}
	if len(regions) > 0 {
		s.ES += ": " + JoinES(es)
		s.EN += " representing " + JoinEN(en)
	}
	s.ES += "."
	s.EN += "."
	return s
}

// statusLabels are the commitment statuses as CSV exports show them.
var statusLabels = map[string][2]string{
	model.StatusPending:            {"Pending", "Pendiente"},
	model.StatusInProgress:         {"In progress", "En curso"},
	model.StatusFulfilled:          {"Fulfilled", "Cumplido"},
	model.StatusPartiallyFulfilled: {"Partially fulfilled", "Cumplido en parte"},
	model.StatusNotFulfilled:       {"Not fulfilled", "No cumplido"},
	model.StatusWithdrawn:          {"Withdrawn", "Retirado"},
}

// StatusLabel is a commitment status in words, Spanish when es is set.
func StatusLabel(status string, es bool) string { return label(statusLabels, status, es) }

// label looks v up in a map of English and Spanish words; unknown values stay as they are.
func label(m map[string][2]string, v string, es bool) string {
	l, ok := m[v]
	if !ok {
		return v
	}
	if es {
		return l[1]
	}
	return l[0]
}
