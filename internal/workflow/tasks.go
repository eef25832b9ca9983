package workflow

import (
	"context"
	"errors"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CreateTask records a follow-up task. Linked records must exist in u's
// regions; the region, when not given, comes from the linked commitment,
// meeting, stakeholder or message; the assignee defaults to u.
func (f *Flows) CreateTask(ctx context.Context, u *model.User, in model.TaskInput) (*model.Task, error) {
	in.Normalize()
	p, err := model.ProblemsOf(in.Validate())
	if err != nil {
		return nil, err
	}
	t, tp, err := f.buildTask(ctx, u, in, nil)
	if err != nil {
		return nil, err
	}
	if err := append(p, tp...).Err(); err != nil {
		return nil, err
	}
	return t, f.st.InsertTask(ctx, u.Actor(), t)
}

// buildTask checks the links and assignee of in and makes the record (nil
// when there are problems). newMeeting is the meeting being created with
// the task, not stored yet, if any.
func (f *Flows) buildTask(ctx context.Context, u *model.User, in model.TaskInput, newMeeting *model.Meeting) (*model.Task, model.Problems, error) {
	var p model.Problems
	inherited, err := f.linkRegions(ctx, u.Scope(), &p, in.Links, newMeeting)
	if err != nil {
		return nil, nil, err
	}
	region := in.Region
	switch {
	case region != "":
		model.CheckInScope(&p, "region", region, u.Scope())
	case len(inherited) > 0:
		region = inherited[0]
	case len(p) == 0:
		p.Add("region", "is required when no linked record gives one")
	}
	if err := f.st.CheckUser(ctx, &p, "assignee_id", in.AssigneeID); err != nil {
		return nil, nil, err
	}
	if len(p) > 0 {
		return nil, p, nil
	}
	return model.NewTask(in, region, u.Actor(), f.st.Now()), nil, nil
}

// linkRegions reports links to records missing from scope and returns the
// regions the linked records give, in the order commitment, meeting,
// stakeholder, message.
func (f *Flows) linkRegions(ctx context.Context, scope model.Scope, p *model.Problems, l model.TaskLinks, newMeeting *model.Meeting) ([]string, error) {
	var out []string
	missing := func(field, what string, err error) error {
		if errors.Is(err, store.ErrNotFound) {
			p.Add(field, "no such %s in your regions", what)
			return nil
		}
		return err
	}
	if !l.CommitmentID.IsZero() {
		c, err := f.st.CommitmentByID(ctx, scope, l.CommitmentID)
		if err == nil {
			out = append(out, c.Region)
		} else if err := missing("links.commitment_id", "commitment", err); err != nil {
			return nil, err
		}
	}
	if !l.MeetingID.IsZero() {
		if newMeeting != nil && newMeeting.ID == l.MeetingID {
			out = append(out, newMeeting.Region)
		} else if m, err := f.st.MeetingByID(ctx, scope, l.MeetingID); err == nil {
			out = append(out, m.Region)
		} else if err := missing("links.meeting_id", "meeting", err); err != nil {
			return nil, err
		}
	}
	if id := l.StakeholderID; !id.IsZero() {
		refs, err := f.st.StakeholderRefs(ctx, []bson.ObjectID{id})
		if err != nil {
			return nil, err
		}
		st, ok := refs[id]
		if !ok || !scope.Allows(st.Regions...) {
			p.Add("links.stakeholder_id", "no such stakeholder in your regions")
		}
		if r := scope.First(st.Regions); r != "" {
			out = append(out, r)
		}
	}
	if l.MessageID != "" {
		id, err := bson.ObjectIDFromHex(l.MessageID)
		if err != nil {
			p.Add("links.message_id", "must be a message id")
			return out, nil
		}
		m, err := f.st.MessageByID(ctx, scope, id, false)
		if err != nil {
			return out, missing("links.message_id", "message", err)
		}
		if r := scope.First(m.Regions); r != "" {
			out = append(out, r)
		}
	}
	return out, nil
}

// taskToEdit loads task id in u's regions for a change u may make
// (model.User.CanEditTask).
func (f *Flows) taskToEdit(ctx context.Context, u *model.User, id bson.ObjectID, version *int) (*model.Task, error) {
	t, err := f.st.TaskByID(ctx, u.Scope(), id)
	return editable(t, err, u.CanEditTask, func(t *model.Task) int { return t.Version }, version)
}

// UpdateTask changes a task or marks it done.
func (f *Flows) UpdateTask(ctx context.Context, u *model.User, id bson.ObjectID, tp model.TaskPatch) (*model.Task, error) {
	old, err := f.taskToEdit(ctx, u, id, tp.Version)
	if err != nil {
		return nil, err
	}
	cur, err := tp.Apply(*old, f.st.Now())
	p, err := model.ProblemsOf(err)
	if err != nil {
		return nil, err
	}
	if cur.AssigneeID != old.AssigneeID {
		if err := f.st.CheckUser(ctx, &p, "assignee_id", cur.AssigneeID); err != nil {
			return nil, err
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return f.st.ReplaceTask(ctx, u.Actor(), old, &cur)
}

// DeleteTask removes a task u may edit; its meeting stops listing it.
func (f *Flows) DeleteTask(ctx context.Context, u *model.User, id bson.ObjectID) error {
	old, err := f.taskToEdit(ctx, u, id, nil)
	if err != nil {
		return err
	}
	return f.st.RemoveTask(ctx, u.Actor(), old)
}
