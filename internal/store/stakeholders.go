package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const colStakeholders = "stakeholders"

func init() {
	// MongoDB's; the embedded store's indexed fields are in specs.go.
	registerIndexes(
		indexSpec{colStakeholders, "name", bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colStakeholders, "regions", bson.D{{Key: "regions", Value: 1}}, false},
		indexSpec{colStakeholders, "emails", bson.D{{Key: "emails", Value: 1}}, false},
		indexSpec{colStakeholders, "relationships", bson.D{{Key: "relationships.stakeholder_id", Value: 1}}, false},
	)
}

// noSearchField keeps the bulky search words out of what lists read.
var noSearchField = bson.D{{Key: "search", Value: 0}}

// StakeholderFilter selects stakeholders; empty fields do not filter.
type StakeholderFilter struct {
	Kind     string
	Region   string
	Stance   string
	Tag      string
	Q        string
	Archived bool // false (the default) lists active stakeholders only
	OwnerID  bson.ObjectID
}

// ListStakeholders returns the stakeholders the scope may see, by name.
func (s *Store) ListStakeholders(ctx context.Context, scope model.Scope, f StakeholderFilter, p Page) ([]model.Stakeholder, string, error) {
	filter := bson.D{{Key: "archived", Value: f.Archived}}
	for _, kv := range []struct{ key, val string }{{"kind", f.Kind}, {"stance", f.Stance}, {"tags", strings.ToLower(strings.TrimSpace(f.Tag))}} {
		if kv.val != "" {
			filter = append(filter, bson.E{Key: kv.key, Value: kv.val})
		}
	}
	if !f.OwnerID.IsZero() {
		filter = append(filter, bson.E{Key: "owner_id", Value: f.OwnerID})
	}
	if f.Region != "" {
		if !scope.Allows(f.Region) {
			return []model.Stakeholder{}, "", nil
		}
		// A region inside the scope implies the scope condition.
		filter = append(filter, bson.E{Key: "regions", Value: f.Region})
	} else {
		filter = scoped(filter, scope, "regions")
	}
	page, opts, err := s.keyset(p, "stakeholders.name", bson.D{}, "name", false)
	if err != nil {
		return nil, "", err
	}
	opts.Projection = noSearchField
	var out []model.Stakeholder
	if err := s.col(colStakeholders).Find(ctx, allOf(filter, searchFilter(f.Q), page), opts, &out); err != nil {
		return nil, "", wrap("list stakeholders", err)
	}
	items, next := nextCursor(s, "stakeholders.name", out, p, func(x model.Stakeholder) (any, bson.ObjectID) { return x.Name, x.ID })
	return items, next, nil
}

// StakeholderByID returns one stakeholder; ErrNotFound when it is outside scope.
func (s *Store) StakeholderByID(ctx context.Context, scope model.Scope, id bson.ObjectID) (*model.Stakeholder, error) {
	return findInScope(ctx, s, colStakeholders, "stakeholder", id, func(st *model.Stakeholder) bool { return scope.Allows(st.Regions...) })
}

// StakeholdersByIDs returns the stakeholders among ids the scope may see,
// keyed by id, without their search words (joins are done in Go).
func (s *Store) StakeholdersByIDs(ctx context.Context, scope model.Scope, ids []bson.ObjectID) (map[bson.ObjectID]model.Stakeholder, error) {
	out := map[bson.ObjectID]model.Stakeholder{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []model.Stakeholder
	filter := scoped(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, scope, "regions")
	if err := s.col(colStakeholders).Find(ctx, filter, coll.FindOptions{Projection: noSearchField}, &list); err != nil {
		return nil, wrap("find stakeholders", err)
	}
	for _, x := range list {
		out[x.ID] = x
	}
	return out, nil
}

// StakeholderNames returns the names of the stakeholders among ids the
// scope may see.
func (s *Store) StakeholderNames(ctx context.Context, scope model.Scope, ids []bson.ObjectID) (map[bson.ObjectID]string, error) {
	out := map[bson.ObjectID]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []struct {
		ID   bson.ObjectID `bson:"_id"`
		Name string        `bson:"name"`
	}
	filter := scoped(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, scope, "regions")
	opts := coll.FindOptions{Projection: bson.D{{Key: "name", Value: 1}}}
	if err := s.col(colStakeholders).Find(ctx, filter, opts, &list); err != nil {
		return nil, wrap("find stakeholder names", err)
	}
	for _, x := range list {
		out[x.ID] = x.Name
	}
	return out, nil
}

// IncomingRelationships returns the visible stakeholders that store a
// relationship pointing to id, with only their id, name and relationships.
func (s *Store) IncomingRelationships(ctx context.Context, scope model.Scope, id bson.ObjectID) ([]model.Stakeholder, error) {
	var out []model.Stakeholder
	filter := scoped(bson.D{{Key: "relationships.stakeholder_id", Value: id}}, scope, "regions")
	opts := coll.FindOptions{Projection: bson.D{{Key: "name", Value: 1}, {Key: "relationships", Value: 1}},
		Sort: bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}}
	if err := s.col(colStakeholders).Find(ctx, filter, opts, &out); err != nil {
		return nil, wrap("find incoming relationships", err)
	}
	return out, nil
}

// InsertStakeholder stores st, already checked by the workflow, as a new
// record: it sets the id, version, times and search words.
func (s *Store) InsertStakeholder(ctx context.Context, actor model.Actor, st *model.Stakeholder) error {
	now := s.Now()
	st.ID, st.Version, st.CreatedAt, st.UpdatedAt = bson.NewObjectID(), 1, now, now
	st.Search = search.Words(st.SearchParts()...)
	return s.insertRecord(ctx, actor, record{colStakeholders, model.EntityStakeholder, st.ID, st.Regions}, st)
}

// UpdateStakeholder applies a version-guarded patch to the stakeholder id
// in scope with no domain rule: for tools and tests that edit records as
// given. The API goes through workflow.UpdateStakeholder, which checks the
// rules before it writes with ReplaceStakeholder.
func (s *Store) UpdateStakeholder(ctx context.Context, actor model.Actor, scope model.Scope, id bson.ObjectID, p model.StakeholderPatch) (*model.Stakeholder, error) {
	old, err := s.StakeholderByID(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	cur, err := p.Apply(*old)
	if err != nil {
		return nil, err
	}
	if *p.Version != old.Version {
		return nil, fmt.Errorf("store: update stakeholder: %w", ErrConflict)
	}
	return s.ReplaceStakeholder(ctx, actor, old, &cur)
}

// ReplaceStakeholder stores cur, already decided, in place of old when
// old's version is still the stored one (ErrConflict otherwise), refreshing
// the search words, and audits the changed fields. It returns old when
// nothing changed.
func (s *Store) ReplaceStakeholder(ctx context.Context, actor model.Actor, old, cur *model.Stakeholder) (*model.Stakeholder, error) {
	changes := diff(old, cur)
	if len(changes) == 0 {
		return old, nil
	}
	err := s.apply(ctx, func(ctx context.Context) ([]Change, error) {
		if err := s.replaceStakeholder(ctx, old, cur); err != nil {
			return nil, err
		}
		return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "stakeholder", ID: old.ID.Hex(),
			Regions: unionRegions(old.Regions, cur.Regions), Fields: changes, Before: old, After: cur}}, nil
	})
	if err != nil {
		return nil, err
	}
	return cur, nil
}

// replaceStakeholder stores cur in place of old when old's version is still
// the stored one (ErrConflict otherwise), with the next version and fresh
// search words.
func (s *Store) replaceStakeholder(ctx context.Context, old, cur *model.Stakeholder) error {
	cur.ID, cur.CreatedAt = old.ID, old.CreatedAt
	cur.Version, cur.UpdatedAt = old.Version+1, s.Now()
	cur.Search = search.Words(cur.SearchParts()...)
	return s.writeAtVersion(ctx, colStakeholders, "update stakeholder", old.ID, old.Version, func(filter bson.D) (int64, error) {
		res, err := s.col(colStakeholders).Replace(ctx, filter, cur, false)
		return res.Matched, err
	})
}

func unionRegions(a, b []string) []string {
	out := slices.Clone(a)
	for _, r := range b {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// StakeholderHasRecords reports whether meetings, commitments or
// initiatives refer to id, in which case deleting it would orphan them and
// it is archived instead.
func (s *Store) StakeholderHasRecords(ctx context.Context, id bson.ObjectID) (bool, error) {
	for _, q := range []struct{ col, field string }{{colMeetings, "stakeholder_ids"}, {colCommitments, "stakeholder_id"}, {colInitiatives, "stakeholder_ids"}} {
		n, err := s.col(q.col).Count(ctx, bson.D{{Key: q.field, Value: id}}, 1)
		if err != nil {
			return false, wrap("count "+q.col+" of stakeholder", err)
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// RemoveStakeholder deletes old when its version is still the stored one
// (ErrConflict otherwise). Whether to delete or archive, and the clean-up of
// references to it, are the workflow's (workflow/stakeholders.go, effects.go).
func (s *Store) RemoveStakeholder(ctx context.Context, actor model.Actor, old *model.Stakeholder) error {
	return s.apply(ctx, func(ctx context.Context) ([]Change, error) {
		err := s.writeAtVersion(ctx, colStakeholders, "delete stakeholder", old.ID, old.Version, func(filter bson.D) (int64, error) {
			return s.col(colStakeholders).Delete(ctx, filter, false)
		})
		if err != nil {
			return nil, err
		}
		return []Change{{Actor: actor, Action: model.ActionDelete, Entity: model.EntityStakeholder, ID: old.ID.Hex(),
			Regions: old.Regions, Fields: []model.Change{{Field: "name", Old: old.Name}}, Before: old}}, nil
	})
}

// InsertStakeholders stores already built stakeholders in batches, with no
// validation and no audit entries, filling their search words. It exists
// for the demo and reference dataset loaders; the API goes through
// workflow.CreateStakeholder.
func (s *Store) InsertStakeholders(ctx context.Context, list []model.Stakeholder) error {
	return insertBulk(ctx, s, colStakeholders, stakeholderDocs(list))
}

// stakeholderDocs are built stakeholders as stored: search words filled,
// lists never null (the API documents them as arrays).
func stakeholderDocs(list []model.Stakeholder) []model.Stakeholder {
	docs := make([]model.Stakeholder, len(list))
	for i, st := range list {
		if st.Search == "" {
			st.Search = search.Words(st.SearchParts()...)
		}
		if st.Relationships == nil {
			st.Relationships = []model.Relationship{}
		}
		for _, l := range []*[]string{&st.Emails, &st.Phones, &st.Tags, &st.Regions} {
			if *l == nil {
				*l = []string{}
			}
		}
		docs[i] = st
	}
	return docs
}
