package api

import "testing"

// Searches whose answer has the same size at scale 0.1 and at scale 1, so
// that the ratio of the two columns shows the look-up's cost apart from
// the answer's growth (BenchmarkSearchTwoWords answers 10 hits at scale
// 0.1 and 26 at scale 1; the stakeholders search "quispe" 3 and a page).
func BenchmarkSearchAnswerSize(b *testing.B) {
	for _, c := range []struct{ name, path string }{
		// A common word: a page of each type at scale 1, 39 hits at scale 0.1.
		{"full_page", "/api/v1/search?q=presupuesto"},
		// One reference stakeholder's address: the stakeholder and a page of
		// their messages at both scales.
		{"one_stakeholder", "/api/v1/search?q=ref0007"},
		// Every reference stakeholder's name has "Ref": a full page at both scales.
		{"stakeholders_full_page", "/api/v1/stakeholders?q=ref"},
		// One stakeholder at both scales.
		{"stakeholders_one", "/api/v1/stakeholders?q=ref0007"},
	} {
		b.Run(c.name, func(b *testing.B) { benchGet(b, "admin", c.path) })
	}
}
