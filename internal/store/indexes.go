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
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for _, ix := range indexes {
		m := mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetName(ix.name)}
		if ix.unique {
			m.Options.SetUnique(true)
		}
		if _, err := s.c(ix.collection).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("store: create index %s.%s: %w", ix.collection, ix.name, err)
		}
	}
	if s.lite != nil {
		// Every indexed collection's table exists now; add the engine-side
		// indexes (again, if the engine re-created a table).
		if _, _, err := s.liteDB(ctx); err != nil {
			return err
		}
	}
	return nil
}
