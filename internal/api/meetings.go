package api

import (
	"fmt"
	"strings"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

// meetingCreatedView is a new meeting with the commitments and tasks created with it.
type meetingCreatedView struct {
	model.Meeting
	Commitments []commitmentView `json:"commitments"`
	Tasks       []taskView       `json:"tasks"`
}

// meetingRoutes lists the routes of meetings, plus the stakeholder timeline
// (its path is under /stakeholders, its data mostly meetings and commitments).
func (a *API) meetingRoutes() []route {
	return []route{
		{method: "GET", path: "/meetings", tag: "meetings", summary: "List meetings, newest first",
			query: append(append([]string{}, exportQuery...), "region", "from", "to", "stakeholder_id", "kind", "staff_id", "q"),
			resp:  list[model.Meeting]{}, handle: a.listMeetings},
		{method: "POST", path: "/meetings", status: 201, access: writers, tag: "meetings", summary: "Log a meeting, with the commitments and tasks made there (all or nothing)",
			body: model.MeetingInput{}, resp: meetingCreatedView{}, handle: a.createMeeting},
		{method: "GET", path: "/meetings/:id", tag: "meetings", summary: "One meeting", resp: model.Meeting{}, handle: a.getMeeting},
		{method: "PATCH", path: "/meetings/:id", access: writers, tag: "meetings", summary: "Change a meeting (carry its version)",
			body: model.MeetingPatch{}, resp: model.Meeting{}, handle: a.updateMeeting},
		{method: "DELETE", path: "/meetings/:id", status: 204, access: writers, tag: "meetings", summary: "Delete a meeting (managers, or the officer who logged it); with_records=true also deletes the commitments and tasks created with it",
			query: []string{"with_records"}, handle: a.deleteMeeting},
		{method: "GET", path: "/stakeholders/:id/timeline", tag: "stakeholders", summary: "A stakeholder's meetings, commitments, status changes, tasks and messages, newest first",
			query: listQuery, resp: list[store.TimelineItem]{}, handle: a.timeline},
	}
}

func (a *API) listMeetings(c *fiber.Ctx) error {
	q := queryOf(c)
	p := q.listPage()
	f := store.MeetingFilter{
		Region:        q.region("region"),
		From:          q.dayStart("from"),
		To:            q.dayEnd("to"),
		StakeholderID: q.id("stakeholder_id"),
		Kind:          q.enum("kind", model.MeetingKinds),
		StaffID:       q.id("staff_id"),
		Q:             c.Query("q"),
	}
	if q.err != nil {
		return q.err
	}
	items, next, err := a.store.ListMeetings(c.UserContext(), auth.User(c).Scope(), f, p)
	if err != nil {
		return err
	}
	return sendList(c, "reuniones", meetingColumns, items, next)
}

var meetingColumns = []column[model.Meeting]{
	{"starts_at", "inicio", func(m model.Meeting) string { return m.StartsAt.In(lima).Format("2006-01-02 15:04") }},
	{"duration_min", "duracion_min", func(m model.Meeting) string { return fmt.Sprint(m.DurationMin) }},
	{"kind", "tipo", func(m model.Meeting) string { return m.Kind }},
	{"region", "region", func(m model.Meeting) string { return model.RegionName(m.Region) }},
	{"place", "lugar", func(m model.Meeting) string { return m.Place }},
	{"participants", "participantes", func(m model.Meeting) string {
		names := make([]string, len(m.Participants))
		for i, p := range m.Participants {
			names[i] = p.Name
		}
		return strings.Join(names, "; ")
	}},
	{"topics", "temas", func(m model.Meeting) string { return strings.Join(m.Topics, "; ") }},
	{"summary", "resumen", func(m model.Meeting) string { return m.Summary }},
	{"agreements", "acuerdos", func(m model.Meeting) string { return m.Agreements }},
	{"next_steps", "proximos_pasos", func(m model.Meeting) string { return m.NextSteps }},
	{"id", "id", func(m model.Meeting) string { return m.ID.Hex() }},
}

func (a *API) createMeeting(c *fiber.Ctx) error {
	res, err := withBody(c, a.flows.CreateMeeting)
	if err != nil {
		return err
	}
	today := model.Today(a.store.Now())
	out := meetingCreatedView{Meeting: *res.Meeting, Commitments: []commitmentView{}, Tasks: []taskView{}}
	for i := range res.Commitments {
		out.Commitments = append(out.Commitments, viewCommitment(&res.Commitments[i], today))
	}
	for i := range res.Tasks {
		out.Tasks = append(out.Tasks, viewTask(&res.Tasks[i], today))
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// getMeeting shows participants under their current names.
func (a *API) getMeeting(c *fiber.Ctx) error {
	m, err := pathRecord(c, a.store.MeetingByID)
	if err != nil {
		return err
	}
	names, err := a.store.ParticipantNames(c.UserContext(), m)
	if err != nil {
		return err
	}
	for i := range m.Participants {
		if n, ok := names[m.Participants[i].StakeholderID]; ok {
			m.Participants[i].Name = n
		}
	}
	return c.JSON(m)
}

func (a *API) updateMeeting(c *fiber.Ctx) error {
	m, err := withIDAndBody(c, a.flows.UpdateMeeting)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (a *API) deleteMeeting(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	q := queryOf(c)
	withRecords := q.flag("with_records")
	if q.err != nil {
		return q.err
	}
	if err := a.flows.DeleteMeeting(c.UserContext(), auth.User(c), id, withRecords); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
