package workflow

import (
	"context"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// MeetingCreated is a new meeting with the records made at it.
type MeetingCreated struct {
	Meeting     *model.Meeting
	Commitments []model.Commitment
	Tasks       []model.Task
}

// CreateMeeting logs a meeting with the commitments and tasks made there,
// all or nothing: every field and every referenced stakeholder, user and
// record is checked (problems of nested records are prefixed with their
// place, e.g. "commitments[1].text") before anything is stored.
func (f *Flows) CreateMeeting(ctx context.Context, u *model.User, in model.MeetingInput) (*MeetingCreated, error) {
	in.Normalize()
	p, err := model.ProblemsOf(in.Validate())
	if err != nil {
		return nil, err
	}
	scope := u.Scope()
	model.CheckInScope(&p, "region", in.Region, scope)
	m := model.NewMeeting(in, u.Actor(), f.st.Now())
	if err := f.fillParticipants(ctx, scope, m, &p); err != nil {
		return nil, err
	}
	if err := f.st.CheckUsers(ctx, &p, m.StaffIDs, indexed("staff_ids")); err != nil {
		return nil, err
	}
	if err := f.checkInitiatives(ctx, scope, &p, m.InitiativeIDs, indexed("initiative_ids")); err != nil {
		return nil, err
	}
	out := &MeetingCreated{Meeting: m}
	out.Commitments, err = buildEach(&p, "commitments", in.Commitments, func(ci model.CommitmentInput) (*model.Commitment, model.Problems, error) {
		return f.buildCommitment(ctx, u, model.NestedCommitment(ci, m))
	})
	if err != nil {
		return nil, err
	}
	out.Tasks, err = buildEach(&p, "tasks", in.Tasks, func(ti model.TaskInput) (*model.Task, model.Problems, error) {
		return f.buildTask(ctx, u, model.NestedTask(ti, m), m)
	})
	if err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	for _, c := range out.Commitments {
		m.CommitmentIDs = append(m.CommitmentIDs, c.ID)
	}
	for _, t := range out.Tasks {
		m.TaskIDs = append(m.TaskIDs, t.ID)
	}
	m.Search = model.MeetingSearchWords(m)
	return out, f.st.InsertMeeting(ctx, u.Actor(), m, out.Commitments, out.Tasks)
}

// buildEach builds the records made at a meeting from ins, reporting the
// problems of each under its place in the input (field[i].).
func buildEach[In, R any](p *model.Problems, field string, ins []In, build func(In) (*R, model.Problems, error)) ([]R, error) {
	out := make([]R, len(ins))
	for i, in := range ins {
		r, rp, err := build(in)
		if err != nil {
			return nil, err
		}
		*p = append(*p, rp.Prefix(fmt.Sprintf("%s[%d].", field, i))...)
		if r != nil {
			out[i] = *r
		}
	}
	return out, nil
}

// fillParticipants copies names from the stakeholders and reports missing
// or out-of-scope ones as field problems.
func (f *Flows) fillParticipants(ctx context.Context, scope model.Scope, m *model.Meeting, p *model.Problems) error {
	ids := make([]bson.ObjectID, len(m.Participants))
	for i, x := range m.Participants {
		ids[i] = x.StakeholderID
	}
	refs, err := f.st.StakeholderRefs(ctx, ids)
	if err != nil {
		return err
	}
	for i := range m.Participants {
		x := &m.Participants[i]
		if x.StakeholderID.IsZero() {
			continue
		}
		st, ok := refs[x.StakeholderID]
		if !ok || !scope.Allows(st.Regions...) {
			p.Add(fmt.Sprintf("participants[%d].stakeholder_id", i), "no such stakeholder in your regions")
			continue
		}
		x.Name = st.Name
	}
	m.StakeholderIDs = ids
	return nil
}

// meetingToChange loads meeting id in u's regions for a change u may make
// (may).
func (f *Flows) meetingToChange(ctx context.Context, u *model.User, id bson.ObjectID, version *int, may func(*model.Meeting) bool) (*model.Meeting, error) {
	m, err := f.st.MeetingByID(ctx, u.Scope(), id)
	return editable(m, err, may, func(m *model.Meeting) int { return m.Version }, version)
}

// UpdateMeeting changes a meeting; participants' names are copied again.
func (f *Flows) UpdateMeeting(ctx context.Context, u *model.User, id bson.ObjectID, mp model.MeetingPatch) (*model.Meeting, error) {
	old, err := f.meetingToChange(ctx, u, id, mp.Version, u.CanEditMeeting)
	if err != nil {
		return nil, err
	}
	cur, err := mp.Apply(*old)
	p, err := model.ProblemsOf(err)
	if err != nil {
		return nil, err
	}
	if cur.Region != old.Region {
		model.CheckInScope(&p, "region", cur.Region, u.Scope())
	}
	if mp.Participants != nil {
		if err := f.fillParticipants(ctx, u.Scope(), &cur, &p); err != nil {
			return nil, err
		}
	}
	if mp.InitiativeIDs != nil {
		if err := f.relinkInitiatives(ctx, u.Scope(), &p, old.InitiativeIDs, &cur.InitiativeIDs); err != nil {
			return nil, err
		}
	}
	if mp.StaffIDs != nil {
		cur.StaffIDs = model.NonNilIDs(cur.StaffIDs)
		if err := f.st.CheckUsers(ctx, &p, cur.StaffIDs, indexed("staff_ids")); err != nil {
			return nil, err
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return f.st.ReplaceMeeting(ctx, u.Actor(), old, &cur)
}

// DeleteMeeting removes a meeting (managers, or the officer who logged it).
// Its commitments and tasks stay unless withRecords: then those created
// with it and in u's regions go too, and u must be allowed to delete each
// of them, checked before anything is deleted so a refusal deletes nothing.
// The meeting and its records go in one transaction, audit entries included.
func (f *Flows) DeleteMeeting(ctx context.Context, u *model.User, id bson.ObjectID, withRecords bool) error {
	m, err := f.meetingToChange(ctx, u, id, nil, u.CanDeleteMeeting)
	if err != nil {
		return err
	}
	return f.st.WithTx(ctx, func(ctx context.Context) error {
		if withRecords {
			if err := f.deleteMeetingRecords(ctx, u, m); err != nil {
				return err
			}
		}
		return f.st.RemoveMeeting(ctx, u.Actor(), m)
	})
}

// deleteMeetingRecords deletes the records created with m that u sees,
// after checking u may edit every one of them. Records outside u's
// regions are not theirs to see: left alone.
func (f *Flows) deleteMeetingRecords(ctx context.Context, u *model.User, m *model.Meeting) error {
	cms, tks, err := f.st.MeetingRecords(ctx, m)
	if err != nil {
		return err
	}
	cmDel, err := allEditable(u.Scope(), cms, func(c *model.Commitment) string { return c.Region }, u.CanEditCommitment)
	if err != nil {
		return err
	}
	tkDel, err := allEditable(u.Scope(), tks, func(t *model.Task) string { return t.Region }, u.CanEditTask)
	if err != nil {
		return err
	}
	return f.st.RemoveMeetingRecords(ctx, u.Actor(), m, cmDel, tkDel)
}

// allEditable picks the records in scope, or answers ErrForbidden when
// may refuses one of them.
func allEditable[T any](scope model.Scope, records []T, region func(*T) string, may func(*T) bool) ([]*T, error) {
	var out []*T
	for i := range records {
		r := &records[i]
		if !scope.Allows(region(r)) {
			continue
		}
		if !may(r) {
			return nil, model.ErrForbidden
		}
		out = append(out, r)
	}
	return out, nil
}

// indexed names the entries of a list field: indexed("staff_ids")(2) is
// "staff_ids[2]".
func indexed(field string) func(int) string {
	return func(i int) string { return fmt.Sprintf("%s[%d]", field, i) }
}
