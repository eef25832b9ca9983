package api

import (
	"slices"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/report"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/words"
	"github.com/gofiber/fiber/v2"
)

// funderRule is the rule a figure of the funder report counts by, in words.
type funderRule struct {
	Code string         `json:"code"`
	Name report.Summary `json:"name"`
	Rule report.Summary `json:"rule"`
}

// funderReport is what the print-ready funder report says beyond the
// dashboards: the funder lines with their period (the agreements with
// members of Congress, then one line per training modality, then the
// initiatives) and the rules they count by. The members behind the lines
// are the agreement indicators' records and the fulfilled commitments
// with their evidence /reports/funder/fulfilled, both a page at a time.
type funderReport struct {
	store.Period
	Lines []report.Summary `json:"lines"`
	Rules []funderRule     `json:"rules"`
}

// funderRuleCodes are the indicators whose figures the funder report shows.
var funderRuleCodes = []string{"congress_agreements", "committee_agreements", "people_trained", "trainings_held"}

func (a *API) reportFunder(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	ctx, scope := c.UserContext(), auth.User(c).Scope()
	counts, err := a.store.FunderCounts(ctx, scope, p)
	if err != nil {
		return err
	}
	out := funderReport{Period: p, Lines: []report.Summary{report.WithPeriod(agreementsLine(counts.Legislators), p.From, p.To)}}
	for _, line := range trainingLines(counts.Trainings) {
		out.Lines = append(out.Lines, report.WithPeriod(line, p.From, p.To))
	}
	out.Lines = append(out.Lines, report.WithPeriod(initiativesLine(counts.Advanced, counts.Approved), p.From, p.To))
	for _, code := range funderRuleCodes {
		out.Rules = append(out.Rules, funderRule{Code: code, Name: wording(words.Indicators, code), Rule: wording(words.IndicatorRules, code)})
	}
	return c.JSON(out)
}

// reportFunderFulfilled is a page of the commitments made in the period
// and fulfilled (wholly or in part) so far, with their evidence.
func (a *API) reportFunderFulfilled(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	q := queryOf(c)
	pg := q.page()
	if q.err != nil {
		return q.err
	}
	items, next, err := a.store.FunderFulfilled(c.UserContext(), auth.User(c).Scope(), p, pg)
	if err != nil {
		return err
	}
	return c.JSON(newList(items, next))
}

// agreementsLine is the funder line of the agreements with members of
// Congress, from the agreement rule's count.
func agreementsLine(a *model.Agreements) report.Summary {
	return report.AgreementsLine(a.Members, groupCounts(a.Groups), a.Commitments, a.Fulfilled)
}

// initiativesLine is the funder line of the initiatives that advanced a
// stage in the period (by kind, most first) and where each kind was
// approved (regions by code).
func initiativesLine(advanced, approved []store.InitiativeMove) report.Summary {
	counts := map[string]int{}
	for _, r := range advanced {
		counts[r.Kind]++
	}
	var kinds []report.KindCount
	for _, g := range model.SortedCounts(counts) {
		kinds = append(kinds, report.KindCount{Kind: g.Key, Count: g.Count})
	}
	var approvals []report.Approvals
	for _, k := range model.InitiativeKinds {
		var regions []string
		for _, r := range approved {
			if r.Kind == k.Code && !slices.Contains(regions, r.Region) {
				regions = append(regions, r.Region)
			}
		}
		if len(regions) > 0 {
			slices.Sort(regions)
			approvals = append(approvals, report.Approvals{Kind: k.Code, Regions: regions})
		}
	}
	return report.InitiativesLine(len(advanced), kinds, approvals)
}

func groupCounts(in []model.GroupCount) []report.RegionCount {
	out := make([]report.RegionCount, len(in))
	for i, g := range in {
		out[i] = report.RegionCount{Region: g.Key, Count: g.Count}
	}
	return out
}

// trainingLines are the funder lines of the trainings: one per modality
// used in the period, or one saying there were none.
func trainingLines(tr *store.TrainingCounts) []report.Summary {
	if len(tr.ByModality) == 0 {
		return []report.Summary{report.TrainingSummary(0, 0, nil, nil)}
	}
	out := make([]report.Summary, len(tr.ByModality))
	for i, m := range tr.ByModality {
		out[i] = report.TrainingSummary(m.Trainings, m.People, []string{m.Modality}, audienceCounts(m.Audiences))
	}
	return out
}

func audienceCounts(in []store.AudienceTotal) []report.AudienceCount {
	out := make([]report.AudienceCount, len(in))
	for i, x := range in {
		out[i] = report.AudienceCount{Audience: x.Audience, People: x.People, Women: x.Women, Men: x.Men}
	}
	return out
}
