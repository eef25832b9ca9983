package model

import (
	"bytes"
	"encoding/json"
	"html"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alianza-pe/alianza/internal/search"
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
// to each record that references or names them: their name, addresses and
// phones become ErasedName, the rest of the record and the other people in
// it stay. Changed counts the fields it changed, per "kind.field".
//
// The rule for free text (Text), chosen so that the person cannot be found
// again while other people's records keep their meaning:
//   - every address, any case, as a whole;
//   - every phone, as its digits: spaces, dashes, dots and brackets between
//     groups, a leading +, and the country code 51 (or 0051) and trunk 0 do
//     not matter ("+51 987-654-321" is "987654321");
//   - a name where three or more of its words stand together, or two that
//     stand together in the name or are its first word and its
//     second-to-last (given name and first surname, for "Rosa Elena Huamán
//     Quispe": "Rosa Huamán", "Huamán Quispe", "Elena Huamán", "Rosa
//     Elena"), in any order, with only spaces, a comma, hyphen, period or
//     underscore between them and particles (de, del, la, y...) or initials
//     inside: "HUAMÁN QUISPE, Rosa", "Rosa E. Huamán",
//     "rosa.huaman@otro.pe" -- accents and case ignored, whole words only
//     ("Huamánita" is not "Huamán");
//   - other pairs and single words stay: "Rosa Quispe" is more likely
//     another person than Rosa Elena Huamán Quispe, "Rosa" is also a colour
//     and Quispe the surname of over a million Peruvians, so redacting them
//     would erase other people and ordinary text; a name of one word is the
//     exception (the whole name is that word);
//   - the name of an institution, organisation or committee ("Gobierno
//     Regional de Puno") only whole: its parts name other bodies too.
type Erasure struct {
	ID      bson.ObjectID // the stakeholder's
	Emails  []string      // every address they had, normalised
	Changed map[string]int

	emails *regexp.Regexp  // any of Emails, any case; nil without one
	words  map[string]bool // every significant word of every name, folded
	pairs  map[string]bool // pairs of words that name the person, "a b" sorted
	names  [][]string      // the significant words of each name
	person bool            // a person (or legislator): parts of the name count
	phones map[string]bool // every phone, canonical digits
	firsts map[byte]bool   // first letters of words: initials inside a name
}

// particles join the words of a Spanish (or Portuguese, Dutch...) name,
// and titles precede it, without identifying anyone on their own: a name
// stored as "Congresista Rosa Huamán" must not make every "congresista
// Rosa" or "Congresista Huamán" hers.
var particles = wordSet(`de del la las los y e da das do dos di van von der
	sr sra srta senor senora senorita don dona dr dra doctor doctora ing lic licenciado licenciada abog prof profesor profesora mg
	congresista congresistas senador senadora diputado diputada ministro ministra alcalde alcaldesa gobernador gobernadora
	regidor regidora consejero consejera fiscal juez jueza sor fray padre hermana hermano`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// NewErasure compiles the patterns of one erasure: names, emails and
// phones are the stakeholder's current ones and every earlier one.
func NewErasure(id bson.ObjectID, person bool, names, emails, phones []string) *Erasure {
	e := &Erasure{ID: id, person: person, Emails: emails, Changed: map[string]int{}, words: map[string]bool{},
		phones: map[string]bool{}, firsts: map[byte]bool{}, pairs: map[string]bool{}}
	e.emails = anyOf(emails)
	for _, n := range names {
		var sig []string
		for _, w := range strings.Fields(search.Normalize(n)) {
			if !particles[w] {
				sig = append(sig, w)
			}
		}
		if len(sig) > 0 {
			e.names = append(e.names, sig)
		}
		for _, w := range sig {
			e.words[w] = true
			e.firsts[w[0]] = true
		}
		for i := 1; i < len(sig); i++ {
			e.pairs[pairKey(sig[i-1], sig[i])] = true
		}
		if len(sig) >= 4 {
			e.pairs[pairKey(sig[0], sig[len(sig)-2])] = true
		}
	}
	for _, p := range phones {
		// Fewer digits than a Peruvian landline would match dates and counts.
		if c := canonicalPhone(p); len(c) >= 6 {
			e.phones[c] = true
		}
	}
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

// canonicalPhone is a phone's digits without Peru's country code (51 or
// 0051 before a national number) and trunk prefix 0.
func canonicalPhone(p string) string {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, p)
	if strings.HasPrefix(d, "0051") {
		d = d[4:]
	} else if strings.HasPrefix(d, "51") && len(d) >= 10 {
		d = d[2:]
	}
	return strings.TrimLeft(d, "0")
}

// Text redacts the stakeholder's addresses, phones and name (see Erasure)
// in s.
func (e *Erasure) Text(s string) string {
	if s == "" {
		return s
	}
	if e.emails != nil {
		s = e.emails.ReplaceAllLiteralString(s, ErasedName)
	}
	s = redact(s, e.phoneSpans(s))
	return redact(s, e.nameSpans(s))
}

// Mentions tells whether s holds the stakeholder's address, phone or name.
func (e *Erasure) Mentions(s string) bool {
	return s != "" && ((e.emails != nil && e.emails.MatchString(s)) || len(e.phoneSpans(s)) > 0 || len(e.nameSpans(s)) > 0)
}

// redact replaces spans (in order, not overlapping) of s with ErasedName.
func redact(s string, spans [][2]int) string {
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp[0]])
		b.WriteString(ErasedName)
		last = sp[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// phoneSpans finds the stakeholder's phones: runs of digit groups joined
// by at most three of " -.()/" whose digits are one of the phones.
func (e *Erasure) phoneSpans(s string) [][2]int {
	if len(e.phones) == 0 {
		return nil
	}
	var groups [][2]int
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		groups = append(groups, [2]int{i, j})
		i = j
	}
	var spans [][2]int
	for i := 0; i < len(groups); i++ {
		var digits []byte
		for j := i; j < len(groups) && len(digits) <= 16; j++ {
			if j > i && !phoneGap(s[groups[j-1][1]:groups[j][0]]) {
				break
			}
			digits = append(digits, s[groups[j][0]:groups[j][1]]...)
			if e.phones[canonicalPhone(string(digits))] {
				start := groups[i][0]
				if start > 0 && s[start-1] == '+' {
					start--
				}
				spans = append(spans, [2]int{start, groups[j][1]})
				i = j
				break
			}
		}
	}
	return spans
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func phoneGap(g string) bool {
	return len(g) <= 3 && strings.Trim(g, " -.()/\u00a0") == ""
}

// word is one run of letters and digits of a text; fold is its folded
// form, computed when first needed (most words of a text never are).
type word struct {
	start, end int
	fold       string
	folded     bool
}

func (w *word) folding(s string) string {
	if !w.folded {
		w.fold, w.folded = search.Normalize(s[w.start:w.end]), true
	}
	return w.fold
}

func splitWords(s string) []word {
	var out []word
	start := -1
	for i, r := range s {
		in := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, word{start: start, end: i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{start: start, end: len(s)})
	}
	return out
}

// nameGap is what may stand between two words of one name: a space, a
// line break, a comma, hyphen, period, apostrophe or underscore.
func nameGap(g string) bool {
	return g != "" && utf8.RuneCountInString(g) <= 3 && strings.Trim(g, " \t\r\n-.,_'\u2019\u00a0") == ""
}

// nameSpans finds runs of the name's words (see Erasure): each span goes
// from the first name word of a run to its last.
func (e *Erasure) nameSpans(s string) [][2]int {
	if len(e.words) == 0 {
		return nil
	}
	ws := splitWords(s)
	var spans [][2]int
	for i := 0; i < len(ws); i++ {
		// A word starting with an ASCII letter no name word starts with is
		// skipped unfolded: the scans of whole collections depend on it.
		if c := s[ws[i].start]; c < utf8.RuneSelf && !e.firsts[c|0x20] {
			continue
		}
		if !e.words[ws[i].folding(s)] {
			continue
		}
		seen := []string{ws[i].fold}
		last := i
		for j := i + 1; j < len(ws); j++ {
			if !nameGap(s[ws[j-1].end:ws[j].start]) {
				break
			}
			f := ws[j].folding(s)
			if e.words[f] {
				if !slices.Contains(seen, f) {
					seen = append(seen, f)
				}
				last = j
				continue
			}
			if particles[f] || (len(f) == 1 && e.firsts[f[0]]) {
				continue
			}
			break
		}
		if e.whole(seen) || (e.person && (len(seen) >= 3 || (len(seen) == 2 && e.pairs[pairKey(seen[0], seen[1])]))) {
			spans = append(spans, [2]int{ws[i].start, ws[last].end})
		}
		// A run that does not match holds no part that does (a part sees
		// fewer of the words), so the next run starts after it: linear time.
		i = last
	}
	return spans
}

// whole tells whether seen holds every significant word of one name.
func (e *Erasure) whole(seen []string) bool {
	for _, n := range e.names {
		all := true
		for _, w := range n {
			all = all && slices.Contains(seen, w)
		}
		if all {
			return true
		}
	}
	return false
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + " " + b
}

// Value redacts every string inside a stored or decoded value (an audit
// change's old or new value, a kept JSON answer).
func (e *Erasure) Value(v any) any {
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
	case []any:
		out := make([]any, len(x))
		for i, f := range x {
			out[i] = e.Value(f)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, f := range x {
			out[k] = e.Value(f)
		}
		// The stakeholder's own record, as an API answer shows it: as the
		// erasure leaves it, so a client reading a replay still parses it.
		if id, _ := x["id"].(string); id == e.ID.Hex() {
			for k, v := range erasedRecord() {
				if _, ok := out[k]; ok {
					out[k] = v
				}
			}
			delete(out, "legislator")
		}
		return out
	default:
		return v
	}
}

// personalFields are the stakeholder's own fields an erasure empties; their
// earlier values in the audit trail and in kept answers go as a whole.
var personalFields = []string{"name", "emails", "phones", "tags", "notes", "stance", "influence", "legislator"}

// erasedRecord is the JSON of the personal fields as Stakeholder leaves them.
func erasedRecord() map[string]any {
	return map[string]any{"name": ErasedName, "emails": []any{}, "phones": []any{}, "tags": []any{}, "notes": "",
		"stance": DefaultStance, "influence": DefaultInfluence}
}

// IsPersonalField tells whether a field of the stakeholder's own record
// holds personal data (its audit values are erased whole).
func IsPersonalField(f string) bool { return slices.Contains(personalFields, f) }

// JSON redacts a kept JSON answer (see Value); ok is false when nothing
// changed. A body that is not JSON is redacted as text.
func (e *Erasure) JSON(b []byte) (out []byte, ok bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t := e.Text(string(b))
		return []byte(t), t != string(b)
	}
	red, err := json.Marshal(e.Value(v))
	if err != nil {
		return b, false
	}
	// Compared re-encoded (Value copies, v is unchanged): re-encoding alone
	// may reorder keys.
	if same, err := json.Marshal(v); err == nil && bytes.Equal(same, red) {
		return b, false
	}
	return red, true
}

// field redacts one text field of a record and counts it when it changed.
func (e *Erasure) field(name string, p *string) bool {
	t := e.Text(*p)
	if t == *p {
		return false
	}
	*p = t
	e.Changed[name]++
	return true
}

// set puts v in a field of a record the stakeholder is part of and counts it.
func (e *Erasure) set(name string, p *string, v string) bool {
	if *p == v || *p == "" {
		return false
	}
	*p = v
	e.Changed[name]++
	return true
}

// HTML redacts an HTML body: the text in it, and the whole HTML when tags
// or entities split the name ("Rosa <b>Huamán</b>", "Huam&aacute;n"), so
// that redacting the markup does not redact what a reader sees; the text
// body stays.
func (e *Erasure) HTML(name string, p *string) bool {
	orig := *p
	if !e.field(name, p) && !e.Mentions(visibleText(orig)) {
		return false
	}
	if e.Text(visibleText(orig)) != visibleText(*p) {
		if *p == orig {
			e.Changed[name]++
		}
		*p = ""
	}
	return true
}

func visibleText(h string) string { return html.UnescapeString(htmlTag.ReplaceAllString(h, "")) }

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// Stakeholder empties the record's personal fields; kind, regions, owner
// and links stay so counts and other records still add up.
func (e *Erasure) Stakeholder(st *Stakeholder) {
	st.Name, st.Emails, st.Phones, st.Tags, st.Notes = ErasedName, []string{}, []string{}, []string{}, ""
	st.Stance, st.Influence, st.Legislator, st.Search = DefaultStance, DefaultInfluence, nil, ""
	e.Changed["stakeholder.personal_fields"]++
}

// OtherStakeholder redacts the person in another stakeholder's notes,
// tags and relationship roles; its own name stays (a namesake is not the
// person). It tells whether anything changed.
func (e *Erasure) OtherStakeholder(st *Stakeholder) bool {
	changed := e.field("stakeholders.notes", &st.Notes)
	for i := range st.Tags {
		changed = e.field("stakeholders.tags", &st.Tags[i]) || changed
	}
	for i := range st.Relationships {
		changed = e.field("stakeholders.relationships", &st.Relationships[i].Role) || changed
	}
	return changed
}

// Meeting replaces the stakeholder's copied name among the participants
// and the person in the free text. It tells whether anything changed.
func (e *Erasure) Meeting(m *Meeting) bool {
	changed := false
	for j := range m.Participants {
		if m.Participants[j].StakeholderID == e.ID {
			changed = e.set("meetings.participants", &m.Participants[j].Name, ErasedName) || changed
		}
	}
	for _, f := range []struct {
		name string
		p    *string
	}{{"meetings.summary", &m.Summary}, {"meetings.agreements", &m.Agreements}, {"meetings.next_steps", &m.NextSteps}, {"meetings.place", &m.Place}} {
		changed = e.field(f.name, f.p) || changed
	}
	return changed
}

// Commitment replaces the copied name, and the person in the text and in
// the history's notes and evidence. It tells whether anything changed.
func (e *Erasure) Commitment(c *Commitment) bool {
	changed := false
	if c.StakeholderID == e.ID {
		changed = e.set("commitments.stakeholder_name", &c.StakeholderName, ErasedName)
	}
	changed = e.field("commitments.text", &c.Text) || changed
	for j := range c.History {
		changed = e.field("commitments.history", &c.History[j].Note) || changed
		changed = e.field("commitments.history", &c.History[j].Evidence) || changed
	}
	return changed
}

// Initiative takes the stakeholder off an initiative's linked
// stakeholders and redacts the person in its title, summary and stage
// notes. It tells whether anything changed.
func (e *Erasure) Initiative(it *Initiative) bool {
	changed := false
	if it.StakeholderRole(e.ID) != "" {
		it.Stakeholders = slices.DeleteFunc(it.Stakeholders, func(s InitiativeStakeholder) bool { return s.StakeholderID == e.ID })
		e.Changed["initiatives.stakeholders"]++
		changed = true
	}
	changed = e.field("initiatives.title", &it.Title) || changed
	changed = e.field("initiatives.summary", &it.Summary) || changed
	for j := range it.History {
		changed = e.field("initiatives.history", &it.History[j].Note) || changed
	}
	if changed {
		it.Normalize() // the stakeholder ids and search words follow
	}
	return changed
}

// Task redacts the person in the title and notes.
func (e *Erasure) Task(t *Task) bool {
	a := e.field("tasks.title", &t.Title)
	return e.field("tasks.notes", &t.Notes) || a
}

// Message removes the person from one message. Their own correspondence
// (theirs says so: linked to them or to one of their addresses) loses
// their addresses (the other participants' stay), the subject, snippet,
// attachment names and review notes; the store empties its body. Any other
// message has the person redacted in those texts. The message keeps its
// ids so the next mail sync recognises it and imports nothing again. It
// tells whether anything changed.
func (e *Erasure) Message(m *Message, theirs bool) bool {
	changed := false
	erase := func(as []Address) []Address {
		for i := range as {
			if slices.Contains(e.Emails, NormalizeEmail(as[i].Address)) {
				as[i] = Address{Name: ErasedName}
				e.Changed["messages.addresses"]++
				changed = true
			} else {
				changed = e.field("messages.addresses", &as[i].Name) || changed
			}
		}
		return as
	}
	m.From = erase([]Address{m.From})[0]
	m.To, m.Cc, m.ReplyTo = erase(m.To), erase(m.Cc), erase(m.ReplyTo)
	if theirs {
		changed = e.set("messages.subject", &m.Subject, ErasedName) || changed
		changed = e.set("messages.notes", &m.Notes, ErasedName) || changed
		m.SubjectKey, m.Snippet = "", ""
		for i := range m.Attachments {
			changed = e.set("messages.attachments", &m.Attachments[i].Name, ErasedName) || changed
		}
		return changed
	}
	for _, f := range []struct {
		name string
		p    *string
	}{{"messages.subject", &m.Subject}, {"messages.subject", &m.SubjectKey}, {"messages.snippet", &m.Snippet},
		{"messages.notes", &m.Notes}, {"messages.fail_reason", &m.FailReason}} {
		changed = e.field(f.name, f.p) || changed
	}
	for i := range m.Attachments {
		changed = e.field("messages.attachments", &m.Attachments[i].Name) || changed
	}
	return changed
}

// MessageBody redacts the person in the body of a message that is not
// theirs (their own bodies are emptied whole).
func (e *Erasure) MessageBody(b *MessageBody) bool {
	a := e.field("message_bodies.text", &b.Text)
	c := e.field("message_bodies.header", &b.Header)
	return e.HTML("message_bodies.html", &b.HTML) || a || c
}
