package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErasedName replaces an erased stakeholder's name wherever it was.
const ErasedName = model.ErasedName

// PersonalData is everything Alianza holds about one stakeholder (Peru's
// Ley 29733 gives people the right to access it).
type PersonalData struct {
	Stakeholder  model.Stakeholder   `json:"stakeholder"`
	Meetings     []model.Meeting     `json:"meetings"`
	Commitments  []model.Commitment  `json:"commitments"`
	Tasks        []model.Task        `json:"tasks"`
	Initiatives  []model.Initiative  `json:"initiatives"`
	Messages     []model.Message     `json:"messages"`
	MessageTexts []model.MessageBody `json:"message_bodies"`
	Audit        []model.AuditEntry  `json:"audit"`
}

// PersonalRefs are a stakeholder and the records that reference or name
// them: what a personal-data request shows and an erasure changes.
type PersonalRefs struct {
	Stakeholder model.Stakeholder
	// Names, Emails and Phones are the current ones and every earlier one
	// the record's audit trail remembers: a renamed person is still that
	// person.
	Names  []string
	Emails []string
	Phones []string
	// Records that reference the stakeholder or name them in their text.
	Meetings    []model.Meeting
	Commitments []model.Commitment
	Tasks       []model.Task
	Initiatives []model.Initiative
	// Messages are their correspondence (linked to them or to one of their
	// addresses); MessagesNaming the other messages that name them, and
	// Bodies the bodies of other messages that name them.
	Messages       []model.Message
	MessagesNaming []model.Message
	Bodies         []model.MessageBody
	// Stakeholders are the other stakeholders whose text names them.
	Stakeholders []model.Stakeholder
}

// Match is the erasure rule for the stakeholder of r (model.Erasure).
func (r *PersonalRefs) Match() *model.Erasure {
	k := r.Stakeholder.Kind
	return model.NewErasure(r.Stakeholder.ID, k == model.KindPerson || k == model.KindLegislator, r.Names, r.Emails, r.Phones)
}

// PersonalRefs reads the stakeholder with id and every record that
// references it by id or by one of its addresses, or names it in its text
// (model.Erasure says how). Free text can use no index: each collection
// is walked along its _id index (which a MongoDB refusing collection scans
// accepts) and each document tested; an erasure is rare, a missed mention
// is not acceptable.
func (s *Store) PersonalRefs(ctx context.Context, id bson.ObjectID) (*PersonalRefs, error) {
	r := &PersonalRefs{}
	if err := s.col(colStakeholders).FindOne(ctx, bson.D{{Key: "_id", Value: id}}, coll.FindOptions{}, &r.Stakeholder); err != nil {
		return nil, wrap("personal data: find stakeholder", err)
	}
	if err := s.knownIdentities(ctx, r); err != nil {
		return nil, err
	}
	e := r.Match()
	refers := func(raw bson.Raw) bool { return bytes.Contains(raw, id[:]) || rawMentions(raw, e) }
	if err := scanDocs(ctx, s, colMeetings, refers, &r.Meetings); err != nil {
		return nil, err
	}
	if err := scanDocs(ctx, s, colCommitments, refers, &r.Commitments); err != nil {
		return nil, err
	}
	if err := scanDocs(ctx, s, colTasks, refers, &r.Tasks); err != nil {
		return nil, err
	}
	if err := scanDocs(ctx, s, colInitiatives, refers, &r.Initiatives); err != nil {
		return nil, err
	}
	var others []model.Stakeholder
	if err := scanDocs(ctx, s, colStakeholders, func(raw bson.Raw) bool { return rawMentions(raw, e) }, &others); err != nil {
		return nil, err
	}
	for _, o := range others {
		if o.ID != id {
			r.Stakeholders = append(r.Stakeholders, o)
		}
	}
	var msgs []model.Message
	if err := scanDocs(ctx, s, colMessages, refers, &msgs); err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if r.theirs(&m) {
			r.Messages = append(r.Messages, m)
		} else {
			r.MessagesNaming = append(r.MessagesNaming, m)
		}
	}
	theirs := messageIDs(r.Messages)
	err := scanDocs(ctx, s, colMessageBodies, func(raw bson.Raw) bool {
		oid, ok := raw.Lookup("_id").ObjectIDOK()
		return !(ok && slices.Contains(theirs, oid)) && rawMentions(raw, e)
	}, &r.Bodies)
	return r, err
}

// theirs tells whether m is the stakeholder's correspondence.
func (r *PersonalRefs) theirs(m *model.Message) bool {
	if slices.Contains(m.StakeholderIDs, r.Stakeholder.ID) {
		return true
	}
	for _, a := range append(append(append([]model.Address{m.From}, m.To...), m.Cc...), m.ReplyTo...) {
		if a.Address != "" && slices.Contains(r.Emails, model.NormalizeEmail(a.Address)) {
			return true
		}
	}
	return false
}

// scanDocs decodes into out (a slice pointer) the documents of col that
// keep accepts, walking the _id index a batch at a time (free text has no
// index, and a batch bounds what is held in memory).
func scanDocs[T any](ctx context.Context, s *Store, col string, keep func(bson.Raw) bool, out *[]T) error {
	const batch = 500
	filter := bson.D{}
	for {
		var raws []bson.Raw
		if err := s.col(col).Find(ctx, filter, coll.FindOptions{Sort: bson.D{{Key: "_id", Value: 1}}, Limit: batch}, &raws); err != nil {
			return wrap("personal data: scan "+col, err)
		}
		for _, raw := range raws {
			if !keep(raw) {
				continue
			}
			var v T
			if err := bson.Unmarshal(raw, &v); err != nil {
				return wrap("personal data: decode "+col, err)
			}
			*out = append(*out, v)
		}
		if len(raws) < batch {
			return nil
		}
		var last any
		if err := raws[len(raws)-1].Lookup("_id").Unmarshal(&last); err != nil {
			return wrap("personal data: scan "+col, err)
		}
		filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: last}}}}
	}
}

// rawMentions tells whether any text inside a stored document names the
// stakeholder of e (binary values, such as kept answers, are read as text).
func rawMentions(raw bson.Raw, e *model.Erasure) bool {
	elems, err := raw.Elements()
	if err != nil {
		return false
	}
	for _, el := range elems {
		v := el.Value()
		switch v.Type {
		case bson.TypeString:
			if e.Mentions(v.StringValue()) {
				return true
			}
		case bson.TypeEmbeddedDocument:
			if rawMentions(v.Document(), e) {
				return true
			}
		case bson.TypeArray:
			if rawMentions(bson.Raw(v.Array()), e) {
				return true
			}
		case bson.TypeBinary:
			if _, b := v.Binary(); e.Mentions(string(b)) {
				return true
			}
		}
	}
	return false
}

// knownIdentities fills r's names, emails and phones with the
// stakeholder's current ones and the earlier ones its audit entries hold.
func (s *Store) knownIdentities(ctx context.Context, r *PersonalRefs) error {
	var entries []model.AuditEntry
	if err := s.col(colAudit).Find(ctx, bson.D{{Key: "entity", Value: "stakeholder"}, {Key: "entity_id", Value: r.Stakeholder.ID.Hex()}}, coll.FindOptions{}, &entries); err != nil {
		return wrap("personal data: earlier names", err)
	}
	names := []string{r.Stakeholder.Name}
	emails := slices.Clone(r.Stakeholder.Emails)
	phones := slices.Clone(r.Stakeholder.Phones)
	for _, e := range entries {
		for _, c := range e.Changes {
			for _, v := range []any{c.Old, c.New} {
				switch c.Field {
				case "name":
					if n, ok := v.(string); ok {
						names = append(names, n)
					}
				case "emails", "phones":
					if list, ok := v.(bson.A); ok {
						for _, x := range list {
							if a, ok := x.(string); ok && c.Field == "emails" {
								emails = append(emails, model.NormalizeEmail(a))
							} else if ok {
								phones = append(phones, a)
							}
						}
					}
				}
			}
		}
	}
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" && n != ErasedName && !slices.Contains(r.Names, n) {
			r.Names = append(r.Names, n)
		}
	}
	r.Emails = uniqueEmails(emails)
	for _, p := range phones {
		if p = strings.TrimSpace(p); p != "" && p != ErasedName && !slices.Contains(r.Phones, p) {
			r.Phones = append(r.Phones, p)
		}
	}
	return nil
}

// StakeholderPersonalData gathers what Alianza holds about a stakeholder:
// the record, the meetings, commitments and tasks that reference or name
// it, the messages that are theirs or name them, with bodies, and the audit
// entries of the record.
func (s *Store) StakeholderPersonalData(ctx context.Context, id bson.ObjectID) (*PersonalData, error) {
	r, err := s.PersonalRefs(ctx, id)
	if err != nil {
		return nil, err
	}
	// Lists are [] when empty, never null: the document (and a reader) expects arrays.
	d := &PersonalData{Stakeholder: r.Stakeholder, Meetings: append([]model.Meeting{}, r.Meetings...),
		Commitments: append([]model.Commitment{}, r.Commitments...), Tasks: append([]model.Task{}, r.Tasks...),
		Initiatives: append([]model.Initiative{}, r.Initiatives...),
		Messages:    append(append([]model.Message{}, r.Messages...), r.MessagesNaming...), MessageTexts: []model.MessageBody{}, Audit: []model.AuditEntry{}}
	if ids := messageIDs(d.Messages); len(ids) > 0 {
		if err := s.col(colMessageBodies).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, coll.FindOptions{}, &d.MessageTexts); err != nil {
			return nil, wrap("personal data: message bodies", err)
		}
	}
	for _, b := range r.Bodies {
		if !slices.ContainsFunc(d.MessageTexts, func(x model.MessageBody) bool { return x.ID == b.ID }) {
			d.MessageTexts = append(d.MessageTexts, b)
		}
	}
	if err := s.col(colAudit).Find(ctx, bson.D{{Key: "entity", Value: "stakeholder"}, {Key: "entity_id", Value: id.Hex()}}, coll.FindOptions{}, &d.Audit); err != nil {
		return nil, wrap("personal data: audit", err)
	}
	return d, nil
}

func messageIDs(ms []model.Message) []bson.ObjectID {
	ids := make([]bson.ObjectID, len(ms))
	for i := range ms {
		ids[i] = ms[i].ID
	}
	return ids
}

// EraseReport counts what an erasure changed: records per kind, and in
// Fields the fields per "kind.field" (model.Erasure.Changed).
type EraseReport struct {
	Stakeholders      int            `json:"stakeholders"` // others whose text named the person
	Meetings          int            `json:"meetings"`
	Commitments       int            `json:"commitments"`
	Tasks             int            `json:"tasks"`
	Initiatives       int            `json:"initiatives"`
	Messages          int            `json:"messages"`
	MessageBodies     int            `json:"message_bodies"`
	AuditEntries      int            `json:"audit_entries"`
	IdempotentAnswers int            `json:"idempotent_answers"`
	Fields            map[string]int `json:"fields"`
}

// SaveErasure writes an erasure that workflow.EraseStakeholder applied
// (model.Erasure e) to the records of r, which hold only what changed: the
// meetings, commitments, tasks, other stakeholders and messages (with the
// search words built from them), the bodies (emptied for the person's own
// correspondence); then it redacts with e the audit trail (every entry's
// old and new values; the person's own record's personal fields whole) and
// the answers kept for Idempotency-Key replays (kept redacted, so a retry
// replays instead of writing again), and last the stakeholder's own
// fields. The new audit entry holds counts only.
//
// It is one sequence of store calls, each changed record written once by
// _id under its document lock with its version raised (a stale copy, such
// as an offline outbox's, then gets a conflict instead of writing the name
// back), with the erasure's audit entry, in one transaction (commit).
// Without transactions (a standalone MongoDB) a failure midway leaves the
// stakeholder's own record unerased, so the erasure can be run again and
// finishes the rest.
func (s *Store) SaveErasure(ctx context.Context, actor model.Actor, r *PersonalRefs, e *model.Erasure) (EraseReport, error) {
	var rep EraseReport
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
		var c Change
		var err error
		if rep, c, err = s.saveErasure(ctx, actor, r, e); err != nil {
			return nil, err
		}
		return []Change{c}, nil
	}, nil)
	if err != nil {
		return rep, err
	}
	return rep, s.effects(ctx, done...)
}

// saveErasure makes SaveErasure's writes, in its transaction where the
// database has them, and returns the erasure's change for the audit trail.
func (s *Store) saveErasure(ctx context.Context, actor model.Actor, r *PersonalRefs, e *model.Erasure) (EraseReport, Change, error) {
	rep := EraseReport{Fields: e.Changed}
	id := r.Stakeholder.ID
	for i := range r.Meetings {
		m := &r.Meetings[i]
		if err := s.set(ctx, colMeetings, m.ID, bson.D{{Key: "participants", Value: m.Participants}, {Key: "summary", Value: m.Summary},
			{Key: "agreements", Value: m.Agreements}, {Key: "next_steps", Value: m.NextSteps}, {Key: "place", Value: m.Place},
			{Key: "search", Value: model.MeetingSearchWords(m)}}); err != nil {
			return rep, Change{}, err
		}
	}
	rep.Meetings = len(r.Meetings)
	for i := range r.Commitments {
		c := &r.Commitments[i]
		if err := s.set(ctx, colCommitments, c.ID, bson.D{{Key: "stakeholder_name", Value: c.StakeholderName}, {Key: "text", Value: c.Text},
			{Key: "history", Value: c.History}, {Key: "search", Value: model.CommitmentSearchWords(c)}}); err != nil {
			return rep, Change{}, err
		}
	}
	rep.Commitments = len(r.Commitments)
	for i := range r.Tasks {
		t := &r.Tasks[i]
		if err := s.set(ctx, colTasks, t.ID, bson.D{{Key: "title", Value: t.Title}, {Key: "notes", Value: t.Notes}}); err != nil {
			return rep, Change{}, err
		}
	}
	rep.Tasks = len(r.Tasks)
	for i := range r.Initiatives {
		it := &r.Initiatives[i]
		if err := s.set(ctx, colInitiatives, it.ID, bson.D{{Key: "stakeholders", Value: it.Stakeholders}, {Key: "stakeholder_ids", Value: it.StakeholderIDs},
			{Key: "title", Value: it.Title}, {Key: "summary", Value: it.Summary}, {Key: "history", Value: it.History},
			{Key: "search", Value: model.InitiativeSearchWords(it)}}); err != nil {
			return rep, Change{}, err
		}
	}
	rep.Initiatives = len(r.Initiatives)
	for i := range r.Stakeholders {
		o := &r.Stakeholders[i]
		if err := s.set(ctx, colStakeholders, o.ID, bson.D{{Key: "notes", Value: o.Notes}, {Key: "tags", Value: o.Tags},
			{Key: "relationships", Value: o.Relationships}, {Key: "search", Value: search.Words(o.SearchParts()...)}}); err != nil {
			return rep, Change{}, err
		}
	}
	rep.Stakeholders = len(r.Stakeholders)
	for i := range r.Messages {
		if err := s.eraseMessage(ctx, &r.Messages[i], true); err != nil {
			return rep, Change{}, err
		}
	}
	for i := range r.MessagesNaming {
		if err := s.eraseMessage(ctx, &r.MessagesNaming[i], false); err != nil {
			return rep, Change{}, err
		}
	}
	rep.Messages = len(r.Messages) + len(r.MessagesNaming)
	for _, b := range r.Bodies {
		if _, err := s.col(colMessageBodies).Update(ctx, bson.D{{Key: "_id", Value: b.ID}}, bson.D{{Key: "$set", Value: bson.D{
			{Key: "text", Value: b.Text}, {Key: "html", Value: b.HTML}, {Key: "header", Value: b.Header}}}}, coll.UpdateOptions{}); err != nil {
			return rep, Change{}, wrap("erase: message body", err)
		}
	}
	rep.MessageBodies = len(r.Bodies) + len(r.Messages)

	var err error
	if rep.AuditEntries, err = s.scrubAudit(ctx, id, e); err != nil {
		return rep, Change{}, err
	}
	if rep.IdempotentAnswers, err = s.scrubIdempotent(ctx, e); err != nil {
		return rep, Change{}, err
	}
	e.Changed["audit.changes"] += rep.AuditEntries
	e.Changed["idempotency.answers"] += rep.IdempotentAnswers

	// The record itself, last: a failure above leaves it findable for a retry.
	st := &r.Stakeholder
	if err := s.set(ctx, colStakeholders, id, bson.D{
		{Key: "name", Value: st.Name}, {Key: "emails", Value: st.Emails}, {Key: "phones", Value: st.Phones},
		{Key: "tags", Value: st.Tags}, {Key: "notes", Value: st.Notes}, {Key: "stance", Value: st.Stance},
		{Key: "influence", Value: st.Influence}, {Key: "legislator", Value: st.Legislator}, {Key: "search", Value: st.Search}}); err != nil {
		return rep, Change{}, err
	}
	fields := []model.Change{
		{Field: "stakeholders", New: rep.Stakeholders}, {Field: "meetings", New: rep.Meetings}, {Field: "commitments", New: rep.Commitments},
		{Field: "tasks", New: rep.Tasks}, {Field: "initiatives", New: rep.Initiatives}, {Field: "messages", New: rep.Messages}, {Field: "message_bodies", New: rep.MessageBodies},
		{Field: "audit_entries", New: rep.AuditEntries}, {Field: "idempotent_answers", New: rep.IdempotentAnswers},
	}
	keys := make([]string, 0, len(e.Changed))
	for k := range e.Changed {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fields = append(fields, model.Change{Field: "fields." + k, New: e.Changed[k]})
	}
	return rep, Change{Actor: actor, Action: "erase", Entity: "stakeholder", ID: id.Hex(), Regions: st.Regions, Fields: fields}, nil
}

// scrubAudit redacts with e every audit entry that names the stakeholder
// (the entries of deleted records too) and, in the entries of the
// stakeholder's own record, the personal fields' values whole; it returns
// how many changed. The trail is read along its _id index: an erasure is
// rare and a trail entry may name anyone.
func (s *Store) scrubAudit(ctx context.Context, id bson.ObjectID, e *model.Erasure) (int, error) {
	own := id.Hex()
	var entries []bson.D
	err := scanDocs(ctx, s, colAudit, func(raw bson.Raw) bool {
		if a, _ := raw.Lookup("action").StringValueOK(); a == "erase" {
			return false // counts only
		}
		eid, _ := raw.Lookup("entity_id").StringValueOK()
		return eid == own || rawMentions(raw, e)
	}, &entries)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, entry := range entries {
		var entryID any
		var changes bson.A
		ownEntry := false
		for _, f := range entry {
			switch f.Key {
			case "_id":
				entryID = f.Value
			case "entity_id":
				ownEntry = f.Value == own
			case "changes":
				changes, _ = f.Value.(bson.A)
			}
		}
		scrubbed := make(bson.A, len(changes))
		for i, c := range changes {
			scrubbed[i] = scrubChange(c, ownEntry, e)
		}
		if fmt.Sprint(scrubbed) == fmt.Sprint(changes) {
			continue
		}
		if _, err := s.col(colAudit).Update(ctx, bson.D{{Key: "_id", Value: entryID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "changes", Value: scrubbed}}}}, coll.UpdateOptions{}); err != nil {
			return n, wrap("erase: audit entry", err)
		}
		n++
	}
	return n, nil
}

// scrubChange redacts one audit change; a personal field of the person's
// own record loses its values whole.
func scrubChange(c any, own bool, e *model.Erasure) any {
	d, ok := c.(bson.D)
	if !ok {
		return e.Value(c)
	}
	whole := false
	for _, f := range d {
		if f.Key == "field" {
			name, _ := f.Value.(string)
			whole = own && model.IsPersonalField(name)
		}
	}
	out := make(bson.D, len(d))
	for i, f := range d {
		switch {
		case f.Key == "field":
			out[i] = f
		case whole && f.Value != nil:
			out[i] = bson.E{Key: f.Key, Value: ErasedName}
		default:
			out[i] = bson.E{Key: f.Key, Value: e.Value(f.Value)}
		}
	}
	return out
}

// scrubIdempotent redacts with e the answers kept for Idempotency-Key
// replays that name the stakeholder or hold their record; it returns how
// many changed. They stay (redacted) so a retry of a request made before
// the erasure replays its answer instead of writing the person again. The
// collection holds one day of writes.
func (s *Store) scrubIdempotent(ctx context.Context, e *model.Erasure) (int, error) {
	var recs []IdemRecord
	hex := []byte(e.ID.Hex())
	if err := scanDocs(ctx, s, colIdempotency, func(raw bson.Raw) bool { return bytes.Contains(raw, hex) || rawMentions(raw, e) }, &recs); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range recs {
		body, changed := e.JSON(r.Body)
		if !changed {
			continue
		}
		if _, err := s.col(colIdempotency).Update(ctx, bson.D{{Key: "_id", Value: r.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "body", Value: body}}}}, coll.UpdateOptions{}); err != nil {
			return n, wrap("erase: idempotent answer", err)
		}
		n++
	}
	return n, nil
}

// eraseMessage writes a message an erasure changed; the body of the
// person's own correspondence is emptied.
func (s *Store) eraseMessage(ctx context.Context, m *model.Message, theirs bool) error {
	if err := s.set(ctx, colMessages, m.ID, bson.D{{Key: "from", Value: m.From}, {Key: "to", Value: m.To}, {Key: "cc", Value: m.Cc},
		{Key: "reply_to", Value: m.ReplyTo}, {Key: "subject", Value: m.Subject}, {Key: "subject_key", Value: m.SubjectKey}, {Key: "snippet", Value: m.Snippet},
		{Key: "notes", Value: m.Notes}, {Key: "fail_reason", Value: m.FailReason},
		{Key: "attachments", Value: m.Attachments}, {Key: "search", Value: MessageSearchWords(m)}}); err != nil {
		return err
	}
	// Its addresses and names changed: so do its unmatched senders' tally.
	if err := s.resyncTally(ctx, []bson.ObjectID{m.ID}); err != nil {
		return err
	}
	if !theirs {
		return nil
	}
	_, err := s.col(colMessageBodies).Update(ctx, bson.D{{Key: "_id", Value: m.ID}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "text", Value: ""}, {Key: "html", Value: ""}, {Key: "header", Value: ""}, {Key: "remote_images", Value: 0}}}}, coll.UpdateOptions{})
	return wrap("erase: message body", err)
}

// set updates fields of the record with id, by _id alone under its
// document lock, raising its version so a stale copy cannot write back.
func (s *Store) set(ctx context.Context, col string, id bson.ObjectID, fields bson.D) error {
	_, err := s.col(col).Update(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{
		{Key: "$set", Value: append(fields, bson.E{Key: "updated_at", Value: s.Now()})},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}, coll.UpdateOptions{})
	return wrap("erase: update "+col, err)
}
