package store

import (
	"context"
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

// retiredIndexes were created by earlier releases and no query needs them
// any more (a longer index took their place): EnsureIndexes drops them so
// that writes stop keeping them. MongoDB cannot change an index's keys
// under its name, so a longer index gets a new name and the old one is
// listed here. The embedded store drops what its specs no longer list at
// Open.
var retiredIndexes = []struct{ collection, name string }{
	{colCommitments, "status_made_on"},
	{colMessages, "thread"},
	{colTasks, "links_stakeholder"},
	{colTasks, "links_commitment"},
	{colInitiatives, "history_on"}, // the moves of a period come from the counters
	{colStakeholders, "kind"},      // kind_name's prefix
}

// EnsureIndexes creates every index and drops the retired ones; existing
// ones are left as they are. The embedded store made its tables and indexes
// at Open (liteSpecs).
func (s *Store) EnsureIndexes(ctx context.Context) error {
	if s.embedded != nil {
		return nil
	}
	if err := s.dropRetiredIndexes(ctx); err != nil {
		return err
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

// dropRetiredIndexes drops the retiredIndexes a collection has. It lists
// them first rather than reading dropIndexes' error, whose code for a
// missing index differs between servers.
func (s *Store) dropRetiredIndexes(ctx context.Context) error {
	for _, r := range retiredIndexes {
		names, err := s.indexNames(ctx, r.collection)
		if err != nil {
			return err
		}
		if !slices.Contains(names, r.name) {
			continue
		}
		if err := s.mongo.db.Collection(r.collection).Indexes().DropOne(ctx, r.name); err != nil {
			return fmt.Errorf("store: drop retired index %s.%s: %w", r.collection, r.name, err)
		}
	}
	return nil
}

// indexNames lists the names of a collection's indexes on MongoDB (none for
// a collection not created yet).
func (s *Store) indexNames(ctx context.Context, col string) ([]string, error) {
	cur, err := s.mongo.db.Collection(col).Indexes().List(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: list indexes of %s: %w", col, err)
	}
	var list []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &list); err != nil {
		return nil, fmt.Errorf("store: list indexes of %s: %w", col, err)
	}
	names := make([]string, len(list))
	for i, ix := range list {
		names[i] = ix.Name
	}
	return names, nil
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
