package mailsync

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"go.mongodb.org/mongo-driver/v2/bson"
	"golang.org/x/text/unicode/norm"
)

// ThreadID derives a message's thread from its headers: the root of the
// References chain (its first id, which RFC 5322 clients keep), else the
// message it replies to, else the message itself. Because the id is computed
// from the root's Message-ID, it is the same whichever message of the thread
// arrives first, and equals the root message's own _id.
func ThreadID(messageID string, inReplyTo, references []string) bson.ObjectID {
	switch {
	case len(references) > 0:
		return IDForMessageID(references[0])
	case len(inReplyTo) > 0:
		return IDForMessageID(inReplyTo[0])
	case messageID != "":
		return IDForMessageID(messageID)
	default:
		return bson.ObjectID{}
	}
}

// replyMarkerRe matches the reply and forward markers clients put before a
// subject, in English and Spanish (Outlook in Spanish writes RV: and RE:, some
// Peruvian webmails Rpta: or Resp:), with optional counters like Re[2]:.
var replyMarkerRe = regexp.MustCompile(`(?i)^\s*(re|aw|fw|fwd|rv|reenv|rpta|rpt|resp|respuesta|tr|enc|rif)\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*`)

// listTagRe matches a leading mailing-list tag such as [lista-ddhh].
var listTagRe = regexp.MustCompile(`^\s*\[[^\]]{1,40}\]\s*`)

// NormalizeSubject strips every leading reply/forward marker and list tag, so
// "RE: RV: [red] Rpta: Reunión" becomes "Reunión".
func NormalizeSubject(s string) string {
	s = collapseSpace(s)
	for {
		t := listTagRe.ReplaceAllString(replyMarkerRe.ReplaceAllString(s, ""), "")
		if t == s {
			return strings.TrimSpace(s)
		}
		s = t
	}
}

// IsReplySubject reports whether a subject carries a reply/forward marker
// (after any list tags), i.e. whether it is worth looking for its thread by
// subject. A list tag alone does not make a reply.
func IsReplySubject(s string) bool {
	for {
		t := listTagRe.ReplaceAllString(s, "")
		if t == s {
			return replyMarkerRe.MatchString(s)
		}
		s = t
	}
}

// SubjectKey is the subject reduced for matching: no markers, lowercase,
// accents, punctuation and symbols removed ("Reunión – acta" and
// "reunion - acta" match, as clients rewrite dashes and quotes), spaces
// collapsed.
func SubjectKey(s string) string {
	s = strings.ToLower(NormalizeSubject(s))
	s = norm.NFD.String(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Mn, r): // combining marks: the accents after NFD
			return -1
		case unicode.IsPunct(r), unicode.IsSymbol(r):
			return ' '
		}
		return r
	}, s)
	return collapseSpace(s)
}

// SubjectWindow is how far back a reply without In-Reply-To/References may be
// joined to an earlier message with the same subject. Short, because "Reunión"
// or "Consulta" recur and unrelated threads must not merge.
const SubjectWindow = 14 * 24 * time.Hour

// threadIndex remembers, during one sync run, the thread of recent subjects
// so a reply without headers finds its thread even before the store has it.
type threadIndex struct {
	bySubject map[string]threadSeen
}

type threadSeen struct {
	thread bson.ObjectID
	date   time.Time
}

func newThreadIndex() *threadIndex { return &threadIndex{bySubject: map[string]threadSeen{}} }

// add records a message's thread under its subject key; earliest thread wins
// when two messages share a subject within the window.
func (ix *threadIndex) add(key string, thread bson.ObjectID, date time.Time) {
	if key == "" || thread.IsZero() {
		return
	}
	if old, ok := ix.bySubject[key]; ok && old.date.Before(date) && date.Sub(old.date) < SubjectWindow {
		return
	}
	ix.bySubject[key] = threadSeen{thread: thread, date: date}
}

// lookup finds a thread for key started within the window before date.
func (ix *threadIndex) lookup(key string, date time.Time) (bson.ObjectID, bool) {
	s, ok := ix.bySubject[key]
	if !ok || s.date.After(date) || date.Sub(s.date) > SubjectWindow {
		return bson.ObjectID{}, false
	}
	return s.thread, true
}

// needsSubjectThreading reports whether a message has no header telling its
// thread but its subject says it answers or forwards something.
func needsSubjectThreading(inReplyTo, references []string, subject string) bool {
	return len(inReplyTo) == 0 && len(references) == 0 && IsReplySubject(subject)
}
