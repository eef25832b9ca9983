package api

import (
	"strings"
	"testing"
)

func TestFunderReport(t *testing.T) {
	ta := newReportApp(t)
	var all struct {
		From  string `json:"from"`
		Lines []struct {
			ES string `json:"es"`
			EN string `json:"en"`
		} `json:"lines"`
	}
	ta.do("admin", "GET", "/api/v1/reports/funder", nil).decode(t, &all)
	// The agreements, then one line per training modality of the period,
	// then the initiatives.
	if len(all.Lines) != 4 || !strings.Contains(all.Lines[3].ES, "iniciativa") || !strings.Contains(all.Lines[3].EN, "initiative") || !strings.HasPrefix(all.Lines[0].ES, "Del 1 de diciembre de 2025 al 27 de noviembre de 2026, acuerdos con diez congresistas") ||
		!strings.HasPrefix(all.Lines[1].EN, "From 1 December 2025 to 27 November 2026, in-person training") ||
		!strings.HasPrefix(all.Lines[2].EN, "From 1 December 2025 to 27 November 2026, hybrid training") {
		t.Fatalf("lines: %+v", all.Lines)
	}
	// The members behind the line are the congress_agreements records.
	var members struct {
		Total int `json:"total"`
		Items []struct {
			Entity      string `json:"entity"`
			Commitments []struct {
				MadeOn string `json:"made_on"`
			} `json:"commitments"`
		} `json:"items"`
	}
	ta.do("admin", "GET", "/api/v1/indicators/congress_agreements/records?limit=200", nil).decode(t, &members)
	if members.Total != 10 || len(members.Items) != 10 {
		t.Errorf("%d legislators listed (total %d), the line says ten", len(members.Items), members.Total)
	}
	for _, m := range members.Items {
		for _, c := range m.Commitments {
			if c.MadeOn < all.From {
				t.Errorf("agreement before the period: %+v", c)
			}
		}
	}

	// The fulfilled commitments with their evidence, a page at a time.
	fulfilled := func(who string) (out []fulfilment) {
		t.Helper()
		path := "/api/v1/reports/funder/fulfilled?limit=2"
		for {
			var page struct {
				Items      []fulfilment `json:"items"`
				NextCursor string       `json:"next_cursor"`
			}
			ta.do(who, "GET", path, nil).decode(t, &page)
			out = append(out, page.Items...)
			if page.NextCursor == "" {
				return out
			}
			path = "/api/v1/reports/funder/fulfilled?limit=2&cursor=" + page.NextCursor
		}
	}
	allDone, loretoDone := fulfilled("admin"), fulfilled("loreto_manager")
	if len(allDone) < 3 || len(loretoDone) == 0 || len(loretoDone) >= len(allDone) {
		t.Fatalf("fulfilled: %d for every region, %d for Loreto", len(allDone), len(loretoDone))
	}
	for _, f := range allDone {
		if (f.Status != "fulfilled" && f.Status != "partially_fulfilled") || !strings.HasPrefix(f.Evidence, "https://") || f.MadeOn < all.From {
			t.Errorf("fulfilment %+v", f)
		}
	}
	for _, f := range loretoDone {
		if f.Region != "16" {
			t.Errorf("Loreto sees a fulfilment in %s", f.Region)
		}
	}
	ta.run(t, []scenario{
		{name: "officers may not", as: "officer", method: "GET", path: "/api/v1/reports/funder", status: 403},
		{name: "bad period", as: "manager", method: "GET", path: "/api/v1/reports/funder?from=2026-13-01", status: 422},
		{name: "officers may not read the fulfilments", as: "officer", method: "GET", path: "/api/v1/reports/funder/fulfilled", status: 403},
		{name: "bad limit", as: "manager", method: "GET", path: "/api/v1/reports/funder/fulfilled?limit=0", status: 422},
		{name: "bad cursor", as: "manager", method: "GET", path: "/api/v1/reports/funder/fulfilled?cursor=nope", status: 400},
	})
}

type fulfilment struct {
	Region   string `json:"region"`
	Status   string `json:"status"`
	MadeOn   string `json:"made_on"`
	Evidence string `json:"evidence"`
}
