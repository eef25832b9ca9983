package api

import (
	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

// commitmentView is a commitment with whether it is overdue today in Lima.
type commitmentView struct {
	model.Commitment
	Overdue bool `json:"overdue"`
}

func viewCommitment(c *model.Commitment, today string) commitmentView {
	v := commitmentView{Commitment: *c, Overdue: c.Overdue(today)}
	if v.History == nil {
		v.History = []model.StatusChange{}
	}
	return v
}

// commitmentRoutes lists the routes of commitments.
func (a *API) commitmentRoutes() []route {
	return []route{
		{method: "GET", path: "/commitments", tag: "commitments", summary: "List commitments, newest first",
			query: append(append([]string{}, exportQuery...), "region", "status", "stakeholder_id", "owner_id", "overdue", "due_from", "due_to", "stakeholder_kind", "q"),
			resp:  list[commitmentView]{}, handle: a.listCommitments},
		{method: "POST", path: "/commitments", status: 201, access: writers, tag: "commitments", summary: "Record a stakeholder's commitment",
			body: model.CommitmentInput{}, resp: commitmentView{}, handle: a.createCommitment},
		{method: "GET", path: "/commitments/:id", tag: "commitments", summary: "One commitment with its status history", resp: commitmentView{}, handle: a.getCommitment},
		{method: "PATCH", path: "/commitments/:id", access: writers, tag: "commitments", summary: "Change a commitment's text, type, dates, owner or region (carry its version)",
			body: model.CommitmentPatch{}, resp: commitmentView{}, handle: a.updateCommitment},
		{method: "POST", path: "/commitments/:id/status", access: writers, tag: "commitments", summary: "Change the status and append it to the history (reopening a final status needs a manager)",
			body: model.StatusChangeInput{}, resp: commitmentView{}, handle: a.changeCommitmentStatus},
	}
}

func (a *API) listCommitments(c *fiber.Ctx) error {
	q := queryOf(c)
	p := q.listPage()
	f := store.CommitmentFilter{
		Region:          q.region("region"),
		Status:          q.enum("status", model.CommitmentStatuses),
		StakeholderID:   q.id("stakeholder_id"),
		OwnerID:         q.id("owner_id"),
		Overdue:         q.flag("overdue"),
		DueFrom:         q.date("due_from"),
		DueTo:           q.date("due_to"),
		StakeholderKind: q.enum("stakeholder_kind", model.StakeholderKinds),
		Q:               c.Query("q"),
	}
	if q.err != nil {
		return q.err
	}
	items, next, err := a.store.ListCommitments(c.UserContext(), auth.User(c).Scope(), f, p)
	if err != nil {
		return err
	}
	today := model.Today(a.store.Now())
	views := viewAll(items, func(cm *model.Commitment) commitmentView { return viewCommitment(cm, today) })
	return sendList(c, "compromisos", commitmentColumns, views, next)
}

var commitmentColumns = []column[commitmentView]{
	{"stakeholder", "actor", func(v commitmentView) string { return v.StakeholderName }},
	{"stakeholder_kind", "tipo_actor", func(v commitmentView) string { return v.StakeholderKind }},
	{"text", "compromiso", func(v commitmentView) string { return v.Text }},
	{"type", "tipo", func(v commitmentView) string { return v.Type }},
	{"region", "region", func(v commitmentView) string { return model.RegionName(v.Region) }},
	{"made_on", "fecha", func(v commitmentView) string { return v.MadeOn }},
	{"due_on", "vence", func(v commitmentView) string { return v.DueOn }},
	{"status", "estado", func(v commitmentView) string { return v.Status }},
	{"overdue", "vencido", func(v commitmentView) string { return yesNo(v.Overdue) }},
	{"next_follow_up_on", "proximo_seguimiento", func(v commitmentView) string { return v.NextFollowUpOn }},
	{"id", "id", func(v commitmentView) string { return v.ID.Hex() }},
}

func (a *API) createCommitment(c *fiber.Ctx) error {
	cm, err := withBody(c, a.flows.CreateCommitment)
	return a.sendCommitment(c, fiber.StatusCreated, cm, err)
}

func (a *API) getCommitment(c *fiber.Ctx) error {
	cm, err := pathRecord(c, a.store.CommitmentByID)
	return a.sendCommitment(c, fiber.StatusOK, cm, err)
}

func (a *API) updateCommitment(c *fiber.Ctx) error {
	cm, err := withIDAndBody(c, a.flows.UpdateCommitment)
	return a.sendCommitment(c, fiber.StatusOK, cm, err)
}

func (a *API) changeCommitmentStatus(c *fiber.Ctx) error {
	cm, err := withIDAndBody(c, a.flows.ChangeCommitmentStatus)
	return a.sendCommitment(c, fiber.StatusOK, cm, err)
}

// sendCommitment answers with cm as seen today at status, or with err
// from the call that read or wrote it.
func (a *API) sendCommitment(c *fiber.Ctx, status int, cm *model.Commitment, err error) error {
	if err != nil {
		return err
	}
	return c.Status(status).JSON(viewCommitment(cm, model.Today(a.store.Now())))
}
