package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The tally of unmatched senders, kept exact by every message write in its
// own transaction:
//
//   unmatched_refs       one document per unmatched message (not failed) and
//                        distinct address of its from/to/cc: _id
//                        "<message hex>/<address>", the address (a), the
//                        message's date (d) and id (m), and the name the
//                        address has at its first occurrence in the message
//                        (n; named when not empty)
//   unmatched_addresses  one document per address with refs (tallyDoc):
//                        their count, latest date and latest name, and k,
//                        the list's sort key (tallyKey)
//
// A write syncs the refs of the messages it changed (syncRefs) and applies
// the refs it added and removed to the addresses' documents (applyTally);
// removing the ref that set an address's latest date or name recomputes
// them from that address's refs (one index range, limit 1), so a common
// address (the team's mailbox, in nearly every message) costs no more than
// a rare one. Inserts go through insertMessageDocs; record writes of
// messages through commit (tallyChanges); the erasure through
// resyncTally. A folder written before the tally gets it built once
// (ensureUnmatchedTally).

const (
	colUnmatched     = "unmatched_addresses"
	colUnmatchedRefs = "unmatched_refs"
)

func init() {
	registerIndexes(
		indexSpec{colUnmatched, "key", bson.D{{Key: "k", Value: 1}}, false},
		indexSpec{colUnmatchedRefs, "address_named_date", bson.D{{Key: "a", Value: 1}, {Key: "named", Value: 1}, {Key: "d", Value: -1}, {Key: "m", Value: 1}}, false},
	)
}

// tallyRef is one address of one counted message.
type tallyRef struct {
	ID    string        `bson:"_id"`
	Addr  string        `bson:"a"`
	Date  time.Time     `bson:"d"`
	Msg   bson.ObjectID `bson:"m"`
	Name  string        `bson:"n,omitempty"`
	Named bool          `bson:"named"`
}

func (r tallyRef) same(o tallyRef) bool {
	return r.ID == o.ID && r.Date.Equal(o.Date) && r.Name == o.Name && r.Msg == o.Msg && r.Addr == o.Addr
}

// unmatchedProjection reads what the tally needs of a message.
var unmatchedProjection = bson.D{{Key: "from", Value: 1}, {Key: "to", Value: 1}, {Key: "cc", Value: 1},
	{Key: "date", Value: 1}, {Key: "status", Value: 1}, {Key: "unmatched", Value: 1}}

// refsOf are the refs message m should have: one per distinct address of
// from, to and cc (the name of its first occurrence) when m is unmatched
// and not failed (the list shows what the unmatched queue shows).
func refsOf(m *model.Message) []tallyRef {
	if !m.Unmatched || m.Status == model.MessageFailed {
		return nil
	}
	// The date as stored (milliseconds), so that a ref built from a new
	// message equals the same ref read back.
	date := bson.NewDateTimeFromTime(m.Date).Time().UTC()
	var out []tallyRef
	add := func(a model.Address) {
		if a.Address == "" || slices.ContainsFunc(out, func(r tallyRef) bool { return r.Addr == a.Address }) {
			return
		}
		out = append(out, tallyRef{ID: m.ID.Hex() + "/" + a.Address, Addr: a.Address, Date: date, Msg: m.ID, Name: a.Name, Named: a.Name != ""})
	}
	add(m.From)
	for _, l := range [][]model.Address{m.To, m.Cc} {
		for _, a := range l {
			add(a)
		}
	}
	return out
}

// insertMessageDocs inserts messages in batches of bulkBatch, each batch in
// one transaction with the tally of the ones it stored. With skipDups a
// message whose id is taken is skipped (its index comes back), else it
// stops the insert with an error.
func (s *Store) insertMessageDocs(ctx context.Context, docs []model.Message, skipDups bool) ([]int, error) {
	var skipped []int
	for start := 0; start < len(docs); start += bulkBatch {
		batch := docs[start:min(start+bulkBatch, len(docs))]
		var dups []int
		err := s.db.WithTx(ctx, func(ctx context.Context) error {
			var err error
			dups, err = s.insertMessageBatch(ctx, batch, skipDups)
			return err
		})
		if err != nil {
			return skipped, wrap("bulk insert messages", err)
		}
		// The embedded store refreshes its planner's statistics after a
		// large insert made outside a transaction; this one was in one
		// (inside a caller's, the writer is taken: the caller does it).
		if s.embedded != nil && !s.embedded.InTx(ctx) && len(batch)-len(dups) >= bulkBatch {
			if err := s.embedded.Optimize(ctx); err != nil {
				return skipped, wrap("bulk insert messages", err)
			}
		}
		for _, i := range dups {
			skipped = append(skipped, start+i)
		}
	}
	return skipped, nil
}

func (s *Store) insertMessageBatch(ctx context.Context, batch []model.Message, skipDups bool) ([]int, error) {
	taken := map[bson.ObjectID]bool{}
	if skipDups && s.mongo != nil && s.txs {
		// A duplicate key aborts a MongoDB transaction: those stored
		// already are left out instead (one stored meanwhile is a write
		// conflict, which WithTx retries).
		ids := make([]bson.ObjectID, len(batch))
		for i := range batch {
			ids[i] = batch[i].ID
		}
		var found []struct {
			ID bson.ObjectID `bson:"_id"`
		}
		if err := s.col(colMessages).Find(ctx, idsIn(ids), coll.FindOptions{Projection: bson.D{{Key: "_id", Value: 1}}}, &found); err != nil {
			return nil, err
		}
		for _, f := range found {
			taken[f.ID] = true
		}
	}
	var dups []int
	docs := make([]any, 0, len(batch))
	idx := make([]int, 0, len(batch)) // index in batch of each of docs
	for i := range batch {
		if taken[batch[i].ID] {
			dups = append(dups, i)
			continue
		}
		docs, idx = append(docs, batch[i]), append(idx, i)
	}
	skipped, err := s.col(colMessages).Insert(ctx, docs, coll.InsertOptions{SkipDuplicates: skipDups})
	if err != nil {
		return nil, err
	}
	stored := make([]model.Message, 0, len(docs))
	for j, i := range idx {
		if slices.Contains(skipped, j) {
			dups = append(dups, i)
			continue
		}
		stored = append(stored, batch[i])
	}
	slices.Sort(dups)
	return dups, s.tallyNew(ctx, stored)
}

// tallyMu serialises the tally's writes of the process where the
// database has no transactions (a standalone MongoDB, FerretDB in tests):
// each syncs from the messages as stored when it holds it, so two writers
// (or a writer and the build) cannot interleave their reads and writes.
// Instances sharing such a database may still race: its tally is then as
// exact as its other multi-document writes.
var tallyMu sync.Mutex

func (s *Store) lockTally() func() {
	if s.txs {
		return func() {}
	}
	tallyMu.Lock()
	return tallyMu.Unlock
}

// tallyNew adds to the tally messages just stored: their refs, those
// already there left alone.
func (s *Store) tallyNew(ctx context.Context, msgs []model.Message) error {
	defer s.lockTally()()
	if !s.txs && len(msgs) > 0 {
		// Another writer may have changed them since the insert: read
		// them as they are now.
		ids := make([]bson.ObjectID, len(msgs))
		for i := range msgs {
			ids[i] = msgs[i].ID
		}
		msgs = nil
		if err := s.col(colMessages).Find(ctx, idsIn(ids), coll.FindOptions{Projection: unmatchedProjection}, &msgs); err != nil {
			return wrap("unmatched tally: read messages", err)
		}
	}
	return s.tallyStored(ctx, msgs)
}

// tallyStored adds the refs of msgs, read as they are stored, to the
// tally; those already there are left alone.
func (s *Store) tallyStored(ctx context.Context, msgs []model.Message) error {
	var want []tallyRef
	for i := range msgs {
		want = append(want, refsOf(&msgs[i])...)
	}
	if len(want) == 0 {
		return nil
	}
	ids := make([]string, len(want))
	for i, r := range want {
		ids[i] = r.ID
	}
	var have []tallyRef
	for start := 0; start < len(ids); start += bulkBatch {
		var part []tallyRef
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids[start:min(start+bulkBatch, len(ids))]}}}}
		if err := s.col(colUnmatchedRefs).Find(ctx, filter, coll.FindOptions{}, &part); err != nil {
			return wrap("unmatched tally: read refs", err)
		}
		have = append(have, part...)
	}
	return s.syncRefs(ctx, want, have)
}

// resyncTally brings the refs of the messages with ids in line with the
// messages as stored now, after a write in ctx's transaction changed them.
func (s *Store) resyncTally(ctx context.Context, ids []bson.ObjectID) error {
	defer s.lockTally()()
	var msgs []model.Message
	if err := s.col(colMessages).Find(ctx, idsIn(ids), coll.FindOptions{Projection: unmatchedProjection}, &msgs); err != nil {
		return wrap("unmatched tally: read messages", err)
	}
	var want, have []tallyRef
	for i := range msgs {
		want = append(want, refsOf(&msgs[i])...)
	}
	for _, id := range ids {
		// A message's refs are one range of _id.
		var part []tallyRef
		hx := id.Hex()
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: hx + "/"}, {Key: "$lt", Value: hx + "0"}}}}
		if err := s.col(colUnmatchedRefs).Find(ctx, filter, coll.FindOptions{}, &part); err != nil {
			return wrap("unmatched tally: read refs", err)
		}
		have = append(have, part...)
	}
	return s.syncRefs(ctx, want, have)
}

// tallyFields are the message fields whose change may change its refs.
var tallyFields = map[string]bool{"status": true, "unmatched": true, "from": true, "to": true, "cc": true, "date": true}

// tallyChanges resyncs the messages whose changes (a record write's, in
// its transaction: commit) touched one of tallyFields.
func (s *Store) tallyChanges(ctx context.Context, changes []Change) error {
	var ids []bson.ObjectID
	for _, c := range changes {
		if c.Entity != "message" || !slices.ContainsFunc(c.Fields, func(f model.Change) bool { return tallyFields[f.Field] }) {
			continue
		}
		if id, err := bson.ObjectIDFromHex(c.ID); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return s.resyncTally(ctx, ids)
}

// syncRefs replaces the refs have (those stored for the messages at hand)
// by want, and applies to the addresses' tallies the refs it added and
// removed.
func (s *Store) syncRefs(ctx context.Context, want, have []tallyRef) error {
	stored := make(map[string]tallyRef, len(have))
	for _, r := range have {
		stored[r.ID] = r
	}
	keep := make(map[string]bool, len(want))
	var add, del []tallyRef
	for _, r := range want {
		keep[r.ID] = true
		old, ok := stored[r.ID]
		if ok && old.same(r) {
			continue
		}
		if ok {
			del = append(del, old)
		}
		add = append(add, r)
	}
	for _, r := range have {
		if !keep[r.ID] {
			del = append(del, r)
		}
	}
	for start := 0; start < len(del); start += bulkBatch {
		ids := make([]string, 0, bulkBatch)
		for _, r := range del[start:min(start+bulkBatch, len(del))] {
			ids = append(ids, r.ID)
		}
		if _, err := s.col(colUnmatchedRefs).Delete(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, true); err != nil {
			return wrap("unmatched tally: delete refs", err)
		}
	}
	if len(add) > 0 {
		// Skipping duplicates: without transactions another writer may
		// have stored one meanwhile, and counted it.
		skipped, err := insertBatches(ctx, s, colUnmatchedRefs, add, true)
		if err != nil {
			return err
		}
		for i := len(skipped) - 1; i >= 0; i-- {
			add = slices.Delete(add, skipped[i], skipped[i]+1)
		}
	}
	return s.applyTally(ctx, add, del)
}

// applyTally applies refs added and removed (already written) to their
// addresses' documents.
func (s *Store) applyTally(ctx context.Context, add, del []tallyRef) error {
	type change struct{ add, del []tallyRef }
	by := map[string]*change{}
	at := func(a string) *change {
		if by[a] == nil {
			by[a] = &change{}
		}
		return by[a]
	}
	for _, r := range add {
		at(r.Addr).add = append(at(r.Addr).add, r)
	}
	for _, r := range del {
		at(r.Addr).del = append(at(r.Addr).del, r)
	}
	if len(by) == 0 {
		return nil
	}
	addrs := make([]string, 0, len(by))
	for a := range by {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	docs := map[string]tallyDoc{}
	for start := 0; start < len(addrs); start += bulkBatch {
		var part []tallyDoc
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: addrs[start:min(start+bulkBatch, len(addrs))]}}}}
		if err := s.col(colUnmatched).Find(ctx, filter, coll.FindOptions{}, &part); err != nil {
			return wrap("unmatched tally: read", err)
		}
		for _, d := range part {
			docs[d.Address] = d
		}
	}
	for _, a := range addrs {
		c := by[a]
		d, existed := docs[a]
		if !existed {
			d = tallyDoc{Address: a}
		}
		before := d.Count
		d.Count += len(c.add) - len(c.del)
		recount := !existed && len(c.del) > 0 // removing what was never counted: count again
		recompute := recount || before <= 0 && len(c.del) > 0
		for _, r := range c.del {
			if !r.Date.Before(d.LastAt) || (r.Named && r.Msg == d.NameID) {
				recompute = true // it may have set the latest date or the name
			}
		}
		var err error
		switch {
		case recount:
			var n int64
			n, err = s.col(colUnmatchedRefs).Count(ctx, bson.D{{Key: "a", Value: a}}, 0)
			d.Count = int(n)
			if err == nil && d.Count > 0 {
				err = s.recomputeTally(ctx, &d)
			}
		case d.Count <= 0:
		case recompute:
			err = s.recomputeTally(ctx, &d)
		default:
			for i, r := range c.add {
				d.merge(r, before <= 0 && i == 0)
			}
		}
		if err != nil {
			return err
		}
		if d.Count <= 0 {
			if existed {
				if _, err := s.col(colUnmatched).Delete(ctx, bson.D{{Key: "_id", Value: a}}, false); err != nil {
					return wrap("unmatched tally: delete", err)
				}
			}
			continue
		}
		d.Key = tallyKey(d.Count, d.LastAt.UnixMilli(), a)
		if _, err := s.col(colUnmatched).Replace(ctx, bson.D{{Key: "_id", Value: a}}, d, true); err != nil {
			return wrap("unmatched tally: write", err)
		}
	}
	return nil
}

// merge counts r's date and name in d (first: d had no refs before).
func (d *tallyDoc) merge(r tallyRef, first bool) {
	if first || r.Date.After(d.LastAt) {
		d.LastAt = r.Date
	}
	// The latest message that names the address; ties go to the lowest
	// message id, so that the name never depends on write order.
	if r.Named && (d.Name == "" || r.Date.After(d.NameAt) || (r.Date.Equal(d.NameAt) && r.Msg.Hex() < d.NameID.Hex())) {
		d.Name, d.NameAt, d.NameID = r.Name, r.Date, r.Msg
	}
}

// recomputeTally sets d's latest date and name from its address's refs:
// the latest named and the latest unnamed ref, one index range each.
func (s *Store) recomputeTally(ctx context.Context, d *tallyDoc) error {
	d.Name, d.NameAt, d.NameID = "", time.Time{}, bson.ObjectID{}
	found := false
	for _, named := range []bool{true, false} {
		var top []tallyRef
		filter := bson.D{{Key: "a", Value: d.Address}, {Key: "named", Value: named}}
		opts := coll.FindOptions{Sort: bson.D{{Key: "d", Value: -1}, {Key: "m", Value: 1}}, Limit: 1}
		if err := s.col(colUnmatchedRefs).Find(ctx, filter, opts, &top); err != nil {
			return wrap("unmatched tally: latest ref", err)
		}
		if len(top) == 0 {
			continue
		}
		d.merge(top[0], !found)
		found = true
	}
	return nil
}

// unmatchedTallyKey marks in the kv collection that the tally was built
// from the messages (with the layout's version): from then on the writes
// keep it.
const (
	unmatchedTallyKey    = "tally:unmatched-addresses"
	unmatchedTallyLayout = "1"
)

// tallyBuildMu serialises the builds of the process.
var tallyBuildMu sync.Mutex

// tallyBuildBatch is how many messages a transaction of the build reads
// (tests make it small to build in several).
var tallyBuildBatch = 500

// BuildUnmatchedTally builds the tally of unmatched senders when this
// database has none yet (a folder written before it); the first read of
// the list does it otherwise. The server may call it at start.
func (s *Store) BuildUnmatchedTally(ctx context.Context) error {
	return s.ensureUnmatchedTally(ctx)
}

// ensureUnmatchedTally builds the tally unless it was built. The build
// walks the unmatched messages newest first, a batch at a time, each batch
// read and tallied in one transaction (or under tallyMu where there are
// none; tallyStored): the writes meanwhile keep
// the refs of the messages they change whether or not the build has passed
// them, so a message changed before its batch is read as changed, and one
// changed after is resynced by its writer. Only a batch is held in memory.
func (s *Store) ensureUnmatchedTally(ctx context.Context) error {
	kv := s.KV("")
	if v, err := kv.Get(unmatchedTallyKey); err != nil || string(v) == unmatchedTallyLayout {
		return err
	}
	tallyBuildMu.Lock()
	defer tallyBuildMu.Unlock()
	if v, err := kv.Get(unmatchedTallyKey); err != nil || string(v) == unmatchedTallyLayout {
		return err
	}
	// A build is worth finishing even when the request that started it
	// goes away; each batch is committed on its own anyway.
	ctx = context.WithoutCancel(ctx)
	batch := tallyBuildBatch
	var last *model.Message
	for {
		var n int
		var next *model.Message
		err := s.db.WithTx(ctx, func(ctx context.Context) error {
			defer s.lockTally()()
			filter := bson.D{{Key: "unmatched", Value: true}}
			if last != nil {
				// After the last message read in (date, _id) descending
				// order: a range of the date, then the ties by _id.
				filter = append(filter, bson.E{Key: "date", Value: bson.D{{Key: "$lte", Value: last.Date}}},
					bson.E{Key: "$or", Value: bson.A{
						bson.D{{Key: "date", Value: bson.D{{Key: "$lt", Value: last.Date}}}},
						bson.D{{Key: "_id", Value: bson.D{{Key: "$lt", Value: last.ID}}}},
					}})
			}
			var list []model.Message
			opts := coll.FindOptions{Projection: unmatchedProjection, Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, Limit: int64(batch)}
			if err := s.col(colMessages).Find(ctx, filter, opts, &list); err != nil {
				return wrap("unmatched tally: read messages", err)
			}
			if n = len(list); n > 0 {
				next = &list[n-1] // kept for the next batch once this one commits
			}
			return s.tallyStored(ctx, list)
		})
		if err != nil {
			return fmt.Errorf("store: build unmatched tally: %w", err)
		}
		if n < batch {
			break
		}
		last = next
	}
	return kv.Set(unmatchedTallyKey, []byte(unmatchedTallyLayout), 0)
}
