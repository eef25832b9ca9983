package api

import (
	"strconv"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/report"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

// reportQuery are the query parameters every dashboard takes.
var reportQuery = []string{"from", "to", "format", "lang"}

// reportRoutes lists the dashboards: managers (their regions) and admins.
func (a *API) reportRoutes() []route {
	return []route{
		{method: "GET", path: "/reports/commitments-by-region", access: managers, tag: "reports", query: reportQuery,
			summary: "Commitments made in the period by region and status", resp: statusReport{}, handle: a.reportCommitmentsByRegion},
		{method: "GET", path: "/reports/overdue", access: managers, tag: "reports", query: reportQuery,
			summary: "Overdue commitments (due in the period, before today) by region and owner", resp: overdueReport{}, handle: a.reportOverdue},
		{method: "GET", path: "/reports/meetings-per-month", access: managers, tag: "reports", query: reportQuery,
			summary: "Meetings per Lima month and region", resp: monthReport{}, handle: a.reportMeetingsPerMonth},
		{method: "GET", path: "/reports/legislators-with-commitments", access: managers, tag: "reports", query: reportQuery,
			summary: "Distinct legislators with commitments in the period, per region of the commitment, with the funder summary", resp: legislatorReport{}, handle: a.reportLegislators},
		{method: "GET", path: "/reports/active-committees", access: managers, tag: "reports", query: reportQuery,
			summary: "Oversight committees with a meeting or commitment in the period, per committee region", resp: regionReport{}, handle: a.reportActiveCommittees},
		{method: "GET", path: "/reports/trainings", access: managers, tag: "reports", query: reportQuery,
			summary: "People trained per audience, region and quarter, with the funder summary", resp: trainingReport{}, handle: a.reportTrainings},
		{method: "GET", path: "/reports/funder", access: managers, tag: "reports", query: []string{"from", "to"},
			summary: "The funder report's lines with their period, legislators and committees with their agreements, and fulfilled commitments with evidence", resp: funderReport{}, handle: a.reportFunder},
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

// legislatorReport: Total counts each legislator once; each item counts the
// legislators with a commitment in that region, so a legislator who made
// commitments in two regions is in both items (MultiRegion says how many).
type legislatorReport struct {
	store.Period
	Total       int            `json:"total"`
	MultiRegion int            `json:"multi_region"`
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

// spanish reports whether an export asked for Spanish (?lang=es).
func spanish(c *fiber.Ctx) bool { return c.Query("lang") == "es" }

func regionRows(in []store.RegionCount) []regionRow {
	out := make([]regionRow, len(in))
	for i, r := range in {
		out[i] = regionRow{Region: r.Region, RegionName: model.RegionName(r.Region), Count: r.Count}
	}
	return out
}

func regionColumns() []column[regionRow] {
	return []column[regionRow]{
		{"region", "region", func(r regionRow) string { return r.Region }},
		{"region_name", "nombre_region", func(r regionRow) string { return r.RegionName }},
		{"count", "cantidad", func(r regionRow) string { return strconv.Itoa(r.Count) }},
	}
}

func (a *API) reportCommitmentsByRegion(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	rows, err := a.store.CommitmentsByRegion(c.UserContext(), auth.User(c).Scope(), p)
	if err != nil {
		return err
	}
	es := spanish(c)
	out := statusReport{Period: p, Items: make([]statusRow, len(rows))}
	for i, r := range rows {
		out.Items[i] = statusRow{Region: r.Region, RegionName: model.RegionName(r.Region), Status: r.Status,
			StatusLabel: report.StatusLabel(r.Status, es), Count: r.Count}
	}
	if wantsCSV(c) {
		return sendCSV(c, "compromisos-por-region", []column[statusRow]{
			{"region", "region", func(r statusRow) string { return r.Region }},
			{"region_name", "nombre_region", func(r statusRow) string { return r.RegionName }},
			{"status", "estado", func(r statusRow) string { return r.Status }},
			{"status_label", "estado_texto", func(r statusRow) string { return r.StatusLabel }},
			{"count", "cantidad", func(r statusRow) string { return strconv.Itoa(r.Count) }},
		}, out.Items)
	}
	return c.JSON(out)
}

func (a *API) reportOverdue(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	rows, err := a.store.OverdueByOwner(c.UserContext(), auth.User(c).Scope(), p)
	if err != nil {
		return err
	}
	out := overdueReport{Period: p, Today: model.Today(a.store.Now()), Items: make([]overdueRow, len(rows))}
	for i, r := range rows {
		out.Items[i] = overdueRow{Region: r.Region, RegionName: model.RegionName(r.Region), OwnerName: r.OwnerName, Count: r.Count}
		if !r.OwnerID.IsZero() {
			out.Items[i].OwnerID = r.OwnerID.Hex()
		}
	}
	if wantsCSV(c) {
		return sendCSV(c, "compromisos-vencidos", []column[overdueRow]{
			{"region", "region", func(r overdueRow) string { return r.Region }},
			{"region_name", "nombre_region", func(r overdueRow) string { return r.RegionName }},
			{"owner_id", "id_responsable", func(r overdueRow) string { return r.OwnerID }},
			{"owner_name", "responsable", func(r overdueRow) string { return r.OwnerName }},
			{"count", "cantidad", func(r overdueRow) string { return strconv.Itoa(r.Count) }},
		}, out.Items)
	}
	return c.JSON(out)
}

func (a *API) reportMeetingsPerMonth(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	rows, err := a.store.MeetingsPerMonth(c.UserContext(), auth.User(c).Scope(), p)
	if err != nil {
		return err
	}
	out := monthReport{Period: p, Items: make([]monthRow, len(rows))}
	for i, r := range rows {
		out.Items[i] = monthRow{Month: r.Month, Region: r.Region, RegionName: model.RegionName(r.Region), Count: r.Count}
	}
	if wantsCSV(c) {
		return sendCSV(c, "reuniones-por-mes", []column[monthRow]{
			{"month", "mes", func(r monthRow) string { return r.Month }},
			{"region", "region", func(r monthRow) string { return r.Region }},
			{"region_name", "nombre_region", func(r monthRow) string { return r.RegionName }},
			{"count", "cantidad", func(r monthRow) string { return strconv.Itoa(r.Count) }},
		}, out.Items)
	}
	return c.JSON(out)
}

func (a *API) reportLegislators(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	res, err := a.store.LegislatorsWithCommitments(c.UserContext(), auth.User(c).Scope(), p)
	if err != nil {
		return err
	}
	counts := make([]report.RegionCount, len(res.Items))
	for i, r := range res.Items {
		counts[i] = report.RegionCount{Region: r.Region, Count: r.Count}
	}
	out := legislatorReport{Period: p, Total: res.Total, MultiRegion: res.MultiRegion, Items: regionRows(res.Items),
		Summary: report.WithPeriod(report.LegislatorSummary(res.Total, counts), p.From, p.To)}
	if wantsCSV(c) {
		return sendCSV(c, "congresistas-con-compromisos", regionColumns(), out.Items)
	}
	return c.JSON(out)
}

func (a *API) reportActiveCommittees(c *fiber.Ctx) error {
	p, err := a.period(c)
	if err != nil {
		return err
	}
	rows, err := a.store.ActiveCommittees(c.UserContext(), auth.User(c).Scope(), p)
	if err != nil {
		return err
	}
	out := regionReport{Period: p, Items: regionRows(rows)}
	for _, r := range rows {
		out.Total += r.Count
	}
	if wantsCSV(c) {
		return sendCSV(c, "comites-activos", regionColumns(), out.Items)
	}
	return c.JSON(out)
}
