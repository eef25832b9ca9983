package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

type indexSpec struct {
	collection string
	name       string
	keys       bson.D
	unique     bool
}

// indexes is the ordered list created at start-up; each file adds its own via registerIndexes.
var indexes []indexSpec

func registerIndexes(specs ...indexSpec) { indexes = append(indexes, specs...) }

func init() {
	registerIndexes(
		indexSpec{colUsers, "email_unique", bson.D{{Key: "email", Value: 1}}, true},
		indexSpec{colRefreshTokens, "family", bson.D{{Key: "family", Value: 1}}, false},
		indexSpec{colAudit, "entity", bson.D{{Key: "entity", Value: 1}, {Key: "entity_id", Value: 1}}, false},
		indexSpec{colAudit, "at", bson.D{{Key: "at", Value: -1}}, false},
	)
}

// EnsureIndexes creates every index; existing ones are left as they are.
// The embedded store made its tables and indexes at Open (liteSpecs).
func (s *Store) EnsureIndexes(ctx context.Context) error {
	if s.embedded != nil {
		return nil
	}
	for _, ix := range indexes {
		if s.lite != nil && !ix.unique {
			// The embedded engine never uses the indexes it creates (its
			// queries do not match their expressions) but keeps each of them
			// on every write: it gets the indexes of pushdown.go instead.
			if err := s.dropIndex(ctx, ix); err != nil {
				return err
			}
			continue
		}
		m := mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetName(ix.name)}
		if ix.unique {
			m.Options.SetUnique(true)
		}
		if _, err := s.mongo.db.Collection(ix.collection).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("store: create index %s.%s: %w", ix.collection, ix.name, err)
		}
	}
	if s.lite != nil {
		// Make the tables of the listed collections now, so that their
		// indexes and triggers are there before the first document.
		names, err := s.collectionNames(ctx)
		if err != nil {
			return fmt.Errorf("store: list collections: %w", err)
		}
		for col := range liteSpecs {
			if slices.Contains(names, col) {
				continue
			}
			if err := s.mongo.db.CreateCollection(ctx, col); err != nil && !isNamespaceExists(err) {
				return fmt.Errorf("store: create collection %s: %w", col, err)
			}
		}
		// Add the engine-side indexes (again, if the engine re-created a table).
		if _, _, err := s.liteDB(ctx); err != nil {
			return err
		}
	}
	return nil
}

// dropIndex drops ix if an earlier version created it on the embedded engine.
func (s *Store) dropIndex(ctx context.Context, ix indexSpec) error {
	specs, err := s.mongo.db.Collection(ix.collection).Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("store: list indexes of %s: %w", ix.collection, err)
	}
	for _, sp := range specs {
		if sp.Name == ix.name {
			if err := s.mongo.db.Collection(ix.collection).Indexes().DropOne(ctx, ix.name); err != nil {
				return fmt.Errorf("store: drop index %s.%s: %w", ix.collection, ix.name, err)
			}
		}
	}
	return nil
}

// isNamespaceExists: another instance created the collection first.
func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 48
}

// IndexSpec is one index EnsureIndexes creates on MongoDB.
type IndexSpec struct {
	Collection, Name string
	Keys             bson.D
	Unique           bool
}

// IndexSpecs lists the indexes EnsureIndexes creates on MongoDB (tests
// check every query against them).
func IndexSpecs() []IndexSpec {
	out := make([]IndexSpec, len(indexes))
	for i, ix := range indexes {
		out[i] = IndexSpec{ix.collection, ix.name, ix.keys, ix.unique}
	}
	return out
}
