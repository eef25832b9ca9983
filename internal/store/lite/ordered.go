package lite

import (
	"context"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// A page of a word search sorted newest first (Spec.WordOrder) driven by
// a common word reads that word's rows in the ordered word table, newest
// first, instead of all of them: orderedBound finds the value of the word
// order's field at or above which the page's documents lie, and the
// driver's list becomes the rows from that bound up (a few pages' worth).
// At scale 10, the admin's "presupuesto cusco" drove 4,234 rows of
// "cusco", probing "presupuesto" on each, for a page of 10; in order it
// stops after about a hundred. The bound is found by a query of its own
// (and remembered with the choice): when the page then comes short, a
// write removed documents above it in between, and the page is read as
// before (Collection.open).

// Limits of the ordered plan: a prefix of more distinct words than
// maxOrderedWords reads its list as before (each word is a walk of its
// own), and a driver of fewer than orderedMinRows per document of the page
// is cheaper read whole.
const (
	maxOrderedWords = 8
	orderedMinRows  = 4
	// maxOrderedCount bounds the counting of common words to find the
	// rarer (index entries, far cheaper than probes).
	maxOrderedCount = 1 << 16
)

// chooseOrdered chooses the ordered plan for a page sorted by the word
// order's field descending (documents without it, last in that order,
// have no rows in the table), limited, whose every condition is SQL (the
// bound counts the page's documents in SQL): the rarest top condition
// drives when it is a word prefix read in the word table (a scoped list,
// a few regions' rows, is short already) with orderedMinRows per document
// of the page or more. Walking that word newest first passes no more rows
// than walking the sort's index, which must pass the same matches, so no
// head sample is taken (walkOrDrive). counts are the conditions' rows up
// to commonRows; words at that cap are counted further, to drive by the
// rarer. False when the plan does not apply (plan then chooses as
// before).
func (c *Collection) chooseOrdered(ctx context.Context, q querier, f bson.D, cq query, probes []probe, counts []int, sort bson.D, limit int64) (choice, bool, error) {
	if c.wo == "" || c.loading.Load() || limit <= 0 || len(cq.resid) > 0 || len(sort) == 0 || sort[0].Key != c.spec.WordOrder {
		return choice{}, false, nil
	}
	if dir, _ := toFloat(sort[0].Value); dir >= 0 {
		return choice{}, false, nil
	}
	counts = slices.Clone(counts) // choose reads them as counted to commonRows
	tops, driver := 0, -1
	for limitRows := c.db.commonRows; ; limitRows *= 8 {
		tops, driver = 0, -1
		for i, p := range probes {
			if p.top {
				if tops++; driver < 0 || counts[i] < counts[driver] {
					driver = i
				}
			}
		}
		// Each top condition has limitRows rows or more when the rarest does.
		if tops < 2 || counts[driver] < limitRows || limitRows >= maxOrderedCount {
			break
		}
		for i, p := range probes {
			if p.top {
				n, err := c.count(ctx, q, p, 8*limitRows)
				if err != nil {
					return choice{}, false, err
				}
				counts[i] = n
			}
		}
	}
	if driver < 0 || !probes[driver].word || probes[driver].scoped != nil || int64(counts[driver]) < orderedMinRows*limit {
		return choice{}, false, nil
	}
	list, ok, err := c.orderedBound(ctx, q, f, probes[driver], limit)
	if err != nil || !ok {
		return choice{}, false, err
	}
	return choice{driver: driver, ordered: &list}, true, nil
}

// orderedBound returns the driver's list in the ordered word table for a
// page of limit documents matching filter f, and false when the plan
// cannot bound it (then it drives as chosen). The driver, p, is a word prefix;
// for each of its distinct words (at most maxOrderedWords) the bound
// query walks the word's rows newest first, probing the filter's other
// conditions on each, and takes the order value of the limit-th document
// that passes them all. The page lies at or above the greatest of these
// values: each word alone has limit documents there, and the page's last
// document is at least as new as any word's limit-th. A word of fewer
// documents bounds nothing; when none bounds, false.
func (c *Collection) orderedBound(ctx context.Context, q querier, f bson.D, p probe, limit int64) (probe, bool, error) {
	words, err := c.orderedWords(ctx, q, p)
	if err != nil || len(words) == 0 {
		return probe{}, false, err
	}
	// The filter's conditions on the document of each ordered row (dr):
	// word and member conditions probed by dr.rid, so that they run before
	// the document's row is read for its columns.
	k := &compiler{Collection: c, walk: true, driver: -1, rowid: "dr.rid"}
	cq, err := k.compile(f)
	if err != nil || len(cq.resid) > 0 {
		return probe{}, false, err
	}
	where := ""
	if cq.where != "" {
		where = " AND " + cq.where
	}
	var arms []string
	var args []any
	for _, w := range words {
		arms = append(arms, "SELECT (SELECT dr.k FROM "+c.wo+" dr CROSS JOIN "+c.t+" ON "+c.t+".rowid = dr.rid WHERE dr.w = ?"+where+
			" ORDER BY dr.k DESC LIMIT 1 OFFSET ?) AS b")
		args = append(append(append(args, w), cq.args...), limit-1)
	}
	if checkBind(args) != nil {
		return probe{}, false, nil // a long filter: as chosen
	}
	s := "SELECT max(b) FROM (" + strings.Join(arms, " UNION ALL ") + ")"
	c.db.record(c, s, args, true)
	var bound any
	if err := scanRow(ctx, q, s, args, &bound); err != nil || bound == nil {
		return probe{}, false, err
	}
	cond := "w = ?"
	if len(words) > 1 {
		cond = "w IN (?" + strings.Repeat(", ?", len(words)-1) + ")"
	}
	return probe{tbl: c.wo, cond: cond + " AND k >= ?", args: append(words, bound), word: true, top: true}, true, nil
}

// orderedWords lists the distinct words of word prefix p in the ordered
// word table, none when there are more than maxOrderedWords:
// each is a seek of the table's key, not a read of the prefix's rows.
func (c *Collection) orderedWords(ctx context.Context, q querier, p probe) ([]any, error) {
	lo, hi := p.args[0], p.args[1]
	var words []any
	op := ">="
	for len(words) <= maxOrderedWords {
		var w any
		s := "SELECT min(w) FROM " + c.wo + " WHERE w " + op + " ? AND w < ?"
		if err := scanRow(ctx, q, s, []any{lo, hi}, &w); err != nil {
			return nil, err
		}
		if w == nil {
			break
		}
		words, lo, op = append(words, w), w, ">"
	}
	if len(words) > maxOrderedWords {
		words = nil
	}
	return words, nil
}
