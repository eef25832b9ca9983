package demo

import (
	"fmt"
	"iter"
	"math/rand"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// RefMessages is how many messages the reference dataset holds at scale 1:
// a busy shared mailbox over two years.
const RefMessages = 50000

// refMessageTotal is how many messages the reference mailbox holds at scale.
func refMessageTotal(scale float64) int { return max(1, int(float64(RefMessages)*scale)) }

// RefMailbox is the id of the reference dataset's mailbox.
func RefMailbox() bson.ObjectID { return ID("ref-mailbox") }

// refTeamAddress is the shared mailbox's own address.
const refTeamAddress = "equipo@ref.alianza.test"

// ReferenceMessages builds the reference mailbox for dataset d: threads of
// one to several messages, three in four with a stakeholder (matched by its
// address, with its regions) and the rest with unknown senders
// (unmatched), both directions, every review status, some assigned, and
// the busy stakeholder in about one thread in a hundred.
func ReferenceMessages(scale float64, now time.Time, d store.Dataset, users map[string]bson.ObjectID) []model.IncomingMessage {
	out := make([]model.IncomingMessage, 0, refMessageTotal(scale))
	for batch := range ReferenceMessageBatches(scale, now, d, users, 10000) {
		out = append(out, batch...)
	}
	return out
}

// ReferenceMessageBatches yields ReferenceMessages in order, size at a
// time, holding only a few hundred more: a loader stores the mailbox of a
// large scale as it is built (500,000 messages at scale 10).
func ReferenceMessageBatches(scale float64, now time.Time, d store.Dataset, users map[string]bson.ObjectID, size int) iter.Seq[[]model.IncomingMessage] {
	return func(yield func([]model.IncomingMessage) bool) {
		rng := rand.New(rand.NewSource(refSeed + 1))
		now = now.UTC()
		total := refMessageTotal(scale)
		start := now.AddDate(-2, 0, 0)
		span := int64(now.Sub(start))
		type thread struct {
			n       int // its position in threads
			id      bson.ObjectID
			subject string
			st      *model.Stakeholder // nil: unmatched
			ext     model.Address
			at      time.Time
			lastIn  time.Time // its latest inbound message so far
		}
		var threads []*thread
		// A message's replied flag is final once its thread can get no more
		// messages: a message joins one of the 200 newest threads.
		const open = 200
		type pendingMsg struct {
			in model.IncomingMessage
			t  *thread
		}
		var pending []pendingMsg // from head on: not final yet
		head := 0
		batch := make([]model.IncomingMessage, 0, size)
		// flush moves the final messages (all when every one is) to batch
		// and yields full batches; false when the consumer stopped.
		flush := func(all bool) bool {
			for ; head < len(pending) && (all || pending[head].t.n < len(threads)-open); head++ {
				p := &pending[head]
				m := &p.in.Message
				// replied: an outbound message with a later inbound one in its thread.
				m.Replied = m.Direction == model.Outbound && m.Date.Before(p.t.lastIn)
				batch = append(batch, p.in)
				if len(batch) == size {
					if !yield(batch) {
						return false
					}
					batch = make([]model.IncomingMessage, 0, size)
				}
			}
			if head > len(pending)/2 {
				pending, head = pending[:copy(pending, pending[head:])], 0
			}
			return true
		}
		statuses := []struct {
			status string
			cum    int // out of 100
		}{{model.MessageNew, 30}, {model.MessageFollowUp, 45}, {model.MessageDone, 83}, {model.MessageIgnored, 98}, {model.MessageFailed, 100}}
		for i := range total {
			var t *thread
			if len(threads) == 0 || rng.Intn(100) < 45 {
				t = &thread{n: len(threads), id: ID(fmt.Sprintf("ref-thread-%d", len(threads))), at: start.Add(time.Duration(rng.Int63n(span)))}
				t.subject = actions[rng.Intn(len(actions))] + " " + subjects[rng.Intn(len(subjects))] + " " + subjects[rng.Intn(len(subjects))]
				switch x := rng.Intn(100); {
				case x < 1:
					t.st = &d.Stakeholders[0] // the busy stakeholder
				case x < 75:
					// Squaring favours the first stakeholders: some write a lot.
					f := rng.Float64()
					t.st = &d.Stakeholders[int(f*f*float64(len(d.Stakeholders)))]
				default:
					first, last := firstNames[rng.Intn(len(firstNames))], lastNames[rng.Intn(len(lastNames))]
					t.ext = model.Address{Name: first + " " + last + " (ficticio)",
						Address: fmt.Sprintf("%s.%s%d@correo-ref.pe", strings.ToLower(asciiName(first)), strings.ToLower(asciiName(last)), rng.Intn(500))}
				}
				threads = append(threads, t)
			} else {
				t = threads[len(threads)-1-rng.Intn(min(len(threads), open))]
			}
			other := t.ext
			if t.st != nil {
				other = model.Address{Name: t.st.Name, Address: t.st.Emails[0]}
			}
			team := model.Address{Name: "Equipo Alianza Ref", Address: refTeamAddress}
			at := t.at.Add(time.Duration(rng.Int63n(int64(20 * 24 * time.Hour)))).Truncate(time.Minute)
			if at.After(now) {
				at = now.Add(-time.Duration(rng.Intn(600)) * time.Minute).Truncate(time.Minute)
			}
			dir, from, to, folder := model.Inbound, other, team, "INBOX"
			if rng.Intn(100) < 35 {
				dir, from, to, folder = model.Outbound, team, other, "Sent"
			}
			subject := t.subject
			if t.at.Before(at) {
				subject = "Re: " + subject
			}
			id := ID(fmt.Sprintf("ref-message-%d", i))
			m := model.Message{
				ID: id, MessageID: fmt.Sprintf("<ref-%d@ref.alianza.test>", i), ThreadID: t.id, SubjectKey: strings.ToLower(t.subject),
				Subject: subject, From: from, To: []model.Address{to}, Date: at, Direction: dir,
				Snippet: "Estimados, sobre " + strings.ToLower(t.subject) + ": adjuntamos la información solicitada.",
				Size:    int64(2000 + rng.Intn(30000)),
				SeenIn:  []model.Location{{MailboxID: RefMailbox(), Folder: folder, UID: uint32(i + 1), UIDValidity: 1}},
				Links:   model.MessageLinks{}, Version: 1, CreatedAt: at, UpdatedAt: at,
			}
			x := rng.Intn(100)
			for _, s := range statuses {
				if x < s.cum {
					m.Status = s.status
					break
				}
			}
			if m.Status == model.MessageFailed {
				m.FailReason = "could not parse the MIME structure"
			}
			if t.st != nil {
				m.StakeholderIDs, m.Regions = []bson.ObjectID{t.st.ID}, append([]string(nil), t.st.Regions...)
				if m.Status != model.MessageNew && rng.Intn(3) == 0 {
					if owner, ok := users["ref-officer-"+t.st.Regions[0]]; ok {
						m.AssigneeID = owner
					}
				}
			} else {
				m.Unmatched = true
			}
			m.Search = store.MessageSearchWords(&m)
			if dir == model.Inbound && at.After(t.lastIn) {
				t.lastIn = at
			}
			body := model.MessageBody{ID: id, Text: m.Snippet + "\n\nSaludos cordiales,\n" + from.Name}
			pending = append(pending, pendingMsg{model.IncomingMessage{Message: m, Body: body}, t})
			if !flush(false) {
				return
			}
		}
		if flush(true) && len(batch) > 0 {
			yield(batch)
		}
	}
}

// asciiName drops the accents of a name for an email address.
func asciiName(s string) string {
	return strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ñ", "n").Replace(s)
}
