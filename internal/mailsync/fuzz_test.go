package mailsync

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/alianza-pe/alianza/internal/model"
)

// FuzzParse feeds arbitrary bytes to Parse. The seed corpus in
// testdata/fuzz/FuzzParse holds real-looking messages (Latin-1,
// quoted-printable, base64, HTML, attachments, broken MIME); run with
//
//	go test -run=^$ -fuzz=FuzzParse ./internal/mailsync
//
// Whatever the input, Parse must not crash (a recovered panic counts as a
// crash here), must return a storable message with a stable id, valid UTF-8
// and HTML without scripts or remote images.
func FuzzParse(f *testing.F) {
	f.Add([]byte("Subject: hola\r\n\r\ncuerpo"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<img src=http://x/y>\r\n--b--\r\n"))
	f.Add([]byte("Subject: =?iso-8859-1?q?Reuni=F3n?=\r\nContent-Transfer-Encoding: base64\r\n\r\n////"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := Parse(raw, internalDate)
		if in == nil {
			t.Fatal("nil message")
		}
		var pe *ParseError
		if err != nil {
			if !errors.As(err, &pe) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("untyped error %v", err)
			}
			if pe.Reason == FailPanic {
				t.Fatalf("parser panicked: %v", pe.Err)
			}
		}
		m, b := in.Message, in.Body
		if m.ID.IsZero() || b.ID != m.ID || m.ThreadID.IsZero() {
			t.Fatalf("ids: %v %v %v", m.ID, b.ID, m.ThreadID)
		}
		if !model.MessageStatuses.Valid(m.Status) || (err != nil) != (m.Status == model.MessageFailed) {
			t.Fatalf("status %q with err %v", m.Status, err)
		}
		for _, s := range []string{m.Subject, m.Snippet, m.From.Name, m.From.Address, m.MessageID, m.FailReason, b.Text, b.HTML} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
		lower := strings.ToLower(b.HTML)
		if strings.Contains(lower, "<script") || jsURLRe.MatchString(lower) || remoteSrcRe.MatchString(lower) {
			t.Fatalf("unsafe HTML kept: %s", b.HTML)
		}
		for i, a := range m.Attachments {
			if a.Index != i || a.Part == "" || a.Size < 0 || !utf8.ValidString(a.Name) {
				t.Fatalf("attachment %d: %+v", i, a)
			}
		}
		again, _ := Parse(raw, internalDate)
		if again.Message.ID != m.ID {
			t.Fatal("id is not stable")
		}
	})
}

var (
	remoteSrcRe = regexp.MustCompile(`<img[^>]+src="(https?:)?//`)
	jsURLRe     = regexp.MustCompile(`(href|src|action)="\s*javascript:`)
)
