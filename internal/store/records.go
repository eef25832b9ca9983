package store

import (
	"context"
	"errors"
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

// insertRecord stores doc, a new and already decided record, and runs the
// after-write effects of its creation.
func (s *Store) insertRecord(ctx context.Context, actor model.Actor, r record, doc any) error {
	if _, err := s.col(r.col).Insert(ctx, []any{doc}, coll.InsertOptions{}); err != nil {
		return wrap("insert "+r.entity, err)
	}
	return s.recordCreated(ctx, actor, r, doc)
}

// recordCreated runs the after-write effects of creating doc.
func (s *Store) recordCreated(ctx context.Context, actor model.Actor, r record, doc any) error {
	return s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: r.entity, ID: r.id.Hex(),
		Regions: r.regions, Fields: created(doc), After: doc})
}

// replaceRecord stores the fields of cur (old with decided changes) that
// differ from old, plus extra, when old's version is still the stored one
// (ErrConflict otherwise), and runs the after-write effects. It answers
// old when nothing changed, else the record as stored.
func replaceRecord[T any](ctx context.Context, s *Store, actor model.Actor, r record, version int, old, cur *T, extra ...bson.E) (*T, error) {
	changes := diff(old, cur)
	if len(changes) == 0 {
		return old, nil
	}
	set := append(append(setOf(changes), extra...), bson.E{Key: "updated_at", Value: s.Now()})
	var stored T
	if err := s.updateVersioned(ctx, r.col, r.id, version, set, &stored); err != nil {
		return nil, fmt.Errorf("store: update %s: %w", r.entity, err)
	}
	return &stored, s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: r.entity, ID: r.id.Hex(),
		Regions: r.regions, Fields: changes, Before: old, After: &stored})
}

// recordDeleted runs the after-write effects of old's deletion, audited
// with the whole record so it can be read back from the trail.
func recordDeleted[T any](ctx context.Context, s *Store, actor model.Actor, r record, old *T) error {
	var zero T
	return s.changed(ctx, Change{Actor: actor, Action: model.ActionDelete, Entity: r.entity, ID: r.id.Hex(),
		Regions: r.regions, Fields: diff(old, &zero), Before: old})
}

// removeRecord deletes old and runs the after-write effects of the
// removal, audited with the whole record so it can be read back from the
// trail; then, when not nil, cleans up what referred to old once it is
// gone, whatever the effects answered.
func removeRecord[T any](ctx context.Context, s *Store, actor model.Actor, r record, old *T, then func() error) error {
	if err := s.deleteByID(ctx, r.col, r.entity, r.id); err != nil {
		return err
	}
	err := recordDeleted(ctx, s, actor, r, old)
	if then != nil {
		err = errors.Join(err, then())
	}
	return err
}
