package workflow

import (
	"context"
	"fmt"
	"slices"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
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
	st := in.Stakeholder()
	if st.OwnerID.IsZero() {
		st.OwnerID = u.ID
	}
	if err := f.checkStakeholder(ctx, u.Scope(), &st, nil); err != nil {
		return nil, err
	}
	if err := f.st.InsertStakeholder(ctx, actorOf(u), &st); err != nil {
		return nil, err
	}
	return &st, nil
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
	return f.updateStakeholder(ctx, u, st, p)
}

// updateStakeholder applies p to old for u, who may edit it.
func (f *Flows) updateStakeholder(ctx context.Context, u *model.User, old *model.Stakeholder, p model.StakeholderPatch) (*model.Stakeholder, error) {
	cur, err := p.Apply(*old)
	if err != nil {
		return nil, err
	}
	if *p.Version != old.Version {
		return nil, fmt.Errorf("workflow: update stakeholder: %w", store.ErrConflict)
	}
	if err := f.checkStakeholder(ctx, u.Scope(), &cur, old); err != nil {
		return nil, err
	}
	return f.st.ReplaceStakeholder(ctx, actorOf(u), old, &cur)
}

// checkStakeholder applies the rules of a stakeholder written in scope (old
// is nil when it is new): regions outside the scope stay and none is added
// (model.Scope), the fields are valid, added addresses pass the address
// rule (store.RefusedAddresses), a changed owner is a user, and added
// committee people are stakeholders the scope sees.
func (f *Flows) checkStakeholder(ctx context.Context, scope model.Scope, st, old *model.Stakeholder) error {
	var before, kept []string
	if old != nil {
		st.Regions = scope.KeepHidden(old.Regions, st.Regions)
		before, kept = old.Regions, old.Emails
	}
	if err := st.Validate(); err != nil {
		return err
	}
	var p model.Problems
	scope.CheckAddedRegions(&p, before, st.Regions)
	if err := f.checkAddedEmails(ctx, scope, &p, st.Emails, kept); err != nil {
		return err
	}
	if !st.OwnerID.IsZero() && (old == nil || st.OwnerID != old.OwnerID) {
		users, err := f.st.UsersByIDs(ctx, []bson.ObjectID{st.OwnerID})
		if err != nil {
			return err
		}
		if _, ok := users[st.OwnerID]; !ok {
			p.Add("owner_id", "is not a user")
		}
	}
	if err := f.checkCommittee(ctx, scope, &p, st, old); err != nil {
		return err
	}
	return p.Err()
}

// checkAddedEmails reports under emails[i] each address not already in
// kept that store.RefusedAddresses refuses for scope.
func (f *Flows) checkAddedEmails(ctx context.Context, scope model.Scope, p *model.Problems, emails, kept []string) error {
	var added []string
	for _, e := range emails {
		if e = model.NormalizeEmail(e); !slices.Contains(kept, e) {
			added = append(added, e)
		}
	}
	refused, err := f.st.RefusedAddresses(ctx, scope, added)
	if err != nil {
		return err
	}
	for i, e := range emails {
		e = model.NormalizeEmail(e)
		if msg, ok := refused[e]; ok && !slices.Contains(kept, e) {
			p.Add(fmt.Sprintf("emails[%d]", i), "%s", msg)
		}
	}
	return nil
}

// checkCommittee requires the coordinator and members a write adds to be
// other stakeholders the scope sees (model.Committee.Added); ones already
// there stay unchecked so an edit is not refused for a member someone else
// added.
func (f *Flows) checkCommittee(ctx context.Context, scope model.Scope, p *model.Problems, st, old *model.Stakeholder) error {
	c := st.Committee
	if c == nil {
		return nil
	}
	var before *model.Committee
	if old != nil {
		before = old.Committee
	}
	added := c.Added(before)
	names, err := f.st.StakeholderNames(ctx, scope, added)
	if err != nil {
		return err
	}
	visible := func(id bson.ObjectID) bool {
		_, ok := names[id]
		return (ok || !slices.Contains(added, id)) && id != st.ID
	}
	if !c.CoordinatorID.IsZero() && !visible(c.CoordinatorID) {
		p.Add("committee.coordinator_id", "is not a stakeholder you can see")
	}
	for i, id := range c.MemberIDs {
		if !visible(id) {
			p.Add(fmt.Sprintf("committee.member_ids[%d]", i), "is not a stakeholder you can see")
		}
	}
	return nil
}

// DeleteStakeholder deletes a stakeholder u may edit, or archives it when a
// meeting, commitment or initiative refers to it (deleting would orphan them), and
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
	old, err := f.editableStakeholder(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(id); err != nil {
		return nil, err
	}
	names, err := f.st.StakeholderNames(ctx, u.Scope(), []bson.ObjectID{in.StakeholderID})
	if err != nil {
		return nil, err
	}
	if _, ok := names[in.StakeholderID]; !ok {
		return nil, (model.Problems{{Field: "stakeholder_id", Message: "is not a stakeholder you can see"}}).Err()
	}
	cur := *old
	cur.Relationships = slices.DeleteFunc(slices.Clone(old.Relationships), func(r model.Relationship) bool { return r.StakeholderID == in.StakeholderID })
	cur.Relationships = append(cur.Relationships, in.Relationship())
	return f.st.ReplaceStakeholder(ctx, actorOf(u), old, &cur)
}

// RemoveRelationship deletes the relationship from id, which u may edit, to
// other; ErrNotFound when there is none.
func (f *Flows) RemoveRelationship(ctx context.Context, u *model.User, id, other bson.ObjectID) (*model.Stakeholder, error) {
	old, err := f.editableStakeholder(ctx, u, id)
	if err != nil {
		return nil, err
	}
	cur := *old
	cur.Relationships = slices.DeleteFunc(slices.Clone(old.Relationships), func(r model.Relationship) bool { return r.StakeholderID == other })
	if len(cur.Relationships) == len(old.Relationships) {
		return nil, fmt.Errorf("workflow: remove relationship: %w", store.ErrNotFound)
	}
	return f.st.ReplaceStakeholder(ctx, actorOf(u), old, &cur)
}
