package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// liteColumns calls each with the values of the scalar paths cols (as the
// row table keeps them: ids as hex, dates as text) of every document of col
// that filter selects, read from the row table alone: no document is read
// or decoded. errNoPushdown when the spec of col does not answer the filter
// or does not keep one of cols (the caller then finds the documents).
func (s *Store) liteColumns(ctx context.Context, col string, filter bson.D, cols []string, each func(vals []string)) error {
	sp, ok := liteSpecs[col]
	if !ok {
		return errNoPushdown
	}
	sel := make([]string, len(cols))
	for i, c := range cols {
		if c == "_id" || !sp.isScalar(c) {
			return errNoPushdown
		}
		sel[i] = sqlPath(c)
	}
	q, err := s.liteQuery(ctx, col, filter, nil)
	if err != nil {
		return err
	}
	rows, err := q.db.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %q AS r WHERE %s`, strings.Join(sel, ", "), q.rows, q.where), q.args...)
	if err != nil {
		return fmt.Errorf("store: read %s columns in SQLite: %w", col, err)
	}
	defer rows.Close()
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	out := make([]string, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("store: read %s columns in SQLite: %w", col, err)
		}
		for i, v := range vals {
			out[i] = v.String
		}
		each(out)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read %s columns in SQLite: %w", col, err)
	}
	s.liteHits.Add(1)
	return nil
}
