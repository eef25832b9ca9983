package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// liteAddressTable is the table of the addresses of table's rows:
// (rid, a, n), one row per address of a document (its first occurrence,
// from first, then to and cc in array order), n its name there.
func liteAddressTable(table string) string { return table + "_alz_" + liteVersion + "_a" }

// rowSource is the row a trigger-kept table's SELECT reads: the trigger's
// new row, or (table set) every row of table, named r in from.
func rowSource(table string) (ref, from string) {
	if table == "" {
		return "new", ""
	}
	return "r", fmt.Sprintf("%q AS r", table)
}

// addressSelect is the SELECT of (rid, a, n) rows of the addresses of the
// trigger's new row, or of every row of table when it is set.
func (sp *liteSpec) addressSelect(table string) string {
	ref, from := rowSource(table)
	var parts []string
	for i, p := range sp.addresses {
		base := i * 1_000_000 // o orders the occurrences of an address
		if arr, ok := strings.CutSuffix(p, "[]"); ok {
			src := fmt.Sprintf("json_each(%s._ferretdb_sjson, '$.%s')", ref, arr)
			if from != "" {
				src = from + ", " + src
			}
			// Only documents: anything else must never make the engine's
			// write fail.
			parts = append(parts, fmt.Sprintf(`SELECT %s.rowid AS rid, %d + key AS o, value->>'$.address' AS a, coalesce(value->>'$.name', '') AS n FROM %s WHERE type = 'object'`,
				ref, base, src))
			continue
		}
		q := fmt.Sprintf(`SELECT %[1]s.rowid AS rid, %[2]d AS o, %[1]s._ferretdb_sjson->>'$.%[3]s.address' AS a, coalesce(%[1]s._ferretdb_sjson->>'$.%[3]s.name', '') AS n`, ref, base, p)
		if from != "" {
			q += " FROM " + from
		}
		parts = append(parts, q+fmt.Sprintf(` WHERE json_type(%s._ferretdb_sjson, '$.%s') = 'object'`, ref, p))
	}
	// With one min(), SQLite takes n from the row of the least o: the
	// first occurrence.
	return fmt.Sprintf(`SELECT rid, a, n FROM (SELECT rid, min(o), a, n FROM (%s) WHERE a IS NOT NULL AND a != '' GROUP BY rid, a)`,
		strings.Join(parts, " UNION ALL "))
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
	// The name is the tail of the least key "unnamed flag, date from the
	// latest down, _id": the flag is one character, the date 17 digits,
	// the _id of a message the engine's 26-character JSON string.
	q := fmt.Sprintf(`SELECT a.a, count(*), max(r."date"),
		substr(min((a.n = '') || printf('%%017d', 9000000000000000 - coalesce(r."date", -9000000000000000)) || r."_id" || a.n), 45)
		FROM %q AS r CROSS JOIN %q AS a ON a.rid = r.rowid WHERE %s GROUP BY a.a`, lq.rows, liteAddressTable(lq.table), lq.where)
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
