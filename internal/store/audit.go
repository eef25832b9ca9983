package store

import (
	"context"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// audit appends an entry. The change it describes is already written (in
// the same transaction for the multi-record writes, which a failure here
// then rolls back), so a failure is logged loudly, returned, and noted in
// the request's audit check (WithAuditCheck): the API then answers an
// error instead of acknowledging a change nobody could trace.
func (s *Store) audit(ctx context.Context, actor model.Actor, action, entity, id string, regions []string, changes []model.Change) error {
	e := model.AuditEntry{
		ID: bson.NewObjectID(), At: s.Now(), ActorID: actor.ID, ActorEmail: actor.Email,
		Action: action, Entity: entity, EntityID: id, Regions: regions, Changes: changes,
	}
	err := s.writeFault(colAudit)
	if err == nil {
		_, err = s.col(colAudit).Insert(context.WithoutCancel(ctx), []any{e}, coll.InsertOptions{})
	}
	if err != nil {
		err = fmt.Errorf("store: %s %s %s: %w: %w", action, entity, id, ErrAuditFailed, err)
		s.logger().ErrorContext(ctx, "audit write failed", "action", action, "entity", entity, "entity_id", id, "err", err)
		noteAuditFailure(ctx, err)
	}
	return err
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Entity   string
	EntityID string
	ActorID  bson.ObjectID
	From, To time.Time
	// Scope limits entries to the caller's regions: an admin of some
	// regions must not read other regions' records through their history.
	// Entries without regions (users, mailboxes) need every region.
	Scope model.Scope
}

// ListAudit returns entries newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter, p Page) ([]model.AuditEntry, string, error) {
	filter := bson.D{}
	if f.Entity != "" {
		filter = append(filter, bson.E{Key: "entity", Value: f.Entity})
	}
	if f.EntityID != "" {
		filter = append(filter, bson.E{Key: "entity_id", Value: f.EntityID})
	}
	if !f.ActorID.IsZero() {
		filter = append(filter, bson.E{Key: "actor_id", Value: f.ActorID})
	}
	filter = timeRange(filter, "at", f.From, f.To)
	filter = scoped(filter, f.Scope, "regions")
	filter, opts, err := s.keyset(p, "audit._id", filter, "_id", true)
	if err != nil {
		return nil, "", err
	}
	var out []model.AuditEntry
	if err := s.col(colAudit).Find(ctx, filter, opts, &out); err != nil {
		return nil, "", wrap("list audit", err)
	}
	items, next := nextCursor(s, "audit._id", out, p, func(e model.AuditEntry) (any, bson.ObjectID) { return nil, e.ID })
	return items, next, nil
}

// timeRange adds from <= field < to for the bounds that are set.
func timeRange(filter bson.D, field string, from, to time.Time) bson.D {
	cond := bson.D{}
	if !from.IsZero() {
		cond = append(cond, bson.E{Key: "$gte", Value: from})
	}
	if !to.IsZero() {
		cond = append(cond, bson.E{Key: "$lt", Value: to})
	}
	if len(cond) == 0 {
		return filter
	}
	return append(filter, bson.E{Key: field, Value: cond})
}
