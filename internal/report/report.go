// Package report holds the pure formatting of dashboards: the results
// summary sentences funders read (Spanish and English), built from the
// vocabulary in package words. The aggregations themselves are store queries
// (internal/store/reports.go); nothing here touches the database.
package report

import (
	"fmt"

	"github.com/alianza-pe/alianza/internal/words"
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

// In is the sentence in l.
func (s Summary) In(l words.Lang) string {
	if l == words.EN {
		return s.EN
	}
	return s.ES
}

// LegislatorSummary is the funder sentence for the legislators-with-commitments
// report: total distinct legislators and the per-region counts, in order, e.g.
// "Acuerdos con cuatro congresistas: Cusco (2), Lima (1) y Madre de Dios (1)."
// / "Agreements reached with four members of Congress representing Cusco (2),
// Lima (1) and Madre de Dios (1)." Each member counts once, under the
// district they represent (model.CountAgreements), so the regions add up to
// the total.
func LegislatorSummary(total int, regions []RegionCount) Summary {
	if total == 0 {
		return Summary{
			ES: "Sin acuerdos con congresistas en el periodo.",
			EN: "No agreements reached with members of Congress in the period.",
		}
	}
	list := countedList(len(regions), func(i int, l words.Lang) (string, int) {
		return words.RegionName(regions[i].Region, l), regions[i].Count
	})
	var s Summary
	if total == 1 {
		s.ES = "Acuerdos con un congresista"
		s.EN = "Agreements reached with one member of Congress"
	} else {
		s.ES = "Acuerdos con " + words.Number(total, words.ES) + " congresistas"
		s.EN = "Agreements reached with " + words.Number(total, words.EN) + " members of Congress"
	}
	if len(regions) > 0 {
		s.ES += ": " + list.ES
		s.EN += " representing " + list.EN
	}
	s.ES += "."
	s.EN += "."
	return s
}

// FulfilledSentence is the second sentence of the agreements line: how many
// of the counted commitments have been fulfilled so far, e.g. "Hasta la
// fecha se han cumplido tres de sus siete compromisos." / "So far three of
// their seven commitments have been fulfilled."
func FulfilledSentence(commitments, fulfilled int) Summary {
	switch {
	case commitments == 0:
		return Summary{}
	case commitments == 1 && fulfilled == 1:
		return Summary{ES: "Su compromiso ya se ha cumplido.", EN: "Their commitment has been fulfilled."}
	case commitments == 1:
		return Summary{ES: "Su compromiso aún no se ha cumplido.", EN: "Their commitment has not been fulfilled yet."}
	case fulfilled == 0:
		return Summary{ES: "Ninguno de sus " + words.Number(commitments, words.ES) + " compromisos se ha cumplido aún.",
			EN: "None of their " + words.Number(commitments, words.EN) + " commitments has been fulfilled yet."}
	case fulfilled == 1:
		return Summary{ES: "Hasta la fecha se ha cumplido uno de sus " + words.Number(commitments, words.ES) + " compromisos.",
			EN: "So far one of their " + words.Number(commitments, words.EN) + " commitments has been fulfilled."}
	}
	return Summary{ES: "Hasta la fecha se han cumplido " + words.Number(fulfilled, words.ES) + " de sus " + words.Number(commitments, words.ES) + " compromisos.",
		EN: "So far " + words.Number(fulfilled, words.EN) + " of their " + words.Number(commitments, words.EN) + " commitments have been fulfilled."}
}

// AgreementsLine is the funder line of the agreements with members of
// Congress: LegislatorSummary of the members per district, then
// FulfilledSentence of their commitments.
func AgreementsLine(members int, districts []RegionCount, commitments, fulfilled int) Summary {
	s := LegislatorSummary(members, districts)
	if f := FulfilledSentence(commitments, fulfilled); f.ES != "" {
		s.ES += " " + f.ES
		s.EN += " " + f.EN
	}
	return s
}

// countedList is n items written "name (count)", joined as each language
// joins a list; item gives the i-th name in l and its count.
func countedList(n int, item func(i int, l words.Lang) (string, int)) Summary {
	in := func(l words.Lang) string {
		out := make([]string, n)
		for i := range n {
			name, count := item(i, l)
			out[i] = fmt.Sprintf("%s (%d)", name, count)
		}
		return words.Join(out, l)
	}
	return Summary{ES: in(words.ES), EN: in(words.EN)}
}
