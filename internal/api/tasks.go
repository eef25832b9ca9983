package api

import (
	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

// taskView is a task with whether it is overdue today in Lima.
type taskView struct {
	model.Task
	Overdue bool `json:"overdue"`
	// AssigneeName is filled in lists, so people read a name, not an id.
	AssigneeName string `json:"assignee_name,omitempty"`
}

func viewTask(t *model.Task, today string) taskView {
	return taskView{Task: *t, Overdue: t.Overdue(today)}
}

// taskRoutes lists the routes of tasks.
func (a *API) taskRoutes() []route {
	return []route{
		{method: "GET", path: "/tasks", tag: "tasks", summary: "List tasks by due date, the oldest first; undated tasks last",
			query: append(append([]string{}, exportQuery...), "mine", "overdue", "done", "assignee_id", "region", "stakeholder_id", "commitment_id", "meeting_id"),
			resp:  list[taskView]{}, handle: a.listTasks},
		{method: "POST", path: "/tasks", status: 201, access: writers, tag: "tasks", summary: "Create a follow-up task",
			body: model.TaskInput{}, resp: taskView{}, handle: a.createTask},
		{method: "GET", path: "/tasks/:id", tag: "tasks", summary: "One task", resp: taskView{}, handle: a.getTask},
		{method: "PATCH", path: "/tasks/:id", access: writers, tag: "tasks", summary: "Change a task or mark it done (carry its version)",
			body: model.TaskPatch{}, resp: taskView{}, handle: a.updateTask},
		{method: "DELETE", path: "/tasks/:id", status: 204, access: writers, tag: "tasks", summary: "Delete a task (managers, or its creator or assignee)",
			handle: a.deleteTask},
	}
}

func (a *API) listTasks(c *fiber.Ctx) error {
	q := queryOf(c)
	p := q.listPage()
	u := auth.User(c)
	assignee := q.id("assignee_id")
	if q.flag("mine") {
		if !assignee.IsZero() && assignee != u.ID {
			return invalid("assignee_id", "cannot be combined with mine=true")
		}
		assignee = u.ID
	}
	f := store.TaskFilter{
		AssigneeID:    assignee,
		Overdue:       q.flag("overdue"),
		Done:          q.optBool("done"),
		Region:        q.region("region"),
		StakeholderID: q.id("stakeholder_id"),
		CommitmentID:  q.id("commitment_id"),
		MeetingID:     q.id("meeting_id"),
	}
	if q.err != nil {
		return q.err
	}
	items, next, err := a.store.ListTasks(c.UserContext(), u.Scope(), f, p)
	if err != nil {
		return err
	}
	today := model.Today(a.store.Now())
	views := viewAll(items, func(t *model.Task) taskView { return viewTask(t, today) })
	if err := a.nameAssignees(c, views); err != nil {
		return err
	}
	return sendList(c, "tareas", taskColumns, views, next)
}

var taskColumns = []column[taskView]{
	{"title", "tarea", func(v taskView) string { return v.Title }},
	{"due_on", "vence", func(v taskView) string { return v.DueOn }},
	{"region", "region", func(v taskView) string { return model.RegionName(v.Region) }},
	{"assignee", "responsable", func(v taskView) string { return v.AssigneeName }},
	{"done", "hecha", func(v taskView) string { return yesNo(v.Done) }},
	{"overdue", "vencida", func(v taskView) string { return yesNo(v.Overdue) }},
	{"notes", "notas", func(v taskView) string { return v.Notes }},
	{"id", "id", func(v taskView) string { return v.ID.Hex() }},
}

func (a *API) createTask(c *fiber.Ctx) error {
	t, err := withBody(c, a.flows.CreateTask)
	return a.sendTask(c, fiber.StatusCreated, t, err)
}

func (a *API) getTask(c *fiber.Ctx) error {
	t, err := pathRecord(c, a.store.TaskByID)
	return a.sendTask(c, fiber.StatusOK, t, err)
}

func (a *API) updateTask(c *fiber.Ctx) error {
	t, err := withIDAndBody(c, a.flows.UpdateTask)
	return a.sendTask(c, fiber.StatusOK, t, err)
}

// sendTask answers with t as seen today at status, or with err from the
// call that read or wrote it.
func (a *API) sendTask(c *fiber.Ctx, status int, t *model.Task, err error) error {
	if err != nil {
		return err
	}
	return c.Status(status).JSON(viewTask(t, model.Today(a.store.Now())))
}

func (a *API) deleteTask(c *fiber.Ctx) error { return deleteByID(c, a.flows.DeleteTask) }
