package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// References to a stakeholder kept by other records, and the writes that
// remove them once the stakeholder is gone. workflow/effects.go decides when
// they run (after a delete); these only store.

// DropReferencesTo removes a deleted stakeholder from every other one,
// whatever its region: relationships pointing to it, committee membership
// and coordination. Each changed stakeholder is a versioned, audited write.
func (s *Store) DropReferencesTo(ctx context.Context, actor model.Actor, id bson.ObjectID) error {
	var refs []model.Stakeholder
	filter := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "relationships.stakeholder_id", Value: id}},
		bson.D{{Key: "committee.member_ids", Value: id}},
		bson.D{{Key: "committee.coordinator_id", Value: id}},
	}}}
	if err := s.col(colStakeholders).Find(ctx, filter, coll.FindOptions{}, &refs); err != nil {
		return wrap("find references to stakeholder", err)
	}
	var errs []error
	for i := range refs {
		old := &refs[i]
		cur := *old
		cur.Relationships = slices.DeleteFunc(slices.Clone(old.Relationships), func(r model.Relationship) bool { return r.StakeholderID == id })
		if c := old.Committee; c != nil {
			nc := *c
			nc.MemberIDs = slices.DeleteFunc(slices.Clone(c.MemberIDs), func(m bson.ObjectID) bool { return m == id })
			if nc.CoordinatorID == id {
				nc.CoordinatorID = bson.ObjectID{}
			}
			cur.Committee = &nc
		}
		if _, err := s.ReplaceStakeholder(ctx, actor, old, &cur); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// UnlinkTasksFrom clears the stakeholder link of the tasks that follow up on
// a deleted stakeholder (the task itself stays: it is someone's work). Each
// is a versioned, audited write; it returns how many changed.
func (s *Store) UnlinkTasksFrom(ctx context.Context, actor model.Actor, id bson.ObjectID) (int, error) {
	var list []model.Task
	if err := s.col(colTasks).Find(ctx, bson.D{{Key: "links.stakeholder_id", Value: id}}, coll.FindOptions{}, &list); err != nil {
		return 0, wrap("find tasks of stakeholder", err)
	}
	n := 0
	var errs []error
	for i := range list {
		old := &list[i]
		done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
			res, err := s.col(colTasks).Update(ctx, bson.D{{Key: "_id", Value: old.ID}, {Key: "links.stakeholder_id", Value: id}},
				bson.D{{Key: "$unset", Value: bson.D{{Key: "links.stakeholder_id", Value: ""}}},
					{Key: "$set", Value: bson.D{{Key: "updated_at", Value: s.Now()}}},
					{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}, coll.UpdateOptions{})
			if err != nil || res.Modified == 0 { // none: changed meanwhile and no longer linked
				return nil, wrap("unlink task", err)
			}
			return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "task", ID: old.ID.Hex(),
				Regions: []string{old.Region}, Fields: []model.Change{{Field: "links.stakeholder_id", Old: id.Hex()}}}}, nil
		}, nil)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n += len(done)
		errs = append(errs, s.effects(ctx, done...))
	}
	return n, errors.Join(errs...)
}

// MessageAddressesOf returns the addresses of the messages matched to id,
// so that matching them again drops a deleted stakeholder even from
// messages whose addresses it no longer lists.
func (s *Store) MessageAddressesOf(ctx context.Context, id bson.ObjectID) ([]string, error) {
	var list []model.Message
	opts := messageAddressProjection()
	if err := s.col(colMessages).Find(ctx, bson.D{{Key: "stakeholder_ids", Value: id}}, opts, &list); err != nil {
		return nil, wrap("find messages of stakeholder", err)
	}
	var out []string
	for i := range list {
		for _, a := range model.MatchAddresses(&list[i]) {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// ReferencesTo lists, as "collection/_id", every stored document other than
// the audit trail that holds id (as an ObjectID or as its hex form, the way
// counters key committees). It reads every collection: a check for tests and
// for an administrator's diagnosis, not a query for requests.
func (s *Store) ReferencesTo(ctx context.Context, id bson.ObjectID) ([]string, error) {
	names, err := s.collectionNames(ctx)
	if err != nil {
		return nil, wrap("list collections", err)
	}
	slices.Sort(names)
	hex := []byte(id.Hex())
	var out []string
	for _, name := range names {
		if name == colAudit {
			continue
		}
		// A deliberate whole read (Each: an _id walk on MongoDB).
		err := s.Each(ctx, name, func(raw bson.Raw) error {
			if bytes.Contains(raw, id[:]) || bytes.Contains(raw, hex) {
				out = append(out, fmt.Sprintf("%s/%v", name, raw.Lookup("_id")))
			}
			return nil
		})
		if err != nil {
			return nil, wrap("scan "+name, err)
		}
	}
	return out, nil
}
