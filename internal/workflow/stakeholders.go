package workflow

import (
	"context"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrMayNotArchive refuses archiving or restoring to a user below manager:
// archiving is how managers delete a record others refer to.
var ErrMayNotArchive = fmt.Errorf("only managers and administrators archive or restore stakeholders: %w", model.ErrForbidden)

// actorOf is how the audit trail names u.
func actorOf(u *model.User) model.Actor {
	return model.Actor{ID: u.ID, Email: u.Email, Name: u.Name}
}

// CreateStakeholder stores a new stakeholder in u's regions; the owner
// defaults to u. Mail from and to its addresses is matched to it (effects.go).
func (f *Flows) CreateStakeholder(ctx context.Context, u *model.User, in model.StakeholderInput) (*model.Stakeholder, error) {
	return f.st.CreateStakeholder(ctx, actorOf(u), u.Scope(), in)
}

// editableStakeholder loads id in u's scope (ErrNotFound outside it) and
// checks u may change it: managers in its regions, officers when they own
// it, admins always.
func (f *Flows) editableStakeholder(ctx context.Context, u *model.User, id bson.ObjectID) (*model.Stakeholder, error) {
	st, err := f.st.StakeholderByID(ctx, u.Scope(), id)
	if err != nil {
		return nil, err
	}
	if !u.CanEdit(st.Regions, st.OwnerID) {
		return nil, model.ErrForbidden
	}
	return st, nil
}

// UpdateStakeholder applies a version-guarded patch u may make. Only
// managers and admins archive or restore.
func (f *Flows) UpdateStakeholder(ctx context.Context, u *model.User, id bson.ObjectID, p model.StakeholderPatch) (*model.Stakeholder, error) {
	st, err := f.editableStakeholder(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if p.Archived != nil && *p.Archived != st.Archived && !u.CanArchive() {
		return nil, ErrMayNotArchive
	}
	return f.st.UpdateStakeholder(ctx, actorOf(u), u.Scope(), st.ID, p)
}

// DeleteStakeholder deletes a stakeholder u may edit, or archives it when a
// meeting or commitment refers to it (deleting would orphan them), and
// reports whether it archived. A deletion's clean-up of the references
// other records keep is an after-write effect (effects.go).
func (f *Flows) DeleteStakeholder(ctx context.Context, u *model.User, id bson.ObjectID) (archived bool, err error) {
	old, err := f.editableStakeholder(ctx, u, id)
	if err != nil {
		return false, err
	}
	has, err := f.st.StakeholderHasRecords(ctx, id)
	if err != nil {
		return false, err
	}
	if !has {
		return false, f.st.RemoveStakeholder(ctx, actorOf(u), old)
	}
	if old.Archived {
		return true, nil
	}
	cur := *old
	cur.Archived = true
	_, err = f.st.ReplaceStakeholder(ctx, actorOf(u), old, &cur)
	return true, err
}

// AddRelationship stores (or replaces) the relationship from id, which u
// may edit, to another stakeholder u can see.
func (f *Flows) AddRelationship(ctx context.Context, u *model.User, id bson.ObjectID, in model.RelationshipInput) (*model.Stakeholder, error) {
	st, err := f.editableStakeholder(ctx, u, id)
	if err != nil {
		return nil, err
	}
	return f.st.AddRelationship(ctx, actorOf(u), u.Scope(), st.ID, in)
}

// RemoveRelationship deletes the relationship from id, which u may edit, to
// other; ErrNotFound when there is none.
func (f *Flows) RemoveRelationship(ctx context.Context, u *model.User, id, other bson.ObjectID) (*model.Stakeholder, error) {
	st, err := f.editableStakeholder(ctx, u, id)
	if err != nil {
		return nil, err
	}
	return f.st.RemoveRelationship(ctx, actorOf(u), u.Scope(), st.ID, other)
}
