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
	return c.JSON(funderReport{Period: p, FunderLists: *lists, Lines: []report.Summary{
		report.WithPeriod(report.LegislatorSummary(legs.Total, legislatorCounts(legs)), p.From, p.To),
		report.WithPeriod(trainingSummary(tr), p.From, p.To),
	}})
}
