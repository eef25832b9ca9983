package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const colTasks = "tasks"

func init() {
	registerIndexes(
		indexSpec{colTasks, "assignee_done", bson.D{{Key: "assignee_id", Value: 1}, {Key: "done", Value: 1}}, false},
		indexSpec{colTasks, "links_stakeholder", bson.D{{Key: "links.stakeholder_id", Value: 1}}, false},
	)
}

// InsertTasks stores already built tasks in batches of 1000, with no
// validation and no audit entries. It exists for the demo and reference
// dataset loaders only; everything else goes through workflow.CreateTask.
func (s *Store) InsertTasks(ctx context.Context, ts []model.Task) error {
	return insertBulk(ctx, s, colTasks, ts)
}

// TaskFilter selects tasks. Overdue means not done with due_on before today
// in Lima by the store's clock.
type TaskFilter struct {
	AssigneeID    bson.ObjectID
	Overdue       bool
	Done          *bool
	Region        string
	StakeholderID bson.ObjectID
	CommitmentID  bson.ObjectID
	MeetingID     bson.ObjectID
}

// ListTasks returns the tasks in scope matching f, newest first.
func (s *Store) ListTasks(ctx context.Context, scope model.Scope, f TaskFilter, p Page) ([]model.Task, string, error) {
	filter, ok := scopedRegion(bson.D{}, scope, f.Region)
	if !ok {
		return []model.Task{}, "", nil
	}
	filter = withID(filter, "assignee_id", f.AssigneeID)
	filter = withID(filter, "links.stakeholder_id", f.StakeholderID)
	filter = withID(filter, "links.commitment_id", f.CommitmentID)
	filter = withID(filter, "links.meeting_id", f.MeetingID)
	add := func(k string, v any) { filter = append(filter, bson.E{Key: k, Value: v}) }
	if f.Overdue {
		if f.Done != nil && *f.Done {
			return []model.Task{}, "", nil // a done task is never overdue
		}
		add("done", false)
		add("due_on", s.overdueDue())
	} else if f.Done != nil {
		add("done", *f.Done)
	}
	return pagedFind(ctx, s, colTasks, filter, "", p, "_id", func(t model.Task) (any, bson.ObjectID) { return nil, t.ID })
}

// TaskByID returns one task; ErrNotFound when missing or out of scope.
func (s *Store) TaskByID(ctx context.Context, scope model.Scope, id bson.ObjectID) (*model.Task, error) {
	return findInScope(ctx, s, colTasks, "task", id, func(t *model.Task) bool { return scope.Allows(t.Region) })
}

// taskRecord names t, in its region, for the effects of a write.
func taskRecord(t *model.Task) record { return record{colTasks, "task", t.ID, []string{t.Region}} }

// InsertTask stores a new, already decided task.
func (s *Store) InsertTask(ctx context.Context, actor model.Actor, t *model.Task) error {
	return s.insertRecord(ctx, actor, taskRecord(t), t)
}

// ReplaceTask stores cur (old with decided changes) when old's version is
// still the stored one; ErrConflict otherwise. It answers old when nothing
// changed.
func (s *Store) ReplaceTask(ctx context.Context, actor model.Actor, old, cur *model.Task) (*model.Task, error) {
	return replaceRecord(ctx, s, actor, record{colTasks, "task", old.ID, []string{cur.Region}}, old.Version, old, cur)
}

// RemoveTask deletes old; its meeting stops listing it.
func (s *Store) RemoveTask(ctx context.Context, actor model.Actor, old *model.Task) error {
	return removeRecord(ctx, s, actor, taskRecord(old), old, func(ctx context.Context) error {
		return s.unlinkFromMeeting(ctx, old.Links.MeetingID, "task_ids", old.ID)
	})
}
