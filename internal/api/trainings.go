package api

import (
	"strconv"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/report"
	"github.com/alianza-pe/alianza/internal/store"
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

func (a *API) reportTrainings(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	res, err := a.store.Trainings(c.UserContext(), auth.User(c).Scope(), p)
	if err != nil {
		return err
	}
	es := spanish(c)
	out := trainingReport{Period: p, Trainings: res.Trainings, People: res.People, Modalities: res.Modalities,
		Audiences: make([]audienceRow, len(res.Audiences)), Items: make([]trainingRow, len(res.Items))}
	counts := make([]report.AudienceCount, len(res.Audiences))
	for i, x := range res.Audiences {
		out.Audiences[i] = audienceRow{Audience: x.Audience, AudienceLabel: report.AudienceLabel(x.Audience, es), People: x.People}
		counts[i] = report.AudienceCount{Audience: x.Audience, People: x.People}
	}
	for i, r := range res.Items {
		out.Items[i] = trainingRow{Quarter: r.Quarter, Region: r.Region, RegionName: model.RegionName(r.Region),
			Audience: r.Audience, AudienceLabel: report.AudienceLabel(r.Audience, es), People: r.People}
	}
	out.Summary = report.WithPeriod(report.TrainingSummary(res.Trainings, res.People, res.Modalities, counts), p.From, p.To)
	if wantsCSV(c) {
		return sendCSV(c, "personas-capacitadas", []column[trainingRow]{
			{"quarter", "trimestre", func(r trainingRow) string { return r.Quarter }},
			{"region", "region", func(r trainingRow) string { return r.Region }},
			{"region_name", "nombre_region", func(r trainingRow) string { return r.RegionName }},
			{"audience", "publico", func(r trainingRow) string { return r.Audience }},
			{"audience_label", "publico_texto", func(r trainingRow) string { return r.AudienceLabel }},
			{"people", "personas", func(r trainingRow) string { return strconv.Itoa(r.People) }},
		}, out.Items)
	}
	return c.JSON(out)
}
