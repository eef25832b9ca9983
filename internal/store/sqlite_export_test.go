package store

import (
	"context"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// LitePlan is SQLite's plan for the engine's own query on collection col
// with where (a condition on _ferretdb_sjson), read through the store's
// embedded connection, which first brings the engine-side schema up to date.
func (s *Store) LitePlan(ctx context.Context, col, where string) (string, error) {
	db, tables, err := s.liteDB(ctx)
	if err != nil {
		return "", err
	}
	table, ok := tables[col]
	if !ok {
		return "", fmt.Errorf("no table for %s", col)
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf("EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE %s", table, where))
	if err != nil {
		return "", err
	}
	defer rows.Close()
	plan := ""
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		plan += detail + "\n"
	}
	return plan, rows.Err()
}

// DropCollection drops col through the MongoDB driver, as a restore would.
func (s *Store) DropCollection(ctx context.Context, col string) error {
	return s.mongo.db.Collection(col).Drop(ctx)
}

// SetPushdown turns the SQLite path of finds on or off.
func (s *Store) SetPushdown(on bool) { s.noPushdown = !on }

// PushdownHits is how many finds SQLite answered.
func (s *Store) PushdownHits() int64 { return s.liteHits.Load() }

// LiteDecode reads the stored document with _id id of col straight from
// SQLite and decodes it as the SQLite path does.
func (s *Store) LiteDecode(ctx context.Context, col string, id any) (bson.Raw, error) {
	db, tables, err := s.liteDB(ctx)
	if err != nil {
		return nil, err
	}
	idJSON, err := (&sqlWhere{sp: &liteSpec{}}).value("_id", id)
	if err != nil {
		return nil, err
	}
	var raw []byte
	q := fmt.Sprintf(`SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, tables[col])
	if err := db.QueryRowContext(ctx, q, idJSON).Scan(&raw); err != nil {
		return nil, err
	}
	return decodeSJSON(raw, nil)
}

// Coll is the store's collection col.
func (s *Store) Coll(col string) coll.Collection { return s.col(col) }

// QueueCountsLite answers MessageCounts from the queue table only.
func (s *Store) QueueCountsLite(ctx context.Context, scope model.Scope, f MessageFilter) (MessageQueueCounts, error) {
	return s.liteQueueCounts(ctx, scope, f)
}

// UnmatchedTally answers the whole unmatched-senders list of scope, in its
// order, from the tally tables only.
func (s *Store) UnmatchedTally(ctx context.Context, scope model.Scope) ([]UnmatchedAddress, error) {
	filter, _ := s.messageFilter(scope, MessageFilter{Unmatched: true})
	return s.tallyUnmatched(ctx, filter, nil, 0, func(string) bool { return true })
}
