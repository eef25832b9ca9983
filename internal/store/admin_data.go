package store

import (
	"context"
	"slices"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Database is the raw MongoDB database, for the admin tools that need what
// only MongoDB has (dbStats, a copy's target); nil on the embedded store.
// The admin tools bypass region scopes: only admins with every region may
// reach them.
func (s *Store) Database() *mongo.Database {
	if s.mongo == nil {
		return nil
	}
	return s.mongo.db
}

// CollectionNames lists the database's collections, sorted.
func (s *Store) CollectionNames(ctx context.Context) ([]string, error) {
	names, err := s.collectionNames(ctx)
	if err != nil {
		return nil, wrap("list collections", err)
	}
	slices.Sort(names)
	return names, nil
}

// Each calls fn with every document of collection name, for the admin
// tools that read whole collections (export, db copy): in _id order on
// MongoDB, in insertion order on the embedded store. doc is only valid
// during the call.
func (s *Store) Each(ctx context.Context, name string, fn func(doc bson.Raw) error) error {
	if s.embedded != nil {
		return s.embedded.Each(ctx, name, fn)
	}
	cur, err := s.mongo.db.Collection(name).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetHint(byIDIndex))
	if err != nil {
		return wrap("read "+name, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		if err := fn(cur.Current); err != nil {
			return err
		}
	}
	return wrap("read "+name, cur.Err())
}

// AuditExport records that actor exported what (the whole organisation, or
// one stakeholder's personal data). The caller refuses the export when
// the entry cannot be written (the error wraps ErrAuditFailed): data that
// leaves must leave a trace.
func (s *Store) AuditExport(ctx context.Context, actor model.Actor, entity, id string) error {
	return s.apply(ctx, func(context.Context) ([]Change, error) {
		return []Change{{Actor: actor, Action: "export", Entity: entity, ID: id}}, nil
	})
}
