package lite

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"regexp/syntax"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// query is a compiled filter: SQL over the collection's tables that selects
// a superset of the matching documents (exactly them when resid is empty),
// and the residual conditions the Go matcher checks on each row.
type query struct {
	where string // "" selects every row
	args  []any
	resid bson.D
	x     *xquery // the part a member index answers, if any
	// ordered marks an ordered plan driven by probe driver: when its page
	// comes short, Collection.open reads the find driven by that probe's
	// whole list instead.
	ordered bool
	driver  int
}

// fieldOps are the query operators this store answers.
var fieldOps = map[string]bool{
	"$eq": true, "$ne": true, "$in": true, "$nin": true, "$gt": true, "$gte": true,
	"$lt": true, "$lte": true, "$exists": true, "$regex": true, "$options": true,
}

// compiler compiles one filter.
type compiler struct {
	*Collection
	// walk writes word and member conditions as a probe per row (EXISTS on
	// the word or member table by rowid) instead of the list of rows
	// holding the word or value, so that a page sorted by an index stops
	// early when they are common.
	walk   bool
	probes []probe // the word and member conditions, for that choice
	sort   bson.D  // the find's sort, if any
	// driver, when not -1, is the one probe written as the list of its
	// rows; the others are probed per row of that list (the rarest
	// condition drives, so a common one is never read whole).
	driver int
	inOr   int // >0 while compiling an $or or $nor branch
	// scope is the text values of the word scope (spec.WordScope) that
	// the filter's top-level AND restricts it to, if any (scopeList): its
	// top word conditions read their rows in the scoped word table.
	scope []any
	// ordered, when not nil, is the driver's list instead of its own: its
	// rows in the ordered word table from a bound on (orderedBound).
	ordered *probe
	// rowid is what per-row probes name the document by (default the
	// document table's rowid).
	rowid string
}

// probe is a word or member condition: rows of its table (the word or
// member table) selected by cond, each naming a document by rid.
type probe struct {
	tbl  string
	cond string // on tbl's columns, unqualified
	args []any
	// word: a word prefix, cond "w >= ? AND w < ?" on the word table.
	word bool
	// top: a condition of the filter's top-level AND, which can drive
	// the query (one inside an $or cannot).
	top bool
	// scoped, when not nil, is the same word condition in the scoped word
	// table, within the filter's scope values: its list (to count, drive
	// or select) is the rows of those values only. Per-row probes stay on
	// the word table, keyed by word and rid.
	scoped *probe
}

// list is the probe whose rows are the condition's list: the scoped one
// when there is one.
func (p probe) list() probe {
	if p.scoped != nil {
		return *p.scoped
	}
	return p
}

// count counts its rows, up to a limit bound last.
func (p probe) count() string {
	l := p.list()
	return "SELECT count(*) FROM (SELECT 1 FROM " + l.tbl + " WHERE " + l.cond + " LIMIT ?)"
}

// on probes the document whose rowid is rid (an EXISTS per row).
//
// A word prefix that holds one or two words in the word table (a whole
// word, or a word and its plural) is probed on the table's key (word,
// rid), found by this statement (the first and last word of the range,
// nothing between them): the probes of one word then read the few pages
// of its rows, where the (rid, word) index spreads them over the whole
// table and each probe reads a page of its own. A prefix of more words
// probes that index.
func (p probe) on(rid string) (string, []any) {
	if !p.word {
		return "EXISTS (SELECT 1 FROM " + p.tbl + " WHERE rid = " + rid + " AND " + p.cond + ")", p.args
	}
	lo, hi := p.args[0], p.args[1]
	first := "(SELECT min(w) FROM " + p.tbl + " WHERE w >= ? AND w < ?)"
	last := "(SELECT max(w) FROM " + p.tbl + " WHERE w >= ? AND w < ?)"
	next := "(SELECT min(w) FROM " + p.tbl + " WHERE w > " + first + " AND w < ?)"
	has := func(w string) string {
		return "EXISTS (SELECT 1 FROM " + p.tbl + " WHERE w = " + w + " AND rid = " + rid + ")"
	}
	s := "CASE WHEN " + first + " = " + last + " THEN " + has(first) +
		" WHEN coalesce(" + next + ", " + last + ") = " + last + " THEN " + has(first) + " OR " + has(last) +
		" ELSE EXISTS (SELECT 1 FROM " + p.tbl + " WHERE rid = " + rid + " AND " + p.cond + ") END"
	return s, []any{lo, hi, lo, hi, lo, hi, // one word
		lo, hi, hi, lo, hi, lo, hi, lo, hi, lo, hi, // two words
		lo, hi} // more
}

// in is the list of its rows: rowid among them (with list().args).
func (p probe) in(rowid string) string {
	l := p.list()
	return rowid + " IN (SELECT rid FROM " + l.tbl + " WHERE " + l.cond + ")"
}

// driverAlias names the driver's table in its list (see compiler.driven),
// headAlias the head of a sort index walkOrDrive samples.
const (
	driverAlias = "dr"
	headAlias   = "hd"
)

// exists tells whether probe i is written as a per-row EXISTS probe
// rather than the list of its rows.
func (c *compiler) exists(i int) bool {
	return c.walk || (c.driver >= 0 && i != c.driver)
}

// addProbe records a word or member condition and writes it: a per-row
// probe, the list of its rows, or nothing when it is a top condition of a
// driven query, which the driver's list answers (driven).
func (c *compiler) addProbe(p probe) (string, []any) {
	p.top = c.inOr == 0
	c.probes = append(c.probes, p)
	switch i := len(c.probes) - 1; {
	case c.driver >= 0 && p.top:
		return "", nil
	case c.exists(i):
		return p.on(c.rowidExpr())
	default:
		return p.in(c.rowidExpr()), p.list().args
	}
}

func (c *compiler) rowidExpr() string {
	if c.rowid != "" {
		return c.rowid
	}
	return c.t + ".rowid"
}

// driven is the driver's list with the filter's other top conditions
// probed on each of its rows, inside it: a document is read only when
// every word and member condition of the top-level AND holds, so the
// common ones cost an index probe per row of the rare one, never a read
// of the document. The part a member index answers (x, if any) is probed
// the same way, by rowid: the list of its rows would be every document
// of a region.
func (c *compiler) driven(x *xquery) (string, []any, error) {
	if c.driver >= len(c.probes) || !c.probes[c.driver].top {
		return "", nil, fmt.Errorf("lite: driver %d of %d probes is no top condition", c.driver, len(c.probes))
	}
	d := c.probes[c.driver].list()
	if c.ordered != nil {
		d = *c.ordered
	}
	s, args := c.t+".rowid IN (SELECT "+driverAlias+".rid FROM "+d.tbl+" "+driverAlias+" WHERE "+d.cond, append([]any(nil), d.args...)
	for i, p := range c.probes {
		if p.top && i != c.driver {
			on, a := p.on(driverAlias + ".rid")
			s, args = s+" AND "+on, append(args, a...)
		}
	}
	if x != nil {
		on, a := x.on(driverAlias + ".rid")
		s, args = s+" AND "+on, append(args, a...)
	}
	return s + ")", args, nil
}

// compile turns a canonical filter into a query.
func (c *Collection) compile(filter bson.D) (query, error) {
	q, _, err := c.compilePlan(filter, nil, false, -1)
	return q, err
}

// byID tells whether filter selects by _id equality or an _id list.
func byID(filter bson.D) bool {
	for _, e := range conjuncts(filter) {
		if e.Key != "_id" {
			continue
		}
		ops, isOps := isOpDoc(e.Value)
		if !isOps || (len(ops) == 1 && (ops[0].Key == "$eq" || ops[0].Key == "$in")) {
			return true
		}
	}
	return false
}

// compilePlan compiles a filter for a find sorted by sort (which only
// helps choose among member indexes), walking the sort's index when walk,
// else driven by probe driver's rows when driver is not -1.
func (c *Collection) compilePlan(filter, sort bson.D, walk bool, driver int) (query, []probe, error) {
	k := &compiler{Collection: c, walk: walk, sort: sort, driver: driver, scope: c.scopeList(filter)}
	q, err := k.compile(filter)
	return q, k.probes, err
}

func (c *compiler) compile(filter bson.D) (query, error) {
	if byID(filter) {
		// A few documents by _id: probe their member and word rows rather
		// than list every row holding a value (a region's thousands).
		c.walk = true
	}
	x, rest := (*xquery)(nil), filter
	if !c.walk {
		x, rest = c.memberIndexed(filter)
	}
	parts, args, resid, err := c.compileAnd(rest)
	if err != nil {
		return query{}, err
	}
	if c.driver >= 0 {
		p, a, err := c.driven(x)
		if err != nil {
			return query{}, err
		}
		parts, args = append([]string{p}, parts...), append(a, args...)
		x = nil // probed in the driver's list
	}
	if x != nil {
		x.covered = x.covered && len(parts) == 0 && len(resid) == 0
		p, a := x.sub(c.t, "", 0)
		parts, args = append([]string{p}, parts...), append(a, args...)
	}
	if err := checkBind(args); err != nil {
		return query{}, err
	}
	return query{where: strings.Join(parts, " AND "), args: args, resid: resid, x: x}, nil
}

func (c *compiler) compileAnd(filter bson.D) (parts []string, args []any, resid bson.D, err error) {
	for _, e := range filter {
		switch e.Key {
		case "$and":
			list, err := subFilters(e)
			if err != nil {
				return nil, nil, nil, err
			}
			for _, sub := range list {
				p, a, r, err := c.compileAnd(sub)
				if err != nil {
					return nil, nil, nil, err
				}
				parts, args, resid = append(parts, p...), append(args, a...), append(resid, r...)
			}
		case "$or", "$nor":
			list, err := subFilters(e)
			if err != nil {
				return nil, nil, nil, err
			}
			c.inOr++
			var ors []string
			var orArgs []any
			exact, always := true, false
			for _, sub := range list {
				p, a, r, err := c.compileAnd(sub)
				if err != nil {
					return nil, nil, nil, err
				}
				if len(r) > 0 {
					exact = false
				}
				if len(p) == 0 {
					always = true
				}
				ors = append(ors, "("+strings.Join(p, " AND ")+")")
				orArgs = append(orArgs, a...)
			}
			c.inOr--
			if e.Key == "$nor" {
				// NOT of a superset is no superset: the matcher decides.
				resid = append(resid, e)
				continue
			}
			if !always {
				parts = append(parts, "("+strings.Join(ors, " OR ")+")")
				args = append(args, orArgs...)
			}
			if !exact {
				resid = append(resid, e)
			}
		default:
			if strings.HasPrefix(e.Key, "$") {
				return nil, nil, nil, fmt.Errorf("lite: query operator %s: %w", e.Key, coll.ErrUnsupported)
			}
			p, a, exact, err := c.compilePath(e.Key, e.Value)
			if err != nil {
				return nil, nil, nil, err
			}
			parts, args = append(parts, p...), append(args, a...)
			if !exact {
				resid = append(resid, e)
			}
		}
	}
	return parts, args, resid, nil
}

func subFilters(e bson.E) ([]bson.D, error) {
	arr, ok := e.Value.(bson.A)
	if !ok || len(arr) == 0 {
		return nil, fmt.Errorf("lite: %s needs a non-empty array: %w", e.Key, coll.ErrUnsupported)
	}
	out := make([]bson.D, len(arr))
	for i, v := range arr {
		d, ok := v.(bson.D)
		if !ok {
			return nil, fmt.Errorf("lite: %s needs documents: %w", e.Key, coll.ErrUnsupported)
		}
		out[i] = d
	}
	return out, nil
}

// isOpDoc tells whether v is an operator document ({$gt: ...}).
func isOpDoc(v any) (bson.D, bool) {
	d, ok := v.(bson.D)
	if !ok || len(d) == 0 || !strings.HasPrefix(d[0].Key, "$") {
		return nil, false
	}
	return d, true
}

// compilePath compiles the condition on one path. exact is false when the
// SQL is only a superset and the matcher must check the path too.
func (c *compiler) compilePath(path string, cond any) (parts []string, args []any, exact bool, err error) {
	ops, isOps := isOpDoc(cond)
	if !isOps {
		ops = bson.D{{Key: "$eq", Value: cond}}
	}
	var regex, options string
	hasRegex, hasOptions := false, false
	for _, op := range ops {
		if !fieldOps[op.Key] {
			return nil, nil, false, fmt.Errorf("lite: query operator %s on %s: %w", op.Key, path, coll.ErrUnsupported)
		}
		switch op.Key {
		case "$regex":
			switch r := op.Value.(type) {
			case string:
				regex = r
			case bson.Regex:
				regex, options = r.Pattern, r.Options
			default:
				return nil, nil, false, fmt.Errorf("lite: $regex on %s needs a string: %w", path, coll.ErrUnsupported)
			}
			if _, err := compileRegex(regex, options); err != nil {
				return nil, nil, false, err
			}
			hasRegex = true
		case "$options":
			s, ok := op.Value.(string)
			if !ok {
				return nil, nil, false, fmt.Errorf("lite: $options on %s needs a string: %w", path, coll.ErrUnsupported)
			}
			options, hasOptions = s, true
		case "$in", "$nin":
			if _, ok := op.Value.(bson.A); !ok {
				return nil, nil, false, fmt.Errorf("lite: %s on %s needs an array: %w", op.Key, path, coll.ErrUnsupported)
			}
		}
	}
	if hasOptions && !hasRegex {
		return nil, nil, false, fmt.Errorf("lite: $options without $regex on %s: %w", path, coll.ErrUnsupported)
	}
	if hasRegex {
		if _, err := compileRegex(regex, options); err != nil {
			return nil, nil, false, err
		}
	}

	exact = true
	var target func(op string, v any) (string, []any, bool)
	switch {
	case path == "_id" || hasString(c.spec.Fields, path):
		target = c.columnOpFor(c.col(path), ops)
	case c.members[path] != "":
		target = c.memberOp(path)
	case path == c.spec.Words && path != "":
		target = c.wordOp()
	default:
		return nil, nil, false, nil // the matcher alone
	}
	for _, op := range ops {
		v := op.Value
		switch op.Key {
		case "$options":
			continue
		case "$regex":
			v = bson.Regex{Pattern: regex, Options: options}
		}
		p, a, ok := target(op.Key, v)
		if p != "" {
			parts, args = append(parts, p), append(args, a...)
		}
		exact = exact && ok
	}
	return parts, args, exact, nil
}

// list binds a list of encoded values: inline when short, else one JSON
// array for json_each.
func list(vals []any) (string, []any) {
	if len(vals) <= inlineList {
		return "(" + strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",") + ")", vals
	}
	b, _ := json.Marshal(vals)
	return "(SELECT value FROM json_each(?))", []any{string(b)}
}

// encodeList encodes the values of an $in/$nin list; ok is false when one
// has no SQL form. hasNull reports a null in the list (left out of vals).
func encodeList(v any) (vals []any, hasNull, ok bool) {
	for _, x := range v.(bson.A) {
		if x == nil {
			hasNull = true
			continue
		}
		s, good := sqlValue(x)
		if !good {
			return nil, false, false
		}
		if f, isF := s.(float64); isF && (f != f || f > 1.7e308 || f < -1.7e308) {
			return nil, false, false // NaN and infinities have no JSON form
		}
		vals = append(vals, s)
	}
	return vals, hasNull, true
}

var sqlCmp = map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}

// rangeCond compares col with an encoded value within its type bracket, as
// MongoDB does: SQLite orders every number before every text, so a bound
// at ” keeps the range in one bracket and stays an index range.
func rangeCond(col, op string, v any) (string, []any, bool) {
	c := col + " " + sqlCmp[op] + " ?"
	_, isText := v.(string)
	switch {
	case isText && (op == "$lt" || op == "$lte"):
		c += " AND " + col + " >= ''"
	case !isText && (op == "$gt" || op == "$gte"):
		c += " AND " + col + " < ''"
	}
	return c, []any{v}, true
}

// columnOpFor is columnOp for the operators ops of one path. When they
// bound it from both sides within one type bracket, each bound already
// keeps the other in that bracket, and the ranges leave out the bracket's
// bound: SQLite walks an index from the first upper bound it reads, and
// the bracket's "date below the empty text" ahead of "date < ?" made a
// date range read every newer row.
func (c *Collection) columnOpFor(col string, ops bson.D) func(op string, v any) (string, []any, bool) {
	plain := c.columnOp(col)
	if !sameBracket(ops) {
		return plain
	}
	return func(op string, v any) (string, []any, bool) {
		s, ok := sqlValue(v)
		if sqlCmp[op] == "" || !ok || s == nil {
			return plain(op, v)
		}
		return col + " " + sqlCmp[op] + " ?", []any{s}, true
	}
}

// sameBracket tells whether ops hold a lower and an upper bound, all in one
// type bracket (text, or numbers and dates).
func sameBracket(ops bson.D) bool {
	lo, hi := "", ""
	for _, o := range ops {
		s, ok := sqlValue(o.Value)
		if sqlCmp[o.Key] == "" || !ok || s == nil {
			continue
		}
		b := "number"
		if _, isText := s.(string); isText {
			b = "text"
		}
		side := &hi
		if o.Key == "$gt" || o.Key == "$gte" {
			side = &lo
		}
		if *side != "" && *side != b {
			return false
		}
		*side = b
	}
	return lo != "" && lo == hi
}

// columnOp answers an operator on a column holding one value (or NULL for
// missing and null).
func (c *Collection) columnOp(col string) func(op string, v any) (string, []any, bool) {
	return func(op string, v any) (string, []any, bool) {
		switch op {
		case "$eq", "$ne":
			if v == nil {
				if op == "$eq" {
					return col + " IS NULL", nil, true
				}
				return col + " IS NOT NULL", nil, true
			}
			s, ok := sqlValue(v)
			if !ok {
				return "", nil, false
			}
			if op == "$eq" {
				return col + " = ?", []any{s}, true
			}
			return "(" + col + " IS NULL OR " + col + " <> ?)", []any{s}, true
		case "$in", "$nin":
			vals, hasNull, ok := encodeList(v)
			if !ok {
				return "", nil, false
			}
			l, a := list(vals)
			switch {
			case op == "$in" && len(vals) == 0 && hasNull:
				return col + " IS NULL", nil, true
			case op == "$in" && hasNull:
				return "(" + col + " IS NULL OR " + col + " IN " + l + ")", a, true
			case op == "$in":
				return col + " IN " + l, a, true
			case len(vals) == 0 && hasNull:
				return col + " IS NOT NULL", nil, true
			case hasNull:
				return "(" + col + " IS NOT NULL AND " + col + " NOT IN " + l + ")", a, true
			default:
				return "(" + col + " IS NULL OR " + col + " NOT IN " + l + ")", a, true
			}
		case "$gt", "$gte", "$lt", "$lte":
			s, ok := sqlValue(v)
			if !ok || s == nil {
				return "", nil, false
			}
			return rangeCond(col, op, s)
		case "$exists":
			if truthy(v) {
				return "", nil, false // NULL is null or missing: the matcher tells
			}
			return col + " IS NULL", nil, false
		case "$regex":
			if lo, hi, ok := prefixRange(v.(bson.Regex)); ok {
				return "(" + col + " >= ? AND " + col + " < ?)", []any{lo, hi}, true
			}
			return "", nil, false
		}
		return "", nil, false
	}
}

// memberOp answers an operator on a member path: "some element ..." for the
// positive operators, "no element ..." for $ne and $nin.
func (c *compiler) memberOp(path string) func(op string, v any) (string, []any, bool) {
	some := func(cond string, args []any) (string, []any) {
		return c.addProbe(probe{tbl: c.m, cond: "f = ? AND " + cond, args: append([]any{path}, args...)})
	}
	none := func(cond string, args []any) (string, []any) {
		return "NOT EXISTS (SELECT 1 FROM " + c.m + " WHERE f = ? AND " + cond + " AND rid = " + c.t + ".rowid)", append([]any{path}, args...)
	}
	return func(op string, v any) (string, []any, bool) {
		switch op {
		case "$eq", "$ne":
			s, ok := sqlValue(v)
			if !ok || s == nil {
				return "", nil, false
			}
			if op == "$eq" {
				p, a := some("v = ?", []any{s})
				return p, a, true
			}
			p, a := none("v = ?", []any{s})
			return p, a, true
		case "$in", "$nin":
			vals, hasNull, ok := encodeList(v)
			if !ok || hasNull {
				return "", nil, false
			}
			if len(vals) == 0 {
				if op == "$in" {
					return "0", nil, true
				}
				return "", nil, true
			}
			l, a := list(vals)
			if op == "$in" {
				p, a := some("v IN "+l, a)
				return p, a, true
			}
			p, a := none("v IN "+l, a)
			return p, a, true
		case "$gt", "$gte", "$lt", "$lte":
			s, ok := sqlValue(v)
			if !ok || s == nil {
				return "", nil, false
			}
			cond, args, _ := rangeCond("v", op, s)
			p, a := some(cond, args)
			return p, a, true
		case "$exists":
			if truthy(v) {
				return "", nil, false // an empty array exists and has no rows
			}
			p, a := none("1", nil)
			return p, a, false
		case "$regex":
			if lo, hi, ok := prefixRange(v.(bson.Regex)); ok {
				p, a := some("v >= ? AND v < ?", []any{lo, hi})
				return p, a, true
			}
		}
		return "", nil, false
	}
}

// wordOp answers the word search "(^| )term": some word starts with term.
func (c *compiler) wordOp() func(op string, v any) (string, []any, bool) {
	return func(op string, v any) (string, []any, bool) {
		if op != "$regex" {
			return "", nil, false
		}
		r := v.(bson.Regex)
		if r.Options != "" || !strings.HasPrefix(r.Pattern, "(^| )") {
			return "", nil, false
		}
		lit, ok := literal(strings.TrimPrefix(r.Pattern, "(^| )"))
		if !ok || lit == "" || strings.HasPrefix(lit, " ") {
			return "", nil, false
		}
		first, _, more := strings.Cut(lit, " ")
		p := probe{tbl: c.w, cond: "w >= ? AND w < ?", args: []any{first, upper(first)}, word: true}
		if c.scope != nil && c.inOr == 0 {
			l, a := list(c.scope)
			p.scoped = &probe{tbl: c.ws, cond: "s IN " + l + " AND w >= ? AND w < ?", args: append(a, first, upper(first)), word: true}
		}
		s, a := c.addProbe(p)
		return s, a, !more
	}
}

// scopeList is the text values the filter's top-level AND restricts the
// word scope to (an equality or an $in of texts), nil when it does not or
// the collection has no scoped words. A document the filter matches then
// has its scope among them (a field's column, or one of a member path's
// elements), so the scoped rows of those values hold its words.
func (c *Collection) scopeList(filter bson.D) []any {
	if c.ws == "" || c.loading.Load() {
		return nil
	}
	for _, e := range conjuncts(filter) {
		if e.Key != c.spec.WordScope {
			continue
		}
		vals := bson.A{e.Value}
		if ops, isOps := isOpDoc(e.Value); isOps {
			switch {
			case len(ops) != 1:
				continue
			case ops[0].Key == "$eq":
				vals = bson.A{ops[0].Value}
			case ops[0].Key == "$in":
				vals, _ = ops[0].Value.(bson.A)
			default:
				continue
			}
		}
		out := make([]any, 0, len(vals))
		for _, x := range vals {
			s, isText := x.(string)
			if !isText {
				out = nil
				break
			}
			out = append(out, s)
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// prefixRange turns "^literal" into the string range [literal, upper).
func prefixRange(r bson.Regex) (lo, hi string, ok bool) {
	if r.Options != "" || !strings.HasPrefix(r.Pattern, "^") {
		return "", "", false
	}
	lit, ok := literal(r.Pattern[1:])
	if !ok || lit == "" {
		return "", "", false
	}
	return lit, upper(lit), true
}

// upper is the least string above every string starting with s.
func upper(s string) string {
	b := []byte(s)
	for len(b) > 0 && b[len(b)-1] == 0xff {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "\xff\xff\xff\xff"
	}
	b[len(b)-1]++
	return string(b)
}

// literal reads a regular expression that matches only one literal string
// (as regexp.QuoteMeta writes it) and returns that string.
func literal(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	if re.Op == syntax.OpEmptyMatch {
		return "", true
	}
	if re.Op != syntax.OpLiteral || re.Flags&syntax.FoldCase != 0 {
		return "", false
	}
	return string(re.Rune), true
}

func truthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case int32:
		return t != 0
	case int64:
		return t != 0
	case float64:
		return t != 0
	}
	return true
}

// compileRegex compiles a MongoDB regular expression with its options.
func compileRegex(pattern, options string) (*regexp.Regexp, error) {
	flags := ""
	for _, o := range options {
		switch o {
		case 'i', 'm', 's':
			flags += string(o)
		default:
			return nil, fmt.Errorf("lite: regex option %q: %w", o, coll.ErrUnsupported)
		}
	}
	if flags != "" {
		pattern = "(?" + flags + ")" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("lite: regex %q: %v: %w", pattern, err, coll.ErrUnsupported)
	}
	return re, nil
}

// orderBy compiles a sort document on field columns and _id.
func (c *Collection) orderBy(sort bson.D) (string, error) {
	if len(sort) == 0 {
		return "", nil
	}
	var keys []string
	for _, k := range sort {
		if k.Key != "_id" && !hasString(c.spec.Fields, k.Key) {
			return "", fmt.Errorf("lite: sort on %s.%s, which is not a declared field: %w", c.spec.Name, k.Key, coll.ErrUnsupported)
		}
		dir, ok := toFloat(k.Value)
		if !ok || (dir != 1 && dir != -1) {
			return "", fmt.Errorf("lite: sort direction %v on %s: %w", k.Value, k.Key, coll.ErrUnsupported)
		}
		key := c.col(k.Key)
		if dir < 0 {
			key += " DESC"
		}
		keys = append(keys, key)
	}
	return " ORDER BY " + strings.Join(keys, ", "), nil
}

// plan compiles filter for a find with sort (order, its ORDER BY) and
// limit, and chooses how its word and member conditions read. A sorted,
// limited page whose conditions are all common (commonRows or more rows
// each) either walks the sort's index, probing each document, and stops at
// the limit, or reads the rarest condition's list as below, whichever
// walkOrDrive estimates cheaper. Otherwise the rarest condition of the
// top-level AND drives: the list of its rows, the others probed on each of
// them, so that a common word next to a rare one is never read whole. A
// page newest first by a collection's word order driven by a common word
// reads that word's rows in that order (chooseOrdered).
func (c *Collection) plan(ctx context.Context, q querier, f, sort bson.D, limit int64, order string) (query, error) {
	cq, probes, err := c.compilePlan(f, sort, false, -1)
	if err != nil || len(probes) == 0 || cq.x != nil && cq.x.covered || byID(f) {
		return cq, err // byID: a few documents, each probed already
	}
	walkable := limit > 0 && order != "" && c.sortIndexed(sort)
	tops := 0
	for _, p := range probes {
		if p.top {
			tops++
		}
	}
	// One word beside a member index's part (a user's regions): that list
	// is every document of the regions, so a rare word drives instead.
	oneWord := tops == 1 && cq.x != nil
	if !walkable && tops < 2 && !oneWord {
		return cq, nil
	}
	// The choice's counts and head sample are remembered while the
	// collection is unchanged; reads inside a write transaction (q is not
	// the reader pool) see its writes and choose afresh.
	key, gen, cached := "", uint64(0), q == c.db.r
	if cached {
		key, gen = c.planKey(cq, order, limit), c.gen.Load()
		if ch, ok := c.choices.get(key, gen); ok {
			return c.compileChoice(f, sort, cq, ch)
		}
		cached = len(key) <= maxChoiceKey
	}
	counts, err := c.counts(ctx, q, probes, c.db.commonRows)
	if err != nil {
		return query{}, err
	}
	ch, ordered, err := c.chooseOrdered(ctx, q, f, cq, probes, counts, sort, limit)
	if err == nil && !ordered {
		ch, err = c.choose(ctx, q, probes, counts, walkable, tops, oneWord, limit, order)
	}
	if err != nil {
		return query{}, err
	}
	if cached {
		c.choices.put(key, gen, ch)
	}
	return c.compileChoice(f, sort, cq, ch)
}

// choice is how plan reads a find's word and member conditions: walking
// the sort's index, driven by probe driver's list, or as compiled (keep).
type choice struct {
	keep   bool
	walk   bool
	driver int
	// ordered, when not nil, is the driver's list: its rows in the
	// ordered word table from a bound on (orderedBound).
	ordered *probe
}

// compileChoice compiles filter f for choice ch; cq is f compiled as is.
func (c *Collection) compileChoice(f, sort bson.D, cq query, ch choice) (query, error) {
	var err error
	switch {
	case ch.keep:
	case ch.walk:
		cq, _, err = c.compilePlan(f, sort, true, -1)
	case ch.ordered != nil && !c.loading.Load(): // a bulk load sets the table aside
		k := &compiler{Collection: c, sort: sort, driver: ch.driver, scope: c.scopeList(f), ordered: ch.ordered}
		if cq, err = k.compile(f); err == nil {
			cq.ordered, cq.driver = true, ch.driver
		}
	default:
		cq, _, err = c.compilePlan(f, sort, false, ch.driver)
	}
	return cq, err
}

// choose chooses a plan from the conditions' rows (probes), counted up to
// commonRows (see plan).
func (c *Collection) choose(ctx context.Context, q querier, probes []probe, counts []int, walkable bool, tops int, oneWord bool, limit int64, order string) (choice, error) {
	var err error
	driver, common := -1, true
	for i, n := range counts {
		common = common && n >= c.db.commonRows
		if probes[i].top && (driver < 0 || n < counts[driver]) {
			driver = i
		}
	}
	walk := false
	switch {
	case walkable && common && tops > 0:
		if walk, driver, err = c.walkOrDrive(ctx, q, probes, counts, limit, order); err != nil {
			return choice{}, err
		}
	case walkable && common:
		walk = true // every condition inside an $or: none can drive
	case tops < 2 && !(oneWord && probes[driver].word && counts[driver] < c.db.commonRows):
		return choice{keep: true}, nil
	}
	return choice{walk: walk, driver: driver}, nil
}

// Costs of the two plans walkOrDrive weighs, in probes of a word or member
// row (about 1 µs on the reference dataset: the probes of one condition
// read the same few pages). Walking the sort index reads each document it
// passes and probes it (walkRowCost, 12 to 16 µs); the driven plan reads
// each document that passes every condition (readCost, about 6 µs: they
// come in rowid order).
const (
	walkRowCost = 12
	readCost    = 6
)

// walkOrDrive chooses between walking the sort's index (order) for a page
// of limit documents and the list of the rarest top condition, whose
// conditions all reached commonRows (counts), from estimated costs:
//
//	walk: walkRowCost × R, R = limit / s (the documents walked)
//	list: n + readCost × M (the rarest's n rows, each probed for the
//	      others, then the M documents that pass read)
//
// where s is the share of documents that pass every top condition, measured
// on the head of the sort index (its first db.walkSample entries, probes
// only, no document read; as many as the page needs, in which case the
// walk is short and chosen), and M = s × the collection's size, at most n.
// The list is cheaper while n is under a bound; the top conditions are
// counted up to it (index entries, each far cheaper than a probe) and the
// rarest drives if under it. Words each common but rarely together (at
// scale 10, "cusco" and "presupuesto" on one message in a thousand) are
// driven by the rarer; words often together walk. One condition alone
// (M = n, no probe) drives while n < sqrt(2 × limit × size).
func (c *Collection) walkOrDrive(ctx context.Context, q querier, probes []probe, counts []int, limit int64, order string) (walk bool, driver int, _ error) {
	var size float64
	if err := scanRow(ctx, q, "SELECT coalesce(max(rowid), 0) FROM "+c.t, nil, &size); err != nil {
		return false, 0, err
	}
	var ons []string
	var args []any
	for _, p := range probes {
		if p.top {
			on, a := p.on(headAlias + ".rid")
			ons, args = append(ons, on), append(args, a...)
		}
	}
	var bound float64
	switch {
	case size <= float64(c.db.walkSample):
		return true, -1, nil
	case len(ons) == 1:
		bound = math.Sqrt(walkRowCost / readCost * float64(limit) * size)
	default:
		var hits int64
		s := "SELECT count(*) FROM (SELECT 1 FROM (SELECT rowid AS rid FROM " + c.t + order + " LIMIT ?) " + headAlias +
			" WHERE " + strings.Join(ons, " AND ") + " LIMIT ?)"
		args = append(append([]any{c.db.walkSample}, args...), limit)
		c.db.record(c, s, args, true)
		if err := scanRow(ctx, q, s, args, &hits); err != nil {
			return false, 0, err
		}
		if hits >= limit {
			return true, -1, nil // the page is in the head
		}
		share := (float64(hits) + 0.5) / float64(c.db.walkSample+1)
		walked := walkRowCost * max(float64(limit)/share, float64(c.db.walkSample))
		bound = max(walked-readCost*share*size, walked/(1+readCost))
	}
	// Counting up to eight times the last limit, until the bound: a rare
	// condition is found without counting the common ones far.
	for last := c.db.commonRows; float64(last) < bound; {
		upTo := int(min(8*float64(last), math.Ceil(bound)))
		rarest := -1
		for i, p := range probes {
			if !p.top {
				continue
			}
			if counts[i] >= last {
				n, err := c.count(ctx, q, p, upTo)
				if err != nil {
					return false, 0, err
				}
				counts[i] = n
			}
			if rarest < 0 || counts[i] < counts[rarest] {
				rarest = i
			}
		}
		if counts[rarest] < upTo {
			return float64(counts[rarest]) >= bound, rarest, nil
		}
		last = upTo
	}
	return true, -1, nil
}

// counts counts the rows of each probe, up to limit (each reads at most
// that many index entries).
func (c *Collection) counts(ctx context.Context, q querier, probes []probe, limit int) ([]int, error) {
	out := make([]int, len(probes))
	for i, p := range probes {
		n, err := c.count(ctx, q, p, limit)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// count counts the rows of one probe, up to limit.
func (c *Collection) count(ctx context.Context, q querier, p probe, limit int) (int, error) {
	var n int
	err := scanRow(ctx, q, p.count(), append(append([]any(nil), p.list().args...), limit), &n)
	return n, err
}

// scanRow reads the one row of query s into dest.
func scanRow(ctx context.Context, q querier, s string, args []any, dest ...any) error {
	rows, err := q.QueryContext(ctx, s, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("lite: no row from %s", s)
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}
