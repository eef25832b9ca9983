package store

import (
	"context"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const colTasks = "tasks"

func init() {
	registerIndexes(
		indexSpec{colTasks, "assignee_done", bson.D{{Key: "assignee_id", Value: 1}, {Key: "done", Value: 1}}, false},
		// A stakeholder's or a commitment's tasks newest first (the
		// timeline reads those after a date).
		indexSpec{colTasks, "links_stakeholder_created", bson.D{{Key: "links.stakeholder_id", Value: 1}, {Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colTasks, "links_commitment_created", bson.D{{Key: "links.commitment_id", Value: 1}, {Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colTasks, "due", bson.D{{Key: "due_on", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colTasks, "assignee_done_due", bson.D{{Key: "assignee_id", Value: 1}, {Key: "done", Value: 1}, {Key: "due_on", Value: 1}, {Key: "_id", Value: 1}}, false},
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

// ListTasks returns the tasks in scope matching f in due-date order, the
// oldest due first (most overdue on top), then the tasks without a due
// date, oldest first.
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
	return s.tasksByDue(ctx, filter, p, !f.Overdue)
}

// tasksByDue reads one page of tasks matching filter in two runs over the
// (due_on, _id) order: the dated tasks (due_on > ""), then, when the page is
// not full and undated is set, the undated ones (due_on null or missing) by
// _id. Each run is a range of one index, so neither engine sorts in memory.
// The cursor is the last row's (due_on, _id); a nil due_on means the page
// ended among the undated tasks, so the next one skips the dated run.
func (s *Store) tasksByDue(ctx context.Context, filter bson.D, p Page, undated bool) ([]model.Task, string, error) {
	const kind = colTasks + ".due"
	var after *cursorDoc
	if p.Cursor != "" {
		after = &cursorDoc{}
		if err := s.openCursor(kind, p.Cursor, after); err != nil {
			return nil, "", err
		}
		if _, ok := after.V.(string); !ok && after.V != nil {
			return nil, "", fmt.Errorf("store: %w", ErrBadCursor)
		}
	}
	want := int64(p.limit() + 1) // one extra row says whether there is more
	run := func(cond bson.D, sort bson.D, out *[]model.Task) error {
		opts := coll.FindOptions{Sort: sort}
		if !p.All {
			opts.Limit = want - int64(len(*out))
		}
		var got []model.Task
		if err := s.col(colTasks).Find(ctx, allOf(filter, cond), opts, &got); err != nil {
			return wrap("list tasks", err)
		}
		*out = append(*out, got...)
		return nil
	}
	out := []model.Task{}
	if after == nil || after.V != nil {
		cond := bson.D{{Key: "due_on", Value: bson.D{{Key: "$gt", Value: ""}}}}
		if after != nil {
			cond = append(cond, afterKey("due_on", after.V, after.ID, false)...)
		}
		if err := run(cond, bson.D{{Key: "due_on", Value: 1}, {Key: "_id", Value: 1}}, &out); err != nil {
			return nil, "", err
		}
	}
	if undated && (p.All || int64(len(out)) < want) {
		cond := bson.D{{Key: "due_on", Value: nil}}
		if after != nil && after.V == nil {
			cond = append(cond, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after.ID}}})
		}
		if err := run(cond, bson.D{{Key: "_id", Value: 1}}, &out); err != nil {
			return nil, "", err
		}
	}
	items, next := nextCursor(s, kind, out, p, func(t model.Task) (any, bson.ObjectID) {
		if t.DueOn == "" {
			return nil, t.ID
		}
		return t.DueOn, t.ID
	})
	return items, next, nil
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
