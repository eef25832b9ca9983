package store

import (
	"context"
	"errors"
	"fmt"

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
// dataset loaders only; the API uses CreateTask.
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
	return findInScope(ctx, s, colTasks, "task", scope, id, func(t *model.Task) string { return t.Region })
}

// CreateTask validates and stores a task. Linked records must exist and be
// in scope; the region, when not given, comes from the linked commitment,
// meeting or stakeholder.
//
// Deprecated: kept for the message workflows until they move to
// workflow.Flows.CreateTask, which owns these rules.
func (s *Store) CreateTask(ctx context.Context, actor model.Actor, scope model.Scope, in model.TaskInput) (*model.Task, error) {
	in.Normalize()
	p, err := model.ProblemsOf(in.Validate())
	if err != nil {
		return nil, err
	}
	region, err := s.taskRegion(ctx, scope, &p, in)
	if err != nil {
		return nil, err
	}
	if err := s.checkUser(ctx, &p, "assignee_id", in.AssigneeID); err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	t := model.NewTask(in, region, actor, s.Now())
	return t, s.InsertTask(ctx, actor, t)
}

// taskRegion checks the links of in and returns its region: the given one,
// or the first a linked record gives.
func (s *Store) taskRegion(ctx context.Context, scope model.Scope, p *model.Problems, in model.TaskInput) (string, error) {
	var inherited []string
	if id := in.Links.CommitmentID; !id.IsZero() {
		c, err := s.CommitmentByID(ctx, scope, id)
		switch {
		case isNotFound(err):
			p.Add("links.commitment_id", "no such commitment in your regions")
		case err != nil:
			return "", err
		default:
			inherited = append(inherited, c.Region)
		}
	}
	if id := in.Links.MeetingID; !id.IsZero() {
		m, err := s.MeetingByID(ctx, scope, id)
		switch {
		case isNotFound(err):
			p.Add("links.meeting_id", "no such meeting in your regions")
		case err != nil:
			return "", err
		default:
			inherited = append(inherited, m.Region)
		}
	}
	if id := in.Links.StakeholderID; !id.IsZero() {
		refs, err := s.StakeholderRefs(ctx, []bson.ObjectID{id})
		if err != nil {
			return "", err
		}
		st, ok := refs[id]
		if !ok || !scope.Allows(st.Regions...) {
			p.Add("links.stakeholder_id", "no such stakeholder in your regions")
		}
		if r := scope.First(st.Regions); r != "" {
			inherited = append(inherited, r)
		}
	}
	if mid := in.Links.MessageID; mid != "" {
		r, err := s.checkTaskMessage(ctx, scope, p, mid)
		if err != nil {
			return "", err
		}
		if r != "" {
			inherited = append(inherited, r)
		}
	}
	region := in.Region
	switch {
	case region != "":
		model.CheckInScope(p, "region", region, scope)
	case len(inherited) > 0:
		region = inherited[0]
	case len(*p) == 0:
		p.Add("region", "is required when no linked record gives one")
	}
	return region, nil
}

// InsertTask stores a new, already decided task.
func (s *Store) InsertTask(ctx context.Context, actor model.Actor, t *model.Task) error {
	if _, err := s.c(colTasks).InsertOne(ctx, t); err != nil {
		return wrap("insert task", err)
	}
	return s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: "task", ID: t.ID.Hex(),
		Regions: []string{t.Region}, Fields: created(t), After: t})
}

// ReplaceTask stores cur (old with decided changes) when old's version is
// still the stored one; ErrConflict otherwise. It answers old when nothing
// changed.
func (s *Store) ReplaceTask(ctx context.Context, actor model.Actor, old, cur *model.Task) (*model.Task, error) {
	changes := diff(old, cur)
	if len(changes) == 0 {
		return old, nil
	}
	set := append(setOf(changes), bson.E{Key: "updated_at", Value: s.Now()})
	var t model.Task
	if err := s.updateVersioned(ctx, colTasks, old.ID, old.Version, set, &t); err != nil {
		return nil, fmt.Errorf("store: update task: %w", err)
	}
	return &t, s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "task", ID: t.ID.Hex(),
		Regions: []string{t.Region}, Fields: changes, Before: old, After: &t})
}

// RemoveTask deletes old; its meeting stops listing it.
func (s *Store) RemoveTask(ctx context.Context, actor model.Actor, old *model.Task) error {
	if err := s.deleteByID(ctx, colTasks, "task", old.ID); err != nil {
		return err
	}
	err := s.changed(ctx, Change{Actor: actor, Action: model.ActionDelete, Entity: "task", ID: old.ID.Hex(),
		Regions: []string{old.Region}, Fields: diff(old, &model.Task{}), Before: old})
	return errors.Join(err, s.unlinkFromMeeting(ctx, old.Links.MeetingID, "task_ids", old.ID))
}

// checkTaskMessage requires a task's message link to be a message the scope
// sees, like every other link, and returns the first of its regions in
// scope (for the task's region).
func (s *Store) checkTaskMessage(ctx context.Context, scope model.Scope, p *model.Problems, mid string) (string, error) {
	id, err := bson.ObjectIDFromHex(mid)
	if err != nil {
		p.Add("links.message_id", "must be a message id")
		return "", nil
	}
	m, err := s.MessageByID(ctx, scope, id, false)
	switch {
	case isNotFound(err):
		p.Add("links.message_id", "no such message in your regions")
		return "", nil
	case err != nil:
		return "", err
	}
	for _, r := range m.Regions {
		if scope.Allows(r) {
			return r, nil
		}
	}
	return "", nil
}
