package api

import (
	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/report"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

// funderReport is what the print-ready funder report lists beyond the
// dashboards: the funder lines with their period, legislators and
// committees with their agreements, and fulfilled commitments with evidence.
type funderReport struct {
	store.Period
	Lines []report.Summary `json:"lines"`
	store.FunderLists
}

func (a *API) reportFunder(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	ctx, scope := c.UserContext(), auth.User(c).Scope()
	legs, err := a.store.LegislatorsWithCommitments(ctx, scope, p)
	if err != nil {
		return err
	}
	tr, err := a.store.Trainings(ctx, scope, p)
	if err != nil {
		return err
	}
	lists, err := a.store.FunderLists(ctx, scope, p)
	if err != nil {
		return err
	}
	counts := make([]report.RegionCount, len(legs.Items))
	for i, r := range legs.Items {
		counts[i] = report.RegionCount{Region: r.Region, Count: r.Count}
	}
	aud := make([]report.AudienceCount, len(tr.Audiences))
	for i, x := range tr.Audiences {
		aud[i] = report.AudienceCount{Audience: x.Audience, People: x.People}
	}
	return c.JSON(funderReport{Period: p, FunderLists: *lists, Lines: []report.Summary{
		report.WithPeriod(report.LegislatorSummary(legs.Total, counts), p.From, p.To),
		report.WithPeriod(report.TrainingSummary(tr.Trainings, tr.People, tr.Modalities, aud), p.From, p.To),
	}})
}
