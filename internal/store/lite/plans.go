package lite

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// planLog remembers each distinct query text with the arguments it first
// ran with.
type planLog struct {
	mu   sync.Mutex
	seen map[string]plan
}

type plan struct {
	c       *Collection
	sql     string
	args    []any
	limited bool
}

func (db *DB) record(c *Collection, s string, args []any, limited bool) {
	if db.plans == nil {
		return
	}
	db.plans.mu.Lock()
	defer db.plans.mu.Unlock()
	key := fmt.Sprint(limited) + s
	if _, ok := db.plans.seen[key]; !ok {
		db.plans.seen[key] = plan{c: c, sql: s, args: append([]any(nil), args...), limited: limited}
	}
}

// CheckPlans runs EXPLAIN QUERY PLAN on every query recorded since Open
// (with RecordPlans) and describes each one that reads a whole table of a
// collection not marked Scannable: a "SCAN" of its document, member or word
// table. A "SCAN ... USING [COVERING] INDEX" (an index walked in sort order)
// is accepted only when the query stops at a limit; without one it reads
// the whole index and is reported too. A plain SCAN is accepted only for a
// query with a limit, no condition and no sorting step (the first rows of
// the table). Nil means every query is index-backed.
func (db *DB) CheckPlans(ctx context.Context) ([]string, error) {
	if db.plans == nil {
		return nil, fmt.Errorf("lite: CheckPlans needs the RecordPlans option")
	}
	db.plans.mu.Lock()
	plans := make([]plan, 0, len(db.plans.seen))
	for _, p := range db.plans.seen {
		plans = append(plans, p)
	}
	db.plans.mu.Unlock()
	sort.Slice(plans, func(i, j int) bool { return plans[i].sql < plans[j].sql })
	var bad []string
	for _, p := range plans {
		if p.c.spec.Scannable {
			continue
		}
		lines, err := db.explain(ctx, p.sql, p.args)
		if err != nil {
			return nil, err
		}
		tables := map[string]bool{"d:" + p.c.spec.Name: true, "m:" + p.c.spec.Name: true, "w:" + p.c.spec.Name: true, driverAlias: true}
		for _, x := range p.c.xs {
			tables["x:"+p.c.spec.Name+":"+x.name] = true
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, "SCAN ") {
				continue
			}
			name, rest, _ := strings.Cut(strings.TrimPrefix(l, "SCAN "), " ")
			if !tables[name] {
				continue
			}
			if p.limited && strings.Contains(rest, "USING ") && strings.Contains(rest, "INDEX") {
				continue
			}
			if p.limited && rest == "" && !strings.Contains(p.sql, " WHERE ") && !strings.Contains(strings.Join(lines, "|"), "TEMP B-TREE") {
				continue
			}
			bad = append(bad, fmt.Sprintf("%s: %s\n  plan: %s", p.c.spec.Name, p.sql, strings.Join(lines, " | ")))
			break
		}
	}
	return bad, nil
}

// Explain returns the EXPLAIN QUERY PLAN lines of a query.
func (db *DB) explain(ctx context.Context, s string, args []any) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+s, args...)
	if err != nil {
		return nil, fmt.Errorf("lite: explain %s: %w", s, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		out = append(out, detail)
	}
	return out, rows.Err()
}
