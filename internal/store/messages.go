package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Correspondence collections. A message's heavy parts (text, HTML, raw
// header) live in message_bodies under the same _id so lists scan small
// documents.
const (
	colMessages      = "messages"
	colMessageBodies = "message_bodies"
)

func init() {
	registerIndexes(
		indexSpec{colMessages, "date", bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colMessages, "thread_date", bson.D{{Key: "thread_id", Value: 1}, {Key: "date", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colMessages, "status_date", bson.D{{Key: "status", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colMessages, "unmatched_date", bson.D{{Key: "unmatched", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colMessages, "from_address", bson.D{{Key: "from.address", Value: 1}}, false},
		indexSpec{colMessages, "to_address", bson.D{{Key: "to.address", Value: 1}}, false},
		indexSpec{colMessages, "cc_address", bson.D{{Key: "cc.address", Value: 1}}, false},
		indexSpec{colMessages, "stakeholders", bson.D{{Key: "stakeholder_ids", Value: 1}}, false},
		indexSpec{colMessages, "subject_key", bson.D{{Key: "subject_key", Value: 1}, {Key: "date", Value: 1}}, false},
	)
}

// saveMu serialises SaveMessages within the process: the read of which ids
// exist and the writes that follow must not interleave between two syncers
// (other instances are kept apart by the mailbox lease and, for the same
// email in two mailboxes, by the unique _id).
var saveMu sync.Mutex

// MessageSearchWords builds a message's normalised search field from
// model.Message.SearchParts.
func MessageSearchWords(m *model.Message) string {
	return search.Words(m.SearchParts()...)
}

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
	created := make([]bool, len(msgs))
	if len(msgs) == 0 {
		return created, nil
	}
	saveMu.Lock()
	defer saveMu.Unlock()
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
		_, err := s.c(colMessages).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "seen_in", Value: known[id].SeenIn}}}})
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
	opts := options.Find().SetProjection(bson.D{{Key: "seen_in", Value: 1}})
	if err := s.findAll(ctx, colMessages, idsIn(ids), opts, &list); err != nil {
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
	bodies := make([]any, 0, len(order))
	docs := make([]any, 0, len(order))
	for _, id := range order {
		in := fresh[id]
		in.Body.ID = id
		bodies = append(bodies, in.Body)
		docs = append(docs, in.Message)
	}
	if _, err := insertUnordered(ctx, s.c(colMessageBodies), bodies); err != nil {
		return nil, wrap("insert message bodies", err)
	}
	dups, err := insertUnordered(ctx, s.c(colMessages), docs)
	if err != nil {
		return nil, wrap("insert messages", err)
	}
	lost := map[bson.ObjectID]bool{}
	for _, i := range dups {
		lost[order[i]] = true
	}
	return lost, nil
}

// insertUnordered inserts docs, going on past duplicate keys, and returns
// the indexes of the documents that already existed.
func insertUnordered(ctx context.Context, c *mongo.Collection, docs []any) ([]int, error) {
	_, err := c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil, nil
	}
	if dups, ok := duplicateIndexes(err); ok {
		return dups, nil
	}
	return nil, err
}

// duplicateIndexes returns the indexes of the documents an unordered insert
// refused as duplicate keys; false when err holds anything else.
func duplicateIndexes(err error) ([]int, bool) {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return nil, false
	}
	var dups []int
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return nil, false
		}
		dups = append(dups, we.Index)
	}
	return dups, true
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
	opts := options.Find().SetProjection(bson.D{{Key: "thread_id", Value: 1}, {Key: "direction", Value: 1}, {Key: "date", Value: 1}, {Key: "replied", Value: 1}})
	if err := s.findAll(ctx, colMessages, bson.D{{Key: "thread_id", Value: bson.D{{Key: "$in", Value: threads}}}}, opts, &docs); err != nil {
		return wrap("read threads", err)
	}
	ids := repliedIDs(docs)
	if len(ids) == 0 {
		return nil
	}
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "replied", Value: true}}}}
	if s.lite != nil {
		// The embedded engine reads the whole collection for an $in on
		// _id, and uses its _id index for one _id.
		for _, id := range ids {
			if _, err := s.c(colMessages).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, set); err != nil {
				return wrap("mark replied", err)
			}
		}
		return nil
	}
	_, err := s.c(colMessages).UpdateMany(ctx, idsIn(ids), set)
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
	opts := options.Find().SetProjection(bson.D{{Key: "emails", Value: 1}, {Key: "regions", Value: 1}}).SetSort(bson.D{{Key: "_id", Value: 1}})
	if err := s.findAll(ctx, colStakeholders, bson.D{{Key: "emails", Value: bson.D{{Key: "$in", Value: addrs}}}}, opts, &list); err != nil {
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

// MessageFilter selects messages for the review queue. From and To bound
// the date (To exclusive). AwaitingReplyDays is N for the awaiting-reply
// filter; IncludeFailed lets admins see messages that could not be parsed.
type MessageFilter struct {
	Status            string
	Statuses          []string // any of these (with Status unset)
	MailboxID         bson.ObjectID
	Folder            string
	StakeholderID     bson.ObjectID
	Region            string
	Unmatched         bool
	AwaitingReply     bool
	AssigneeID        bson.ObjectID
	From, To          time.Time
	Q                 string
	AwaitingReplyDays int
	IncludeFailed     bool
}

// noMessageSearch keeps the search words out of what lists read.
var noMessageSearch = bson.D{{Key: "search", Value: 0}}

// messageFilter builds the query of f in scope; false when it selects nothing.
// Messages are scoped by their regions (those of their matched
// stakeholders): an unmatched message has none and is seen only with every
// region.
func (s *Store) messageFilter(scope model.Scope, f MessageFilter) (bson.D, bool) {
	var conds []bson.D
	add := func(k string, v any) { conds = append(conds, bson.D{{Key: k, Value: v}}) }
	if f.Region != "" {
		if !scope.Allows(f.Region) {
			return nil, false
		}
		add("regions", f.Region)
	} else if !scope.All {
		conds = append(conds, scoped(bson.D{}, scope, "regions"))
	}
	switch {
	case f.Status == model.MessageFailed && !f.IncludeFailed:
		return nil, false
	case f.Status != "":
		add("status", f.Status)
	case len(f.Statuses) > 0:
		st := slices.DeleteFunc(slices.Clone(f.Statuses), func(x string) bool { return x == model.MessageFailed && !f.IncludeFailed })
		if len(st) == 0 {
			return nil, false
		}
		add("status", bson.D{{Key: "$in", Value: st}})
	case !f.IncludeFailed:
		add("status", bson.D{{Key: "$ne", Value: model.MessageFailed}})
	}
	if !f.MailboxID.IsZero() {
		add("seen_in.mailbox_id", f.MailboxID)
	}
	if f.Folder != "" {
		add("seen_in.folder", f.Folder)
	}
	if !f.StakeholderID.IsZero() {
		add("stakeholder_ids", f.StakeholderID)
	}
	if !f.AssigneeID.IsZero() {
		add("assignee_id", f.AssigneeID)
	}
	if f.Unmatched {
		add("unmatched", true)
	}
	if f.AwaitingReply {
		add("direction", model.Outbound)
		add("replied", false)
		add("date", bson.D{{Key: "$lt", Value: AwaitingCutoff(s.Now(), f.AwaitingReplyDays)}})
	}
	if d := timeRange(bson.D{}, "date", f.From, f.To); len(d) > 0 {
		conds = append(conds, d)
	}
	if q := searchFilter(f.Q); len(q) > 0 {
		conds = append(conds, q)
	}
	return allOf(conds...), true
}

// AwaitingCutoff is the date before which an unanswered outbound message is
// awaiting reply.
func AwaitingCutoff(now time.Time, days int) time.Time { return model.AwaitingCutoff(now, days) }

// SetAwaitingReply computes the awaiting_reply flag of messages read.
func SetAwaitingReply(msgs []model.Message, now time.Time, days int) {
	cutoff := model.AwaitingCutoff(now, days)
	for i := range msgs {
		msgs[i].AwaitingReply = msgs[i].IsAwaitingReply(cutoff)
	}
}

// ListMessages returns the messages in scope matching f, newest first,
// with awaiting_reply computed.
func (s *Store) ListMessages(ctx context.Context, scope model.Scope, f MessageFilter, p Page) ([]model.Message, string, error) {
	filter, ok := s.messageFilter(scope, f)
	if !ok {
		return []model.Message{}, "", nil
	}
	cond, opts, err := s.keyset(p, "messages.date", bson.D{}, "date", true)
	if err != nil {
		return nil, "", err
	}
	opts.SetProjection(noMessageSearch)
	var out []model.Message
	if err := s.findAll(ctx, colMessages, allOf(filter, cond), opts, &out); err != nil {
		return nil, "", wrap("list messages", err)
	}
	items, next := nextCursor(s, "messages.date", out, p, func(m model.Message) (any, bson.ObjectID) { return m.Date, m.ID })
	SetAwaitingReply(items, s.Now(), f.AwaitingReplyDays)
	return items, next, nil
}

// MessageByID returns one message; ErrNotFound when missing, out of scope,
// or failed and the caller may not see failed messages.
func (s *Store) MessageByID(ctx context.Context, scope model.Scope, id bson.ObjectID, includeFailed bool) (*model.Message, error) {
	var m model.Message
	if err := s.c(colMessages).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&m); err != nil {
		return nil, wrap("find message", err)
	}
	if !scope.Allows(m.Regions...) || (m.Status == model.MessageFailed && !includeFailed) {
		return nil, fmt.Errorf("store: find message: %w", ErrNotFound)
	}
	return &m, nil
}

// MessageBody returns a message's text and sanitised HTML. The caller has
// checked the message is visible.
func (s *Store) MessageBody(ctx context.Context, id bson.ObjectID) (*model.MessageBody, error) {
	var b model.MessageBody
	err := s.c(colMessageBodies).FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		options.FindOne().SetProjection(bson.D{{Key: "header", Value: 0}})).Decode(&b)
	if err != nil {
		return nil, wrap("find message body", err)
	}
	return &b, nil
}

// Thread returns the visible messages of a thread, oldest first;
// ErrNotFound when none is visible.
func (s *Store) Thread(ctx context.Context, scope model.Scope, threadID bson.ObjectID, includeFailed bool) ([]model.Message, error) {
	filter, _ := s.messageFilter(scope, MessageFilter{IncludeFailed: includeFailed})
	opts := options.Find().SetProjection(noMessageSearch).SetSort(bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: 1}})
	var out []model.Message
	if err := s.findAll(ctx, colMessages, allOf(bson.D{{Key: "thread_id", Value: threadID}}, filter), opts, &out); err != nil {
		return nil, wrap("thread", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: thread: %w", ErrNotFound)
	}
	return out, nil
}

// UpdateMessage applies a review patch guarded by the version, after guard
// allows it. Linked meetings and commitments must be visible; the assignee
// must be a user.
func (s *Store) UpdateMessage(ctx context.Context, actor model.Actor, scope model.Scope, id bson.ObjectID, p model.MessagePatch, includeFailed bool, guard Guard[model.Message]) (*model.Message, error) {
	old, err := s.MessageByID(ctx, scope, id, includeFailed)
	if err != nil {
		return nil, err
	}
	if err := guard.allow(old); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if *p.Version != old.Version {
		return nil, fmt.Errorf("store: update message: %w", ErrConflict)
	}
	cur := *old
	var pr model.Problems
	if p.Status != nil {
		cur.Status = *p.Status
	}
	if p.Notes != nil {
		cur.Notes = strings.TrimSpace(*p.Notes)
	}
	if p.AssigneeID != nil {
		cur.AssigneeID = *p.AssigneeID
		if !cur.AssigneeID.IsZero() {
			if err := s.checkUser(ctx, &pr, "assignee_id", cur.AssigneeID); err != nil {
				return nil, err
			}
		}
	}
	if p.MeetingIDs != nil {
		cur.Links.MeetingIDs = distinctIDs(*p.MeetingIDs)
		for i, mid := range cur.Links.MeetingIDs {
			if _, err := s.MeetingByID(ctx, scope, mid); isNotFound(err) {
				pr.Add(fmt.Sprintf("meeting_ids[%d]", i), "no such meeting in your regions")
			} else if err != nil {
				return nil, err
			}
		}
	}
	if p.CommitmentIDs != nil {
		cur.Links.CommitmentIDs = distinctIDs(*p.CommitmentIDs)
		for i, cid := range cur.Links.CommitmentIDs {
			if _, err := s.CommitmentByID(ctx, scope, cid); isNotFound(err) {
				pr.Add(fmt.Sprintf("commitment_ids[%d]", i), "no such commitment in your regions")
			} else if err != nil {
				return nil, err
			}
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	changes := diff(old, &cur)
	if len(changes) == 0 {
		return old, nil
	}
	set := setOf(changes)
	set = append(set, bson.E{Key: "updated_at", Value: s.Now()})
	var m model.Message
	if err := s.updateVersioned(ctx, colMessages, id, old.Version, set, &m); err != nil {
		return nil, fmt.Errorf("store: update message: %w", err)
	}
	s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "message", ID: id.Hex(), Regions: m.Regions, Fields: changes, Before: old, After: &m})
	return &m, nil
}

// BulkSetMessageStatus sets status on the messages among ids the scope may
// see (and, for guard, edit), each as its own versioned change, and returns
// how many changed.
func (s *Store) BulkSetMessageStatus(ctx context.Context, actor model.Actor, scope model.Scope, ids []bson.ObjectID, status string, includeFailed bool, guard Guard[model.Message]) (int, error) {
	var p model.Problems
	if !model.ReviewStatuses.Valid(status) {
		p.Add("status", "must be one of %s", model.ReviewStatuses)
	}
	if len(ids) == 0 {
		p.Add("ids", "must list at least one message")
	}
	if len(ids) > MaxLimit*5 {
		p.Add("ids", "must list at most %d messages", MaxLimit*5)
	}
	if err := p.Err(); err != nil {
		return 0, err
	}
	filter, _ := s.messageFilter(scope, MessageFilter{IncludeFailed: includeFailed})
	var list []model.Message
	opts := options.Find().SetProjection(bson.D{{Key: "status", Value: 1}, {Key: "version", Value: 1}, {Key: "regions", Value: 1}, {Key: "assignee_id", Value: 1}})
	if err := s.findAll(ctx, colMessages, allOf(idsIn(distinctIDs(ids)), filter), opts, &list); err != nil {
		return 0, wrap("bulk status: find", err)
	}
	n := 0
	now := s.Now()
	for _, m := range list {
		if m.Status == status || (guard != nil && guard(&m) != nil) {
			continue
		}
		var out model.Message
		err := s.updateVersioned(ctx, colMessages, m.ID, m.Version, bson.D{{Key: "status", Value: status}, {Key: "updated_at", Value: now}}, &out)
		if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
			continue // changed meanwhile: the user sees it again in the list
		}
		if err != nil {
			return n, fmt.Errorf("store: bulk status: %w", err)
		}
		n++
		s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "message", ID: m.ID.Hex(), Regions: m.Regions, Fields: []model.Change{{Field: "status", Old: m.Status, New: status}}})
	}
	return n, nil
}

// LinkMessageCommitment records on the message a commitment made from it
// (no version check: the user did not edit the message).
func (s *Store) LinkMessageCommitment(ctx context.Context, actor model.Actor, msgID, commitmentID bson.ObjectID) (*model.Message, error) {
	var m model.Message
	unlock := lockDoc(msgID)
	err := s.c(colMessages).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: msgID}},
		bson.D{
			{Key: "$addToSet", Value: bson.D{{Key: "links.commitment_ids", Value: commitmentID}}},
			{Key: "$set", Value: bson.D{{Key: "updated_at", Value: s.Now()}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
		},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&m)
	unlock()
	if err != nil {
		return nil, wrap("link commitment to message", err)
	}
	s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "message", ID: msgID.Hex(), Regions: m.Regions, Fields: []model.Change{{Field: "links.commitment_ids", New: commitmentID.Hex()}}})
	return &m, nil
}

// UnmatchedAddress is an external address of unmatched messages.
type UnmatchedAddress struct {
	Address string    `json:"address"`
	Name    string    `json:"name"`
	Count   int       `json:"count"`
	LastAt  time.Time `json:"last_at"`
}

// UnmatchedAddresses lists the addresses of unmatched messages in scope
// that internal does not claim (team domains, the mailboxes' own
// addresses), most frequent first. Each has the number of messages, the
// latest date and the name it has in the latest message that names it.
// The embedded engine aggregates in SQLite (liteUnmatched).
func (s *Store) UnmatchedAddresses(ctx context.Context, scope model.Scope, internal func(addr string) bool) ([]UnmatchedAddress, error) {
	filter, _ := s.messageFilter(scope, MessageFilter{Unmatched: true})
	all, err := s.liteUnmatched(ctx, filter)
	if errors.Is(err, errNoPushdown) {
		all, err = s.unmatchedAddresses(ctx, filter)
	}
	if err != nil {
		return nil, err
	}
	out := make([]UnmatchedAddress, 0, len(all))
	for _, u := range all {
		if internal == nil || !internal(u.Address) {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		if !out[i].LastAt.Equal(out[j].LastAt) {
			return out[i].LastAt.After(out[j].LastAt)
		}
		return out[i].Address < out[j].Address
	})
	return out, nil
}

// unmatchedAddresses aggregates the addresses of the messages filter
// selects in Go, each message counted once per address with the name of
// the address's first occurrence in it.
func (s *Store) unmatchedAddresses(ctx context.Context, filter bson.D) ([]UnmatchedAddress, error) {
	var list []model.Message
	opts := options.Find().SetProjection(bson.D{{Key: "from", Value: 1}, {Key: "to", Value: 1}, {Key: "cc", Value: 1}, {Key: "date", Value: 1}})
	if err := s.findAll(ctx, colMessages, filter, opts, &list); err != nil {
		return nil, wrap("unmatched addresses", err)
	}
	type agg struct {
		UnmatchedAddress
		named  bool
		nameAt time.Time
		nameID bson.ObjectID
	}
	byAddr := map[string]*agg{}
	var order []*agg
	for _, m := range list {
		seen := map[string]bool{}
		for _, a := range append(append([]model.Address{m.From}, m.To...), m.Cc...) {
			if a.Address == "" || seen[a.Address] {
				continue
			}
			seen[a.Address] = true
			u, ok := byAddr[a.Address]
			if !ok {
				u = &agg{UnmatchedAddress: UnmatchedAddress{Address: a.Address}}
				byAddr[a.Address] = u
				order = append(order, u)
			}
			u.Count++
			if m.Date.After(u.LastAt) {
				u.LastAt = m.Date
			}
			// The latest message that names the address; ties go to the
			// lowest _id, so that the name never depends on read order.
			if a.Name != "" && (!u.named || m.Date.After(u.nameAt) || (m.Date.Equal(u.nameAt) && m.ID.Hex() < u.nameID.Hex())) {
				u.Name, u.named, u.nameAt, u.nameID = a.Name, true, m.Date, m.ID
			}
		}
	}
	out := make([]UnmatchedAddress, 0, len(order))
	for _, u := range order {
		out = append(out, u.UnmatchedAddress)
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
	in := bson.D{{Key: "$in", Value: list0}}
	filter := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "from.address", Value: in}},
		bson.D{{Key: "to.address", Value: in}},
		bson.D{{Key: "cc.address", Value: in}},
	}}}
	var list []model.Message
	opts := options.Find().SetProjection(bson.D{{Key: "from", Value: 1}, {Key: "to", Value: 1}, {Key: "cc", Value: 1},
		{Key: "stakeholder_ids", Value: 1}, {Key: "regions", Value: 1}, {Key: "unmatched", Value: 1}})
	if err := s.findAll(ctx, colMessages, filter, opts, &list); err != nil {
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
	for i := range list {
		old := list[i]
		cur := old
		model.ApplyMatch(&cur, byAddr)
		if slices.Equal(old.StakeholderIDs, cur.StakeholderIDs) && slices.Equal(old.Regions, cur.Regions) && old.Unmatched == cur.Unmatched {
			continue
		}
		set := bson.D{{Key: "stakeholder_ids", Value: cur.StakeholderIDs}, {Key: "regions", Value: cur.Regions},
			{Key: "unmatched", Value: cur.Unmatched}, {Key: "updated_at", Value: s.Now()}}
		unlock := lockDoc(old.ID)
		_, err := s.c(colMessages).UpdateOne(ctx, bson.D{{Key: "_id", Value: old.ID}}, bson.D{{Key: "$set", Value: set}})
		unlock()
		if err != nil {
			return n, wrap("rematch: update message", err)
		}
		n++
		s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "message", ID: old.ID.Hex(), Regions: unionRegions(old.Regions, cur.Regions), Fields: []model.Change{
			{Field: "stakeholder_ids", Old: old.StakeholderIDs, New: cur.StakeholderIDs},
			{Field: "regions", Old: old.Regions, New: cur.Regions},
			{Field: "unmatched", Old: old.Unmatched, New: cur.Unmatched},
		}})
	}
	return n, nil
}

// AddressesOutsideScope lists those of addrs that appear in a message the
// scope cannot see (unmatched, or matched only to other regions). Giving
// such an address to a stakeholder would re-match those messages into the
// caller's regions, so only users with every region may do it.
func (s *Store) AddressesOutsideScope(ctx context.Context, scope model.Scope, addrs []string) ([]string, error) {
	if scope.All || len(addrs) == 0 {
		return nil, nil
	}
	in := bson.D{{Key: "$in", Value: addrs}}
	filter := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "from.address", Value: in}},
		bson.D{{Key: "to.address", Value: in}},
		bson.D{{Key: "cc.address", Value: in}},
	}}}
	var list []model.Message
	opts := options.Find().SetProjection(bson.D{{Key: "from", Value: 1}, {Key: "to", Value: 1}, {Key: "cc", Value: 1}, {Key: "regions", Value: 1}})
	if err := s.findAll(ctx, colMessages, filter, opts, &list); err != nil {
		return nil, wrap("check addresses", err)
	}
	var out []string
	for i := range list {
		if len(list[i].Regions) > 0 && scope.Allows(list[i].Regions...) {
			continue
		}
		for _, a := range model.MatchAddresses(&list[i]) {
			if slices.Contains(addrs, a) && !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// CountMessages counts the messages in scope matching f (for queue tabs).
func (s *Store) CountMessages(ctx context.Context, scope model.Scope, f MessageFilter) (int64, error) {
	filter, ok := s.messageFilter(scope, f)
	if !ok {
		return 0, nil
	}
	opts := options.Count()
	if len(filter) == 0 {
		// Every message: counted along the _id index, since MongoDB refusing
		// collection scans (notablescan) accepts an index walk. The embedded
		// engine ignores the hint.
		opts.SetHint(bson.D{{Key: "_id", Value: 1}})
	}
	n, err := s.countDocs(ctx, colMessages, filter, opts)
	return n, wrap("count messages", err)
}

// messageAddressProjection reads what matching needs of a message.
func messageAddressProjection() *options.FindOptionsBuilder {
	return options.Find().SetProjection(bson.D{{Key: "from", Value: 1}, {Key: "to", Value: 1}, {Key: "cc", Value: 1}})
}
