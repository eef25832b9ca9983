package model

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErasedName replaces an erased stakeholder's name wherever it was.
const ErasedName = "[erased]"

// ConfirmErasure checks that the admin typed the stakeholder's current
// name: an erasure cannot be undone.
func ConfirmErasure(name, typed string) error {
	if strings.TrimSpace(typed) != strings.TrimSpace(name) {
		var p Problems
		p.Add("confirm_name", "type the stakeholder's name exactly as shown to confirm the erasure")
		return p.Err()
	}
	return nil
}

// Erasure is what erasing one stakeholder's personal data (Ley 29733) does
// to each record that references or names them: their name and addresses
// become ErasedName, the rest of the record and the other people in it stay.
type Erasure struct {
	ID     bson.ObjectID  // the stakeholder's
	Emails []string       // every address they had, normalised
	name   *regexp.Regexp // any name they had, any case; nil without one
	emails *regexp.Regexp // any of Emails, any case; nil without one
}

// NewErasure compiles the patterns of one erasure: names and emails are
// the stakeholder's current ones and every earlier one.
func NewErasure(id bson.ObjectID, names, emails []string) Erasure {
	e := Erasure{ID: id, Emails: emails}
	e.name = anyOf(names)
	e.emails = anyOf(emails)
	return e
}

// anyOf matches any of xs, case-insensitive, longest first so a match
// never stops inside a longer one; nil when xs holds no text.
func anyOf(xs []string) *regexp.Regexp {
	var alts []string
	for _, x := range xs {
		if x != "" {
			alts = append(alts, regexp.QuoteMeta(x))
		}
	}
	if len(alts) == 0 {
		return nil
	}
	slices.SortStableFunc(alts, func(x, y string) int { return len(y) - len(x) })
	return regexp.MustCompile(`(?i)(?:` + strings.Join(alts, "|") + `)`)
}

// Text replaces the name where it stands as a whole word (not inside a
// longer word) and every address of the stakeholder.
func (e Erasure) Text(s string) string {
	if e.name != nil {
		var b strings.Builder
		last := 0
		for _, m := range e.name.FindAllStringIndex(s, -1) {
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
	if e.emails != nil {
		s = e.emails.ReplaceAllLiteralString(s, ErasedName)
	}
	return s
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// Value scrubs every string inside a stored value (an audit change's old
// or new value).
func (e Erasure) Value(v any) any {
	switch x := v.(type) {
	case string:
		return e.Text(x)
	case bson.D:
		out := make(bson.D, len(x))
		for i, f := range x {
			out[i] = bson.E{Key: f.Key, Value: e.Value(f.Value)}
		}
		return out
	case bson.A:
		out := make(bson.A, len(x))
		for i, f := range x {
			out[i] = e.Value(f)
		}
		return out
	default:
		return v
	}
}

// Stakeholder empties the record's personal fields; kind, regions, owner
// and links stay so counts and other records still add up.
func (e Erasure) Stakeholder(st *Stakeholder) {
	st.Name, st.Emails, st.Phones, st.Tags, st.Notes = ErasedName, []string{}, []string{}, []string{}, ""
	st.Stance, st.Influence, st.Legislator, st.Search = DefaultStance, DefaultInfluence, nil, ""
}

// Meeting replaces the stakeholder's copied name among the participants
// and the name and addresses in the free text.
func (e Erasure) Meeting(m *Meeting) {
	for j := range m.Participants {
		if m.Participants[j].StakeholderID == e.ID {
			m.Participants[j].Name = ErasedName
		}
	}
	m.Summary, m.Agreements, m.NextSteps, m.Place = e.Text(m.Summary), e.Text(m.Agreements), e.Text(m.NextSteps), e.Text(m.Place)
}

// Commitment replaces the copied name, and the name and addresses in the
// text and in the history's notes and evidence.
func (e Erasure) Commitment(c *Commitment) {
	if c.StakeholderID == e.ID {
		c.StakeholderName = ErasedName
	}
	c.Text = e.Text(c.Text)
	for j := range c.History {
		c.History[j].Note, c.History[j].Evidence = e.Text(c.History[j].Note), e.Text(c.History[j].Evidence)
	}
}

// Task replaces the name and addresses in the title and notes.
func (e Erasure) Task(t *Task) {
	t.Title, t.Notes = e.Text(t.Title), e.Text(t.Notes)
}

// Message removes the person from one message: their addresses (the
// other participants' stay), the subject and snippet, and the attachment
// names. The body goes too (the store empties it). The message keeps its
// ids so the next mail sync recognises it and imports nothing again.
func (e Erasure) Message(m *Message) {
	erase := func(as []Address) []Address {
		for i := range as {
			if slices.Contains(e.Emails, NormalizeEmail(as[i].Address)) {
				as[i] = Address{Name: ErasedName}
			}
		}
		return as
	}
	m.From = erase([]Address{m.From})[0]
	m.To, m.Cc, m.ReplyTo = erase(m.To), erase(m.Cc), erase(m.ReplyTo)
	m.Subject, m.SubjectKey, m.Snippet = ErasedName, "", ""
	for i := range m.Attachments {
		m.Attachments[i].Name = ErasedName
	}
}
