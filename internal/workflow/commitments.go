package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// errReopen is the refusal to leave a final status without the role for it.
var errReopen = fmt.Errorf("%w: reopening a final commitment needs a manager", model.ErrForbidden)

// CreateCommitment records a stakeholder's commitment made outside a
// meeting. The stakeholder, owner and origin must exist in u's regions;
// the defaults are model.NewCommitment's.
func (f *Flows) CreateCommitment(ctx context.Context, u *model.User, in model.CommitmentInput) (*model.Commitment, error) {
	in.Normalize()
	p, err := model.ProblemsOf(in.Validate())
	if err != nil {
		return nil, err
	}
	c, cp, err := f.buildCommitment(ctx, u, in)
	if err != nil {
		return nil, err
	}
	p = append(p, cp...)
	if o := in.Origin; o != nil && !o.ID.IsZero() && model.OriginKinds.Valid(o.Kind) {
		if err := f.checkOrigin(ctx, u.Scope(), &p, *o); err != nil {
			return nil, err
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return c, f.st.InsertCommitment(ctx, u.Actor(), c)
}

// buildCommitment checks the stakeholder, region and owner of an input
// whose own fields are valid (their problems are not repeated) and makes
// the record; nil when there are problems.
func (f *Flows) buildCommitment(ctx context.Context, u *model.User, in model.CommitmentInput) (*model.Commitment, model.Problems, error) {
	var p model.Problems
	scope := u.Scope()
	var st model.Stakeholder
	if !in.StakeholderID.IsZero() {
		refs, err := f.st.StakeholderRefs(ctx, []bson.ObjectID{in.StakeholderID})
		if err != nil {
			return nil, nil, err
		}
		var ok bool
		st, ok = refs[in.StakeholderID]
		switch {
		case !ok || !scope.Allows(st.Regions...):
			p.Add("stakeholder_id", "no such stakeholder in your regions")
		case st.Archived:
			p.Add("stakeholder_id", "the stakeholder is archived")
		}
		if in.Region == "" && scope.First(st.Regions) == "" && len(p) == 0 {
			p.Add("region", "is required: the stakeholder has no region in your scope")
		}
	}
	model.CheckInScope(&p, "region", in.Region, scope)
	if err := f.st.CheckUser(ctx, &p, "owner_id", in.OwnerID); err != nil {
		return nil, nil, err
	}
	if err := f.checkInitiatives(ctx, scope, &p, []bson.ObjectID{in.InitiativeID}, func(int) string { return "initiative_id" }); err != nil {
		return nil, nil, err
	}
	if len(p) > 0 {
		return nil, p, nil
	}
	return model.NewCommitment(in, st, scope, u.Actor(), f.st.Now()), nil, nil
}

// checkOrigin reports an origin meeting or message that does not exist or
// is out of scope.
func (f *Flows) checkOrigin(ctx context.Context, scope model.Scope, p *model.Problems, o model.Origin) error {
	var err error
	switch o.Kind {
	case "meeting":
		_, err = f.st.MeetingByID(ctx, scope, o.ID)
	case "message":
		var regions []string
		regions, err = f.st.MessageRegions(ctx, o.ID)
		if err == nil && !scope.Allows(regions...) {
			err = store.ErrNotFound
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		p.Add("origin.id", "no such %s in your regions", o.Kind)
		return nil
	}
	return err
}

// commitmentToEdit loads commitment id in u's regions for a change u may
// make (model.User.CanEditCommitment).
func (f *Flows) commitmentToEdit(ctx context.Context, u *model.User, id bson.ObjectID, version *int) (*model.Commitment, error) {
	c, err := f.st.CommitmentByID(ctx, u.Scope(), id)
	return editable(c, err, u.CanEditCommitment, func(c *model.Commitment) int { return c.Version }, version)
}

// editable answers rec, read with err, when u may change it (may) and
// version, when given, is its current one: a refusal is model.ErrForbidden,
// a stale version store.ErrConflict (reported before any field problem:
// the caller must reload either way).
func editable[T any](rec *T, err error, may func(*T) bool, current func(*T) int, version *int) (*T, error) {
	switch {
	case err != nil:
		return nil, err
	case !may(rec):
		return nil, model.ErrForbidden
	case version != nil && *version != current(rec):
		return nil, fmt.Errorf("workflow: %T version %d: %w", rec, *version, store.ErrConflict)
	}
	return rec, nil
}

// UpdateCommitment changes a commitment's text, type, dates, owner or
// region (not its status: see ChangeCommitmentStatus).
func (f *Flows) UpdateCommitment(ctx context.Context, u *model.User, id bson.ObjectID, cp model.CommitmentPatch) (*model.Commitment, error) {
	old, err := f.commitmentToEdit(ctx, u, id, cp.Version)
	if err != nil {
		return nil, err
	}
	cur, err := cp.Apply(*old)
	p, err := model.ProblemsOf(err)
	if err != nil {
		return nil, err
	}
	if cur.Region != old.Region {
		model.CheckInScope(&p, "region", cur.Region, u.Scope())
	}
	if cur.OwnerID != old.OwnerID {
		if err := f.st.CheckUser(ctx, &p, "owner_id", cur.OwnerID); err != nil {
			return nil, err
		}
	}
	if cur.InitiativeID != old.InitiativeID {
		// A link to an initiative the user cannot see is not theirs to
		// change (a meeting keeps such links the same way).
		if !old.InitiativeID.IsZero() {
			seen, err := f.st.InitiativesByIDs(ctx, u.Scope(), []bson.ObjectID{old.InitiativeID})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			if _, ok := seen[old.InitiativeID]; !ok {
				p.Add("initiative_id", "links an initiative outside your regions")
			}
		}
		if err := f.checkInitiatives(ctx, u.Scope(), &p, []bson.ObjectID{cur.InitiativeID}, func(int) string { return "initiative_id" }); err != nil {
			return nil, err
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return f.st.ReplaceCommitment(ctx, u.Actor(), old, &cur)
}

// ChangeCommitmentStatus sets the status and appends it to the history.
// Leaving a final status is reopening, which only managers and admins may
// do (model.User.MayLeaveStatus); the store makes the rule atomic.
func (f *Flows) ChangeCommitmentStatus(ctx context.Context, u *model.User, id bson.ObjectID, in model.StatusChangeInput) (*model.Commitment, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	old, err := f.commitmentToEdit(ctx, u, id, in.Version)
	if err != nil {
		return nil, err
	}
	if !u.MayLeaveStatus(old.Status) {
		return nil, errReopen
	}
	entry := model.NewStatusChange(in, u.Actor(), f.st.Now())
	c, err := f.st.UpdateCommitmentStatus(ctx, u.Actor(), old, entry, in.Version, u.CanReopen())
	if errors.Is(err, store.ErrFinalStatus) {
		return nil, errReopen
	}
	return c, err
}

// DeleteCommitment removes a commitment u may edit; its meeting stops
// listing it.
func (f *Flows) DeleteCommitment(ctx context.Context, u *model.User, id bson.ObjectID) error {
	old, err := f.commitmentToEdit(ctx, u, id, nil)
	if err != nil {
		return err
	}
	return f.st.RemoveCommitment(ctx, u.Actor(), old)
}
