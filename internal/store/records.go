package store

import (
	"context"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// record names one stored record for the audited writes below: its
// collection, its entity in the audit trail, its id and the regions the
// change is filed under.
type record struct {
	col, entity string
	id          bson.ObjectID
	regions     []string
}

// insertRecord stores doc, a new and already decided record, with the
// audit entry of its creation (apply).
func (s *Store) insertRecord(ctx context.Context, actor model.Actor, r record, doc any) error {
	return s.apply(ctx, func(ctx context.Context) ([]Change, error) {
		if _, err := s.col(r.col).Insert(ctx, []any{doc}, coll.InsertOptions{}); err != nil {
			return nil, wrap("insert "+r.entity, err)
		}
		return []Change{createdChange(actor, r, doc)}, nil
	})
}

// createdChange is the change of creating doc.
func createdChange(actor model.Actor, r record, doc any) Change {
	return Change{Actor: actor, Action: model.ActionCreate, Entity: r.entity, ID: r.id.Hex(),
		Regions: r.regions, Fields: created(doc), After: doc}
}

// replaceRecord stores the fields of cur (old with decided changes) that
// differ from old, plus extra, when old's version is still the stored one
// (ErrConflict otherwise), with its audit entry (apply). It answers old
// when nothing changed, else the record as stored.
func replaceRecord[T any](ctx context.Context, s *Store, actor model.Actor, r record, version int, old, cur *T, extra ...bson.E) (*T, error) {
	changes := diff(old, cur)
	if len(changes) == 0 {
		return old, nil
	}
	set := append(append(setOf(changes), extra...), bson.E{Key: "updated_at", Value: s.Now()})
	var stored T
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
		if err := s.updateVersioned(ctx, r.col, r.id, version, set, &stored); err != nil {
			return nil, fmt.Errorf("store: update %s: %w", r.entity, err)
		}
		return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: r.entity, ID: r.id.Hex(),
			Regions: r.regions, Fields: changes, Before: old, After: &stored}}, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return &stored, s.effects(ctx, done...)
}

// deletedChange is the change of deleting old, audited with the whole
// record so it can be read back from the trail.
func deletedChange[T any](actor model.Actor, r record, old *T) Change {
	var zero T
	return Change{Actor: actor, Action: model.ActionDelete, Entity: r.entity, ID: r.id.Hex(),
		Regions: r.regions, Fields: diff(old, &zero), Before: old}
}

// removeRecord deletes old and, when then is not nil, cleans up what
// referred to it (then writes in ctx, the same transaction), with the audit
// entry of the removal (apply).
func removeRecord[T any](ctx context.Context, s *Store, actor model.Actor, r record, old *T, then func(ctx context.Context) error) error {
	return s.apply(ctx, func(ctx context.Context) ([]Change, error) {
		if err := s.deleteByID(ctx, r.col, r.entity, r.id); err != nil {
			return nil, err
		}
		if then != nil {
			if err := then(ctx); err != nil {
				return nil, err
			}
		}
		return []Change{deletedChange(actor, r, old)}, nil
	})
}
