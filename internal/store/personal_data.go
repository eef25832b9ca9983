package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
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
	Messages     []model.Message     `json:"messages"`
	MessageTexts []model.MessageBody `json:"message_bodies"`
	Audit        []model.AuditEntry  `json:"audit"`
}

// PersonalRefs are a stakeholder and the records that reference or name
// them: what a personal-data request shows and an erasure changes.
type PersonalRefs struct {
	Stakeholder model.Stakeholder
	// Names and Emails are the current ones and every earlier one the
	// record's audit trail remembers: a renamed person is still that person.
	Names       []string
	Emails      []string
	Meetings    []model.Meeting
	Commitments []model.Commitment
	Tasks       []model.Task
	Messages    []model.Message
}

// nameFilter matches records whose text fields contain one of the names.
func (r *PersonalRefs) nameFilter(fields ...string) bson.A {
	var or bson.A
	for _, f := range fields {
		for _, n := range r.Names {
			or = append(or, bson.D{{Key: f, Value: bson.D{{Key: "$regex", Value: regexp.QuoteMeta(n)}, {Key: "$options", Value: "i"}}}})
		}
	}
	return or
}

// PersonalRefs reads the stakeholder with id and every record that
// references it by id, by one of its addresses, or names it in its text.
func (s *Store) PersonalRefs(ctx context.Context, id bson.ObjectID) (*PersonalRefs, error) {
	r := &PersonalRefs{}
	if err := s.col(colStakeholders).FindOne(ctx, bson.D{{Key: "_id", Value: id}}, coll.FindOptions{}, &r.Stakeholder); err != nil {
		return nil, wrap("personal data: find stakeholder", err)
	}
	if err := s.knownIdentities(ctx, r); err != nil {
		return nil, err
	}
	or := func(first bson.D, more bson.A) bson.D {
		return bson.D{{Key: "$or", Value: append(bson.A{first}, more...)}}
	}
	// A regular expression over free text can use no index: the records
	// naming the stakeholder are found by walking the _id index (which a
	// MongoDB refusing collection scans accepts) and testing each one.
	byID := coll.FindOptions{Sort: bson.D{{Key: "_id", Value: 1}}}
	if err := s.col(colMeetings).Find(ctx, or(bson.D{{Key: "participants.stakeholder_id", Value: id}},
		r.nameFilter("summary", "agreements", "next_steps", "place")), byID, &r.Meetings); err != nil {
		return nil, wrap("personal data: meetings", err)
	}
	if err := s.col(colCommitments).Find(ctx, or(bson.D{{Key: "stakeholder_id", Value: id}},
		r.nameFilter("text", "history.note", "history.evidence")), byID, &r.Commitments); err != nil {
		return nil, wrap("personal data: commitments", err)
	}
	if err := s.col(colTasks).Find(ctx, or(bson.D{{Key: "links.stakeholder_id", Value: id}},
		r.nameFilter("title", "notes")), byID, &r.Tasks); err != nil {
		return nil, wrap("personal data: tasks", err)
	}
	msgs := bson.A{}
	if len(r.Emails) > 0 {
		for _, f := range []string{"from.address", "to.address", "cc.address", "reply_to.address"} {
			msgs = append(msgs, bson.D{{Key: f, Value: bson.D{{Key: "$in", Value: r.Emails}}}})
		}
	}
	if err := s.col(colMessages).Find(ctx, or(bson.D{{Key: "stakeholder_ids", Value: id}}, msgs), coll.FindOptions{}, &r.Messages); err != nil {
		return nil, wrap("personal data: messages", err)
	}
	return r, nil
}

// knownIdentities fills r.names and r.emails with the stakeholder's current
// name and addresses and the earlier ones its audit entries hold, longest
// name first so a pattern never stops inside a longer name.
func (s *Store) knownIdentities(ctx context.Context, r *PersonalRefs) error {
	var entries []model.AuditEntry
	if err := s.col(colAudit).Find(ctx, bson.D{{Key: "entity", Value: "stakeholder"}, {Key: "entity_id", Value: r.Stakeholder.ID.Hex()}}, coll.FindOptions{}, &entries); err != nil {
		return wrap("personal data: earlier names", err)
	}
	names := []string{r.Stakeholder.Name}
	emails := slices.Clone(r.Stakeholder.Emails)
	for _, e := range entries {
		for _, c := range e.Changes {
			for _, v := range []any{c.Old, c.New} {
				switch c.Field {
				case "name":
					if n, ok := v.(string); ok {
						names = append(names, n)
					}
				case "emails":
					if list, ok := v.(bson.A); ok {
						for _, x := range list {
							if a, ok := x.(string); ok {
								emails = append(emails, model.NormalizeEmail(a))
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
	slices.SortFunc(r.Names, func(x, y string) int { return len(y) - len(x) })
	r.Emails = uniqueEmails(emails)
	return nil
}

// StakeholderPersonalData gathers what Alianza holds about a stakeholder:
// the record, the meetings, commitments and tasks that reference or name
// it, its correspondence with bodies, and the audit entries of the record.
func (s *Store) StakeholderPersonalData(ctx context.Context, id bson.ObjectID) (*PersonalData, error) {
	r, err := s.PersonalRefs(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &PersonalData{Stakeholder: r.Stakeholder, Meetings: r.Meetings, Commitments: r.Commitments, Tasks: r.Tasks, Messages: r.Messages,
		MessageTexts: []model.MessageBody{}, Audit: []model.AuditEntry{}}
	if ids := messageIDs(r.Messages); len(ids) > 0 {
		if err := s.col(colMessageBodies).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, coll.FindOptions{}, &d.MessageTexts); err != nil {
			return nil, wrap("personal data: message bodies", err)
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

// EraseReport counts the records an erasure changed.
type EraseReport struct {
	Meetings     int `json:"meetings"`
	Commitments  int `json:"commitments"`
	Tasks        int `json:"tasks"`
	Messages     int `json:"messages"`
	AuditEntries int `json:"audit_entries"`
}

// SaveErasure writes an erasure that workflow.EraseStakeholder applied
// (model.Erasure) to the records of r: the copies of the name in meetings,
// commitments and tasks (and the search words built from them), the
// addresses, subjects and bodies of the correspondence, the name and
// addresses in the audit trail's earlier entries (scrubbed with e), the
// answers kept for Idempotency-Key replays that mention the person, and
// last the stakeholder's own fields, in one transaction where the
// database has them. The new audit entry says what kinds of records
// changed, never what was erased.
func (s *Store) SaveErasure(ctx context.Context, actor model.Actor, r *PersonalRefs, e model.Erasure) (EraseReport, error) {
	var rep EraseReport
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		rep, err = s.eraseRecords(ctx, r, e)
		return err
	})
	if err != nil {
		return rep, err
	}
	st := &r.Stakeholder
	s.changed(ctx, Change{Actor: actor, Action: "erase", Entity: "stakeholder", ID: st.ID.Hex(), Regions: st.Regions, Fields: []model.Change{
		{Field: "meetings", New: rep.Meetings}, {Field: "commitments", New: rep.Commitments}, {Field: "tasks", New: rep.Tasks},
		{Field: "messages", New: rep.Messages}, {Field: "audit_entries", New: rep.AuditEntries},
	}})
	return rep, nil
}

// eraseRecords makes the writes of SaveErasure; on a failure it answers
// what it changed so far.
func (s *Store) eraseRecords(ctx context.Context, r *PersonalRefs, e model.Erasure) (EraseReport, error) {
	var rep EraseReport
	id := r.Stakeholder.ID
	touched := []string{id.Hex()}
	for i := range r.Meetings {
		m := &r.Meetings[i]
		if err := s.set(ctx, colMeetings, m.ID, bson.D{{Key: "participants", Value: m.Participants}, {Key: "summary", Value: m.Summary},
			{Key: "agreements", Value: m.Agreements}, {Key: "next_steps", Value: m.NextSteps}, {Key: "place", Value: m.Place},
			{Key: "search", Value: model.MeetingSearchWords(m)}}); err != nil {
			return rep, err
		}
		touched = append(touched, m.ID.Hex())
	}
	rep.Meetings = len(r.Meetings)

	for i := range r.Commitments {
		c := &r.Commitments[i]
		if err := s.set(ctx, colCommitments, c.ID, bson.D{{Key: "stakeholder_name", Value: c.StakeholderName}, {Key: "text", Value: c.Text},
			{Key: "history", Value: c.History}, {Key: "search", Value: model.CommitmentSearchWords(c)}}); err != nil {
			return rep, err
		}
		touched = append(touched, c.ID.Hex())
	}
	rep.Commitments = len(r.Commitments)

	for i := range r.Tasks {
		t := &r.Tasks[i]
		if err := s.set(ctx, colTasks, t.ID, bson.D{{Key: "title", Value: t.Title}, {Key: "notes", Value: t.Notes}}); err != nil {
			return rep, err
		}
		touched = append(touched, t.ID.Hex())
	}
	rep.Tasks = len(r.Tasks)

	for i := range r.Messages {
		if err := s.eraseMessage(ctx, &r.Messages[i]); err != nil {
			return rep, err
		}
		touched = append(touched, r.Messages[i].ID.Hex())
	}
	rep.Messages = len(r.Messages)

	n, err := s.scrubAudit(ctx, touched, e)
	rep.AuditEntries = n
	if err != nil {
		return rep, err
	}

	// Answers kept for Idempotency-Key replays may hold the person too.
	needles := append(append([]string{id.Hex()}, r.Names...), r.Emails...)
	if _, err := s.forgetIdempotentMentions(ctx, needles); err != nil {
		return rep, err
	}

	// The record itself, last: a failure above leaves it findable for a retry.
	st := &r.Stakeholder
	if err := s.set(ctx, colStakeholders, id, bson.D{
		{Key: "name", Value: st.Name}, {Key: "emails", Value: st.Emails}, {Key: "phones", Value: st.Phones},
		{Key: "tags", Value: st.Tags}, {Key: "notes", Value: st.Notes}, {Key: "stance", Value: st.Stance},
		{Key: "influence", Value: st.Influence}, {Key: "legislator", Value: st.Legislator}, {Key: "search", Value: st.Search},
		{Key: "updated_at", Value: s.Now()}}); err != nil {
		return rep, err
	}
	return rep, nil
}

// scrubAudit rewrites the earlier audit entries of the touched records,
// which carry old values, with e's scrubbed values; it returns how many
// changed. The kinds of record touched are named so the entity+entity_id
// index bounds the read (ids are unique across kinds: the same entries).
func (s *Store) scrubAudit(ctx context.Context, touched []string, e model.Erasure) (int, error) {
	var entries []bson.D
	kinds := []string{"stakeholder", "meeting", "commitment", "task", "message"}
	if err := s.col(colAudit).Find(ctx, bson.D{{Key: "entity", Value: bson.D{{Key: "$in", Value: kinds}}},
		{Key: "entity_id", Value: bson.D{{Key: "$in", Value: touched}}}}, coll.FindOptions{}, &entries); err != nil {
		return 0, wrap("erase: audit", err)
	}
	n := 0
	for _, entry := range entries {
		var changes, entryID any
		for _, f := range entry {
			switch f.Key {
			case "_id":
				entryID = f.Value
			case "changes":
				changes = f.Value
			}
		}
		if changes == nil {
			continue
		}
		scrubbed := e.Value(changes)
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

// eraseMessage writes a message an erasure changed and empties its body.
func (s *Store) eraseMessage(ctx context.Context, m *model.Message) error {
	if err := s.set(ctx, colMessages, m.ID, bson.D{{Key: "from", Value: m.From}, {Key: "to", Value: m.To}, {Key: "cc", Value: m.Cc},
		{Key: "reply_to", Value: m.ReplyTo}, {Key: "subject", Value: m.Subject}, {Key: "subject_key", Value: m.SubjectKey}, {Key: "snippet", Value: m.Snippet},
		{Key: "attachments", Value: m.Attachments}, {Key: "search", Value: MessageSearchWords(m)}}); err != nil {
		return err
	}
	_, err := s.col(colMessageBodies).Update(ctx, bson.D{{Key: "_id", Value: m.ID}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "text", Value: ""}, {Key: "html", Value: ""}, {Key: "header", Value: ""}, {Key: "remote_images", Value: 0}}}}, coll.UpdateOptions{})
	return wrap("erase: message body", err)
}

// set updates fields of the record with id, by _id alone.
func (s *Store) set(ctx context.Context, col string, id bson.ObjectID, fields bson.D) error {
	_, err := s.col(col).Update(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: fields}}, coll.UpdateOptions{})
	return wrap("erase: update "+col, err)
}
