package lite

import (
	"context"
	"fmt"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Backup writes a consistent copy of the database to dst (a new file) with
// VACUUM INTO.
func (db *DB) Backup(ctx context.Context, dst string) error {
	if _, err := db.w.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("lite: backup to %s: %w", dst, err)
	}
	return nil
}

// Each calls fn with every document of collection name in insertion order,
// for export and copy: a whole-collection read, apart from Find so that the
// plan check never sees it. The bytes are only valid during the call.
func (db *DB) Each(ctx context.Context, name string, fn func(bson.Raw) error) error {
	c := db.colls[name]
	if c == nil {
		return undeclared(name).err()
	}
	rows, err := db.reader(ctx).QueryContext(ctx, "SELECT doc FROM "+c.t+" ORDER BY rowid")
	if err != nil {
		return fmt.Errorf("lite: read %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CollStats is a collection's size for a storage view.
type CollStats struct {
	Name  string
	Docs  int64
	Bytes int64 // the documents' BSON bytes (tables and indexes not counted)
}

// Stats answers every declared collection's document count and size.
func (db *DB) Stats(ctx context.Context) ([]CollStats, error) {
	var out []CollStats
	for name, c := range db.colls {
		s := CollStats{Name: name}
		if err := db.r.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(length(doc)), 0) FROM "+c.t).Scan(&s.Docs, &s.Bytes); err != nil {
			return nil, fmt.Errorf("lite: stats of %s: %w", name, err)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
