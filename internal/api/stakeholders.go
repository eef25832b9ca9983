package api

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// stakeholderRoutes lists the routes of this resource.
func (a *API) stakeholderRoutes() []route {
	return []route{
		{method: "GET", path: "/stakeholders", tag: "stakeholders", summary: "List stakeholders in your regions (CSV with ?format=csv)",
			query: append([]string{"kind", "region", "stance", "tag", "q", "archived", "owner_id"}, exportQuery...), resp: list[model.Stakeholder]{}, handle: a.listStakeholders},
		{method: "POST", path: "/stakeholders", status: 201, access: writers, tag: "stakeholders", summary: "Create a stakeholder",
			body: model.StakeholderInput{}, resp: stakeholderView{}, handle: a.createStakeholder},
		{method: "POST", path: "/stakeholders/import", access: writers, tag: "stakeholders", summary: "Import stakeholders from CSV (all rows or none; ?dry_run=true to preview)",
			query: []string{"dry_run"}, body: importRequest{}, resp: workflow.ImportResult{}, handle: a.importStakeholders},
		{method: "GET", path: "/stakeholders/:id", tag: "stakeholders", summary: "One stakeholder with its relationships from both sides",
			resp: stakeholderView{}, handle: a.getStakeholder},
		{method: "PATCH", path: "/stakeholders/:id", access: writers, tag: "stakeholders", summary: "Change a stakeholder (carry its version; officers only their own)",
			body: model.StakeholderPatch{}, resp: stakeholderView{}, handle: a.updateStakeholder},
		{method: "DELETE", path: "/stakeholders/:id", access: managers, tag: "stakeholders", summary: "Delete a stakeholder, or archive it when meetings or commitments refer to it",
			resp: deleteResult{}, handle: a.deleteStakeholder},
		{method: "POST", path: "/stakeholders/:id/relationships", status: 201, access: writers, tag: "stakeholders", summary: "Add or replace a relationship to another stakeholder",
			body: model.RelationshipInput{}, resp: stakeholderView{}, handle: a.addRelationship},
		{method: "DELETE", path: "/stakeholders/:id/relationships/:other_id", access: writers, tag: "stakeholders", summary: "Remove the relationship to another stakeholder",
			resp: stakeholderView{}, handle: a.removeRelationship},
	}
}

// stakeholderView is a stakeholder with its relationships from both sides.
type stakeholderView struct {
	model.Stakeholder
	Relationships []relationshipView `json:"relationships"`
}

// relationshipView is one relationship as seen from the stakeholder shown:
// "out" is stored on it, "in" is stored on the other stakeholder.
type relationshipView struct {
	StakeholderID   bson.ObjectID `json:"stakeholder_id"`
	StakeholderName string        `json:"stakeholder_name"`
	Kind            string        `json:"kind"`
	Role            string        `json:"role"`
	Since           string        `json:"since,omitempty"`
	Until           string        `json:"until,omitempty"`
	Direction       string        `json:"direction"`
}

// deleteResult says whether DELETE removed the stakeholder or archived it.
type deleteResult struct {
	ID       string `json:"id"`
	Deleted  bool   `json:"deleted"`
	Archived bool   `json:"archived"`
}

// viewStakeholder joins the names of related stakeholders, leaving out the
// ones the caller may not see.
func (a *API) viewStakeholder(ctx context.Context, scope model.Scope, st *model.Stakeholder) (stakeholderView, error) {
	v := stakeholderView{Stakeholder: *st, Relationships: []relationshipView{}}
	ids := make([]bson.ObjectID, len(st.Relationships))
	for i, r := range st.Relationships {
		ids[i] = r.StakeholderID
	}
	names, err := a.store.StakeholderNames(ctx, scope, ids)
	if err != nil {
		return v, err
	}
	for _, r := range st.Relationships {
		if name, ok := names[r.StakeholderID]; ok {
			v.Relationships = append(v.Relationships, relationshipView{StakeholderID: r.StakeholderID, StakeholderName: name,
				Kind: r.Kind, Role: r.Role, Since: r.Since, Until: r.Until, Direction: "out"})
		}
	}
	incoming, err := a.store.IncomingRelationships(ctx, scope, st.ID)
	if err != nil {
		return v, err
	}
	for _, other := range incoming {
		for _, r := range other.Relationships {
			if r.StakeholderID == st.ID {
				v.Relationships = append(v.Relationships, relationshipView{StakeholderID: other.ID, StakeholderName: other.Name,
					Kind: r.Kind, Role: r.Role, Since: r.Since, Until: r.Until, Direction: "in"})
			}
		}
	}
	return v, nil
}

func (a *API) listStakeholders(c *fiber.Ctx) error {
	q := queryOf(c)
	f := store.StakeholderFilter{Kind: q.enum("kind", model.StakeholderKinds), Stance: q.enum("stance", model.Stances)}
	// This list also takes a one-digit region code (7 for 07).
	if v := q.value("region"); v != "" {
		if f.Region = model.NormalizeRegionCode(v); !model.ValidRegion(f.Region) {
			return invalid("region", "must be a known region code")
		}
	}
	f.Tag, f.Q = q.value("tag"), q.text("q")
	f.Archived = q.flag("archived")
	f.OwnerID = q.id("owner_id")
	p := q.listPage()
	if q.err != nil {
		return q.err
	}
	u := auth.User(c)
	items, next, err := a.store.ListStakeholders(c.UserContext(), u.Scope(), f, p)
	if err != nil {
		return err
	}
	if wantsCSV(c) {
		return a.exportStakeholders(c, items)
	}
	return c.JSON(newList(items, next))
}

// exportStakeholders sends the list as CSV with the owners' emails joined in.
func (a *API) exportStakeholders(c *fiber.Ctx, items []model.Stakeholder) error {
	var ids []bson.ObjectID
	for _, st := range items {
		if !st.OwnerID.IsZero() {
			ids = append(ids, st.OwnerID)
		}
	}
	owners, err := a.store.UsersByIDs(c.UserContext(), ids)
	if err != nil {
		return err
	}
	join := func(xs []string) string { return strings.Join(xs, "; ") }
	leg := func(st model.Stakeholder, f func(*model.Legislator) string) string {
		if st.Legislator == nil {
			return ""
		}
		return f(st.Legislator)
	}
	cols := []column[model.Stakeholder]{
		{"id", "id", func(s model.Stakeholder) string { return s.ID.Hex() }},
		{"kind", "tipo", func(s model.Stakeholder) string { return s.Kind }},
		{"name", "nombre", func(s model.Stakeholder) string { return s.Name }},
		{"emails", "correos", func(s model.Stakeholder) string { return join(s.Emails) }},
		{"phones", "teléfonos", func(s model.Stakeholder) string { return join(s.Phones) }},
		{"regions", "regiones", func(s model.Stakeholder) string { return join(regionNames(s.Regions)) }},
		{"tags", "etiquetas", func(s model.Stakeholder) string { return join(s.Tags) }},
		{"stance", "postura", func(s model.Stakeholder) string { return s.Stance }},
		{"influence", "influencia", func(s model.Stakeholder) string { return s.Influence }},
		{"party", "partido", func(s model.Stakeholder) string { return leg(s, func(l *model.Legislator) string { return l.Party }) }},
		{"parliamentary_group", "bancada", func(s model.Stakeholder) string {
			return leg(s, func(l *model.Legislator) string { return l.ParliamentaryGroup })
		}},
		{"owner", "responsable", func(s model.Stakeholder) string { return owners[s.OwnerID].Email }},
		{"notes", "notas", func(s model.Stakeholder) string { return s.Notes }},
		{"archived", "archivado", func(s model.Stakeholder) string { return yesNo(s.Archived) }},
		{"updated_at", "actualizado", func(s model.Stakeholder) string { return s.UpdatedAt.In(lima).Format(time.DateTime) }},
	}
	return sendCSV(c, "stakeholders", cols, items)
}

func (a *API) getStakeholder(c *fiber.Ctx) error {
	st, err := pathRecord(c, a.store.StakeholderByID)
	return a.sendStakeholder(c, fiber.StatusOK, st, err)
}

func (a *API) createStakeholder(c *fiber.Ctx) error {
	st, err := withBody(c, a.flows.CreateStakeholder)
	return a.sendStakeholder(c, fiber.StatusCreated, st, err)
}

func (a *API) updateStakeholder(c *fiber.Ctx) error {
	st, err := withIDAndBody(c, a.flows.UpdateStakeholder)
	if errors.Is(err, workflow.ErrMayNotArchive) {
		return coded(c, fiber.StatusForbidden, "archive_forbidden")
	}
	return a.sendStakeholder(c, fiber.StatusOK, st, err)
}

func (a *API) deleteStakeholder(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	archived, err := a.flows.DeleteStakeholder(c.UserContext(), auth.User(c), id)
	if err != nil {
		return err
	}
	return c.JSON(deleteResult{ID: id.Hex(), Deleted: !archived, Archived: archived})
}

func (a *API) addRelationship(c *fiber.Ctx) error {
	st, err := withIDAndBody(c, a.flows.AddRelationship)
	return a.sendStakeholder(c, fiber.StatusCreated, st, err)
}

func (a *API) removeRelationship(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	other, err := pathID(c, "other_id")
	if err != nil {
		return err
	}
	st, err := a.flows.RemoveRelationship(c.UserContext(), auth.User(c), id, other)
	return a.sendStakeholder(c, fiber.StatusOK, st, err)
}

// sendStakeholder answers with st and its relationships at status, or with
// err from the call that read or wrote it.
func (a *API) sendStakeholder(c *fiber.Ctx, status int, st *model.Stakeholder, err error) error {
	if err != nil {
		return err
	}
	v, err := a.viewStakeholder(c.UserContext(), auth.User(c).Scope(), st)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(v)
}
