package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
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
		// The API's mailbox, folder and assignee filters, and a count by
		// search words alone (a regex no bound narrows: the index walk
		// reads the words, not the documents).
		indexSpec{colMessages, "mailbox_folder_date", bson.D{{Key: "seen_in.mailbox_id", Value: 1}, {Key: "seen_in.folder", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colMessages, "folder", bson.D{{Key: "seen_in.folder", Value: 1}}, false},
		indexSpec{colMessages, "assignee_date", bson.D{{Key: "assignee_id", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colMessages, "search", bson.D{{Key: "search", Value: 1}}, false},
		indexSpec{colMessages, "subject_key", bson.D{{Key: "subject_key", Value: 1}, {Key: "date", Value: 1}}, false},
	)
}

// MessageSearchWords builds a message's normalised search field from
// model.Message.SearchParts.
func MessageSearchWords(m *model.Message) string {
	return search.Words(m.SearchParts()...)
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
		add("date", bson.D{{Key: "$lt", Value: model.AwaitingCutoff(s.Now(), f.AwaitingReplyDays)}})
	}
	if d := timeRange(bson.D{}, "date", f.From, f.To); len(d) > 0 {
		conds = append(conds, d)
	}
	if q := searchFilter(f.Q); len(q) > 0 {
		conds = append(conds, q)
	}
	return allOf(conds...), true
}

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
	opts.Projection = noMessageSearch
	var out []model.Message
	if err := s.col(colMessages).Find(ctx, allOf(filter, cond), opts, &out); err != nil {
		return nil, "", wrap("list messages", err)
	}
	items, next := nextCursor(s, "messages.date", out, p, func(m model.Message) (any, bson.ObjectID) { return m.Date, m.ID })
	SetAwaitingReply(items, s.Now(), f.AwaitingReplyDays)
	return items, next, nil
}

// MessageByID returns one message; ErrNotFound when missing, out of scope,
// or failed and the caller may not see failed messages.
func (s *Store) MessageByID(ctx context.Context, scope model.Scope, id bson.ObjectID, includeFailed bool) (*model.Message, error) {
	return findInScope(ctx, s, colMessages, "message", id, func(m *model.Message) bool {
		return scope.Allows(m.Regions...) && (m.Status != model.MessageFailed || includeFailed)
	})
}

// MessageBody returns a message's text and sanitised HTML. The caller has
// checked the message is visible.
func (s *Store) MessageBody(ctx context.Context, id bson.ObjectID) (*model.MessageBody, error) {
	var b model.MessageBody
	err := s.col(colMessageBodies).FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		coll.FindOptions{Projection: bson.D{{Key: "header", Value: 0}}}, &b)
	if err != nil {
		return nil, wrap("find message body", err)
	}
	return &b, nil
}

// Thread returns the visible messages of a thread, oldest first;
// ErrNotFound when none is visible.
func (s *Store) Thread(ctx context.Context, scope model.Scope, threadID bson.ObjectID, includeFailed bool) ([]model.Message, error) {
	filter, _ := s.messageFilter(scope, MessageFilter{IncludeFailed: includeFailed})
	opts := coll.FindOptions{Projection: noMessageSearch, Sort: bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: 1}}}
	var out []model.Message
	if err := s.col(colMessages).Find(ctx, allOf(bson.D{{Key: "thread_id", Value: threadID}}, filter), opts, &out); err != nil {
		return nil, wrap("thread", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: thread: %w", ErrNotFound)
	}
	return out, nil
}

// UpdateMessage applies a review patch guarded by the version. Linked
// meetings and commitments must be visible; the assignee must be a user.
func (s *Store) UpdateMessage(ctx context.Context, actor model.Actor, scope model.Scope, id bson.ObjectID, p model.MessagePatch, includeFailed bool) (*model.Message, error) {
	old, err := s.MessageByID(ctx, scope, id, includeFailed)
	if err != nil {
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
			if err := s.CheckUser(ctx, &pr, "assignee_id", cur.AssigneeID); err != nil {
				return nil, err
			}
		}
	}
	if p.MeetingIDs != nil {
		cur.Links.MeetingIDs = distinctIDs(*p.MeetingIDs)
		if err := checkVisible(ctx, scope, &pr, "meeting_ids", "no such meeting in your regions", cur.Links.MeetingIDs, s.MeetingByID); err != nil {
			return nil, err
		}
	}
	if p.CommitmentIDs != nil {
		cur.Links.CommitmentIDs = distinctIDs(*p.CommitmentIDs)
		if err := checkVisible(ctx, scope, &pr, "commitment_ids", "no such commitment in your regions", cur.Links.CommitmentIDs, s.CommitmentByID); err != nil {
			return nil, err
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	m, err := replaceRecord(ctx, s, actor, record{colMessages, "message", id, cur.Regions}, old.Version, old, &cur)
	if m == nil {
		return nil, err
	}
	// The message is stored: like the other review writes, an after-write
	// failure is not the reviewer's error.
	return m, nil
}

// checkVisible adds problem (a wording of the catalog) at field[i] for
// each of ids that byID does not find in scope; other errors stop it.
func checkVisible[T any](ctx context.Context, scope model.Scope, pr *model.Problems, field, problem string, ids []bson.ObjectID,
	byID func(context.Context, model.Scope, bson.ObjectID) (*T, error)) error {
	for i, id := range ids {
		if _, err := byID(ctx, scope, id); isNotFound(err) {
			pr.Add(fmt.Sprintf("%s[%d]", field, i), "%s", problem)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// BulkSetMessageStatus sets status on the messages among ids the scope may
// see, each as its own versioned change, and returns
// how many changed.
func (s *Store) BulkSetMessageStatus(ctx context.Context, actor model.Actor, scope model.Scope, ids []bson.ObjectID, status string, includeFailed bool) (int, error) {
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
	opts := coll.FindOptions{Projection: bson.D{{Key: "status", Value: 1}, {Key: "version", Value: 1}, {Key: "regions", Value: 1}, {Key: "assignee_id", Value: 1}}}
	if err := s.col(colMessages).Find(ctx, allOf(idsIn(distinctIDs(ids)), filter), opts, &list); err != nil {
		return 0, wrap("bulk status: find", err)
	}
	return s.setMessagesStatus(ctx, actor, list, status)
}

// setMessagesStatus sets status on each of list (read with its status,
// version and regions), each as its own versioned change, and returns how
// many changed. One changed meanwhile is left as it is: its reader sees it
// again in the list. A stored status stays even when its after-write effects
// fail; the others still change, and the error joins every failed effect.
func (s *Store) setMessagesStatus(ctx context.Context, actor model.Actor, list []model.Message, status string) (int, error) {
	n := 0
	now := s.Now()
	var effects []error
	for _, m := range list {
		if m.Status == status {
			continue
		}
		var out model.Message
		done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
			if err := s.updateVersioned(ctx, colMessages, m.ID, m.Version, bson.D{{Key: "status", Value: status}, {Key: "updated_at", Value: now}}, &out); err != nil {
				return nil, err
			}
			return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "message", ID: m.ID.Hex(), Regions: m.Regions, Fields: []model.Change{{Field: "status", Old: m.Status, New: status}}}}, nil
		}, nil)
		if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("store: set message status: %w", err)
		}
		n++
		// The status is stored: the others still change, and the request
		// fails with every effect that did not run.
		effects = append(effects, s.effects(ctx, done...))
	}
	return n, errors.Join(effects...)
}

// sentMailFiledKey marks in the kv collection that FileSentMailAsReviewed
// has run to its end on this database.
const sentMailFiledKey = "fix:sent-mail-reviewed"

// FileSentMailAsReviewed is the one-time correction of the mail stored
// before the sync filed the team's own sent mail as done on arrival
// (model.ReviewStatusOnArrival): every outbound message still "new" becomes
// "done", audited as the system, so sent mail stops counting as new. Once it
// has finished it is marked done and never runs again, so a person may set
// a sent message back to "new" later. It answers how many it changed;
// running it again (after a crash half-way, or twice) changes nothing more.
func (s *Store) FileSentMailAsReviewed(ctx context.Context) (int, error) {
	kv := s.KV("")
	if v, err := kv.Get(sentMailFiledKey); err != nil || v != nil {
		return 0, err
	}
	filter := bson.D{{Key: "status", Value: model.MessageNew}, {Key: "direction", Value: model.Outbound}}
	opts := coll.FindOptions{Limit: 500, Projection: bson.D{{Key: "status", Value: 1}, {Key: "version", Value: 1}, {Key: "regions", Value: 1}}}
	total := 0
	for {
		var list []model.Message
		if err := s.col(colMessages).Find(ctx, filter, opts, &list); err != nil {
			return total, wrap("file sent mail: find", err)
		}
		n, err := s.setMessagesStatus(ctx, model.SystemActor, list, model.MessageDone)
		total += n
		if err != nil {
			return total, err
		}
		if len(list) < int(opts.Limit) {
			break
		}
		if n == 0 { // each one changed meanwhile: the next start tries again
			return total, nil
		}
	}
	return total, kv.Set(sentMailFiledKey, []byte(s.Now().UTC().Format(time.RFC3339)), 0)
}

// LinkMessageCommitment records on the message a commitment made from it
// (no version check: the user did not edit the message).
func (s *Store) LinkMessageCommitment(ctx context.Context, actor model.Actor, msgID, commitmentID bson.ObjectID) (*model.Message, error) {
	var m model.Message
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
		err := s.col(colMessages).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: msgID}},
			bson.D{
				{Key: "$addToSet", Value: bson.D{{Key: "links.commitment_ids", Value: commitmentID}}},
				{Key: "$set", Value: bson.D{{Key: "updated_at", Value: s.Now()}}},
				{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
			}, coll.UpdateOptions{}, &m)
		if err != nil {
			return nil, wrap("link commitment to message", err)
		}
		return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "message", ID: msgID.Hex(), Regions: m.Regions, Fields: []model.Change{{Field: "links.commitment_ids", New: commitmentID.Hex()}}}}, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return &m, s.effects(ctx, done...)
}

// namingAny matches the messages from, to or copied to one of addrs.
func namingAny(addrs []string) bson.D {
	in := bson.D{{Key: "$in", Value: addrs}}
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "from.address", Value: in}},
		bson.D{{Key: "to.address", Value: in}},
		bson.D{{Key: "cc.address", Value: in}},
	}}}
}

// AddressesOutsideScope lists those of addrs that appear in a message the
// scope cannot see (unmatched, or matched only to other regions). Giving
// such an address to a stakeholder would re-match those messages into the
// caller's regions, so only users with every region may do it.
func (s *Store) AddressesOutsideScope(ctx context.Context, scope model.Scope, addrs []string) ([]string, error) {
	if scope.All || len(addrs) == 0 {
		return nil, nil
	}
	filter := namingAny(addrs)
	var list []model.Message
	opts := coll.FindOptions{Projection: bson.D{{Key: "from", Value: 1}, {Key: "to", Value: 1}, {Key: "cc", Value: 1}, {Key: "regions", Value: 1}}}
	if err := s.col(colMessages).Find(ctx, filter, opts, &list); err != nil {
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
	// Every message (an empty filter) is counted along the _id index
	// (mongo.go).
	n, err := s.col(colMessages).Count(ctx, filter, 0)
	return n, wrap("count messages", err)
}
