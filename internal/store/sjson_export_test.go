package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// FerretDecode reads the document with _id id of collection col straight
// from FerretDB's SQLite file in dir (the tests' FerretDB engine) and
// decodes it with decodeSJSON.
func (s *Store) FerretDecode(ctx context.Context, dir, col string, id any) (bson.Raw, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, s.mongo.db.Name()+".sqlite")+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var table string
	if err := db.QueryRowContext(ctx, "SELECT table_name FROM _ferretdb_collections WHERE name = ?", col).Scan(&table); err != nil {
		return nil, fmt.Errorf("table of %s: %w", col, err)
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT _ferretdb_sjson FROM %q", table))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var text []byte
		if err := rows.Scan(&text); err != nil {
			return nil, err
		}
		doc, err := decodeSJSON(text, nil)
		if err != nil {
			return nil, err
		}
		if got := doc.Lookup("_id"); got.Equal(mustValue(id)) {
			return doc, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%s %v: %w", col, id, ErrNotFound)
}

func mustValue(v any) bson.RawValue {
	t, data, err := bson.MarshalValue(v)
	if err != nil {
		panic(err)
	}
	return bson.RawValue{Type: t, Value: data}
}

// Coll is collection col of the store.
func (s *Store) Coll(col string) coll.Collection { return s.col(col) }
