package store

import (
	"context"
	"fmt"

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
		m := mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetName(ix.name)}
		if ix.unique {
			m.Options.SetUnique(true)
		}
		if _, err := s.mongo.db.Collection(ix.collection).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("store: create index %s.%s: %w", ix.collection, ix.name, err)
		}
	}
	return nil
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
