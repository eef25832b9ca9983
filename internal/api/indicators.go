package api

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/report"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/words"
	"github.com/gofiber/fiber/v2"
)

// indicatorRoutes: the results framework. Everyone signed in reads the
// figures of their regions; managers and admins of every region set targets.
func (a *API) indicatorRoutes() []route {
	return []route{
		{method: "GET", path: "/indicators", tag: "indicators", query: []string{"from", "to", "region", "year", "format", "lang"},
			summary: "Each indicator with its names, rule, actual for the period, actual and target for the year, percent achieved and breakdowns; ?format=csv gives the tracking table",
			resp:    indicatorList{}, handle: a.listIndicators},
		{method: "GET", path: "/indicators/:code/records", tag: "indicators", query: []string{"from", "to", "region", "limit", "cursor"},
			summary: "A page of the records behind an indicator's figure for the period (members, committees, trainings, meetings, commitments), with the figure's total",
			resp:    indicatorRecords{}, handle: a.indicatorRecords},
		{method: "PUT", path: "/indicators/:code/targets/:year", access: managers, tag: "indicators",
			summary: "Set an indicator's target for a year (managers and admins of every region); audited",
			body:    model.TargetInput{}, resp: model.IndicatorTarget{}, handle: a.setIndicatorTarget},
	}
}

// breakdownItem is one line of a breakdown with its label in both languages.
type breakdownItem struct {
	Key   string         `json:"key"`
	Label report.Summary `json:"label"`
	Count int            `json:"count"`
}

type breakdownView struct {
	By    string          `json:"by"`
	Items []breakdownItem `json:"items"`
}

// indicatorView is one indicator: its figure for the period, and for the
// target's year the actual, the target (null when none is set) and the
// percent of it achieved (null without a target above 0).
type indicatorView struct {
	Code       string          `json:"code"`
	Name       report.Summary  `json:"name"`
	Rule       report.Summary  `json:"rule"`
	Actual     int             `json:"actual"`
	Breakdowns []breakdownView `json:"breakdowns"`
	Year       int             `json:"year"`
	YearActual int             `json:"year_actual"`
	Target     *int            `json:"target"`
	Percent    *float64        `json:"percent"`
}

// indicatorList is the results framework for a period and scope. Targets
// are the organisation's, for every region: Whole says the figures cover
// every region too, so that they compare.
type indicatorList struct {
	store.Period
	Region string          `json:"region"`
	Year   int             `json:"year"`
	Whole  bool            `json:"whole"`
	Items  []indicatorView `json:"items"`
}

type indicatorRecords struct {
	store.Period
	Code string         `json:"code"`
	Name report.Summary `json:"name"`
	Rule report.Summary `json:"rule"`
	store.IndicatorRecords
}

// indicatorScope is the caller's scope narrowed by ?region=, which must be
// one of the caller's regions.
func indicatorScope(c *fiber.Ctx) (model.Scope, string, error) {
	scope := auth.User(c).Scope()
	r := c.Query("region")
	if r == "" {
		return scope, "", nil
	}
	var p model.Problems
	switch {
	case !model.ValidRegion(r):
		p.Add("region", "unknown region code %q", r)
	case !scope.Allows(r):
		p.Add("region", "is outside your regions")
	}
	if err := p.Err(); err != nil {
		return scope, "", err
	}
	return model.Scope{Regions: []string{r}}, r, nil
}

// yearOf reads ?year=, by default the year the period ends in.
func yearOf(c *fiber.Ctx, p store.Period) (int, error) {
	v := c.Query("year", p.To[:4])
	y, err := strconv.Atoi(v)
	if err != nil || y < model.MinTargetYear || y > model.MaxTargetYear {
		var pr model.Problems
		pr.Add("year", "must be a year from %d to %d", model.MinTargetYear, model.MaxTargetYear)
		return 0, pr.Err()
	}
	return y, nil
}

func wording(t words.Table, key string) report.Summary {
	return report.Summary{ES: t.In(key, words.ES), EN: t.In(key, words.EN)}
}

// breakdownLabel names a breakdown key in both languages.
func breakdownLabel(by, key string) report.Summary {
	switch by {
	case store.ByRegion, store.ByDistrict:
		return report.Summary{ES: words.RegionName(key, words.ES), EN: words.RegionName(key, words.EN)}
	case store.ByAudience:
		return wording(words.Audiences, key)
	case store.ByModality:
		s := wording(words.Modalities, key)
		return report.Summary{ES: upperFirst(s.ES), EN: s.EN}
	}
	return report.Summary{ES: key, EN: key}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

func breakdownViews(in []store.Breakdown) []breakdownView {
	out := make([]breakdownView, len(in))
	for i, b := range in {
		out[i] = breakdownView{By: b.By, Items: make([]breakdownItem, len(b.Items))}
		for j, it := range b.Items {
			out[i].Items[j] = breakdownItem{Key: it.Key, Label: breakdownLabel(b.By, it.Key), Count: it.Count}
		}
	}
	return out
}

// indicatorViews computes every indicator for the period and for the year.
func (a *API) indicatorViews(ctx context.Context, scope model.Scope, p store.Period, year int) ([]indicatorView, error) {
	targets, err := a.store.IndicatorTargets(ctx, year)
	if err != nil {
		return nil, err
	}
	yp := store.Period{From: fmt.Sprintf("%d-01-01", year), To: fmt.Sprintf("%d-12-31", year)}
	periods := []store.Period{p, yp}
	if yp == p {
		periods = periods[:1]
	}
	both, err := a.store.IndicatorFigures(ctx, scope, periods...)
	if err != nil {
		return nil, err
	}
	figures, yearFigures := both[0], both[len(both)-1]
	out := make([]indicatorView, len(figures))
	for i, f := range figures {
		code, yf := f.Code, yearFigures[i]
		v := indicatorView{Code: code, Name: wording(words.Indicators, code), Rule: wording(words.IndicatorRules, code),
			Actual: f.Actual, Breakdowns: breakdownViews(f.Breakdowns), Year: year, YearActual: yf.Actual}
		if t, ok := targets[code]; ok {
			v.Target = &t.Value
			if t.Value > 0 {
				pc := math.Round(float64(yf.Actual)*1000/float64(t.Value)) / 10
				v.Percent = &pc
			}
		}
		out[i] = v
	}
	return out, nil
}

func (a *API) listIndicators(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	scope, region, err := indicatorScope(c)
	if err != nil {
		return err
	}
	year, err := yearOf(c, p)
	if err != nil {
		return err
	}
	items, err := a.indicatorViews(c.UserContext(), scope, p, year)
	if err != nil {
		return err
	}
	if wantsCSV(c) {
		return sendCSV(c, "indicadores", indicatorColumns(p, words.Choose(c.Query("lang"), string(words.ES))), items)
	}
	return c.JSON(indicatorList{Period: p, Region: region, Year: year, Whole: scope.All, Items: items})
}

// indicatorColumns are the funder's tracking table: indicator, target,
// actual for the year, percent, actual for the period, the period and the
// breakdowns, in l.
func indicatorColumns(p store.Period, l words.Lang) []column[indicatorView] {
	num := func(n *int) string {
		if n == nil {
			return ""
		}
		return strconv.Itoa(*n)
	}
	return []column[indicatorView]{
		{"indicator", "indicador", func(v indicatorView) string { return v.Name.In(l) }},
		{"code", "codigo", func(v indicatorView) string { return v.Code }},
		{"year", "anio", func(v indicatorView) string { return strconv.Itoa(v.Year) }},
		{"target", "meta", func(v indicatorView) string { return num(v.Target) }},
		{"year_actual", "logrado_anio", func(v indicatorView) string { return strconv.Itoa(v.YearActual) }},
		{"percent", "porcentaje", func(v indicatorView) string {
			if v.Percent == nil {
				return ""
			}
			return strconv.FormatFloat(*v.Percent, 'f', 1, 64)
		}},
		{"period", "periodo", func(indicatorView) string { return p.From + " / " + p.To }},
		{"actual", "logrado_periodo", func(v indicatorView) string { return strconv.Itoa(v.Actual) }},
		{"breakdowns", "desgloses", func(v indicatorView) string {
			var parts []string
			for _, b := range v.Breakdowns {
				items := make([]string, len(b.Items))
				for i, it := range b.Items {
					items[i] = fmt.Sprintf("%s (%d)", it.Label.In(l), it.Count)
				}
				parts = append(parts, strings.Join(items, ", "))
			}
			return strings.Join(parts, "; ")
		}},
		{"rule", "regla", func(v indicatorView) string { return v.Rule.In(l) }},
	}
}

func (a *API) indicatorRecords(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	scope, _, err := indicatorScope(c)
	if err != nil {
		return err
	}
	q := queryOf(c)
	pg := q.page()
	if q.err != nil {
		return q.err
	}
	code := c.Params("code")
	recs, err := a.store.IndicatorRecords(c.UserContext(), code, scope, p, pg)
	if err != nil {
		return err
	}
	return c.JSON(indicatorRecords{Period: p, Code: code, Name: wording(words.Indicators, code), Rule: wording(words.IndicatorRules, code), IndicatorRecords: *recs})
}

func (a *API) setIndicatorTarget(c *fiber.Ctx) error {
	var in model.TargetInput
	if err := decode(c, &in); err != nil {
		return err
	}
	year, _ := strconv.Atoi(c.Params("year"))
	t, err := a.flows.SetIndicatorTarget(c.UserContext(), auth.User(c), c.Params("code"), year, in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}
