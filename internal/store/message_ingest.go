package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Mail ingest: storing synced batches once each, keeping where each message
// was seen, the replied flag of awaiting-reply, and filing (matching) mail
// to stakeholders by address. Which stakeholders a message belongs to is the
// rule model.Match; the review queue and its queries are in messages.go.

// saveMu serialises SaveMessages within the process: the read of which ids
// exist and the writes that follow must not interleave between two syncers
// (other instances are kept apart by the mailbox lease and, for the same
// email in two mailboxes, by the unique _id).
var saveMu sync.Mutex

// knownMessage is what SaveMessages reads of a stored message.
type knownMessage struct {
	ID     bson.ObjectID    `bson:"_id"`
	SeenIn []model.Location `bson:"seen_in"`
}

// MatchFunc files new messages before they are inserted: it sets their
// stakeholders, regions and unmatched flag. workflow.MatchMail is the rule.
type MatchFunc func(ctx context.Context, fresh []*model.Message) error

// SaveMessages stores a batch from the syncer, each message once by its ID,
// and reports for each whether it was new. A new message is filed by match
// (called once per batch with the new ones) and inserted with its body; a known one keeps everything and only gains the
// locations it does not have yet, dropping those of the same mailbox and
// folder with another UIDValidity. Saving the same batch twice changes
// nothing the second time.
func (s *Store) SaveMessages(ctx context.Context, msgs []model.IncomingMessage, match MatchFunc) ([]bool, error) {
	return s.SaveBatch(ctx, msgs, match, nil)
}

// BatchState answers the folder state a synced batch moves the sync to
// (its last UID, its counters), from which of its messages were new.
type BatchState func(created []bool) model.FolderState

// SaveBatch is SaveMessages, then the folder state that state (when not
// nil) answers. On the embedded store the messages, their bodies, the
// tallies, the replied flags and the state commit in one transaction: a
// kill leaves the whole batch with its state or neither, and a first sync
// pays one commit (one fsync) per batch. Elsewhere (MongoDB, where a
// refused duplicate would abort a transaction) the state is written after
// the messages; a failure between the two re-reads the batch, which is
// stored once by id.
func (s *Store) SaveBatch(ctx context.Context, msgs []model.IncomingMessage, match MatchFunc, state BatchState) ([]bool, error) {
	saveMu.Lock()
	defer saveMu.Unlock()
	if s.embedded == nil {
		created, err := s.saveMessages(ctx, msgs, match)
		if err != nil || state == nil {
			return created, err
		}
		return created, s.SaveFolderState(ctx, state(created))
	}
	var created []bool
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if created, err = s.saveMessages(ctx, msgs, match); err != nil || state == nil {
			return err
		}
		return s.SaveFolderState(ctx, state(created))
	})
	if err != nil {
		return nil, err
	}
	// The planner's statistics, as insertMessageDocs refreshes them after a
	// large insert outside a transaction (inside a caller's, the writer is
	// taken until it commits).
	if n := countTrue(created); n >= bulkBatch && !s.embedded.InTx(ctx) {
		if err := s.embedded.Optimize(ctx); err != nil {
			return nil, wrap("save messages: optimize", err)
		}
	}
	return created, nil
}

func countTrue(list []bool) int {
	n := 0
	for _, b := range list {
		if b {
			n++
		}
	}
	return n
}

// saveMessages is SaveMessages under saveMu, in ctx's transaction if any.
func (s *Store) saveMessages(ctx context.Context, msgs []model.IncomingMessage, match MatchFunc) ([]bool, error) {
	created := make([]bool, len(msgs))
	if len(msgs) == 0 {
		return created, nil
	}
	ids := make([]bson.ObjectID, 0, len(msgs))
	for _, in := range msgs {
		ids = append(ids, in.Message.ID)
	}
	known, err := s.knownMessages(ctx, distinctIDs(ids))
	if err != nil {
		return nil, err
	}
	fresh := map[bson.ObjectID]*model.IncomingMessage{}
	var freshOrder []bson.ObjectID
	changed := map[bson.ObjectID]bool{}
	for i, in := range msgs {
		id := in.Message.ID
		if k, ok := known[id]; ok {
			var ch bool
			if k.SeenIn, ch = mergeLocations(k.SeenIn, in.Message.SeenIn); ch {
				known[id], changed[id] = k, true
			}
			continue
		}
		if f, ok := fresh[id]; ok {
			f.Message.SeenIn, _ = mergeLocations(f.Message.SeenIn, in.Message.SeenIn)
			continue
		}
		cp := in
		cp.Message.SeenIn = slices.Clone(in.Message.SeenIn)
		fresh[id] = &cp
		freshOrder = append(freshOrder, id)
		created[i] = true
	}
	if len(fresh) > 0 {
		list := make([]*model.Message, 0, len(fresh))
		for _, id := range freshOrder {
			list = append(list, &fresh[id].Message)
		}
		if err := match(ctx, list); err != nil {
			return nil, err
		}
		s.prepareNew(list)
		lost, err := s.insertNew(ctx, freshOrder, fresh)
		if err != nil {
			return nil, err
		}
		if len(lost) > 0 {
			// Another instance stored some of them first: they are known
			// now, and only gain this batch's locations.
			for i := range created {
				if created[i] && lost[msgs[i].Message.ID] {
					created[i] = false
				}
			}
			again, err := s.knownMessages(ctx, mapKeys(lost))
			if err != nil {
				return nil, err
			}
			for id, k := range again {
				var ch bool
				if k.SeenIn, ch = mergeLocations(k.SeenIn, fresh[id].Message.SeenIn); ch {
					known[id], changed[id] = k, true
				}
			}
		}
	}
	for id := range changed {
		_, err := s.col(colMessages).Update(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "seen_in", Value: known[id].SeenIn}}}}, coll.UpdateOptions{})
		if err != nil {
			return nil, wrap("save message locations", err)
		}
	}
	if len(fresh) > 0 {
		if err := s.markReplied(ctx, freshOrder, fresh); err != nil {
			return nil, err
		}
	}
	return created, nil
}

func mapKeys(m map[bson.ObjectID]bool) []bson.ObjectID {
	out := make([]bson.ObjectID, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// mergeLocations adds locs to old the way SaveMessages describes, and
// reports whether anything changed.
func mergeLocations(old, locs []model.Location) ([]model.Location, bool) {
	out := slices.Clone(old)
	changed := false
	for _, loc := range locs {
		n := len(out)
		out = slices.DeleteFunc(out, func(l model.Location) bool {
			return l.MailboxID == loc.MailboxID && l.Folder == loc.Folder && l.UIDValidity != loc.UIDValidity
		})
		if len(out) != n {
			changed = true
		}
		if !slices.Contains(out, loc) {
			out = append(out, loc)
			changed = true
		}
	}
	return out, changed
}

func (s *Store) knownMessages(ctx context.Context, ids []bson.ObjectID) (map[bson.ObjectID]knownMessage, error) {
	var list []knownMessage
	opts := coll.FindOptions{Projection: bson.D{{Key: "seen_in", Value: 1}}}
	if err := s.col(colMessages).Find(ctx, idsIn(ids), opts, &list); err != nil {
		return nil, wrap("find known messages", err)
	}
	out := make(map[bson.ObjectID]knownMessage, len(list))
	for _, k := range list {
		out[k.ID] = k
	}
	return out, nil
}

// prepareNew fills what the store derives for new messages: the search
// words and the defaults of the review fields.
func (s *Store) prepareNew(list []*model.Message) {
	for _, m := range list {
		m.Search = MessageSearchWords(m)
		if m.Status == "" {
			m.Status = model.MessageNew
		}
		if m.Version == 0 {
			m.Version = 1
		}
		if m.CreatedAt.IsZero() {
			now := s.Now()
			m.CreatedAt, m.UpdatedAt = now, now
		}
		m.Replied = false
	}
}

// insertNew inserts bodies, then messages (a body without its message is
// harmless and found again; the reverse would show a message with no text).
// It returns the ids another writer inserted first.
func (s *Store) insertNew(ctx context.Context, order []bson.ObjectID, fresh map[bson.ObjectID]*model.IncomingMessage) (map[bson.ObjectID]bool, error) {
	bodies := make([]model.MessageBody, 0, len(order))
	docs := make([]model.Message, 0, len(order))
	for _, id := range order {
		in := fresh[id]
		in.Body.ID = id
		bodies = append(bodies, in.Body)
		docs = append(docs, in.Message)
	}
	if _, err := insertBatches(ctx, s, colMessageBodies, bodies, true); err != nil {
		return nil, err
	}
	dups, err := s.insertMessageDocs(ctx, docs, true)
	if err != nil {
		return nil, err
	}
	lost := map[bson.ObjectID]bool{}
	for _, i := range dups {
		lost[order[i]] = true
	}
	return lost, nil
}

// threadDoc is the projection awaiting-reply bookkeeping reads.
type threadDoc struct {
	ID        bson.ObjectID `bson:"_id"`
	ThreadID  bson.ObjectID `bson:"thread_id"`
	Direction string        `bson:"direction"`
	Date      time.Time     `bson:"date"`
	Replied   bool          `bson:"replied"`
}

// markReplied sets replied on the outbound messages of the batch's threads
// that now have an inbound message dated after them: one read of those
// threads and one update per batch.
func (s *Store) markReplied(ctx context.Context, order []bson.ObjectID, fresh map[bson.ObjectID]*model.IncomingMessage) error {
	var threads []bson.ObjectID
	for _, id := range order {
		threads = append(threads, fresh[id].Message.ThreadID)
	}
	threads = distinctIDs(threads)
	if len(threads) == 0 {
		return nil
	}
	var docs []threadDoc
	opts := coll.FindOptions{Projection: bson.D{{Key: "thread_id", Value: 1}, {Key: "direction", Value: 1}, {Key: "date", Value: 1}, {Key: "replied", Value: 1}}}
	if err := s.col(colMessages).Find(ctx, bson.D{{Key: "thread_id", Value: bson.D{{Key: "$in", Value: threads}}}}, opts, &docs); err != nil {
		return wrap("read threads", err)
	}
	ids := repliedIDs(docs)
	if len(ids) == 0 {
		return nil
	}
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "replied", Value: true}}}}
	_, err := s.col(colMessages).Update(ctx, idsIn(ids), set, coll.UpdateOptions{Many: true})
	return wrap("mark replied", err)
}

// repliedIDs returns the outbound messages not yet marked replied that have
// an inbound message of their thread dated after them.
func repliedIDs(docs []threadDoc) []bson.ObjectID {
	lastIn := map[bson.ObjectID]time.Time{}
	for _, d := range docs {
		if d.Direction == model.Inbound && d.Date.After(lastIn[d.ThreadID]) {
			lastIn[d.ThreadID] = d.Date
		}
	}
	var ids []bson.ObjectID
	for _, d := range docs {
		if d.Direction == model.Outbound && !d.Replied && d.Date.Before(lastIn[d.ThreadID]) {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

// StakeholdersByEmail maps each address to the stakeholders that list it,
// in one $in query (archived ones too: their mail stays theirs).
func (s *Store) StakeholdersByEmail(ctx context.Context, addrs []string) (map[string][]model.StakeholderRef, error) {
	out := map[string][]model.StakeholderRef{}
	addrs = slices.Compact(slices.Sorted(slices.Values(addrs)))
	if len(addrs) == 0 {
		return out, nil
	}
	var list []model.StakeholderRef
	opts := coll.FindOptions{Projection: bson.D{{Key: "emails", Value: 1}, {Key: "regions", Value: 1}}, Sort: bson.D{{Key: "_id", Value: 1}}}
	if err := s.col(colStakeholders).Find(ctx, bson.D{{Key: "emails", Value: bson.D{{Key: "$in", Value: addrs}}}}, opts, &list); err != nil {
		return nil, wrap("match addresses", err)
	}
	for _, st := range list {
		for _, e := range st.Emails {
			if _, ok := slices.BinarySearch(addrs, e); ok {
				out[e] = append(out[e], st)
			}
		}
	}
	return out, nil
}

// RematchAddress matches again every message with address in from/to/cc,
// after the address was added to a stakeholder, and returns how many
// messages changed (stakeholders, regions, unmatched).
func (s *Store) RematchAddress(ctx context.Context, actor model.Actor, address string) (int, error) {
	return s.RematchAddresses(ctx, actor, []string{address})
}

// RematchAddresses is RematchAddress for many addresses with one query (an
// import adds thousands).
func (s *Store) RematchAddresses(ctx context.Context, actor model.Actor, addresses []string) (int, error) {
	list0 := uniqueEmails(addresses)
	if len(list0) == 0 {
		return 0, nil
	}
	filter := namingAny(list0)
	var list []model.Message
	opts := coll.FindOptions{Projection: bson.D{{Key: "from", Value: 1}, {Key: "to", Value: 1}, {Key: "cc", Value: 1},
		{Key: "stakeholder_ids", Value: 1}, {Key: "regions", Value: 1}, {Key: "unmatched", Value: 1}}}
	if err := s.col(colMessages).Find(ctx, filter, opts, &list); err != nil {
		return 0, wrap("rematch: find messages", err)
	}
	var addrs []string
	for i := range list {
		addrs = append(addrs, model.MatchAddresses(&list[i])...)
	}
	byAddr, err := s.StakeholdersByEmail(ctx, addrs)
	if err != nil {
		return 0, err
	}
	n := 0
	var effects []error
	for i := range list {
		old := list[i]
		cur := old
		model.ApplyMatch(&cur, byAddr)
		if slices.Equal(old.StakeholderIDs, cur.StakeholderIDs) && slices.Equal(old.Regions, cur.Regions) && old.Unmatched == cur.Unmatched {
			continue
		}
		set := bson.D{{Key: "stakeholder_ids", Value: cur.StakeholderIDs}, {Key: "regions", Value: cur.Regions},
			{Key: "unmatched", Value: cur.Unmatched}, {Key: "updated_at", Value: s.Now()}}
		done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
			_, err := s.col(colMessages).Update(ctx, bson.D{{Key: "_id", Value: old.ID}}, bson.D{{Key: "$set", Value: set}}, coll.UpdateOptions{})
			if err != nil {
				return nil, wrap("rematch: update message", err)
			}
			return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "message", ID: old.ID.Hex(), Regions: unionRegions(old.Regions, cur.Regions), Fields: []model.Change{
				{Field: "stakeholder_ids", Old: old.StakeholderIDs, New: cur.StakeholderIDs},
				{Field: "regions", Old: old.Regions, New: cur.Regions},
				{Field: "unmatched", Old: old.Unmatched, New: cur.Unmatched},
			}}}, nil
		}, nil)
		if err != nil {
			return n, err
		}
		n++
		effects = append(effects, s.effects(ctx, done...))
	}
	return n, errors.Join(effects...)
}

// messageAddressProjection reads what matching needs of a message.
func messageAddressProjection() coll.FindOptions {
	return coll.FindOptions{Projection: bson.D{{Key: "from", Value: 1}, {Key: "to", Value: 1}, {Key: "cc", Value: 1}}}
}
