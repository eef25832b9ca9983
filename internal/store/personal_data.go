package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// ErasedName replaces an erased stakeholder's name wherever it was.
const ErasedName = "[erased]"

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

// personalRefs are the records that name or reference a stakeholder.
type personalRefs struct {
	st model.Stakeholder
	// names and emails are the current ones and every earlier one the
	// record's audit trail remembers: a renamed person is still that person.
	names       []string
	emails      []string
	name        *regexp.Regexp // any of the names, any case; nil without a name
	meetings    []model.Meeting
	commitments []model.Commitment
	tasks       []model.Task
	messages    []model.Message
}

// nameFilter matches records whose text fields contain the name.
func (r *personalRefs) nameFilter(fields ...string) bson.A {
	var or bson.A
	if r.name == nil {
		return or
	}
	for _, f := range fields {
		for _, n := range r.names {
			or = append(or, bson.D{{Key: f, Value: bson.D{{Key: "$regex", Value: regexp.QuoteMeta(n)}, {Key: "$options", Value: "i"}}}})
		}
	}
	return or
}

// findPersonalRefs reads the stakeholder and every record that references
// it by id, by one of its addresses, or names it in its text.
func (s *Store) findPersonalRefs(ctx context.Context, id bson.ObjectID) (*personalRefs, error) {
	r := &personalRefs{}
	if err := s.c(colStakeholders).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r.st); err != nil {
		return nil, wrap("personal data: find stakeholder", err)
	}
	if err := s.knownIdentities(ctx, r); err != nil {
		return nil, err
	}
	if len(r.names) > 0 {
		alts := make([]string, len(r.names))
		for i, n := range r.names {
			alts[i] = regexp.QuoteMeta(n)
		}
		r.name = regexp.MustCompile(`(?i)(?:` + strings.Join(alts, "|") + `)`)
	}
	or := func(first bson.D, more bson.A) bson.D {
		return bson.D{{Key: "$or", Value: append(bson.A{first}, more...)}}
	}
	// A regular expression over free text can use no index: the records
	// naming the stakeholder are found by walking the _id index (which a
	// MongoDB refusing collection scans accepts) and testing each one.
	byID := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}})
	if err := s.findAll(ctx, colMeetings, or(bson.D{{Key: "participants.stakeholder_id", Value: id}},
		r.nameFilter("summary", "agreements", "next_steps", "place")), byID, &r.meetings); err != nil {
		return nil, wrap("personal data: meetings", err)
	}
	if err := s.findAll(ctx, colCommitments, or(bson.D{{Key: "stakeholder_id", Value: id}},
		r.nameFilter("text", "history.note", "history.evidence")), byID, &r.commitments); err != nil {
		return nil, wrap("personal data: commitments", err)
	}
	if err := s.findAll(ctx, colTasks, or(bson.D{{Key: "links.stakeholder_id", Value: id}},
		r.nameFilter("title", "notes")), byID, &r.tasks); err != nil {
		return nil, wrap("personal data: tasks", err)
	}
	msgs := bson.A{}
	if len(r.emails) > 0 {
		for _, f := range []string{"from.address", "to.address", "cc.address", "reply_to.address"} {
			msgs = append(msgs, bson.D{{Key: f, Value: bson.D{{Key: "$in", Value: r.emails}}}})
		}
	}
	if err := s.findAll(ctx, colMessages, or(bson.D{{Key: "stakeholder_ids", Value: id}}, msgs), nil, &r.messages); err != nil {
		return nil, wrap("personal data: messages", err)
	}
	return r, nil
}

// knownIdentities fills r.names and r.emails with the stakeholder's current
// name and addresses and the earlier ones its audit entries hold, longest
// name first so a pattern never stops inside a longer name.
func (s *Store) knownIdentities(ctx context.Context, r *personalRefs) error {
	var entries []model.AuditEntry
	if err := s.findAll(ctx, colAudit, bson.D{{Key: "entity", Value: "stakeholder"}, {Key: "entity_id", Value: r.st.ID.Hex()}}, nil, &entries); err != nil {
		return wrap("personal data: earlier names", err)
	}
	names := []string{r.st.Name}
	emails := slices.Clone(r.st.Emails)
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
		if n = strings.TrimSpace(n); n != "" && n != ErasedName && !slices.Contains(r.names, n) {
			r.names = append(r.names, n)
		}
	}
	slices.SortFunc(r.names, func(x, y string) int { return len(y) - len(x) })
	r.emails = uniqueEmails(emails)
	return nil
}

// StakeholderPersonalData gathers what Alianza holds about a stakeholder:
// the record, the meetings, commitments and tasks that reference or name
// it, its correspondence with bodies, and the audit entries of the record.
func (s *Store) StakeholderPersonalData(ctx context.Context, id bson.ObjectID) (*PersonalData, error) {
	r, err := s.findPersonalRefs(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &PersonalData{Stakeholder: r.st, Meetings: r.meetings, Commitments: r.commitments, Tasks: r.tasks, Messages: r.messages,
		MessageTexts: []model.MessageBody{}, Audit: []model.AuditEntry{}}
	if ids := messageIDs(r.messages); len(ids) > 0 {
		if err := s.findAll(ctx, colMessageBodies, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, nil, &d.MessageTexts); err != nil {
			return nil, wrap("personal data: message bodies", err)
		}
	}
	if err := s.findAll(ctx, colAudit, bson.D{{Key: "entity", Value: "stakeholder"}, {Key: "entity_id", Value: id.Hex()}}, nil, &d.Audit); err != nil {
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

// scrubber removes a stakeholder's name and addresses from text.
type scrubber struct {
	name   *regexp.Regexp
	emails *regexp.Regexp // any of the addresses, case-insensitive; nil when none
}

// newScrubber compiles the patterns once for every text of an erasure.
func newScrubber(name *regexp.Regexp, emails []string) scrubber {
	var alts []string
	for _, e := range emails {
		if e != "" {
			alts = append(alts, regexp.QuoteMeta(e))
		}
	}
	// Longest first: an address inside a longer one must not leave a piece.
	slices.SortFunc(alts, func(x, y string) int { return len(y) - len(x) })
	sc := scrubber{name: name}
	if len(alts) > 0 {
		sc.emails = regexp.MustCompile(`(?i)(?:` + strings.Join(alts, "|") + `)`)
	}
	return sc
}

// text replaces the name where it stands as a whole word (not inside a
// longer word) and every address of the stakeholder.
func (sc scrubber) text(s string) string {
	if sc.name != nil {
		var b strings.Builder
		last := 0
		for _, m := range sc.name.FindAllStringIndex(s, -1) {
			before, _ := utf8.DecodeLastRuneInString(s[:m[0]])
			after, _ := utf8.DecodeRuneInString(s[m[1]:])
			if isWordRune(before) || isWordRune(after) {
				continue
			}
			b.WriteString(s[last:m[0]])
			b.WriteString(ErasedName)
			last = m[1]
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	if sc.emails != nil {
		s = sc.emails.ReplaceAllLiteralString(s, ErasedName)
	}
	return s
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// value scrubs every string inside an audit change's value.
func (sc scrubber) value(v any) any {
	switch x := v.(type) {
	case string:
		return sc.text(x)
	case bson.D:
		out := make(bson.D, len(x))
		for i, e := range x {
			out[i] = bson.E{Key: e.Key, Value: sc.value(e.Value)}
		}
		return out
	case bson.A:
		out := make(bson.A, len(x))
		for i, e := range x {
			out[i] = sc.value(e)
		}
		return out
	default:
		return v
	}
}

// EraseStakeholder erases a person's data on request: the stakeholder's
// personal fields, the copies of their name in meetings, commitments and
// tasks (and the search words built from them), the addresses, subjects
// and bodies of their correspondence, and the name and addresses in the
// audit trail's earlier entries. Records stay (counts, other participants,
// links and mail sync bookkeeping are unchanged) with "[erased]" where the
// person was. The new audit entry says what kinds of records changed,
// never what was erased.
func (s *Store) EraseStakeholder(ctx context.Context, actor model.Actor, id bson.ObjectID) (EraseReport, error) {
	var rep EraseReport
	unlock := lockDoc(id)
	defer unlock()
	r, err := s.findPersonalRefs(ctx, id)
	if err != nil {
		return rep, err
	}
	sc := newScrubber(r.name, r.emails)
	touched := []string{id.Hex()}

	for i := range r.meetings {
		m := &r.meetings[i]
		for j := range m.Participants {
			if m.Participants[j].StakeholderID == id {
				m.Participants[j].Name = ErasedName
			}
		}
		m.Summary, m.Agreements, m.NextSteps, m.Place = sc.text(m.Summary), sc.text(m.Agreements), sc.text(m.NextSteps), sc.text(m.Place)
		if err := s.set(ctx, colMeetings, m.ID, bson.D{{Key: "participants", Value: m.Participants}, {Key: "summary", Value: m.Summary},
			{Key: "agreements", Value: m.Agreements}, {Key: "next_steps", Value: m.NextSteps}, {Key: "place", Value: m.Place},
			{Key: "search", Value: model.MeetingSearchWords(m)}}); err != nil {
			return rep, err
		}
		touched = append(touched, m.ID.Hex())
	}
	rep.Meetings = len(r.meetings)

	for i := range r.commitments {
		c := &r.commitments[i]
		if c.StakeholderID == id {
			c.StakeholderName = ErasedName
		}
		c.Text = sc.text(c.Text)
		for j := range c.History {
			c.History[j].Note, c.History[j].Evidence = sc.text(c.History[j].Note), sc.text(c.History[j].Evidence)
		}
		if err := s.set(ctx, colCommitments, c.ID, bson.D{{Key: "stakeholder_name", Value: c.StakeholderName}, {Key: "text", Value: c.Text},
			{Key: "history", Value: c.History}, {Key: "search", Value: model.CommitmentSearchWords(c)}}); err != nil {
			return rep, err
		}
		touched = append(touched, c.ID.Hex())
	}
	rep.Commitments = len(r.commitments)

	for i := range r.tasks {
		t := &r.tasks[i]
		if err := s.set(ctx, colTasks, t.ID, bson.D{{Key: "title", Value: sc.text(t.Title)}, {Key: "notes", Value: sc.text(t.Notes)}}); err != nil {
			return rep, err
		}
		touched = append(touched, t.ID.Hex())
	}
	rep.Tasks = len(r.tasks)

	for i := range r.messages {
		if err := s.eraseMessage(ctx, &r.messages[i], r.emails); err != nil {
			return rep, err
		}
		touched = append(touched, r.messages[i].ID.Hex())
	}
	rep.Messages = len(r.messages)

	// Earlier audit entries of these records carry the old values. The
	// kinds of record touched are named so the entity+entity_id index
	// bounds the read (ids are unique across kinds: the same entries).
	var entries []bson.D
	kinds := []string{"stakeholder", "meeting", "commitment", "task", "message"}
	if err := s.findAll(ctx, colAudit, bson.D{{Key: "entity", Value: bson.D{{Key: "$in", Value: kinds}}},
		{Key: "entity_id", Value: bson.D{{Key: "$in", Value: touched}}}}, nil, &entries); err != nil {
		return rep, wrap("erase: audit", err)
	}
	for _, e := range entries {
		var changes any
		var entryID any
		for _, f := range e {
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
		scrubbed := sc.value(changes)
		if fmt.Sprint(scrubbed) == fmt.Sprint(changes) {
			continue
		}
		if _, err := s.c(colAudit).UpdateOne(ctx, bson.D{{Key: "_id", Value: entryID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "changes", Value: scrubbed}}}}); err != nil {
			return rep, wrap("erase: audit entry", err)
		}
		rep.AuditEntries++
	}

	// Answers kept for Idempotency-Key replays may hold the person too.
	needles := append(append([]string{id.Hex()}, r.names...), r.emails...)
	if _, err := s.forgetIdempotentMentions(ctx, needles); err != nil {
		return rep, err
	}

	// The record itself, last: a failure above leaves it findable for a retry.
	if err := s.set(ctx, colStakeholders, id, bson.D{
		{Key: "name", Value: ErasedName}, {Key: "emails", Value: []string{}}, {Key: "phones", Value: []string{}},
		{Key: "tags", Value: []string{}}, {Key: "notes", Value: ""}, {Key: "stance", Value: model.DefaultStance},
		{Key: "influence", Value: model.DefaultInfluence}, {Key: "legislator", Value: nil}, {Key: "search", Value: ""},
		{Key: "updated_at", Value: s.Now()}}); err != nil {
		return rep, err
	}
	s.changed(ctx, Change{Actor: actor, Action: "erase", Entity: "stakeholder", ID: id.Hex(), Regions: r.st.Regions, Fields: []model.Change{
		{Field: "meetings", New: rep.Meetings}, {Field: "commitments", New: rep.Commitments}, {Field: "tasks", New: rep.Tasks},
		{Field: "messages", New: rep.Messages}, {Field: "audit_entries", New: rep.AuditEntries},
	}})
	return rep, nil
}

// eraseMessage removes a person from one message: their addresses (the
// other participants' stay), the subject and snippet, the body, the
// attachment names, and the search words built from them. The message
// stays with its ids so the next mail sync recognises it and imports
// nothing again.
func (s *Store) eraseMessage(ctx context.Context, m *model.Message, emails []string) error {
	erase := func(as []model.Address) []model.Address {
		for i := range as {
			if slices.Contains(emails, model.NormalizeEmail(as[i].Address)) {
				as[i] = model.Address{Name: ErasedName}
			}
		}
		return as
	}
	m.From = erase([]model.Address{m.From})[0]
	m.To, m.Cc, m.ReplyTo = erase(m.To), erase(m.Cc), erase(m.ReplyTo)
	m.Subject, m.Snippet = ErasedName, ""
	for i := range m.Attachments {
		m.Attachments[i].Name = ErasedName
	}
	if err := s.set(ctx, colMessages, m.ID, bson.D{{Key: "from", Value: m.From}, {Key: "to", Value: m.To}, {Key: "cc", Value: m.Cc},
		{Key: "reply_to", Value: m.ReplyTo}, {Key: "subject", Value: m.Subject}, {Key: "subject_key", Value: ""}, {Key: "snippet", Value: ""},
		{Key: "attachments", Value: m.Attachments}, {Key: "search", Value: MessageSearchWords(m)}}); err != nil {
		return err
	}
	_, err := s.c(colMessageBodies).UpdateOne(ctx, bson.D{{Key: "_id", Value: m.ID}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "text", Value: ""}, {Key: "html", Value: ""}, {Key: "header", Value: ""}, {Key: "remote_images", Value: 0}}}})
	return wrap("erase: message body", err)
}

// set updates fields of the record with id, by _id alone.
func (s *Store) set(ctx context.Context, col string, id bson.ObjectID, fields bson.D) error {
	_, err := s.c(col).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: fields}})
	return wrap("erase: update "+col, err)
}
