package api

import (
	"context"
	"strings"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// initiativeView is an initiative as the caller sees it: the linked
// stakeholders the caller's regions hold, and on the detail its
// commitments and meetings.
type initiativeView struct {
	model.Initiative
	// Set on the detail only (pointers, so an empty list still shows there).
	Commitments *[]initiativeCommitment `json:"commitments,omitempty"`
	Meetings    *[]initiativeMeeting    `json:"meetings,omitempty"`
}

// initiativeCommitment is a commitment about an initiative, as its page lists it.
type initiativeCommitment struct {
	ID              bson.ObjectID `json:"id"`
	Text            string        `json:"text"`
	Status          string        `json:"status"`
	StakeholderName string        `json:"stakeholder_name"`
	MadeOn          string        `json:"made_on"`
	DueOn           string        `json:"due_on,omitempty"`
}

// initiativeMeeting is a meeting that discussed an initiative.
type initiativeMeeting struct {
	ID      bson.ObjectID `json:"id"`
	Summary string        `json:"summary"` // its first 160 characters
	HeldOn  string        `json:"held_on"`
}

// initiativeMeta is GET /initiatives/meta: the kinds with their stages and
// the stakeholder roles, so the app never hard-codes them.
type initiativeMeta struct {
	Kinds []model.InitiativeKind `json:"kinds"`
	Roles []model.Named          `json:"roles"`
}

// initiativeRoutes lists the routes of initiatives.
func (a *API) initiativeRoutes() []route {
	return []route{
		{method: "GET", path: "/initiatives", tag: "initiatives", summary: "List initiatives, newest first (newest move first with moved_since)",
			query: append(append([]string{}, exportQuery...), "kind", "stage", "region", "stakeholder_id", "moved_since", "q"),
			resp:  list[initiativeView]{}, handle: a.listInitiatives},
		{method: "GET", path: "/initiatives/meta", tag: "initiatives", summary: "Initiative kinds with their stages, and stakeholder roles, in Spanish and English",
			resp: initiativeMeta{}, handle: a.initiativeMeta},
		{method: "POST", path: "/initiatives", status: 201, access: writers, tag: "initiatives", summary: "Record a policy initiative",
			body: model.InitiativeInput{}, resp: initiativeView{}, handle: a.createInitiative},
		{method: "GET", path: "/initiatives/:id", tag: "initiatives", summary: "One initiative with its stage history, commitments and meetings",
			resp: initiativeView{}, handle: a.getInitiative},
		{method: "PATCH", path: "/initiatives/:id", access: writers, tag: "initiatives", summary: "Change an initiative's title, number, link, summary, tags, owner or stakeholders (carry its version)",
			body: model.InitiativePatch{}, resp: initiativeView{}, handle: a.updateInitiative},
		{method: "POST", path: "/initiatives/:id/stage", access: writers, tag: "initiatives", summary: "Move an initiative to another stage of its kind, appended to its history",
			body: model.StageInput{}, resp: initiativeView{}, handle: a.changeInitiativeStage},
		{method: "DELETE", path: "/initiatives/:id", status: 204, access: managers, tag: "initiatives", summary: "Remove an initiative (managers and admins in its region)",
			handle: a.deleteInitiative},
	}
}

func (a *API) initiativeMeta(c *fiber.Ctx) error {
	return c.JSON(initiativeMeta{Kinds: model.InitiativeKinds, Roles: model.InitiativeRoles})
}

func (a *API) listInitiatives(c *fiber.Ctx) error {
	q := queryOf(c)
	p := q.listPage()
	f := store.InitiativeFilter{
		Kind:          q.enum("kind", model.InitiativeKindCodes),
		Stage:         q.enum("stage", model.InitiativeStages),
		Region:        q.region("region"),
		StakeholderID: q.id("stakeholder_id"),
		MovedSince:    q.date("moved_since"),
		Q:             q.text("q"),
	}
	if q.err != nil {
		return q.err
	}
	u := auth.User(c)
	items, next, err := a.store.ListInitiatives(c.UserContext(), u.Scope(), f, p)
	if err != nil {
		return err
	}
	views, err := a.viewInitiatives(c.UserContext(), u.Scope(), items)
	if err != nil {
		return err
	}
	for i := range views {
		views[i].History = nil // the list shows where each stands; the page its history
	}
	return sendList(c, "iniciativas", initiativeColumns, views, next)
}

var initiativeColumns = []column[initiativeView]{
	{"initiative", "iniciativa", func(v initiativeView) string { return v.Title }},
	{"number", "numero", func(v initiativeView) string { return v.Number }},
	{"kind", "tipo", func(v initiativeView) string { return v.Kind }},
	{"stage", "etapa", func(v initiativeView) string { return v.Stage }},
	{"stage_on", "fecha_etapa", func(v initiativeView) string { return v.StageOn }},
	{"region", "region", func(v initiativeView) string { return model.RegionName(v.Region) }},
	{"owner", "responsable", func(v initiativeView) string { return v.OwnerName }},
	{"stakeholders", "actores", func(v initiativeView) string {
		names := make([]string, len(v.Stakeholders))
		for i, s := range v.Stakeholders {
			names[i] = s.Name
		}
		return strings.Join(names, "; ")
	}},
	{"tags", "etiquetas", func(v initiativeView) string { return strings.Join(v.Tags, "; ") }},
	{"url", "enlace", func(v initiativeView) string { return v.URL }},
	{"id", "id", func(v initiativeView) string { return v.ID.Hex() }},
}

// viewInitiatives keeps, in each initiative, the linked stakeholders scope
// sees: a region's team does not learn another's contacts through a
// shared bill.
func (a *API) viewInitiatives(ctx context.Context, scope model.Scope, items []model.Initiative) ([]initiativeView, error) {
	views := viewAll(items, func(it *model.Initiative) initiativeView { return initiativeView{Initiative: *it} })
	if scope.All {
		return views, nil
	}
	var ids []bson.ObjectID
	for _, it := range items {
		for _, s := range it.Stakeholders { // a list reads no StakeholderIDs
			ids = append(ids, s.StakeholderID)
		}
	}
	refs, err := a.store.StakeholderRefs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range views {
		shown := make([]model.InitiativeStakeholder, 0, len(views[i].Stakeholders))
		for _, s := range views[i].Stakeholders {
			if st, ok := refs[s.StakeholderID]; ok && scope.Allows(st.Regions...) {
				shown = append(shown, s)
			}
		}
		views[i].Stakeholders = shown
	}
	return views, nil
}

func (a *API) createInitiative(c *fiber.Ctx) error {
	it, err := withBody(c, a.flows.CreateInitiative)
	return a.sendInitiative(c, fiber.StatusCreated, it, err)
}

func (a *API) getInitiative(c *fiber.Ctx) error {
	it, err := pathRecord(c, a.store.InitiativeByID)
	return a.sendInitiative(c, fiber.StatusOK, it, err)
}

func (a *API) updateInitiative(c *fiber.Ctx) error {
	it, err := withIDAndBody(c, a.flows.UpdateInitiative)
	return a.sendInitiative(c, fiber.StatusOK, it, err)
}

func (a *API) changeInitiativeStage(c *fiber.Ctx) error {
	it, err := withIDAndBody(c, a.flows.ChangeInitiativeStage)
	return a.sendInitiative(c, fiber.StatusOK, it, err)
}

func (a *API) deleteInitiative(c *fiber.Ctx) error {
	return deleteByID(c, a.flows.DeleteInitiative)
}

// sendInitiative answers with the page of it (its history, and the
// commitments and meetings about it in the caller's regions), or with err
// from the call that read or wrote it.
func (a *API) sendInitiative(c *fiber.Ctx, status int, it *model.Initiative, err error) error {
	if err != nil {
		return err
	}
	ctx, scope := c.UserContext(), auth.User(c).Scope()
	views, err := a.viewInitiatives(ctx, scope, []model.Initiative{*it})
	if err != nil {
		return err
	}
	v := views[0]
	if v.History == nil {
		v.History = []model.StageChange{}
	}
	cs, err := a.store.InitiativeCommitments(ctx, scope, it.ID)
	if err != nil {
		return err
	}
	commitments := make([]initiativeCommitment, len(cs))
	v.Commitments = &commitments
	for i, cm := range cs {
		commitments[i] = initiativeCommitment{ID: cm.ID, Text: cm.Text, Status: cm.Status, StakeholderName: cm.StakeholderName, MadeOn: cm.MadeOn, DueOn: cm.DueOn}
	}
	ms, err := a.store.InitiativeMeetings(ctx, scope, it.ID)
	if err != nil {
		return err
	}
	meetings := make([]initiativeMeeting, len(ms))
	v.Meetings = &meetings
	for i, m := range ms {
		meetings[i] = initiativeMeeting{ID: m.ID, Summary: excerpt(m.Summary, 160), HeldOn: model.Today(m.StartsAt)}
	}
	return c.Status(status).JSON(v)
}

// excerpt is s cut to at most n characters, on a rune boundary.
func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}
