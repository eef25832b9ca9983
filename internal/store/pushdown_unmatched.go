package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// liteAddressTable is the table of the addresses of table's rows:
// (rid, a, n, g, d, k), one row per address of a document (its first
// occurrence, from first, then to and cc in array order), n its name there;
// for a message the unmatched-senders list counts (unmatched and not
// failed) also g (its regions as JSON), d (its date) and k (the name's sort
// key, see unmatchedKey), NULL for the others.
func liteAddressTable(table string) string { return table + "_alz_" + liteVersion + "_a" }

// liteTallyTable is the per-address tally of the unmatched-senders list:
// (a, g, c, d, k) per address and set of regions, c the number of counted
// messages, d their latest date, k the least name key. Triggers on the
// address table keep it, so it changes in the same write transaction as
// the documents and cannot drift.
func liteTallyTable(table string) string { return table + "_alz_" + liteVersion + "_u" }

// liteTotalTable is the per-address sum of the tally over every set of
// regions: (a, c, d, k), d never NULL (zeroMillis for no date), with an
// index in the list's order, so that a page of the list of a user with
// every region reads only its own rows. Triggers on the tally keep it.
func liteTotalTable(table string) string { return table + "_alz_" + liteVersion + "_s" }

// zeroMillis is the date key of an address with no date: the zero
// time.Time, which is how Go reads it back.
const zeroMillis = -62135596800000

// rowSource is the row a trigger-kept table's SELECT reads: the trigger's
// new row, or (table set) every row of table, named r in from.
func rowSource(table string) (ref, from string) {
	if table == "" {
		return "new", ""
	}
	return "r", fmt.Sprintf("%q AS r", table)
}

// unmatchedCounted is the condition, on row ref of the messages table, of
// the messages the unmatched-senders list counts: those the filter
// {unmatched: true, status: {$ne: "failed"}} selects on the row table.
func unmatchedCounted(ref string) string {
	return fmt.Sprintf(`coalesce(%[1]s._ferretdb_sjson->>'$.unmatched' = 1 AND (%[1]s._ferretdb_sjson->>'$.status') IS NOT '%[2]s', 0)`, ref, model.MessageFailed)
}

// unmatchedKey is the least-is-best key that picks an address's name: named
// first, then the latest date, then the lowest _id (the engine's
// 26-character JSON string), then the name, which starts at character 45.
func unmatchedKey(n, date, id string) string {
	return fmt.Sprintf(`(%[1]s = '') || printf('%%017d', 9000000000000000 - coalesce(%[2]s, -9000000000000000)) || %[3]s || %[1]s`, n, date, id)
}

// addressSelect is the SELECT of (rid, a, n, g, d, k) rows of the
// addresses of the trigger's new row, or of every row of table when it is
// set (g, d, k only for the messages the unmatched list counts, when
// tally is set).
func (sp *liteSpec) addressSelect(table string) string {
	ref, from := rowSource(table)
	g, d, id := "NULL", "NULL", "NULL"
	if sp.tally {
		on := unmatchedCounted(ref)
		g = fmt.Sprintf(`CASE WHEN %s THEN coalesce(%s._ferretdb_sjson->'$.regions', 'null') END`, on, ref)
		d = fmt.Sprintf(`CASE WHEN %s THEN %s._ferretdb_sjson->>'$.date' END`, on, ref)
		id = fmt.Sprintf(`CASE WHEN %s THEN %s._ferretdb_sjson->'$._id' END`, on, ref)
	}
	doc := fmt.Sprintf("%s AS g, %s AS d, %s AS id", g, d, id)
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
			parts = append(parts, fmt.Sprintf(`SELECT %s.rowid AS rid, %d + key AS o, value->>'$.address' AS a, coalesce(value->>'$.name', '') AS n, %s FROM %s WHERE type = 'object'`,
				ref, base, doc, src))
			continue
		}
		q := fmt.Sprintf(`SELECT %[1]s.rowid AS rid, %[2]d AS o, %[1]s._ferretdb_sjson->>'$.%[3]s.address' AS a, coalesce(%[1]s._ferretdb_sjson->>'$.%[3]s.name', '') AS n, %[4]s`, ref, base, p, doc)
		if from != "" {
			q += " FROM " + from
		}
		parts = append(parts, q+fmt.Sprintf(` WHERE json_type(%s._ferretdb_sjson, '$.%s') = 'object'`, ref, p))
	}
	// With one min(), SQLite takes n from the row of the least o: the
	// first occurrence.
	return fmt.Sprintf(`SELECT rid, a, n, g, d, CASE WHEN id IS NOT NULL THEN %s END FROM (SELECT rid, min(o), a, n, g, d, id FROM (%s) WHERE a IS NOT NULL AND a != '' GROUP BY rid, a)`,
		unmatchedKey("n", "d", "id"), strings.Join(parts, " UNION ALL "))
}

// tallySchema is what keeps the unmatched tally of table: its creation and
// fill from the address table (already filled), and the address table's
// triggers. A counted address row adds one to its (a, g) tally, keeping
// the latest date and least key; a removed one takes one away, and when
// it held the date or the key, they are read again from the address
// table's partial indexes (two index look-ups).
func tallySchema(table string) []string {
	addrs, tally, total := liteAddressTable(table), liteTallyTable(table), liteTotalTable(table)
	return []string{
		fmt.Sprintf(`CREATE INDEX %q ON %q (a, g, d) WHERE k IS NOT NULL`, addrs+"_d", addrs),
		fmt.Sprintf(`CREATE INDEX %q ON %q (a, g, k) WHERE k IS NOT NULL`, addrs+"_k", addrs),
		fmt.Sprintf(`CREATE TABLE %q (a NOT NULL, g NOT NULL, c INTEGER NOT NULL, d, k NOT NULL, PRIMARY KEY (a, g)) WITHOUT ROWID`, tally),
		fmt.Sprintf(`INSERT INTO %q SELECT a, g, count(*), max(d), min(k) FROM %q WHERE k IS NOT NULL GROUP BY a, g`, tally, addrs),
		fmt.Sprintf(`CREATE TRIGGER %q AFTER INSERT ON %q WHEN new.k IS NOT NULL BEGIN
			INSERT INTO %[3]q (a, g, c, d, k) VALUES (new.a, new.g, 1, new.d, new.k)
			ON CONFLICT (a, g) DO UPDATE SET c = c + 1, k = min(k, excluded.k),
				d = CASE WHEN d IS NULL THEN excluded.d WHEN excluded.d IS NULL THEN d ELSE max(d, excluded.d) END;
			END`, tally+"_i", addrs, tally),
		fmt.Sprintf(`CREATE TRIGGER %q AFTER DELETE ON %q WHEN old.k IS NOT NULL BEGIN
			UPDATE %[3]q SET c = c - 1 WHERE a = old.a AND g = old.g;
			DELETE FROM %[3]q WHERE a = old.a AND g = old.g AND c <= 0;
			UPDATE %[3]q SET
				d = (SELECT max(d) FROM %[2]q WHERE a = old.a AND g = old.g AND k IS NOT NULL),
				k = (SELECT min(k) FROM %[2]q WHERE a = old.a AND g = old.g AND k IS NOT NULL)
			WHERE a = old.a AND g = old.g AND (d IS old.d OR k = old.k);
			END`, tally+"_d", addrs, tally),
		// The rows a scope's regions can select: unmatched mail seldom has
		// regions, so a regional user reads few rows, not the whole tally.
		fmt.Sprintf(`CREATE INDEX %q ON %q (a, g) WHERE %s`, tally+"_r", tally, tallyHasRegions),
		fmt.Sprintf(`CREATE TABLE %q (a PRIMARY KEY, c INTEGER NOT NULL, d INTEGER NOT NULL, k NOT NULL) WITHOUT ROWID`, total),
		fmt.Sprintf(`INSERT INTO %q %s GROUP BY a`, total, totalSelect(tally, "1")),
		fmt.Sprintf(`CREATE INDEX %q ON %q (c DESC, d DESC, a)`, total+"_o", total),
		fmt.Sprintf(`CREATE TRIGGER %q AFTER INSERT ON %q BEGIN %s END`, total+"_i", tally, totalSync(tally, total, "new")),
		fmt.Sprintf(`CREATE TRIGGER %q AFTER UPDATE ON %q BEGIN %s END`, total+"_u", tally, totalSync(tally, total, "new")),
		fmt.Sprintf(`CREATE TRIGGER %q AFTER DELETE ON %q BEGIN %s END`, total+"_d", tally, totalSync(tally, total, "old")),
	}
}

// tallyHasRegions is the condition of the tally rows whose set of regions
// has a member (g is the JSON of the messages' regions field).
const tallyHasRegions = `g NOT IN ('null', '[]')`

// totalSelect sums the tally rows where selects per address (the caller
// groups).
func totalSelect(tally, where string) string {
	return fmt.Sprintf(`SELECT a, sum(c), coalesce(max(d), %d), min(k) FROM %q WHERE %s`, zeroMillis, tally, where)
}

// totalSync makes the total row of the address of the tally's row ref
// again from its few tally rows (one per set of regions).
func totalSync(tally, total, ref string) string {
	return fmt.Sprintf(`DELETE FROM %[1]q WHERE a = %[2]s.a; INSERT INTO %[1]q %[3]s GROUP BY a;`,
		total, ref, totalSelect(tally, ref+".a = a"))
}

// tallyRegions reads the unmatched-senders filter UnmatchedAddresses
// builds, {unmatched: true, status: {$ne: "failed"}} and, for a scope,
// {regions: {$in: [...]}}: the regions (nil for every region) and true,
// or false for any other filter.
func tallyRegions(filter bson.D) (regions any, ok bool) {
	conds := []bson.D{filter}
	if len(filter) == 1 && filter[0].Key == "$and" {
		conds = nil
		a, isA := filter[0].Value.(bson.A)
		if !isA {
			return nil, false
		}
		for _, x := range a {
			d, isD := x.(bson.D)
			if !isD {
				return nil, false
			}
			conds = append(conds, d)
		}
	}
	seen := map[string]bool{}
	for _, d := range conds {
		for _, e := range d {
			if seen[e.Key] {
				return nil, false
			}
			seen[e.Key] = true
			switch e.Key {
			case "unmatched":
				if e.Value != true {
					return nil, false
				}
			case "status":
				ops, isD := e.Value.(bson.D)
				if !isD || len(ops) != 1 || ops[0].Key != "$ne" || ops[0].Value != model.MessageFailed {
					return nil, false
				}
			case "regions":
				ops, isD := e.Value.(bson.D)
				if !isD || len(ops) != 1 || ops[0].Key != "$in" {
					return nil, false
				}
				regions = ops[0].Value
			default:
				return nil, false
			}
		}
	}
	return regions, seen["unmatched"] && seen["status"]
}

// unmatchedOrder is the SQL order of the list over (a, c, d) columns,
// and unmatchedAfter the condition of the rows after a cursor (c <= ?
// first, so that SQLite seeks the total table's index).
const (
	unmatchedOrder = `c DESC, d DESC, a`
	unmatchedAfter = `c <= ? AND (c < ? OR d < ? OR (d = ? AND a > ?))`
)

// unmatchedSQL adds to q, which selects (a, c, d, n) rows, the cursor
// condition and the list's order.
func unmatchedSQL(q string, args []any, after *unmatchedCursor) (string, []any) {
	where := "1"
	if after != nil {
		where = unmatchedAfter
		args = append(args, after.C, after.C, after.D, after.D, after.A)
	}
	return fmt.Sprintf(`SELECT a, c, d, n FROM (%s) WHERE %s ORDER BY %s`, q, where, unmatchedOrder), args
}

// tallyUnmatched answers the unmatched-senders list from the tally: for
// every region from the total table, walking its index from the cursor;
// for some regions from the tally rows of those regions (one per address
// and set of regions, however many messages there are).
func (s *Store) tallyUnmatched(ctx context.Context, filter bson.D, after *unmatchedCursor, n int, keep func(string) bool) ([]UnmatchedAddress, error) {
	regions, ok := tallyRegions(filter)
	if !ok {
		return nil, errNoPushdown
	}
	lq, err := s.liteQuery(ctx, colMessages, filter, nil)
	if err != nil {
		return nil, err
	}
	if regions == nil {
		q := fmt.Sprintf(`SELECT a, c, d, substr(k, 45) AS n FROM %q`, liteTotalTable(lq.table))
		q, args := unmatchedSQL(q, nil, after)
		return s.scanUnmatched(ctx, lq.db, q, args, n, keep)
	}
	w := &sqlWhere{sp: liteSpecs[colMessages]}
	ph, err := w.values("regions", regions)
	if err != nil {
		return nil, err
	}
	if ph == "" {
		return nil, nil // $in [] selects nothing
	}
	// The regions member rows of a message are the scalars of this array
	// (see memberSelect).
	where := tallyHasRegions + " AND EXISTS (SELECT 1 FROM json_each(t.g) WHERE type NOT IN ('object', 'array') AND value IN (" + ph + "))"
	q := fmt.Sprintf(`SELECT a, sum(c) AS c, coalesce(max(d), %d) AS d, substr(min(k), 45) AS n FROM %q AS t WHERE %s GROUP BY a`,
		zeroMillis, liteTallyTable(lq.table), where)
	q, args := unmatchedSQL(q, w.args, after)
	return s.scanUnmatched(ctx, lq.db, q, args, n, keep)
}

// liteUnmatched aggregates through SQLite the addresses of the messages
// filter selects, as unmatchedAddresses does in Go: per address the number
// of messages, the latest date and the name of its first occurrence in the
// latest message that names it (ties: the lowest _id). It returns the
// first n (0: all) addresses keep keeps after the cursor, in the list's
// order. errNoPushdown when SQLite cannot answer the filter.
func (s *Store) liteUnmatched(ctx context.Context, filter bson.D, after *unmatchedCursor, n int, keep func(string) bool) ([]UnmatchedAddress, error) {
	if out, err := s.tallyUnmatched(ctx, filter, after, n, keep); !errors.Is(err, errNoPushdown) {
		return out, err
	}
	lq, err := s.liteQuery(ctx, colMessages, filter, nil)
	if err != nil {
		return nil, err
	}
	key := unmatchedKey("a.n", `r."date"`, `r."_id"`)
	q := fmt.Sprintf(`SELECT a.a AS a, count(*) AS c, coalesce(max(r."date"), %d) AS d, substr(min(%s), 45) AS n
		FROM %q AS r CROSS JOIN %q AS a ON a.rid = r.rowid WHERE %s GROUP BY a.a`, zeroMillis, key, lq.rows, liteAddressTable(lq.table), lq.where)
	q, args := unmatchedSQL(q, lq.args, after)
	return s.scanUnmatched(ctx, lq.db, q, args, n, keep)
}

// scanUnmatched runs q, which selects address, count, latest date and name
// in the list's order, and reads rows until it has n (0: all) that keep
// keeps: SQLite steps no further than that.
func (s *Store) scanUnmatched(ctx context.Context, db *sql.DB, q string, args []any, n int, keep func(string) bool) ([]UnmatchedAddress, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unmatched addresses in SQLite: %w", err)
	}
	defer rows.Close()
	var out []UnmatchedAddress
	for (n == 0 || len(out) < n) && rows.Next() {
		var u UnmatchedAddress
		var last int64
		if err := rows.Scan(&u.Address, &u.Count, &last, &u.Name); err != nil {
			return nil, fmt.Errorf("store: unmatched addresses in SQLite: %w", err)
		}
		u.LastAt = time.UnixMilli(last).UTC()
		if keep(u.Address) {
			out = append(out, u)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: unmatched addresses in SQLite: %w", err)
	}
	s.liteHits.Add(1)
	return out, nil
}
