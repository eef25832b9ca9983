package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The query spec of each listed collection: which fields its queries filter
// and sort on, and how SQLite can answer them from the engine's own table.
// A find whose filter, sort and projection use only these (equality, $in,
// $ne, $nin, ranges, $and/$or, the word-prefix $regex on "search") runs as
// one SQL query on trigger-kept tables (the documents' scalars with the
// indexes below, their array members, their search words) that picks the
// page; the page comes back as the stored documents, decoded like the
// engine does.
// Anything else runs through the engine unchanged. On MongoDB every find
// is an ordinary find on the indexes of indexes.go.
type liteSpec struct {
	// scalars are dotted paths to single values.
	scalars []string
	// members are array paths: "regions" or "committee.member_ids" (an
	// array of values), "participants/stakeholder_id" (a field of each
	// document of an array).
	members []string
	// search: the words of the "search" field have their own table.
	search bool
	// addresses are paths of model.Address documents ("from") or arrays
	// of them ("to[]"), kept in their own table (see addressSelect).
	addresses []string
	// indexes are the row table's indexes, as lists of scalar paths.
	indexes [][]string
	// tally: the address table also keeps the unmatched-senders tally
	// (messages only, see tallySchema).
	tally bool
	// queues: a table counts the documents per review queue (messages
	// only, see queueSchema).
	queues bool
	// order is the collection's usual sort (scalar paths, the last one
	// _id): the member table keeps these values of each member's document
	// with an index, so that one member value's documents are read in this
	// order and a page stops at its end (see memberDriver).
	order []string
}

var liteSpecs = map[string]*liteSpec{
	colMessages: {
		scalars:   []string{"_id", "version", "date", "status", "thread_id", "direction", "replied", "unmatched", "assignee_id", "subject_key", "from.address", "created_at", "updated_at"},
		members:   []string{"regions", "stakeholder_ids", "seen_in/mailbox_id", "seen_in/folder", "to/address", "cc/address"},
		search:    true,
		addresses: []string{"from", "to[]", "cc[]"},
		indexes: [][]string{{"date", "_id"}, {"status", "date", "_id"}, {"thread_id", "date"}, {"unmatched", "date", "_id", "status"},
			{"assignee_id", "date", "_id"}, {"direction", "replied", "date"}, {"from.address"}, {"subject_key", "date"}},
		tally:  true,
		queues: true,
		order:  []string{"date", "_id"},
	},
	colMeetings: {
		scalars: []string{"_id", "version", "starts_at", "region", "kind", "owner_id", "created_at"},
		members: []string{"participants/stakeholder_id", "stakeholder_ids", "staff_ids", "commitment_ids", "task_ids"},
		search:  true,
		indexes: [][]string{{"starts_at", "_id"}, {"region", "starts_at", "_id"}, {"kind", "starts_at", "_id"}},
		order:   []string{"starts_at", "_id"},
	},
	colCommitments: {
		scalars: []string{"_id", "version", "region", "status", "stakeholder_id", "owner_id", "stakeholder_kind", "due_on", "made_on", "created_at", "origin.id"},
		search:  true,
		indexes: [][]string{{"region", "_id"}, {"status", "_id"}, {"stakeholder_id", "_id"}, {"owner_id", "_id"}, {"due_on"}},
	},
	colTasks: {
		scalars: []string{"_id", "version", "region", "assignee_id", "links.stakeholder_id", "links.commitment_id", "links.meeting_id", "done", "due_on", "created_at"},
		indexes: [][]string{{"region", "_id"}, {"assignee_id", "_id"}, {"links.stakeholder_id"}, {"links.commitment_id"}, {"links.meeting_id"}, {"done", "due_on"}},
	},
	colStakeholders: {
		scalars: []string{"_id", "version", "name", "archived", "kind", "stance", "owner_id", "committee.region"},
		members: []string{"regions", "emails", "tags", "relationships/stakeholder_id", "committee.member_ids"},
		search:  true,
		indexes: [][]string{{"archived", "name", "_id"}, {"name", "_id"}, {"kind", "name", "_id"}},
	},
}

// liteVersion names what the store adds; ensure drops what an older
// version added and builds this one.
const liteVersion = "v7"

func init() {
	for col, sp := range liteSpecs {
		liteSchema[col] = append(liteSchema[col], sp.ensure)
	}
}

// sqlPath is the column of a scalar path in the row table (see ensure).
func sqlPath(path string) string { return fmt.Sprintf("r.%q", path) }

// col is the column a query reads a scalar path from: the row table's, or
// the driving member row's copy of it (see memberDriver).
func (w *sqlWhere) col(path string) string {
	if c, ok := w.cols[path]; ok {
		return c
	}
	return sqlPath(path)
}

// sqlValueOf is how the trigger reads a scalar path from row ref. _id keeps
// the engine's JSON form (compared with JSON-quoted values).
func sqlValueOf(ref, path string) string {
	if path == "_id" {
		return ref + `._ferretdb_sjson->'$._id'`
	}
	return ref + `._ferretdb_sjson->>'$.` + path + `'`
}

func (sp *liteSpec) isScalar(p string) bool { return contains(sp.scalars, p) }
func (sp *liteSpec) isMember(p string) bool {
	for _, m := range sp.members {
		if memberField(m) == p {
			return true
		}
	}
	return false
}

// memberField is the query path of a member: "participants/stakeholder_id"
// (the field of each document of the array participants) is queried as
// "participants.stakeholder_id".
func memberField(m string) string { return strings.Replace(m, "/", ".", 1) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// liteNames are the tables and trigger prefix this version adds to table.
func liteNames(table string) (rows, members, words, trigger string) {
	p := table + "_alz_" + liteVersion
	return p + "_r", p + "_m", p + "_w", p + "_t"
}

// memberSelect is the SELECT of (rid, f, v, k0, k1...) rows of the array
// members of the trigger's new row, or of every row of table when it is
// set: each distinct member once (a value listed twice must not list its
// document twice when the member table drives a query), with the values
// of the spec's order.
func (sp *liteSpec) memberSelect(table string) string {
	ref, from := rowSource(table)
	if from != "" {
		from += ", "
	}
	keys := ""
	for _, p := range sp.order {
		keys += ", " + sqlValueOf(ref, p)
	}
	var parts []string
	for _, m := range sp.members {
		// Only the elements MongoDB would compare: scalars of an array of
		// values, documents of an array of documents; anything else in a
		// document must never make the engine's write fail.
		arr, sub, nested := strings.Cut(m, "/")
		val, types := "value", "type NOT IN ('object', 'array')"
		if nested {
			val, types = "value->>'$."+sub+"'", "type = 'object'"
		}
		parts = append(parts, fmt.Sprintf(`SELECT DISTINCT %[1]s.rowid, '%[2]s', %[3]s%[7]s FROM %[5]sjson_each(%[1]s._ferretdb_sjson, '$.%[4]s') WHERE %[6]s`,
			ref, memberField(m), val, arr, from, types, keys))
	}
	return strings.Join(parts, " UNION ALL ")
}

// rowSelect is the SELECT of the row table's values of row ref.
func (sp *liteSpec) rowSelect(ref string) string {
	cols := []string{ref + ".rowid"}
	for _, p := range sp.scalars {
		cols = append(cols, sqlValueOf(ref, p))
	}
	return "SELECT " + strings.Join(cols, ", ")
}

// ensure gives table, once (inside one write transaction, so that no
// write of the engine falls between the fill and the triggers), a row
// table (the scalars of each document, read once at write time, with the
// spec's indexes), a member table and a word table, and the triggers
// that keep them in the engine's own write transactions. Lists filter and
// sort on them without parsing the documents.
func (sp *liteSpec) ensure(ctx context.Context, db *sql.DB, table string) error {
	rows, members, words, trig := liteNames(table)
	return addOnce(ctx, db, table, trig+"_i", func() []string {
		cols := make([]string, 0, len(sp.scalars))
		for _, p := range sp.scalars {
			cols = append(cols, fmt.Sprintf("%q", p))
		}
		stmts := []string{
			fmt.Sprintf(`CREATE TABLE %q (rowid INTEGER PRIMARY KEY, %s)`, rows, strings.Join(cols, ", ")),
			fmt.Sprintf(`INSERT INTO %q %s FROM %q AS r`, rows, sp.rowSelect("r"), table),
		}
		for i, ix := range sp.indexes {
			ic := make([]string, len(ix))
			for j, p := range ix {
				ic[j] = fmt.Sprintf("%q", p)
			}
			stmts = append(stmts, fmt.Sprintf(`CREATE INDEX %q ON %q (%s)`, fmt.Sprintf("%s_%d", rows, i), rows, strings.Join(ic, ", ")))
		}
		ins := []string{fmt.Sprintf(`INSERT INTO %q %s;`, rows, sp.rowSelect("new"))}
		del := []string{fmt.Sprintf(`DELETE FROM %q WHERE rowid = old.rowid;`, rows)}
		if len(sp.members) > 0 {
			keys, ordered := "", ""
			for i := range sp.order {
				keys += fmt.Sprintf(", k%d", i)
				ordered += fmt.Sprintf("k%d, ", i)
			}
			stmts = append(stmts,
				fmt.Sprintf(`CREATE TABLE %q (rid INTEGER NOT NULL, f TEXT NOT NULL, v%s)`, members, keys),
				fmt.Sprintf(`INSERT INTO %q %s`, members, sp.memberSelect(table)),
				fmt.Sprintf(`CREATE INDEX %q ON %q (f, v, rid)`, members+"_fv", members),
				fmt.Sprintf(`CREATE INDEX %q ON %q (rid)`, members+"_rid", members))
			if len(sp.order) > 0 {
				stmts = append(stmts, fmt.Sprintf(`CREATE INDEX %q ON %q (f, v, %srid)`, members+"_fvk", members, ordered))
			}
			ins = append(ins, fmt.Sprintf(`INSERT INTO %q %s;`, members, sp.memberSelect("")))
			del = append(del, fmt.Sprintf(`DELETE FROM %q WHERE rid = old.rowid;`, members))
		}
		if len(sp.addresses) > 0 {
			addrs := liteAddressTable(table)
			stmts = append(stmts,
				// Clustered by message: a query reads a message's addresses
				// together, with no lookup.
				fmt.Sprintf(`CREATE TABLE %q (rid INTEGER NOT NULL, a NOT NULL, n, g, d, k, PRIMARY KEY (rid, a)) WITHOUT ROWID`, addrs),
				fmt.Sprintf(`INSERT INTO %q %s`, addrs, sp.addressSelect(table)))
			if sp.tally {
				stmts = append(stmts, tallySchema(table)...)
			}
			ins = append(ins, fmt.Sprintf(`INSERT INTO %q %s;`, addrs, sp.addressSelect("")))
			del = append(del, fmt.Sprintf(`DELETE FROM %q WHERE rid = old.rowid;`, addrs))
		}
		if sp.queues {
			stmts = append(stmts, queueSchema(table)...)
			ins = append(ins, queueAdd(table, "new", 1))
			del = append(del, queueAdd(table, "old", -1))
		}
		if sp.search {
			stmts = append(stmts,
				fmt.Sprintf(`CREATE TABLE %q (rid INTEGER NOT NULL, w)`, words),
				fmt.Sprintf(`INSERT INTO %q %s`, words, wordSelect(table)),
				fmt.Sprintf(`CREATE INDEX %q ON %q (w, rid)`, words+"_w", words),
				// A document's words by document: checking that one row has
				// a word with a prefix is one seek, not a scan of every
				// word with that prefix.
				fmt.Sprintf(`CREATE INDEX %q ON %q (rid, w)`, words+"_rid", words))
			ins = append(ins, fmt.Sprintf(`INSERT INTO %q %s;`, words, wordSelect("")))
			del = append(del, fmt.Sprintf(`DELETE FROM %q WHERE rid = old.rowid;`, words))
		}
		stmts = append(stmts,
			fmt.Sprintf(`CREATE TRIGGER %q AFTER INSERT ON %q BEGIN %s END`, trig+"_i", table, strings.Join(ins, " ")),
			fmt.Sprintf(`CREATE TRIGGER %q AFTER DELETE ON %q BEGIN %s END`, trig+"_d", table, strings.Join(del, " ")),
			fmt.Sprintf(`CREATE TRIGGER %q AFTER UPDATE ON %q BEGIN %s %s END`, trig+"_u", table, strings.Join(del, " "), strings.Join(ins, " ")))
		return stmts
	})
}

// addOnce runs the statements of build on table when its trigger is
// missing: a new table, one the engine dropped and made again, or one an
// older version equipped (whatever was added before is stale and dropped
// first). All of it is one write transaction, so that no write of the
// engine falls between a fill and the triggers that keep it.
func addOnce(ctx context.Context, db *sql.DB, table, trigger string, build func() []string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?`, trigger).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		if err := dropAdded(ctx, conn, table); err != nil {
			return err
		}
		if err := buildFromCopy(ctx, conn, table, build()); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	done = true
	return nil
}

// fillCopy is the temporary table the fills of addOnce read: the engine's
// documents parsed once into SQLite's binary JSON.
const fillCopy = "alz_fill"

// buildFromCopy runs stmts, in the caller's transaction, with the fills
// (every statement reads the documents as %q AS r) reading a temporary
// JSONB copy of table instead: each document is then parsed once rather
// than once per fill and per array of the spec (the messages' fills read
// every document a dozen times; parsing was most of a bulk load's
// rebuild). JSON functions answer the same on JSONB as on the text
// (TestBulkRebuildMatchesTriggers compares them with the triggers' rows).
func buildFromCopy(ctx context.Context, conn *sql.Conn, table string, stmts []string) error {
	from, copied := fmt.Sprintf("%q AS r", table), fmt.Sprintf("temp.%q AS r", fillCopy)
	setup := []string{
		fmt.Sprintf(`DROP TABLE IF EXISTS temp.%q`, fillCopy),
		fmt.Sprintf(`CREATE TEMP TABLE %q (rowid INTEGER PRIMARY KEY, _ferretdb_sjson BLOB)`, fillCopy),
		fmt.Sprintf(`INSERT INTO temp.%q SELECT rowid, jsonb(_ferretdb_sjson) FROM %q`, fillCopy, table),
	}
	for _, q := range slices.Concat(setup, stmts, []string{fmt.Sprintf(`DROP TABLE temp.%q`, fillCopy)}) {
		if strings.HasPrefix(q, "INSERT INTO") {
			q = strings.ReplaceAll(q, from, copied)
		}
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// dropAdded drops what the store added to table (but its _id index):
// triggers first, then virtual tables (which take their own tables along),
// then the rest.
func dropAdded(ctx context.Context, conn *sql.Conn, table string) error {
	for {
		var typ, name string
		err := conn.QueryRowContext(ctx, `SELECT type, name FROM sqlite_master WHERE name GLOB ? AND name != ?
			ORDER BY type = 'trigger' DESC, sql GLOB 'CREATE VIRTUAL*' DESC, type = 'table' DESC LIMIT 1`,
			table+"_alz_*", table+"_alz_id").Scan(&typ, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("DROP %s %q", strings.ToUpper(typ), name)); err != nil {
			return err
		}
	}
}

// liteSelective is how many member rows make a filter unselective: a page
// is then found by walking the sort's index rather than the member rows.
const liteSelective = 2000

// errNoPushdown: this find is not one the spec can answer; use the engine.
var errNoPushdown = errors.New("store: not pushed down")

// sqlWhere builds the SQL condition of a filter.
type sqlWhere struct {
	sp             *liteSpec
	members, words string
	args           []any
	// cols maps scalar paths to other columns than the row table's (see
	// col).
	cols map[string]string
	// wordIn, when set, says which search terms select their rows by the
	// word index (the others are checked row by row; see planWords).
	wordIn map[string]bool
	// wordDriver is the term whose rows the FROM clause reads (see
	// liteDocs): its condition holds for every row read.
	wordDriver string
	// selective says whether the member rows "SELECT ... <sub>" selects
	// with args are few; nil when the query has no sort and limit.
	selective func(sub string, args []any) bool
}

var searchRegex = regexp.MustCompile(`^\(\^\| \)(.+)$`)

func (w *sqlWhere) doc(filter bson.D) (string, error) {
	if len(filter) == 0 {
		return "1", nil
	}
	parts := make([]string, 0, len(filter))
	for _, e := range filter {
		var c string
		var err error
		switch e.Key {
		case "$and", "$or":
			c, err = w.list(e.Key, e.Value)
		default:
			if strings.HasPrefix(e.Key, "$") {
				return "", errNoPushdown
			}
			c, err = w.field(e.Key, e.Value)
		}
		if err != nil {
			return "", err
		}
		parts = append(parts, c)
	}
	return "(" + strings.Join(parts, " AND ") + ")", nil
}

func (w *sqlWhere) list(op string, v any) (string, error) {
	var items []bson.D
	switch a := v.(type) {
	case bson.A:
		for _, x := range a {
			d, ok := x.(bson.D)
			if !ok {
				return "", errNoPushdown
			}
			items = append(items, d)
		}
	case []bson.D:
		items = a
	default:
		return "", errNoPushdown
	}
	if len(items) == 0 {
		return "", errNoPushdown // MongoDB refuses an empty $and/$or
	}
	join := " AND "
	if op == "$or" {
		join = " OR "
		if c, ok := w.keyset(items); ok {
			return c, nil
		}
	}
	parts := make([]string, 0, len(items))
	for _, d := range items {
		c, err := w.doc(d)
		if err != nil {
			return "", err
		}
		parts = append(parts, c)
	}
	return "(" + strings.Join(parts, join) + ")", nil
}

// keyset answers the cursor condition of Store.keyset, [{f: {$lt: v}},
// {f: v, _id: {$lt: id}}] (or $gt), as one row-value comparison that an
// index on (f, _id) serves as a range.
func (w *sqlWhere) keyset(items []bson.D) (string, bool) {
	if len(items) != 2 || len(items[0]) != 1 || len(items[1]) != 2 || items[1][1].Key != "_id" {
		return "", false
	}
	f := items[0][0].Key
	ops, ok := items[0][0].Value.(bson.D)
	idOps, ok2 := items[1][1].Value.(bson.D)
	if !ok || !ok2 || len(ops) != 1 || len(idOps) != 1 || ops[0].Key != idOps[0].Key || items[1][0].Key != f ||
		(ops[0].Key != "$lt" && ops[0].Key != "$gt") || !w.sp.isScalar(f) || f == "_id" {
		return "", false
	}
	if _, isDoc := items[1][0].Value.(bson.D); isDoc || fmt.Sprint(ops[0].Value) != fmt.Sprint(items[1][0].Value) {
		return "", false
	}
	n := len(w.args)
	v, err := w.bind(f, ops[0].Value)
	if err == nil {
		_, err = w.bind("_id", idOps[0].Value)
	}
	if err != nil {
		w.args = w.args[:n]
		return "", false
	}
	typ := "integer"
	if _, isStr := v.(string); isStr {
		typ = "text"
	}
	cmp := map[string]string{"$lt": "<", "$gt": ">"}[ops[0].Key]
	return fmt.Sprintf("((%s, %s) %s (?, ?) AND typeof(%s) = '%s')", w.col(f), w.col("_id"), cmp, w.col(f), typ), true
}

// field builds the condition on one path: a literal or an operator document.
func (w *sqlWhere) field(path string, v any) (string, error) {
	ops, isOps := v.(bson.D)
	if isOps && (len(ops) == 0 || !strings.HasPrefix(ops[0].Key, "$")) {
		return "", errNoPushdown // equality with a whole document
	}
	if !isOps {
		ops = bson.D{{Key: "$eq", Value: v}}
	}
	parts := make([]string, 0, len(ops))
	for _, op := range ops {
		c, err := w.op(path, op.Key, op.Value)
		if err != nil {
			return "", err
		}
		parts = append(parts, c)
	}
	return "(" + strings.Join(parts, " AND ") + ")", nil
}

func (w *sqlWhere) op(path, op string, v any) (string, error) {
	if path == "search" && op == "$regex" && w.sp.search {
		return w.wordPrefix(v)
	}
	switch {
	case w.sp.isScalar(path):
		return w.scalarOp(path, op, v)
	case w.sp.isMember(path):
		return w.memberOp(path, op, v)
	}
	return "", errNoPushdown
}

func (w *sqlWhere) scalarOp(path, op string, v any) (string, error) {
	expr := w.col(path)
	switch op {
	case "$eq", "$ne":
		if v == nil {
			if op == "$eq" {
				return expr + " IS NULL", nil // null or missing, as in MongoDB
			}
			return expr + " IS NOT NULL", nil
		}
		if _, err := w.bind(path, v); err != nil {
			return "", err
		}
		if op == "$eq" {
			return expr + " = ?", nil
		}
		return "(" + expr + " IS NULL OR " + expr + " != ?)", nil // $ne matches a missing field
	case "$in", "$nin":
		ph, err := w.values(path, v)
		if err != nil {
			return "", err
		}
		if op == "$in" {
			if ph == "" {
				return "0", nil
			}
			return expr + " IN (" + ph + ")", nil
		}
		if ph == "" {
			return "1", nil
		}
		return "(" + expr + " IS NULL OR " + expr + " NOT IN (" + ph + "))", nil
	case "$lt", "$lte", "$gt", "$gte":
		x, err := w.bind(path, v)
		if err != nil {
			return "", err
		}
		cmp := map[string]string{"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}[op]
		// A range only matches values of the bound's type, as in MongoDB:
		// dates and numbers are SQL integers, strings are text.
		typ := "text"
		if _, isStr := x.(string); !isStr {
			typ = "integer"
		}
		return fmt.Sprintf("(%s %s ? AND typeof(%s) = '%s')", expr, cmp, expr, typ), nil
	}
	return "", errNoPushdown
}

func (w *sqlWhere) memberOp(path, op string, v any) (string, error) {
	var ph string
	switch op {
	case "$eq", "$ne":
		if _, err := w.bind(path, v); err != nil {
			return "", err
		}
		ph = "?"
	case "$in", "$nin":
		var err error
		if ph, err = w.values(path, v); err != nil {
			return "", err
		}
	default:
		return "", errNoPushdown
	}
	if ph == "" {
		if op == "$in" {
			return "0", nil
		}
		return "1", nil
	}
	sub := fmt.Sprintf("FROM %q WHERE f = '%s' AND v IN (%s)", w.members, path, ph)
	if op == "$ne" || op == "$nin" {
		return "NOT EXISTS (SELECT 1 " + sub + " AND rid = r.rowid)", nil
	}
	return w.rowsIn(sub, strings.Count(ph, "?")), nil
}

// rowsIn is the condition that the row is among those "SELECT rid <sub>"
// selects (sub's n last arguments are the last n of w.args).
func (w *sqlWhere) rowsIn(sub string, n int) string {
	if w.selective == nil || w.selective(sub, w.args[len(w.args)-n:]) {
		// Few rows: read them through their index, then sort.
		return "r.rowid IN (SELECT rid " + sub + ")"
	}
	// Many rows: walk the sort's index and stop at the page's end.
	return "EXISTS (SELECT 1 " + sub + " AND rid = r.rowid)"
}

// wordSelect is the SELECT of (rid, w) rows of the search words of the
// trigger's new row, or of every row of table when it is set: the stored
// words are separated by single spaces, and json_quote escapes all but
// the spaces, so replacing each space by "," makes a JSON array of them.
func wordSelect(table string) string {
	ref, from := rowSource(table)
	if from != "" {
		from += ", "
	}
	return fmt.Sprintf(`SELECT %[1]s.rowid, value FROM %[2]sjson_each('[' || replace(json_quote(coalesce(%[1]s._ferretdb_sjson->>'$.search', '')), ' ', '","') || ']') WHERE value != ''`, ref, from)
}

// wordPrefix answers the word-prefix regex searchFilter builds, "(^| )" and a
// quoted term: a stored word starts with the term, a range of the word
// index (every word with the prefix sorts below the prefix + 0xff byte).
func (w *sqlWhere) wordPrefix(v any) (string, error) {
	term, err := wordTerm(v)
	if err != nil {
		return "", err
	}
	if term == w.wordDriver {
		return "1", nil
	}
	w.args = append(w.args, term, term+"\xff")
	sub := fmt.Sprintf("FROM %q WHERE w >= ? AND w < ?", w.words)
	if w.wordIn != nil {
		if w.wordIn[term] {
			return "r.rowid IN (SELECT rid " + sub + ")", nil
		}
		return "EXISTS (SELECT 1 " + sub + " AND rid = r.rowid)", nil
	}
	return w.rowsIn(sub, 2), nil
}

// wordTerm is the term of a word-prefix regex (see wordPrefix).
func wordTerm(v any) (string, error) {
	var pattern string
	switch r := v.(type) {
	case string:
		pattern = r
	case bson.Regex:
		if r.Options != "" {
			return "", errNoPushdown
		}
		pattern = r.Pattern
	default:
		return "", errNoPushdown
	}
	m := searchRegex.FindStringSubmatch(pattern)
	if m == nil {
		return "", errNoPushdown
	}
	term := unquoteMeta(m[1])
	if term == "" || regexp.QuoteMeta(term) != m[1] || strings.ContainsAny(term, " ") {
		return "", errNoPushdown
	}
	return term, nil
}

func unquoteMeta(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (w *sqlWhere) values(path string, v any) (string, error) {
	var list []any
	switch a := v.(type) {
	case bson.A:
		list = a
	case []string:
		for _, x := range a {
			list = append(list, x)
		}
	case []bson.ObjectID:
		for _, x := range a {
			list = append(list, x)
		}
	default:
		return "", errNoPushdown
	}
	ph := make([]string, 0, len(list))
	for _, x := range list {
		if x == nil {
			return "", errNoPushdown
		}
		y, err := w.value(path, x)
		if err != nil {
			return "", err
		}
		w.args = append(w.args, y)
		ph = append(ph, "?")
	}
	return strings.Join(ph, ", "), nil
}

// bind adds the SQL form of a non-null literal to the arguments.
func (w *sqlWhere) bind(path string, v any) (any, error) {
	if v == nil {
		return nil, errNoPushdown
	}
	x, err := w.value(path, v)
	if err != nil {
		return nil, err
	}
	w.args = append(w.args, x)
	return x, nil
}

// value is the SQL form of a literal as the engine stores it.
func (w *sqlWhere) value(path string, v any) (any, error) {
	var x any
	switch t := v.(type) {
	case string:
		x = t
	case bson.ObjectID:
		x = t.Hex()
	case bool:
		if t {
			x = int64(1)
		} else {
			x = int64(0)
		}
	case int:
		x = int64(t)
	case int32:
		x = int64(t)
	case int64:
		x = t
	case time.Time:
		x = sjsonTime(t)
	case bson.DateTime:
		x = int64(t)
	default:
		return nil, errNoPushdown
	}
	if path == "_id" {
		s, ok := x.(string)
		if !ok {
			return nil, errNoPushdown
		}
		return `"` + s + `"`, nil // the engine's JSON form
	}
	return x, nil
}

// findPlan reads the parts of find options the pushdown supports.
type findPlan struct {
	sort       bson.D
	limit      int64
	projection bson.D
}

func planOf(opts coll.FindOptions) (findPlan, error) {
	if opts.Hint != nil {
		return findPlan{}, errNoPushdown
	}
	p := findPlan{sort: opts.Sort, limit: opts.Limit, projection: opts.Projection}
	if p.limit < 0 {
		p.limit = -p.limit
	}
	return p, nil
}

// liteDocs answers a find through SQLite as the BSON documents the engine
// would send, when the spec of col answers it; errNoPushdown otherwise.
func (s *Store) liteDocs(ctx context.Context, col string, filter bson.D, opts coll.FindOptions) ([]bson.Raw, error) {
	sp, ok := liteSpecs[col]
	if !ok || s.lite == nil || s.noPushdown {
		return nil, errNoPushdown
	}
	plan, err := planOf(opts)
	if err != nil {
		return nil, err
	}
	if s.observe != nil {
		s.observe(col, filter, plan.sort)
	}
	keep, err := projector(plan.projection)
	if err != nil {
		return nil, err
	}
	db, tables, err := s.liteDB(ctx)
	if err != nil {
		return nil, errNoPushdown
	}
	table, ok := tables[col]
	if !ok {
		return nil, errNoPushdown // no table yet: the engine answers "nothing"
	}
	rowsTable, members, words, _ := liteNames(table)
	w := &sqlWhere{sp: sp, members: members, words: words}
	if len(plan.sort) > 0 && plan.limit > 0 {
		w.selective = func(sub string, args []any) bool {
			var n int
			q := fmt.Sprintf("SELECT count(*) FROM (SELECT 1 %s LIMIT %d)", sub, liteSelective)
			return db.QueryRowContext(ctx, q, args...).Scan(&n) != nil || n < liteSelective
		}
	}
	from, driven, dargs := fmt.Sprintf("%q AS r", rowsTable), "", []any(nil)
	if rest, path, val, ok := sp.memberDriver(filter, plan); ok && w.selective != nil {
		// For a value with few documents; with many, only when the rest
		// of the filter only excludes values (noNarrowing): another
		// condition could select far fewer. Otherwise the page would walk
		// the sort's index over every document, checking each one's member
		// rows (a Lima manager's queue read five times the rows it shows),
		// where the member index lists the value's documents alone in
		// that order.
		if v, err := w.value(path, val); err == nil && (noNarrowing(rest) || w.selective(fmt.Sprintf("FROM %q WHERE f = '%s' AND v IN (?)", members, path), []any{v})) {
			filter, dargs = rest, []any{v}
			from, driven = w.drive(rowsTable, path)
			driven += " AND "
		}
	}
	if sp.search && len(plan.sort) > 0 && plan.limit > 0 {
		t, err := w.planWords(ctx, db, rowsTable, filter, plan.sort, plan.limit)
		if err != nil {
			return nil, fmt.Errorf("store: find %s in SQLite: %w", col, err)
		}
		if t != "" && driven == "" {
			// Read the chosen term's rows first, whatever index SQLite
			// would pick for the other conditions: without statistics it
			// takes an equality's index (the stakeholders' archived flag)
			// and walks every row of the value, checking each against the
			// term's rows.
			from = fmt.Sprintf("(SELECT DISTINCT rid FROM %q WHERE w >= ? AND w < ?) AS x CROSS JOIN %q AS r ON r.rowid = x.rid", words, rowsTable)
			dargs, w.wordDriver = []any{t, t + "\xff"}, t
		}
	}
	where, err := w.doc(filter)
	if err != nil {
		return nil, err
	}
	// The page is chosen on the row table alone (its columns, indexes and
	// the member and word tables); only then are the page's documents read.
	order := []string{"r.rowid"} // the engine's natural order
	if len(plan.sort) > 0 {
		order = nil
		for _, e := range plan.sort {
			if !sp.isScalar(e.Key) {
				return nil, errNoPushdown
			}
			dir := " ASC"
			switch e.Value {
			case 1, int32(1), int64(1):
			case -1, int32(-1), int64(-1):
				dir = " DESC"
			default:
				return nil, errNoPushdown
			}
			order = append(order, w.col(e.Key)+dir)
		}
	}
	q := fmt.Sprintf(`SELECT r.rowid FROM %s WHERE %s%s ORDER BY %s`, from, driven, where, strings.Join(order, ", "))
	if plan.limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", plan.limit)
	}
	docs, err := litePage(ctx, db, table, q, append(dargs, w.args...), func(raw []byte) (bson.Raw, error) { return decodeSJSON(raw, keep) })
	if err != nil {
		return nil, fmt.Errorf("store: find %s in SQLite: %w", col, err)
	}
	s.liteHits.Add(1)
	return docs, nil
}

// decodeAll decodes docs into results, a pointer to a slice, as the
// driver's Cursor.All does, but without a cursor: a cursor made from
// documents encodes each one again, and its decoder gives each document a
// new buffered reader (most of a page's decoding).
func decodeAll(docs []bson.Raw, results any) error {
	rv := reflect.ValueOf(results)
	if rv.Kind() != reflect.Pointer {
		return fmt.Errorf("store: results must be a pointer to a slice, not %s", rv.Kind())
	}
	list := rv.Elem()
	if list.Kind() == reflect.Interface {
		list = list.Elem()
	}
	if list.Kind() != reflect.Slice {
		return fmt.Errorf("store: results must be a pointer to a slice, not to %s", list.Kind())
	}
	if list.Cap() < len(docs) {
		// One allocation for the page, not one per doubling.
		list = reflect.MakeSlice(list.Type(), len(docs), len(docs))
	} else {
		list = list.Slice(0, len(docs))
	}
	for i, doc := range docs {
		el := list.Index(i)
		el.SetZero() // a reused element keeps no field the document lacks
		if err := bson.Unmarshal(doc, el.Addr().Interface()); err != nil {
			return fmt.Errorf("store: decode: %w", err)
		}
	}
	rv.Elem().Set(list.Slice(0, len(docs)))
	return nil
}

// liteCount counts through SQLite the documents of col that filter
// selects, on the row table alone; errNoPushdown when the spec of col does
// not answer the filter.
func (s *Store) liteCount(ctx context.Context, col string, filter, walk bson.D) (int64, error) {
	q, err := s.liteQuery(ctx, col, filter, walk)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := q.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %q AS r WHERE %s`, q.rows, q.where), q.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count %s in SQLite: %w", col, err)
	}
	s.liteHits.Add(1)
	return n, nil
}

// liteQuery is what a query on the row table of col needs: the
// connection, the engine's table, the row table and filter as a WHERE
// condition on it (row alias r) with its arguments; errNoPushdown when
// the spec of col does not answer the filter.
type liteQuery struct {
	db          *sql.DB
	table, rows string
	where       string
	args        []any
}

func (s *Store) liteQuery(ctx context.Context, col string, filter, walk bson.D) (*liteQuery, error) {
	sp, ok := liteSpecs[col]
	if !ok || s.lite == nil || s.noPushdown {
		return nil, errNoPushdown
	}
	if s.observe != nil {
		s.observe(col, filter, walk)
	}
	db, tables, err := s.liteDB(ctx)
	if err != nil {
		return nil, errNoPushdown
	}
	table, ok := tables[col]
	if !ok {
		return nil, errNoPushdown // no table yet: the engine answers "nothing"
	}
	rowsTable, members, words, _ := liteNames(table)
	w := &sqlWhere{sp: sp, members: members, words: words}
	where, err := w.doc(filter)
	if err != nil {
		return nil, err
	}
	return &liteQuery{db: db, table: table, rows: rowsTable, where: where, args: w.args}, nil
}

// projector says which top-level fields an inclusion or exclusion
// projection keeps (nil: all).
func projector(p bson.D) (func(string) bool, error) {
	if len(p) == 0 {
		return nil, nil
	}
	fields := map[string]bool{}
	include, idOut := len(p) == 1 && p[0].Key == "_id", false // {_id: 1} keeps only _id
	for _, e := range p {
		if strings.Contains(e.Key, ".") || strings.HasPrefix(e.Key, "$") {
			return nil, errNoPushdown
		}
		on := false
		switch e.Value {
		case 1, int32(1), int64(1), true:
			on = true
		case 0, int32(0), int64(0), false:
		default:
			return nil, errNoPushdown
		}
		if e.Key == "_id" {
			idOut = !on
			continue
		}
		if len(fields) > 0 && on != include {
			return nil, errNoPushdown // MongoDB refuses a mix
		}
		include = on
		fields[e.Key] = true
	}
	return func(k string) bool {
		if k == "_id" {
			return !idOut
		}
		return include == fields[k]
	}, nil
}

// byIDWhen narrows a write's filter to its _id on the embedded engine,
// which pushes down only a filter that is exactly {_id} and reads the whole
// collection for anything more (a version guard, a status condition). The
// caller holds lockDoc of the _id across this check and the write, which
// serialises this process's writers of the document (the only process
// writing to an embedded engine), so the check and the write stay one step.
// It answers ErrNotFound when the document does not match; on
// MongoDB, or for a filter SQLite cannot answer, the filter is returned as
// is and the write stays atomic on the server.
func (s *Store) byIDWhen(ctx context.Context, col string, filter bson.D) (bson.D, error) {
	var id any
	for _, e := range filter {
		if e.Key == "_id" {
			id = e.Value
		}
	}
	if _, ok := id.(bson.ObjectID); !ok || len(filter) == 1 {
		return filter, nil
	}
	docs, err := s.liteDocs(ctx, col, filter, coll.FindOptions{Limit: 1, Projection: bson.D{{Key: "_id", Value: 1}}})
	if errors.Is(err, errNoPushdown) {
		return filter, nil
	}
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, ErrNotFound
	}
	return bson.D{{Key: "_id", Value: id}}, nil
}
