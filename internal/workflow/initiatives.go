package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// errDeleteInitiative refuses removing an initiative below manager.
var errDeleteInitiative = fmt.Errorf("%w: only managers and administrators remove initiatives", model.ErrForbidden)

// CreateInitiative records a policy initiative in one of u's regions; the
// owner (default u) must be a user and the linked stakeholders visible to u.
func (f *Flows) CreateInitiative(ctx context.Context, u *model.User, in model.InitiativeInput) (*model.Initiative, error) {
	if !u.CanWrite() {
		return nil, model.ErrForbidden
	}
	it := model.NewInitiative(in, u.Actor(), f.st.Now())
	p, err := model.ProblemsOf(it.Validate())
	if err != nil {
		return nil, err
	}
	model.CheckInScope(&p, "region", it.Region, u.Scope())
	if err := f.fillInitiativeRefs(ctx, u.Scope(), &p, it, nil); err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return it, f.st.InsertInitiative(ctx, u.Actor(), it)
}

// fillInitiativeRefs checks the owner and the stakeholders of it (old is
// the stored record on an edit, nil on a create) and copies their names.
// Stakeholders old links that scope does not see are kept, as a
// stakeholder's hidden regions are: a user changes only what they see.
func (f *Flows) fillInitiativeRefs(ctx context.Context, scope model.Scope, p *model.Problems, it, old *model.Initiative) error {
	if old == nil || it.OwnerID != old.OwnerID {
		users, err := f.st.UsersByIDs(ctx, []bson.ObjectID{it.OwnerID})
		if err != nil {
			return err
		}
		if owner, ok := users[it.OwnerID]; ok {
			it.OwnerName = owner.Name
		} else if !it.OwnerID.IsZero() {
			p.Add("owner_id", "is not a user")
		}
	}
	ids := slices.Clone(it.StakeholderIDs)
	if old != nil {
		ids = append(ids, old.StakeholderIDs...)
	}
	refs, err := f.st.StakeholderRefs(ctx, ids)
	if err != nil {
		return err
	}
	visible := func(id bson.ObjectID) bool { st, ok := refs[id]; return ok && scope.Allows(st.Regions...) }
	for i := range it.Stakeholders {
		s := &it.Stakeholders[i]
		if old != nil && old.StakeholderRole(s.StakeholderID) != "" && !visible(s.StakeholderID) {
			// Kept as it was, role included: the user cannot see it to change it.
			for _, o := range old.Stakeholders {
				if o.StakeholderID == s.StakeholderID {
					*s = o
				}
			}
			continue
		}
		st, ok := refs[s.StakeholderID]
		if !visible(s.StakeholderID) {
			if !s.StakeholderID.IsZero() {
				p.Add(fmt.Sprintf("stakeholders[%d].stakeholder_id", i), "no such stakeholder in your regions")
			}
			continue
		}
		if ok {
			s.Name, s.Kind = st.Name, st.Kind
		}
	}
	if old != nil {
		for _, s := range old.Stakeholders {
			if !visible(s.StakeholderID) && it.StakeholderRole(s.StakeholderID) == "" {
				it.Stakeholders = append(it.Stakeholders, s)
			}
		}
		it.Normalize()
	}
	return nil
}

// initiativeToEdit loads initiative id in u's regions for a change u may
// make: managers in its region, officers when they own it.
func (f *Flows) initiativeToEdit(ctx context.Context, u *model.User, id bson.ObjectID, version *int) (*model.Initiative, error) {
	it, err := f.st.InitiativeByID(ctx, u.Scope(), id)
	return editable(it, err, func(it *model.Initiative) bool { return u.CanEdit([]string{it.Region}, it.OwnerID) },
		func(it *model.Initiative) int { return it.Version }, version)
}

// UpdateInitiative changes an initiative's title, number, link, summary,
// tags, owner or stakeholders (not its stage: see ChangeInitiativeStage).
func (f *Flows) UpdateInitiative(ctx context.Context, u *model.User, id bson.ObjectID, ip model.InitiativePatch) (*model.Initiative, error) {
	old, err := f.initiativeToEdit(ctx, u, id, ip.Version)
	if err != nil {
		return nil, err
	}
	cur := ip.Apply(*old)
	p, err := model.ProblemsOf(cur.Validate())
	if err != nil {
		return nil, err
	}
	if err := f.fillInitiativeRefs(ctx, u.Scope(), &p, &cur, old); err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return f.st.ReplaceInitiative(ctx, u.Actor(), old, &cur)
}

// ChangeInitiativeStage moves an initiative to another stage of its kind
// and appends the move (day, note, who) to its history atomically.
func (f *Flows) ChangeInitiativeStage(ctx context.Context, u *model.User, id bson.ObjectID, in model.StageInput) (*model.Initiative, error) {
	old, err := f.initiativeToEdit(ctx, u, id, in.Version)
	if err != nil {
		return nil, err
	}
	now := f.st.Now()
	today := model.Today(now)
	in.Normalize(today)
	if err := in.Validate(old.Kind, old.Stage, today); err != nil {
		return nil, err
	}
	return f.st.UpdateInitiativeStage(ctx, u.Actor(), old, model.NewStageChange(in, u.Actor(), now), in.Version)
}

// DeleteInitiative removes an initiative: managers and admins in its
// region. Commitments and meetings that named it stop naming it.
func (f *Flows) DeleteInitiative(ctx context.Context, u *model.User, id bson.ObjectID) error {
	old, err := f.st.InitiativeByID(ctx, u.Scope(), id)
	if err != nil {
		return err
	}
	if !u.CanArchive() {
		return errDeleteInitiative
	}
	return f.st.RemoveInitiative(ctx, u.Actor(), old)
}

// relinkInitiatives checks the initiatives a record now names (*ids)
// against those it named (old): the added ones must be visible in scope,
// and the ones scope does not see stay, as a user changes only what they see.
func (f *Flows) relinkInitiatives(ctx context.Context, scope model.Scope, p *model.Problems, old []bson.ObjectID, ids *[]bson.ObjectID) error {
	seen, err := f.st.InitiativesByIDs(ctx, scope, old)
	if err != nil {
		return err
	}
	var added []bson.ObjectID
	for _, id := range *ids {
		if !slices.Contains(old, id) {
			added = append(added, id)
		}
	}
	for _, id := range old {
		if _, ok := seen[id]; !ok && !slices.Contains(*ids, id) {
			*ids = append(*ids, id)
		}
	}
	return f.checkInitiatives(ctx, scope, p, added, func(i int) string {
		return fmt.Sprintf("initiative_ids[%d]", slices.Index(*ids, added[i]))
	})
}

// checkInitiatives reports under field(i) each of ids that is not an
// initiative u's scope sees: the links of commitments and meetings.
func (f *Flows) checkInitiatives(ctx context.Context, scope model.Scope, p *model.Problems, ids []bson.ObjectID, field func(i int) string) error {
	if len(ids) == 0 {
		return nil
	}
	found, err := f.st.InitiativesByIDs(ctx, scope, ids)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	for i, id := range ids {
		if _, ok := found[id]; !ok && !id.IsZero() {
			p.Add(field(i), "no such initiative in your regions")
		}
	}
	return nil
}
