package api

import (
	"strings"
	"testing"
)

func TestFunderReport(t *testing.T) {
	ta := newReportApp(t)
	var all, loreto struct {
		From  string `json:"from"`
		Lines []struct {
			ES string `json:"es"`
			EN string `json:"en"`
		} `json:"lines"`
		Stakeholders []struct {
			Name       string `json:"name"`
			Kind       string `json:"kind"`
			Agreements []struct {
				Region string `json:"region"`
				MadeOn string `json:"made_on"`
			} `json:"agreements"`
		} `json:"stakeholders"`
		Fulfilled []struct {
			Region   string `json:"region"`
			Status   string `json:"status"`
			Evidence string `json:"evidence"`
		} `json:"fulfilled"`
	}
	ta.do("admin", "GET", "/api/v1/reports/funder", nil).decode(t, &all)
	ta.do("loreto_manager", "GET", "/api/v1/reports/funder", nil).decode(t, &loreto)
	// The agreements, then one line per training modality of the period,
	// then the initiatives.
	if len(all.Lines) != 4 || !strings.Contains(all.Lines[3].ES, "iniciativa") || !strings.Contains(all.Lines[3].EN, "initiative") || !strings.HasPrefix(all.Lines[0].ES, "Del 1 de diciembre de 2025 al 27 de noviembre de 2026, acuerdos con diez congresistas") ||
		!strings.HasPrefix(all.Lines[1].EN, "From 1 December 2025 to 27 November 2026, in-person training") ||
		!strings.HasPrefix(all.Lines[2].EN, "From 1 December 2025 to 27 November 2026, hybrid training") {
		t.Fatalf("lines: %+v", all.Lines)
	}
	if len(all.Stakeholders) == 0 || len(all.Fulfilled) == 0 {
		t.Fatalf("empty lists: %+v", all)
	}
	legislators := 0
	for _, s := range all.Stakeholders {
		if s.Kind == "legislator" {
			legislators++
		}
		for _, a := range s.Agreements {
			if a.MadeOn < all.From {
				t.Errorf("agreement before the period: %+v", a)
			}
		}
	}
	if legislators != 10 {
		t.Errorf("%d legislators listed, the line says ten", legislators)
	}
	for _, f := range all.Fulfilled {
		if (f.Status != "fulfilled" && f.Status != "partially_fulfilled") || !strings.HasPrefix(f.Evidence, "https://") {
			t.Errorf("fulfilment %+v", f)
		}
	}
	if len(loreto.Stakeholders) == 0 || len(loreto.Stakeholders) >= len(all.Stakeholders) {
		t.Fatalf("loreto sees %d of %d", len(loreto.Stakeholders), len(all.Stakeholders))
	}
	for _, s := range loreto.Stakeholders {
		for _, a := range s.Agreements {
			if a.Region != "16" {
				t.Errorf("Loreto sees %s: %+v", s.Name, a)
			}
		}
	}
	for _, f := range loreto.Fulfilled {
		if f.Region != "16" {
			t.Errorf("Loreto sees a fulfilment in %s", f.Region)
		}
	}
	ta.run(t, []scenario{
		{name: "officers may not", as: "officer", method: "GET", path: "/api/v1/reports/funder", status: 403},
		{name: "bad period", as: "manager", method: "GET", path: "/api/v1/reports/funder?from=2026-13-01", status: 422},
	})
}
