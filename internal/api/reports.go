package api

import (
	"context"
	"slices"
	"strconv"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/report"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/words"
	"github.com/gofiber/fiber/v2"
)

// reportQuery are the query parameters every dashboard takes.
var reportQuery = []string{"from", "to", "format", "lang"}

// reportRoutes lists the dashboards: managers and viewers (their regions) and admins.
func (a *API) reportRoutes() []route {
	dash := func(path, summary string, resp any, handle fiber.Handler) route {
		return route{method: "GET", path: "/reports/" + path, access: reportReaders, tag: "reports", query: reportQuery,
			summary: summary, resp: resp, handle: handle}
	}
	funder := dash("funder", "The funder report's lines with their period and the rules they count by (the members behind them: the agreement indicators' records)",
		funderReport{}, a.reportFunder)
	funder.query = []string{"from", "to"}
	fulfilled := dash("funder/fulfilled", "A page of the commitments made in the period and fulfilled (wholly or in part) so far, newest made first, with their evidence",
		list[store.Fulfilment]{}, a.reportFunderFulfilled)
	fulfilled.query = []string{"from", "to", "limit", "cursor"}
	return []route{
		dash("commitments-by-region", "Commitments made in the period by region and status", statusReport{}, a.reportCommitmentsByRegion),
		dash("overdue", "Overdue commitments (due in the period, before today) by region and owner", overdueReport{}, a.reportOverdue),
		dash("meetings-per-month", "Meetings per Lima month and region", monthReport{}, a.reportMeetingsPerMonth),
		dash("legislators-with-commitments", "Distinct legislators with commitments in the period, per region of the commitment, with the funder summary",
			legislatorReport{}, a.reportLegislators),
		dash("active-committees", "Oversight committees with a meeting or commitment in the period, per committee region", regionReport{}, a.reportActiveCommittees),
		dash("trainings", "People trained per audience, region and quarter, with the funder summary", trainingReport{}, a.reportTrainings),
		funder,
		fulfilled,
	}
}

type statusRow struct {
	Region      string `json:"region"`
	RegionName  string `json:"region_name"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Count       int    `json:"count"`
}

type statusReport struct {
	store.Period
	Items []statusRow `json:"items"`
}

type overdueRow struct {
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	OwnerID    string `json:"owner_id"`
	OwnerName  string `json:"owner_name"`
	Count      int    `json:"count"`
}

type overdueReport struct {
	store.Period
	Today string       `json:"today"`
	Items []overdueRow `json:"items"`
}

type monthRow struct {
	Month      string `json:"month"`
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	Count      int    `json:"count"`
}

type monthReport struct {
	store.Period
	Items []monthRow `json:"items"`
}

type regionRow struct {
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	Count      int    `json:"count"`
}

type regionReport struct {
	store.Period
	Total int         `json:"total"`
	Items []regionRow `json:"items"`
}

// legislatorReport: the agreement rule's count (model.CountAgreements):
// Total members of Congress, each once, in the item of the district they
// represent, so the items add up to Total; Commitments are theirs counted,
// Fulfilled those fulfilled so far.
type legislatorReport struct {
	store.Period
	Total       int            `json:"total"`
	Commitments int            `json:"commitments"`
	Fulfilled   int            `json:"fulfilled"`
	Items       []regionRow    `json:"items"`
	Summary     report.Summary `json:"summary"`
}

// period reads ?from= and ?to= (Lima days, both included); each missing end
// comes from the default period, the last twelve calendar months.
func (a *API) period(c *fiber.Ctx) (store.Period, error) {
	p := store.DefaultPeriod(a.store.Now())
	if v := c.Query("from"); v != "" {
		p.From = v
	}
	if v := c.Query("to"); v != "" {
		p.To = v
	}
	return p, p.Validate()
}

// labelLang is the language of a report's labels: ?lang, else English,
// the wording scripts read.
func labelLang(c *fiber.Ctx) words.Lang { return words.Choose(c.Query("lang"), string(words.EN)) }

// dashboard answers one report, the same way for every one: it reads the
// period, runs query in the caller's regions, shapes the result, and writes
// it as JSON, or with ?format=csv its rows as the CSV file name.
func dashboard[R, Out, Row any](a *API, c *fiber.Ctx, query func(context.Context, model.Scope, store.Period) (R, error),
	name string, cols []column[Row], shape func(store.Period, R) (Out, []Row)) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	res, err := query(c.UserContext(), auth.User(c).Scope(), p)
	if err != nil {
		return err
	}
	out, rows := shape(p, res)
	if wantsCSV(c) {
		return sendCSV(c, name, cols, rows)
	}
	return c.JSON(out)
}

func regionRows(in []store.RegionCount) []regionRow {
	out := make([]regionRow, len(in))
	for i, r := range in {
		out[i] = regionRow{Region: r.Region, RegionName: model.RegionName(r.Region), Count: r.Count}
	}
	return out
}

// regionColumns are the columns of a row's region: its code and name.
func regionColumns[T any](region func(T) (code, name string)) []column[T] {
	return []column[T]{
		{"region", "region", func(r T) string { code, _ := region(r); return code }},
		{"region_name", "nombre_region", func(r T) string { _, name := region(r); return name }},
	}
}

// countColumn is the column of a row's count.
func countColumn[T any](count func(T) int) column[T] {
	return column[T]{"count", "cantidad", func(r T) string { return strconv.Itoa(count(r)) }}
}

var regionReportColumns = append(regionColumns(func(r regionRow) (string, string) { return r.Region, r.RegionName }),
	countColumn(func(r regionRow) int { return r.Count }))

var statusColumns = slices.Concat(regionColumns(func(r statusRow) (string, string) { return r.Region, r.RegionName }), []column[statusRow]{
	{"status", "estado", func(r statusRow) string { return r.Status }},
	{"status_label", "estado_texto", func(r statusRow) string { return r.StatusLabel }},
	countColumn(func(r statusRow) int { return r.Count }),
})

func (a *API) reportCommitmentsByRegion(c *fiber.Ctx) error {
	lng := labelLang(c)
	return dashboard(a, c, a.store.CommitmentsByRegion, "compromisos-por-region", statusColumns,
		func(p store.Period, rows []store.StatusCount) (statusReport, []statusRow) {
			out := statusReport{Period: p, Items: make([]statusRow, len(rows))}
			for i, r := range rows {
				out.Items[i] = statusRow{Region: r.Region, RegionName: model.RegionName(r.Region), Status: r.Status,
					StatusLabel: words.Statuses.In(r.Status, lng), Count: r.Count}
			}
			return out, out.Items
		})
}

var overdueColumns = slices.Concat(regionColumns(func(r overdueRow) (string, string) { return r.Region, r.RegionName }), []column[overdueRow]{
	{"owner_id", "id_responsable", func(r overdueRow) string { return r.OwnerID }},
	{"owner_name", "responsable", func(r overdueRow) string { return r.OwnerName }},
	countColumn(func(r overdueRow) int { return r.Count }),
})

func (a *API) reportOverdue(c *fiber.Ctx) error {
	return dashboard(a, c, a.store.OverdueByOwner, "compromisos-vencidos", overdueColumns,
		func(p store.Period, rows []store.OwnerCount) (overdueReport, []overdueRow) {
			out := overdueReport{Period: p, Today: model.Today(a.store.Now()), Items: make([]overdueRow, len(rows))}
			for i, r := range rows {
				out.Items[i] = overdueRow{Region: r.Region, RegionName: model.RegionName(r.Region), OwnerName: r.OwnerName, Count: r.Count}
				if !r.OwnerID.IsZero() {
					out.Items[i].OwnerID = r.OwnerID.Hex()
				}
			}
			return out, out.Items
		})
}

var monthColumns = slices.Concat([]column[monthRow]{{"month", "mes", func(r monthRow) string { return r.Month }}},
	regionColumns(func(r monthRow) (string, string) { return r.Region, r.RegionName }),
	[]column[monthRow]{countColumn(func(r monthRow) int { return r.Count })})

func (a *API) reportMeetingsPerMonth(c *fiber.Ctx) error {
	return dashboard(a, c, a.store.MeetingsPerMonth, "reuniones-por-mes", monthColumns,
		func(p store.Period, rows []store.MonthCount) (monthReport, []monthRow) {
			out := monthReport{Period: p, Items: make([]monthRow, len(rows))}
			for i, r := range rows {
				out.Items[i] = monthRow{Month: r.Month, Region: r.Region, RegionName: model.RegionName(r.Region), Count: r.Count}
			}
			return out, out.Items
		})
}

func (a *API) reportLegislators(c *fiber.Ctx) error {
	agreements := func(ctx context.Context, scope model.Scope, p store.Period) (*model.Agreements, error) {
		return a.store.Agreements(ctx, scope, p, model.KindLegislator)
	}
	return dashboard(a, c, agreements, "congresistas-con-compromisos", regionReportColumns,
		func(p store.Period, res *model.Agreements) (legislatorReport, []regionRow) {
			items := make([]regionRow, len(res.Groups))
			for i, g := range res.Groups {
				items[i] = regionRow{Region: g.Key, RegionName: model.RegionName(g.Key), Count: g.Count}
			}
			out := legislatorReport{Period: p, Total: res.Members, Commitments: res.Commitments, Fulfilled: res.Fulfilled, Items: items,
				Summary: report.WithPeriod(agreementsLine(res), p.From, p.To)}
			return out, out.Items
		})
}

func (a *API) reportActiveCommittees(c *fiber.Ctx) error {
	return dashboard(a, c, a.store.ActiveCommittees, "comites-activos", regionReportColumns,
		func(p store.Period, rows []store.RegionCount) (regionReport, []regionRow) {
			out := regionReport{Period: p, Items: regionRows(rows)}
			for _, r := range rows {
				out.Total += r.Count
			}
			return out, out.Items
		})
}
