package api

import (
	"slices"
	"strconv"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/report"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/words"
	"github.com/gofiber/fiber/v2"
)

// trainingRow is one line of the people-trained table.
type trainingRow struct {
	Quarter       string `json:"quarter"`
	Region        string `json:"region"`
	RegionName    string `json:"region_name"`
	Audience      string `json:"audience"`
	AudienceLabel string `json:"audience_label"`
	People        int    `json:"people"`
}

type audienceRow struct {
	Audience      string `json:"audience"`
	AudienceLabel string `json:"audience_label"`
	People        int    `json:"people"`
}

// trainingReport is the trainings of the period: totals, people per
// audience (largest first), the table per quarter, region and audience, and
// the funder line with its period.
type trainingReport struct {
	store.Period
	Trainings  int            `json:"trainings"`
	People     int            `json:"people"`
	Modalities []string       `json:"modalities"`
	Audiences  []audienceRow  `json:"audiences"`
	Items      []trainingRow  `json:"items"`
	Summary    report.Summary `json:"summary"`
}

var trainingColumns = slices.Concat([]column[trainingRow]{{"quarter", "trimestre", func(r trainingRow) string { return r.Quarter }}},
	regionColumns(func(r trainingRow) (string, string) { return r.Region, r.RegionName }), []column[trainingRow]{
		{"audience", "publico", func(r trainingRow) string { return r.Audience }},
		{"audience_label", "publico_texto", func(r trainingRow) string { return r.AudienceLabel }},
		{"people", "personas", func(r trainingRow) string { return strconv.Itoa(r.People) }},
	})

func (a *API) reportTrainings(c *fiber.Ctx) error {
	lng := labelLang(c)
	return dashboard(a, c, a.store.Trainings, "personas-capacitadas", trainingColumns,
		func(p store.Period, res *store.TrainingCounts) (trainingReport, []trainingRow) {
			out := trainingReport{Period: p, Trainings: res.Trainings, People: res.People, Modalities: res.Modalities,
				Audiences: make([]audienceRow, len(res.Audiences)), Items: make([]trainingRow, len(res.Items))}
			for i, x := range res.Audiences {
				out.Audiences[i] = audienceRow{Audience: x.Audience, AudienceLabel: words.Audiences.In(x.Audience, lng), People: x.People}
			}
			for i, r := range res.Items {
				out.Items[i] = trainingRow{Quarter: r.Quarter, Region: r.Region, RegionName: model.RegionName(r.Region),
					Audience: r.Audience, AudienceLabel: words.Audiences.In(r.Audience, lng), People: r.People}
			}
			out.Summary = report.WithPeriod(trainingSummary(res), p.From, p.To)
			return out, out.Items
		})
}

// trainingSummary is the funder sentence of the trainings.
func trainingSummary(res *store.TrainingCounts) report.Summary {
	return report.TrainingSummary(res.Trainings, res.People, res.Modalities, audienceCounts(res.Audiences))
}
