package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Database is the raw database, for the admin tools that work on whole
// collections (export, copy to MongoDB, storage figures). They bypass
// region scopes: only admins with every region may reach them.
func (s *Store) Database() *mongo.Database { return s.mongo.db }

// AuditExport records that actor exported what (the whole organisation, or
// one stakeholder's personal data). The caller refuses the export when
// the entry cannot be written (the error wraps ErrAuditFailed): data that
// leaves must leave a trace.
func (s *Store) AuditExport(ctx context.Context, actor model.Actor, entity, id string) error {
	return s.changed(ctx, Change{Actor: actor, Action: "export", Entity: entity, ID: id})
}
