package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// planWords chooses how a page sorted and limited to limit rows finds the
// rows with every search term of filter: either walk the sort's order and
// check each row's words (one seek per term on the (rid, w) index), which
// reads about limit / density rows however many documents match, or read
// the rarest term's rows from the word index and sort them, which reads
// that term's rows. The density of the match is estimated from the terms'
// counts as if they were independent. Counting stops at liteSelective, so
// deciding costs at most that many index entries per term. A sort that no
// index of the row table walks (commitments by _id alone) has no walk: it
// would read and sort every row, more than the rarest term's rows. rows is
// the term whose rows are read ("" for a walk).
func (w *sqlWhere) planWords(ctx context.Context, db *sql.DB, rowsTable string, filter, sort bson.D, limit int64) (rows string, err error) {
	terms := searchTerms(filter, nil)
	if len(terms) == 0 {
		return "", nil
	}
	var n int64
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT coalesce(max(rowid), 0) FROM %q`, rowsTable)).Scan(&n); err != nil {
		return "", err
	}
	counts := make(map[string]int64, len(terms))
	for _, t := range terms {
		if _, done := counts[t]; done {
			continue
		}
		var c int64
		q := fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %q WHERE w >= ? AND w < ? LIMIT %d)`, w.words, liteSelective)
		if err := db.QueryRowContext(ctx, q, t, t+"\xff").Scan(&c); err != nil {
			return "", err
		}
		counts[t] = c
	}
	slices.SortFunc(terms, func(a, b string) int { return cmp.Compare(counts[a], counts[b]) })
	w.wordIn = map[string]bool{}
	rarest := counts[terms[0]]
	if rarest >= liteSelective || n == 0 {
		return "", nil // every term is common: walk
	}
	matches := float64(rarest)
	for _, t := range terms[1:] {
		matches *= float64(counts[t]) / float64(max(n, counts[t]))
	}
	walk := float64(n) // no index walks the sort: every row is read
	if w.sp.walks(sort, equalities(filter, nil)) {
		walk = float64(limit) * float64(n) / max(matches, 1)
	}
	if walk < float64(rarest) {
		return "", nil
	}
	w.wordIn[terms[0]] = true
	return terms[0], nil
}

// noNarrowing says whether every condition of filter (reached through
// $and) only excludes values ($ne, $nin, $exists), so that no index, member
// or word rows could select fewer documents than it keeps.
func noNarrowing(filter bson.D) bool {
	for _, e := range filter {
		if e.Key == "$and" {
			items, _ := e.Value.(bson.A)
			for _, x := range items {
				if d, ok := x.(bson.D); !ok || !noNarrowing(d) {
					return false
				}
			}
			continue
		}
		ops, ok := e.Value.(bson.D)
		if !ok || strings.HasPrefix(e.Key, "$") || len(ops) == 0 {
			return false
		}
		for _, op := range ops {
			if op.Key != "$ne" && op.Key != "$nin" && op.Key != "$exists" {
				return false
			}
		}
	}
	return true
}

// equalities appends the paths that conjuncts of filter (reached through
// $and only) fix to one value.
func equalities(filter bson.D, out []string) []string {
	for _, e := range filter {
		switch v := e.Value.(type) {
		case bson.A:
			if e.Key == "$and" {
				for _, x := range v {
					if d, ok := x.(bson.D); ok {
						out = equalities(d, out)
					}
				}
			}
		case bson.D, bson.M, bson.Regex, nil:
		default:
			if !strings.HasPrefix(e.Key, "$") {
				out = append(out, e.Key)
			}
		}
	}
	return out
}

// searchTerms appends the terms of the word-prefix conditions that are
// conjuncts of filter (reached through $and only).
func searchTerms(filter bson.D, out []string) []string {
	for _, e := range filter {
		switch {
		case e.Key == "$and":
			items, _ := e.Value.(bson.A)
			for _, x := range items {
				if d, ok := x.(bson.D); ok {
					out = searchTerms(d, out)
				}
			}
		case e.Key == "search":
			ops, _ := e.Value.(bson.D)
			for _, op := range ops {
				if op.Key != "$regex" {
					continue
				}
				if t, err := wordTerm(op.Value); err == nil {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// walks says whether an index of the row table starts with the columns of
// sort, all in one direction, after columns that fixed holds (paths the
// filter sets to one value), so that SQLite can walk it in the sort's
// order and stop at the page's end instead of sorting every row.
func (sp *liteSpec) walks(sort bson.D, fixed []string) bool {
	for _, ix := range sp.indexes {
		for len(ix) > 0 && slices.Contains(fixed, ix[0]) && !slices.ContainsFunc(sort, func(e bson.E) bool { return e.Key == ix[0] }) {
			ix = ix[1:]
		}
		if len(ix) < len(sort) {
			continue
		}
		ok := true
		for i, e := range sort {
			ok = ok && ix[i] == e.Key && fmt.Sprint(e.Value) == fmt.Sprint(sort[0].Value)
		}
		if ok {
			return true
		}
	}
	return false
}
