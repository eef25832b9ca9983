package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
)

// Month views of the counter documents (embedded engine).
//
// A family's month document ("g3/2026-03") keys its counts by day, so it
// holds up to one key per day and region and whatever else the key carries:
// its size, and the time a dashboard spent reading it through json_each,
// grew with the data (at the reference scale 1 a year of meetings was about
// 3,000 keys, of trainings 2,800). SQLite triggers keep, next to each
// document and inside the engine's own write transaction (so they cannot
// drift from it), the same month's counts without the day: one row per view
// and view key, each view keyed only by what one dashboard reads, the other
// fields left blank so that a key keeps its layout (a month of meetings is
// at most one row per region). A dashboard reads the views of the months its
// period covers whole, and the day keys only of the (at most two) months it
// cuts. MongoDB, and the engine's own path, read the day keys; the
// differential tests compare the two.

// counterView is one view of a family's day keys. The key of a day key
// "DD|region|f1|f2|..." is region and the fields keep says, the others blank.
type counterView struct {
	name string
	// when picks the day keys the view counts (nil: all), by their fields
	// after day and region; sqlWhen is the same test in SQL on a, the day
	// key as a JSON array (a->>1 is the region, a->>2 the next field).
	when    func(rest []string) bool
	sqlWhen string
	// sqlKey is the view key in SQL, from a.
	sqlKey string
	// span is how many months one row read sums: spanMonth (one row per
	// month and key), spanQuarter or spanAll (one row per key) for the
	// dashboards that only need the quarter or the sum.
	span string
}

// The spans of a view read, as SQL of the view table's document id
// ("g3/2026-03"): the rows of equal span and key are summed.
const (
	spanMonth   = ""
	spanQuarter = `substr(id, instr(id, '/') + 1, 4) || ((CAST(substr(id, instr(id, '/') + 6, 2) AS INTEGER) + 2) / 3)`
	spanAll     = `'all'`
)

func kindIs(kind string) func([]string) bool {
	return func(rest []string) bool { return len(rest) >= 3 && rest[1] == kind }
}

func audienceIsSessions(sessions bool) func([]string) bool {
	return func(rest []string) bool { return len(rest) >= 2 && (rest[1] == trainingSessions) == sessions }
}

// counterViews are each family's views, by the name a dashboard asks for.
var counterViews = map[string]map[string]counterView{
	"m": {"r": {name: "r", sqlKey: `a->>1`}},                                  // region
	"p": {"r": {name: "r", sqlKey: `a->>1 || '|' || (a->>2)`}},                // region|committee
	"d": {"r": {name: "r", sqlKey: `a->>1 || '|' || (a->>2)`, span: spanAll}}, // region|owner
	"c": {
		"s": {name: "s", sqlKey: `a->>1 || '|' || (a->>2)`, span: spanAll}, // region|status
		"l": {name: "l", when: kindIs(model.KindLegislator), sqlWhen: `a->>3 = '` + model.KindLegislator + `'`,
			sqlKey: `a->>1 || '||` + model.KindLegislator + `|' || (a->>4)`, span: spanAll}, // region||legislator|id
		"k": {name: "k", when: kindIs(model.KindOversightCommittee), sqlWhen: `a->>3 = '` + model.KindOversightCommittee + `'`,
			sqlKey: `a->>1 || '||` + model.KindOversightCommittee + `|' || (a->>4)`}, // region||oversight_committee|id
	},
	"t": {
		"s": {name: "s", when: audienceIsSessions(true), sqlWhen: `a->>3 = '` + trainingSessions + `'`,
			sqlKey: `a->>1 || '|' || (a->>2) || '|` + trainingSessions + `'`, span: spanAll}, // region|modality|*
		"a": {name: "a", when: audienceIsSessions(false), sqlWhen: `a->>3 != '` + trainingSessions + `'`,
			sqlKey: `a->>1 || '||' || (a->>3)`, span: spanQuarter}, // region||audience
	},
}

// wholeMonth tells whether the period covers every day of month (YYYY-MM).
func (p Period) wholeMonth(month string) bool {
	first, err := time.Parse(time.DateOnly, month+"-01")
	if err != nil {
		return false
	}
	last := first.AddDate(0, 1, -1).Format(time.DateOnly)
	return p.From <= month+"-01" && last <= p.To
}

// views returns the named views of a family; a name it lacks panics, as a
// programming error.
func views(family string, names []string) []counterView {
	out := make([]counterView, len(names))
	for i, n := range names {
		v, ok := counterViews[family][n]
		if !ok {
			panic("store: no counter view " + family + "/" + n)
		}
		out[i] = v
	}
	return out
}

// anyView tells whether one of vs counts a day key's fields after day and region.
func anyView(vs []counterView, rest []string) bool {
	for _, v := range vs {
		if v.when == nil || v.when(rest) {
			return true
		}
	}
	return false
}

func init() {
	for family := range counterViews {
		col := counterCol(family)
		liteSchema[col] = append(liteSchema[col], func(ctx context.Context, db *sql.DB, table string) error {
			return ensureCounterViews(ctx, db, family, table)
		})
	}
}

// counterViewNames are the view table and trigger prefix of a family's table.
func counterViewNames(table string) (views, trigger string) {
	p := table + "_alz_" + liteVersion
	return p + "_cv", p + "_cvt"
}

// counterViewSelect is the SELECT of the view rows (id, v, k, n) of the
// document of row ref: from ref's counts when from is "", else from every
// row of table from.
func counterViewSelect(family, ref, from string) string {
	src := fmt.Sprintf(`json_each(%s._ferretdb_sjson, '$.c') AS j`, ref)
	if from != "" {
		src = fmt.Sprintf(`%q AS %s, %s`, from, ref, src)
	}
	// a: the day key as a JSON array ("05|15|x" -> ["05","15","x"]); keys
	// are region codes, enum values and ids, never quotes or backslashes.
	inner := fmt.Sprintf(`SELECT %s._ferretdb_sjson->>'$._id' AS id, '["' || replace(j.key, '|', '","') || '"]' AS a, j.value AS n FROM %s WHERE j.type = 'integer'`, ref, src)
	var parts []string
	for _, v := range counterViews[family] {
		where := "1"
		if v.sqlWhen != "" {
			where = v.sqlWhen
		}
		parts = append(parts, fmt.Sprintf(`SELECT id, '%s' AS v, %s AS k, n FROM (%s) WHERE %s`, v.name, v.sqlKey, inner, where))
	}
	return fmt.Sprintf(`SELECT id, v, k, sum(n) FROM (%s) WHERE k IS NOT NULL GROUP BY id, v, k HAVING sum(n) != 0`, strings.Join(parts, " UNION ALL "))
}

// ensureCounterViews gives a family's table, once (in one write transaction
// with the fill, like liteSpec.ensure), its view table and the triggers that
// rebuild a document's view rows whenever the engine writes the document.
// A write recomputes the month's views from its day keys (a few hundred at
// most), inside the engine's transaction: no extra commit.
func ensureCounterViews(ctx context.Context, db *sql.DB, family, table string) error {
	views, trig := counterViewNames(table)
	return addOnce(ctx, db, table, trig+"_i", func() []string {
		del := fmt.Sprintf(`DELETE FROM %q WHERE id = old._ferretdb_sjson->>'$._id';`, views)
		ins := fmt.Sprintf(`INSERT INTO %q %s;`, views, counterViewSelect(family, "new", ""))
		return []string{
			fmt.Sprintf(`CREATE TABLE %q (id TEXT NOT NULL, v TEXT NOT NULL, k TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (id, v, k)) WITHOUT ROWID`, views),
			fmt.Sprintf(`INSERT INTO %q %s`, views, counterViewSelect(family, "r", table)),
			fmt.Sprintf(`CREATE TRIGGER %q AFTER INSERT ON %q BEGIN %s END`, trig+"_i", table, ins),
			fmt.Sprintf(`CREATE TRIGGER %q AFTER DELETE ON %q BEGIN %s END`, trig+"_d", table, del),
			fmt.Sprintf(`CREATE TRIGGER %q AFTER UPDATE ON %q BEGIN %s %s END`, trig+"_u", table, del, ins),
		}
	})
}

// liteViewRows calls each(id, key, n) for the view rows of the documents
// ids in the views vs, in one query on the view table's primary key. The
// rows of a view whose span is wider than a month come summed per span and
// key, id then the span's first document.
func liteViewRows(ctx context.Context, db *sql.DB, table string, ids []any, vs []counterView, each func(id, key string, n int)) error {
	views, _ := counterViewNames(table)
	in := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	var parts []string
	var args []any
	for _, v := range vs {
		if v.span == spanMonth {
			parts = append(parts, fmt.Sprintf(`SELECT id, k, n FROM %q WHERE v = ? AND id IN (%s)`, views, in))
		} else {
			parts = append(parts, fmt.Sprintf(`SELECT min(id), k, sum(n) FROM %q WHERE v = ? AND id IN (%s) GROUP BY %s, k`, views, in, v.span))
		}
		args = append(append(args, v.name), ids...)
	}
	rows, err := db.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return fmt.Errorf("store: read report counter views: %w", err)
	}
	defer rows.Close()
	var id, key string
	var n int
	for rows.Next() {
		if err := rows.Scan(&id, &key, &n); err != nil {
			return fmt.Errorf("store: read report counter views: %w", err)
		}
		each(id, key, n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read report counter views: %w", err)
	}
	return nil
}
