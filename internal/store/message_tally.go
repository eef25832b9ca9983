package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// ---------------------------------------------------------------------------
// The message tally: how many messages each review queue holds, kept in the
// message writes' transactions, so that the queue's tabs read a few small
// documents instead of counting index ranges that grow with the mailbox.
//
//   message_counts  "meta": {layout}
//                   "r:<regions>" (a message's sorted, distinct regions,
//                   "08,15"; "r:" for none): {c: {"<status>|<u>|<a>": n}},
//                   u "1" when unmatched, a "1" when outbound and not
//                   replied (awaiting a reply once older than the cutoff)
//
// One document per set of regions, not per region: a message in two
// regions is counted once for a scope holding both. Every write to the
// messages collection goes through tallied (Store.col), which reads the
// tallied fields of the documents it changes before and after and applies
// the difference with $inc in the same transaction; a write that touches
// none of those fields costs nothing more. A database without the meta
// document (a folder written before the tally, a migration, a bulk copy
// that wrote the collections directly) rebuilds it on the first read.

const colMessageCounts = "message_counts"

// messageCountsLayout is the version of the tally's keys; an older one is
// rebuilt on first read.
const messageCountsLayout = 1

// tallyPaths are the message fields the tally reads.
var tallyPaths = []string{"regions", "status", "unmatched", "direction", "replied"}

var tallyProjection = func() bson.D {
	p := bson.D{}
	for _, f := range tallyPaths {
		p = append(p, bson.E{Key: f, Value: 1})
	}
	return p
}()

// tallied is what the tally needs of a message. Replied is a pointer: the
// queue's filter asks replied: false, which a message without the field
// does not match.
type tallied struct {
	ID        bson.ObjectID `bson:"_id"`
	Regions   []string      `bson:"regions"`
	Status    string        `bson:"status"`
	Unmatched bool          `bson:"unmatched"`
	Direction string        `bson:"direction"`
	Replied   *bool         `bson:"replied"`
}

// regionSet is the tally document's id part for regions.
func regionSet(regions []string) string {
	r := slices.Clone(regions)
	slices.Sort(r)
	return strings.Join(slices.Compact(r), ",")
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// cell is the count key of m within its region set's document.
func (m tallied) cell() string {
	awaiting := m.Direction == model.Outbound && m.Replied != nil && !*m.Replied
	return m.Status + "|" + flag(m.Unmatched) + "|" + flag(awaiting)
}

// tallyDelta is region set -> cell -> change.
type tallyDelta map[string]map[string]int

func (d tallyDelta) add(ms []tallied, n int) {
	for _, m := range ms {
		set := regionSet(m.Regions)
		if d[set] == nil {
			d[set] = map[string]int{}
		}
		d[set][m.cell()] += n
	}
}

// apply adds the delta to the tally documents.
func (d tallyDelta) apply(ctx context.Context, s *Store) error {
	for set, cells := range d {
		inc := bson.D{}
		for _, k := range slices.Sorted(maps.Keys(cells)) {
			if cells[k] != 0 {
				inc = append(inc, bson.E{Key: "c." + k, Value: cells[k]})
			}
		}
		if len(inc) == 0 {
			continue
		}
		_, err := s.db.Collection(colMessageCounts).Update(ctx, bson.D{{Key: "_id", Value: "r:" + set}},
			bson.D{{Key: "$inc", Value: inc}}, coll.UpdateOptions{Upsert: true})
		if err != nil {
			return wrap("count messages: keep the tally", err)
		}
	}
	return nil
}

// talliedMessages is the messages collection with the tally kept in its
// writes (Store.col hands it out for colMessages).
type talliedMessages struct {
	coll.Collection
	s *Store
}

// read returns the tallied fields of the documents filter selects (the
// first only unless many), in batches of ids when filter is a long list.
func (t talliedMessages) read(ctx context.Context, filter bson.D, many bool) ([]tallied, error) {
	var out []tallied
	opts := coll.FindOptions{Projection: tallyProjection}
	if !many {
		opts.Limit = 1
	}
	err := t.Collection.Find(ctx, filter, opts, &out)
	return out, err
}

// readIDs returns the tallied fields of the documents with ids.
func (t talliedMessages) readIDs(ctx context.Context, ids []bson.ObjectID) ([]tallied, error) {
	var out []tallied
	for start := 0; start < len(ids); start += bulkBatch {
		var part []tallied
		if err := t.Collection.Find(ctx, idsIn(ids[start:min(start+bulkBatch, len(ids))]), coll.FindOptions{Projection: tallyProjection}, &part); err != nil {
			return nil, err
		}
		out = append(out, part...)
	}
	return out, nil
}

func talliedIDs(ms []tallied) []bson.ObjectID {
	ids := make([]bson.ObjectID, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}

// touchesTally tells whether update may change a tallied field.
func touchesTally(update bson.D) bool {
	for _, op := range update {
		fields, ok := op.Value.(bson.D)
		if !ok {
			return true // not the operator form the store sends: assume so
		}
		for _, f := range fields {
			top, _, _ := strings.Cut(f.Key, ".")
			if slices.Contains(tallyPaths, top) {
				return true
			}
		}
	}
	return false
}

// change runs write between a read of the documents it changes (before)
// and of the same documents after (after answers them), in one
// transaction, and applies the difference to the tally.
func (t talliedMessages) change(ctx context.Context, filter bson.D, many bool, write func(ctx context.Context) error,
	after func(ctx context.Context, before []tallied) ([]tallied, error)) error {
	return t.s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := t.read(ctx, filter, many)
		if err != nil {
			return err
		}
		if err := write(ctx); err != nil {
			return err
		}
		now, err := after(ctx, before)
		if err != nil {
			return err
		}
		d := tallyDelta{}
		d.add(before, -1)
		d.add(now, 1)
		return d.apply(ctx, t.s)
	})
}

// sameAfter reads the documents read before again, and the one an upsert
// inserted.
func (t talliedMessages) sameAfter(upserted *any) func(context.Context, []tallied) ([]tallied, error) {
	return func(ctx context.Context, before []tallied) ([]tallied, error) {
		ids := talliedIDs(before)
		if id, ok := (*upserted).(bson.ObjectID); ok {
			ids = append(ids, id)
		}
		return t.readIDs(ctx, ids)
	}
}

// Insert implements coll.Collection.
func (t talliedMessages) Insert(ctx context.Context, docs []any, opts coll.InsertOptions) ([]int, error) {
	ins := func(ctx context.Context) ([]int, error) {
		skipped, err := t.Collection.Insert(ctx, docs, opts)
		if err != nil {
			return skipped, err
		}
		var stored []tallied
		for i, doc := range docs {
			if slices.Contains(skipped, i) {
				continue
			}
			m, err := talliedOf(doc)
			if err != nil {
				return skipped, err
			}
			stored = append(stored, m)
		}
		d := tallyDelta{}
		d.add(stored, 1)
		return skipped, d.apply(ctx, t.s)
	}
	if opts.SkipDuplicates && t.s.embedded == nil {
		// A refused duplicate aborts a MongoDB transaction: the insert
		// commits on its own and the tally right after it.
		return ins(ctx)
	}
	var skipped []int
	err := t.s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		skipped, err = ins(ctx)
		return err
	})
	return skipped, err
}

// talliedOf reads the tallied fields of a document to insert.
func talliedOf(doc any) (tallied, error) {
	switch m := doc.(type) {
	case model.Message:
		return talliedOf(&m)
	case *model.Message:
		replied := m.Replied
		return tallied{ID: m.ID, Regions: m.Regions, Status: m.Status, Unmatched: m.Unmatched, Direction: m.Direction, Replied: &replied}, nil
	}
	raw, err := bson.Marshal(doc)
	if err != nil {
		return tallied{}, fmt.Errorf("store: count messages: %w", err)
	}
	var out tallied
	if err := bson.Unmarshal(raw, &out); err != nil {
		return tallied{}, fmt.Errorf("store: count messages: %w", err)
	}
	return out, nil
}

// Update implements coll.Collection.
func (t talliedMessages) Update(ctx context.Context, filter, update bson.D, opts coll.UpdateOptions) (coll.Result, error) {
	if !touchesTally(update) {
		return t.Collection.Update(ctx, filter, update, opts)
	}
	var res coll.Result
	err := t.change(ctx, filter, opts.Many, func(ctx context.Context) error {
		var err error
		res, err = t.Collection.Update(ctx, filter, update, opts)
		return err
	}, t.sameAfter(&res.UpsertedID))
	return res, err
}

// Replace implements coll.Collection.
func (t talliedMessages) Replace(ctx context.Context, filter bson.D, doc any, upsert bool) (coll.Result, error) {
	var res coll.Result
	err := t.change(ctx, filter, false, func(ctx context.Context) error {
		var err error
		res, err = t.Collection.Replace(ctx, filter, doc, upsert)
		return err
	}, func(ctx context.Context, before []tallied) ([]tallied, error) {
		if res.Matched == 0 && res.UpsertedID == nil {
			return nil, nil
		}
		m, err := talliedOf(doc)
		return []tallied{m}, err
	})
	return res, err
}

// FindOneAndUpdate implements coll.Collection.
func (t talliedMessages) FindOneAndUpdate(ctx context.Context, filter, update bson.D, opts coll.UpdateOptions, out any) error {
	if !touchesTally(update) {
		return t.Collection.FindOneAndUpdate(ctx, filter, update, opts, out)
	}
	// The document updated is the first in opts.Sort's order; the tally's
	// read before takes the same one.
	return t.s.db.WithTx(ctx, func(ctx context.Context) error {
		var before []tallied
		if err := t.Collection.Find(ctx, filter, coll.FindOptions{Projection: tallyProjection, Sort: opts.Sort, Limit: 1}, &before); err != nil {
			return err
		}
		if err := t.Collection.FindOneAndUpdate(ctx, filter, update, opts, out); err != nil {
			return err
		}
		var now []tallied
		var err error
		if len(before) > 0 {
			now, err = t.readIDs(ctx, talliedIDs(before))
		} else { // upserted: the new document matches filter
			now, err = t.read(ctx, filter, false)
		}
		if err != nil {
			return err
		}
		d := tallyDelta{}
		d.add(before, -1)
		d.add(now, 1)
		return d.apply(ctx, t.s)
	})
}

// Delete implements coll.Collection.
func (t talliedMessages) Delete(ctx context.Context, filter bson.D, many bool) (int64, error) {
	var n int64
	err := t.change(ctx, filter, many, func(ctx context.Context) error {
		var err error
		n, err = t.Collection.Delete(ctx, filter, many)
		return err
	}, func(context.Context, []tallied) ([]tallied, error) { return nil, nil })
	return n, err
}

// messageTally reads the tally documents, building them first when there
// are none or an older layout wrote them: region set -> its counts (the
// "c" document as stored, walked by the caller; decoding every set's
// counts into maps was most of a regional manager's tab counts at scale
// 10, where the sets outside their scope are most of them).
func (s *Store) messageTally(ctx context.Context) (map[string]bsoncore.Document, error) {
	read := func() (map[string]bsoncore.Document, bool, error) {
		var docs []bson.Raw
		if err := s.db.Collection(colMessageCounts).Find(ctx, bson.D{}, coll.FindOptions{}, &docs); err != nil {
			return nil, false, wrap("count messages: read the tally", err)
		}
		out := map[string]bsoncore.Document{}
		built := false
		for _, d := range docs {
			id, _ := d.Lookup("_id").StringValueOK()
			if id == "meta" {
				layout, ok := d.Lookup("layout").AsInt64OK()
				built = ok && layout == messageCountsLayout
			} else if set, ok := strings.CutPrefix(id, "r:"); ok {
				c, _ := d.Lookup("c").DocumentOK()
				out[set] = bsoncore.Document(c)
			}
		}
		return out, built, nil
	}
	out, built, err := read()
	if err != nil || built {
		return out, err
	}
	// One rebuild for the requests that found none meanwhile.
	rebuildTallyMu.Lock()
	defer rebuildTallyMu.Unlock()
	if out, built, err = read(); err != nil || built {
		return out, err
	}
	if err := s.rebuildMessageCounts(ctx); err != nil {
		return nil, err
	}
	out, built, err = read()
	if err == nil && !built {
		err = errors.New("store: count messages: the tally is missing after its rebuild")
	}
	return out, err
}

// rebuildTallyMu keeps one rebuild of the tally at a time in this process.
var rebuildTallyMu sync.Mutex

// tallyScanBatch is how many messages one read of a rebuild decodes.
const tallyScanBatch = 5000

// rebuildMessageCounts recomputes the message tally from the messages, in
// one transaction with the writes it would otherwise miss: a few seconds at
// 500,000 messages, once per database (its first count, or after a load
// that wrote the collections directly). The caller holds rebuildTallyMu.
func (s *Store) rebuildMessageCounts(ctx context.Context) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		d := tallyDelta{}
		var after bson.ObjectID
		for {
			var part []tallied
			filter := bson.D{}
			if !after.IsZero() {
				filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}}
			}
			// In _id order: a whole-collection read is an _id walk.
			opts := coll.FindOptions{Projection: tallyProjection, Sort: bson.D{{Key: "_id", Value: 1}}, Limit: tallyScanBatch}
			if err := s.db.Collection(colMessages).Find(ctx, filter, opts, &part); err != nil {
				return wrap("count messages: rebuild the tally", err)
			}
			d.add(part, 1)
			if len(part) < tallyScanBatch {
				break
			}
			after = part[len(part)-1].ID
		}
		counts := s.db.Collection(colMessageCounts)
		if _, err := counts.Delete(ctx, bson.D{}, true); err != nil {
			return wrap("count messages: rebuild the tally", err)
		}
		docs := []any{bson.D{{Key: "_id", Value: "meta"}, {Key: "layout", Value: messageCountsLayout}}}
		for set, cells := range d {
			docs = append(docs, bson.D{{Key: "_id", Value: "r:" + set}, {Key: "c", Value: cells}})
		}
		_, err := counts.Insert(ctx, docs, coll.InsertOptions{})
		return wrap("count messages: rebuild the tally", err)
	})
}

// talliedCounts answers MessageCounts from the tally: the sums of the
// region sets the scope (or f.Region) sees, with failed messages only when
// f includes them; awaiting a reply is the outbound unreplied messages
// less those newer than the cutoff (one small index range).
func (s *Store) talliedCounts(ctx context.Context, scope model.Scope, f MessageFilter) (MessageQueueCounts, error) {
	var out MessageQueueCounts
	if f.Region != "" && !scope.Allows(f.Region) {
		return out, nil
	}
	tally, err := s.messageTally(ctx)
	if err != nil {
		return out, err
	}
	for set, cells := range tally {
		regions := strings.Split(set, ",")
		if set == "" {
			regions = nil
		}
		if f.Region != "" && !slices.Contains(regions, f.Region) || f.Region == "" && !scope.Allows(regions...) {
			continue
		}
		els, err := cells.Elements()
		if err != nil && len(cells) > 0 {
			return out, fmt.Errorf("store: count messages: tally of %q: %w", set, err)
		}
		for _, e := range els {
			k := e.Key()
			n64, ok := e.Value().AsInt64OK()
			parts := strings.Split(k, "|")
			if len(parts) != 3 || !ok {
				return out, fmt.Errorf("store: count messages: bad tally key %q", k)
			}
			n := int(n64)
			status, unmatched, awaiting := parts[0], parts[1] == "1", parts[2] == "1"
			if status == model.MessageFailed && !f.IncludeFailed {
				continue
			}
			out.All += int64(n)
			switch status {
			case model.MessageNew:
				out.New += int64(n)
			case model.MessageFollowUp:
				out.FollowUp += int64(n)
			}
			if unmatched {
				out.Unmatched += int64(n)
			}
			if awaiting {
				out.AwaitingReply += int64(n)
			}
		}
	}
	recent, ok := s.messageFilter(scope, MessageFilter{Region: f.Region, IncludeFailed: f.IncludeFailed,
		From: model.AwaitingCutoff(s.Now(), f.AwaitingReplyDays)})
	if !ok {
		return out, nil
	}
	recent = allOf(recent, bson.D{{Key: "direction", Value: model.Outbound}, {Key: "replied", Value: false}})
	n, err := s.col(colMessages).Count(ctx, recent, 0)
	if err != nil {
		return out, wrap("count messages awaiting a reply", err)
	}
	out.AwaitingReply -= n
	return out, nil
}

// tallyAnswers tells whether the tally holds the counts of f: no filter
// but the region (and the failed messages).
func tallyAnswers(f MessageFilter) bool {
	return f.Status == "" && len(f.Statuses) == 0 && f.MailboxID.IsZero() && f.Folder == "" && f.StakeholderID.IsZero() &&
		!f.Unmatched && !f.AwaitingReply && f.AssigneeID.IsZero() && f.From.IsZero() && f.To.IsZero() && f.Q == ""
}
