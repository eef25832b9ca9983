package model

import (
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Task is a follow-up with a due date and an assignee.
type Task struct {
	ID         bson.ObjectID `bson:"_id" json:"id"`
	Title      string        `bson:"title" json:"title"`
	DueOn      string        `bson:"due_on,omitempty" json:"due_on,omitempty"` // YYYY-MM-DD
	AssigneeID bson.ObjectID `bson:"assignee_id,omitempty" json:"assignee_id,omitzero"`
	Links      TaskLinks     `bson:"links" json:"links"`
	Region     string        `bson:"region" json:"region"`
	Done       bool          `bson:"done" json:"done"`
	DoneAt     *time.Time    `bson:"done_at,omitempty" json:"done_at,omitempty"`
	Notes      string        `bson:"notes" json:"notes"`
	CreatedBy  bson.ObjectID `bson:"created_by" json:"created_by"`
	Version    int           `bson:"version" json:"version"`
	CreatedAt  time.Time     `bson:"created_at" json:"created_at"`
	UpdatedAt  time.Time     `bson:"updated_at" json:"updated_at"`
}

// TaskLinks are the records a task follows up on.
type TaskLinks struct {
	MeetingID     bson.ObjectID `bson:"meeting_id,omitempty" json:"meeting_id,omitzero"`
	CommitmentID  bson.ObjectID `bson:"commitment_id,omitempty" json:"commitment_id,omitzero"`
	StakeholderID bson.ObjectID `bson:"stakeholder_id,omitempty" json:"stakeholder_id,omitzero"`
	MessageID     string        `bson:"message_id,omitempty" json:"message_id,omitempty"`
}

// TaskInput is the body of POST /tasks and of each item of a meeting's
// "tasks". Region defaults to that of the linked commitment, meeting or
// stakeholder; the assignee to the creator.
type TaskInput struct {
	Title      string        `json:"title"`
	DueOn      string        `json:"due_on,omitempty"`
	AssigneeID bson.ObjectID `json:"assignee_id,omitzero"`
	Links      TaskLinks     `json:"links"`
	Region     string        `json:"region,omitempty"`
	Notes      string        `json:"notes,omitempty"`
}

// Normalize trims text fields and uppercases the region.
func (in *TaskInput) Normalize() {
	trimSpace(&in.Title, &in.DueOn, &in.Notes)
	in.Region = strings.ToUpper(strings.TrimSpace(in.Region))
}

// Validate checks the fields; links and the assignee are checked by the store.
func (in *TaskInput) Validate() error {
	var p Problems
	in.validate(&p)
	return p.Err()
}

func (in *TaskInput) validate(p *Problems) {
	validateTaskFields(p, in.Title, in.DueOn, in.Notes)
	if in.Region != "" && !ValidRegion(in.Region) {
		p.Add("region", "must be a known region code")
	}
}

func validateTaskFields(p *Problems, title, dueOn, notes string) {
	if title == "" {
		p.Add("title", "is required")
	}
	checkLen(p, "title", title, textLimit("task.title"))
	if dueOn != "" && !ValidDate(dueOn) {
		p.Add("due_on", "must be a date (YYYY-MM-DD)")
	}
	checkLen(p, "notes", notes, textLimit("task.notes"))
}

// TaskPatch changes some fields of a task; nil fields stay as they are. An
// empty due_on clears it; done sets or clears done_at.
type TaskPatch struct {
	Title      *string        `json:"title,omitempty"`
	DueOn      *string        `json:"due_on,omitempty"`
	AssigneeID *bson.ObjectID `json:"assignee_id,omitempty"`
	Done       *bool          `json:"done,omitempty"`
	Notes      *string        `json:"notes,omitempty"`
	Version    *int           `json:"version,omitempty"`
}

// Apply returns t with the patch applied at now and validates the result.
func (tp *TaskPatch) Apply(t Task, now time.Time) (Task, error) {
	patchTrimmed(&t.Title, tp.Title)
	patchTrimmed(&t.DueOn, tp.DueOn)
	patchTrimmed(&t.Notes, tp.Notes)
	if tp.AssigneeID != nil {
		t.AssigneeID = *tp.AssigneeID
	}
	if tp.Done != nil && *tp.Done != t.Done {
		t.Done = *tp.Done
		if t.Done {
			t.DoneAt = &now
		} else {
			t.DoneAt = nil
		}
	}
	var p Problems
	validateTaskFields(&p, t.Title, t.DueOn, t.Notes)
	return t, p.Err()
}

// Overdue reports whether the task is not done and its due date (YYYY-MM-DD)
// is before today in Lima.
func (t *Task) Overdue(today string) bool { return !t.Done && t.DueOn != "" && t.DueOn < today }

// NewTask makes the record of a valid input in region, assigned to the
// input's assignee or else to its author.
func NewTask(in TaskInput, region string, by Actor, now time.Time) *Task {
	assignee := in.AssigneeID
	if assignee.IsZero() {
		assignee = by.ID
	}
	return &Task{
		ID: bson.NewObjectID(), Title: in.Title, DueOn: in.DueOn, AssigneeID: assignee, Links: in.Links,
		Region: region, Notes: in.Notes, CreatedBy: by.ID, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
}

// NestedTask is a task input made at meeting m: linked to it, in its region
// unless the input names one.
func NestedTask(in TaskInput, m *Meeting) TaskInput {
	in.Links.MeetingID = m.ID
	if in.Region == "" {
		in.Region = m.Region
	}
	return in
}
