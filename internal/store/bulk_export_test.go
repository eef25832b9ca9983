package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// LiteAdded returns, per collection, the store's additions to its table
// (row, member, address, word, tally, queue and counter view tables, and
// the names of its triggers) as text, for comparing two builds.
func (s *Store) LiteAdded(ctx context.Context) (map[string]string, error) {
	db, tables, err := s.liteDB(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for col, table := range tables {
		var b strings.Builder
		rows, err := db.QueryContext(ctx, `SELECT type, name FROM sqlite_master WHERE name GLOB ? AND type IN ('table', 'trigger') ORDER BY name`, table+"_alz_*")
		if err != nil {
			return nil, err
		}
		var names []string
		for rows.Next() {
			var typ, name string
			if err := rows.Scan(&typ, &name); err != nil {
				rows.Close()
				return nil, err
			}
			fmt.Fprintf(&b, "%s %s\n", typ, name)
			if typ == "table" {
				names = append(names, name)
			}
		}
		rows.Close()
		for _, name := range names {
			if err := dumpTable(ctx, db, name, &b); err != nil {
				return nil, err
			}
		}
		if len(names) > 0 {
			out[col] = b.String()
		}
	}
	return out, nil
}

// dumpTable writes every row of table, sorted on all columns.
func dumpTable(ctx context.Context, db *sql.DB, table string, b *strings.Builder) error {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT * FROM %q`, table))
	if err != nil {
		return err
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		return err
	}
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = fmt.Sprint(i + 1)
	}
	rows, err = db.QueryContext(ctx, fmt.Sprintf(`SELECT * FROM %q ORDER BY %s`, table, strings.Join(order, ", ")))
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	fmt.Fprintf(b, "%s:\n", table)
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		fmt.Fprintln(b, vals...)
	}
	return rows.Err()
}

// RebuildLite drops what the store added to every collection's table and
// adds it again, each table filled at once as after a bulk load.
func (s *Store) RebuildLite(ctx context.Context) error {
	db, tables, err := s.liteDB(ctx)
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	for _, table := range tables {
		if err := dropAdded(ctx, conn, table); err != nil {
			conn.Close()
			return err
		}
	}
	conn.Close()
	s.lite.mu.Lock()
	s.lite.ensured = false
	s.lite.mu.Unlock()
	_, _, err = s.liteDB(ctx)
	return err
}
