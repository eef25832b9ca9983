package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// liteAddressTable is the table of the address documents of table's rows:
// (rid, o, a, n), o the position of the address in the document (from
// first, then to and cc in array order), a its address, n its name.
func liteAddressTable(table string) string { return table + "_alz_" + liteVersion + "_a" }

// rowSource is the row a trigger-kept table's SELECT reads: the trigger's
// new row, or (table set) every row of table, named r in from.
func rowSource(table string) (ref, from string) {
	if table == "" {
		return "new", ""
	}
	return "r", fmt.Sprintf("%q AS r", table)
}

// addressSelect is the SELECT of (rid, o, a, n) rows of the addresses of
// the trigger's new row, or of every row of table when it is set.
func (sp *liteSpec) addressSelect(table string) string {
	ref, from := rowSource(table)
	var parts []string
	for i, p := range sp.addresses {
		base := i * 1_000_000
		if arr, ok := strings.CutSuffix(p, "[]"); ok {
			src := fmt.Sprintf("json_each(%s._ferretdb_sjson, '$.%s')", ref, arr)
			if from != "" {
				src = from + ", " + src
			}
			// Only documents: anything else must never make the engine's
			// write fail.
			parts = append(parts, fmt.Sprintf(`SELECT %s.rowid, %d + key, value->>'$.address', coalesce(value->>'$.name', '') FROM %s WHERE type = 'object'`,
				ref, base, src))
			continue
		}
		q := fmt.Sprintf(`SELECT %[1]s.rowid, %[2]d, %[1]s._ferretdb_sjson->>'$.%[3]s.address', coalesce(%[1]s._ferretdb_sjson->>'$.%[3]s.name', '')`, ref, base, p)
		if from != "" {
			q += " FROM " + from
		}
		parts = append(parts, q+fmt.Sprintf(` WHERE json_type(%s._ferretdb_sjson, '$.%s') = 'object'`, ref, p))
	}
	return strings.Join(parts, " UNION ALL ")
}

// liteUnmatched aggregates through SQLite the addresses of the messages
// filter selects, as unmatchedAddresses does in Go: per address the number
// of messages, the latest date and the name of its first occurrence in the
// latest message that names it (ties: the lowest _id). Internal addresses
// and the order are left to the caller. errNoPushdown when SQLite cannot
// answer the filter.
func (s *Store) liteUnmatched(ctx context.Context, filter bson.D) ([]UnmatchedAddress, error) {
	lq, err := s.liteQuery(ctx, colMessages, filter, nil)
	if err != nil {
		return nil, err
	}
	q := fmt.Sprintf(`WITH m AS (SELECT r.rowid AS rid, r."date" AS d, r."_id" AS id FROM %q AS r WHERE %s),
		o AS (SELECT a.a AS addr, a.n AS name, m.d AS d, m.id AS id,
			row_number() OVER (PARTITION BY a.rid, a.a ORDER BY a.o) AS k
			FROM m CROSS JOIN %q AS a ON a.rid = m.rid WHERE a.a IS NOT NULL AND a.a != ''),
		f AS (SELECT addr, name, d,
			row_number() OVER (PARTITION BY addr ORDER BY name != '' DESC, d DESC, id ASC) AS p,
			count(*) OVER (PARTITION BY addr) AS c,
			max(d) OVER (PARTITION BY addr) AS last
			FROM o WHERE k = 1)
		SELECT addr, c, last, name FROM f WHERE p = 1`, lq.rows, lq.where, liteAddressTable(lq.table))
	rows, err := lq.db.QueryContext(ctx, q, lq.args...)
	if err != nil {
		return nil, fmt.Errorf("store: unmatched addresses in SQLite: %w", err)
	}
	defer rows.Close()
	var out []UnmatchedAddress
	for rows.Next() {
		var u UnmatchedAddress
		var last sql.NullInt64
		if err := rows.Scan(&u.Address, &u.Count, &last, &u.Name); err != nil {
			return nil, fmt.Errorf("store: unmatched addresses in SQLite: %w", err)
		}
		if last.Valid {
			u.LastAt = time.UnixMilli(last.Int64).UTC()
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unmatched addresses in SQLite: %w", err)
	}
	s.liteHits.Add(1)
	return out, nil
}
