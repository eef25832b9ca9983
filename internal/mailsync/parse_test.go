package mailsync

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/alianza-pe/alianza/internal/model"
)

func readMessage(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "messages", name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return b
}

var internalDate = time.Date(2026, 3, 20, 15, 0, 0, 0, time.UTC)

func TestParseMessages(t *testing.T) {
	tests := []struct {
		file        string
		subject     string
		from        model.Address
		to          []string
		cc          []model.Address
		messageID   string
		date        time.Time
		textHas     []string
		textHasNot  []string
		htmlHas     []string
		htmlHasNot  []string
		attachments []model.Attachment
		inReplyTo   []string
		references  []string
		remoteImgs  int
		failed      string // expected fail reason prefix; "" = parses
	}{
		{
			file:      "latin1_qp.eml",
			subject:   "Reunión con la Comisión de la Mujer – acta",
			from:      model.Address{Name: "Rocío Quispe Mamáni", Address: "r.quispe@congreso.gob.pe"},
			to:        []string{"equipo@alianza.org.pe"},
			cc:        []model.Address{{Name: "José Peña", Address: "jpena@congreso.gob.pe"}, {Address: "asesoria@congreso.gob.pe"}},
			messageID: "CAF1234.5678@mail.congreso.gob.pe",
			date:      time.Date(2026, 3, 10, 14, 13, 55, 0, time.UTC),
			textHas:   []string{"Les envío el acta de la reunión del martes. La señora congresista se compromete", "Asesora – Comisión"},
		},
		{
			file:      "cp1252_8bit.eml",
			subject:   "“Acuerdo regional” – presupuesto € 2026",
			from:      model.Address{Name: "Lucia Huaman", Address: "lhuaman@defensoria.gob.pe"},
			to:        []string{"equipo@alianza.org.pe"},
			messageID: "20260311164000.1111@defensoria.gob.pe",
			textHas:   []string{"El “acuerdo regional” de Loreto asigna € 0", "incluirá en la modificación presupuestal de junio…", "Lucía"},
		},
		{
			file:      "base64_utf8.eml",
			subject:   "Constancia de recepción N° 1234",
			from:      model.Address{Name: "Mesa de Partes", Address: "mesadepartes@regioncusco.gob.pe"},
			messageID: "mp-1234@regioncusco.gob.pe",
			textHas:   []string{"Se recibió su documento con registro N° 1234.", "Gerencia de Desarrollo Social — Cusco"},
		},
		{
			file:       "html_remote.eml",
			subject:    "Boletín de marzo",
			messageID:  "boletin-2026-03@redperu.org",
			textHas:    []string{"Hola equipo", "Leer el boletín"},
			textHasNot: []string{"alert", "background"},
			htmlHas: []string{
				`<b>equipo</b>`, `src="cid:logo123@redperu.org"`, `src="data:image/png;base64,iVBORw0KGgo="`,
				`href="https://redperu.org/boletin"`, `target="_blank"`, `nofollow`, `noreferrer`, `noopener`,
				`style="color: #333"`,
			},
			htmlHasNot: []string{"<script", "alert(", "onclick", "javascript:", "track.redperu.org", "cdn.redperu.org", "url(", "<style"},
			remoteImgs: 2,
		},
		{
			file:      "attachments.eml",
			subject:   "Informe anual y propuesta",
			from:      model.Address{Name: "Carlos Mendoza", Address: "cmendoza@alianza.org.pe"},
			to:        []string{"comision.mujer@congreso.gob.pe"},
			messageID: "informe-2026@alianza.org.pe",
			textHas:   []string{"Adjunto el informe anual. Saludos, Carlos."},
			htmlHas:   []string{`<b>informe anual</b>`, `src="cid:firma@alianza"`},
			attachments: []model.Attachment{
				{Index: 0, Name: "adjunto-1.png", Type: "image/png", Size: 69, Part: "1.2", ContentID: "firma@alianza", Inline: true},
				{Index: 1, Name: "Informe año 2025.pdf", Type: "application/pdf", Size: 65, Part: "2"},
				{Index: 2, Name: "Presupuesto Región.xlsx", Type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Size: 10, Part: "3"},
				{Index: 3, Name: "adjunto-4.eml", Type: "message/rfc822", Size: 63, Part: "4"},
			},
		},
		{
			file:       "reply_thread.eml",
			subject:    "RE: RV: Reunión con la Comisión de la Mujer – acta",
			from:       model.Address{Name: "José Peña", Address: "jpena@congreso.gob.pe"},
			messageID:  "reply-2@congreso.gob.pe",
			inReplyTo:  []string{"reply-1@alianza.org.pe"},
			references: []string{"CAF1234.5678@mail.congreso.gob.pe", "reply-1@alianza.org.pe"},
			textHas:    []string{"Conforme, gracias."},
		},
		{
			file:      "unlabelled_8bit.eml",
			subject:   "Invitación a la sesión del 20",
			from:      model.Address{Name: "Señor Ramírez", Address: "ramirez@munilima.gob.pe"},
			messageID: "inv-20@munilima.gob.pe",
			textHas:   []string{"invita a la sesión ordinaria. Atte., Ramírez"},
		},
		{
			file:    "no_message_id.eml",
			subject: "Alerta automática",
			date:    time.Date(2026, 3, 17, 12, 59, 0, 0, time.UTC),
			textHas: []string{"Mensaje sin Message-ID"},
		},
		{file: "malformed_header.eml", failed: FailHeader, textHas: []string{"this line is not a header"}},
		{file: "multipart_no_boundary.eml", failed: FailMIME, subject: "Oferta", messageID: "sin-boundary@example.org"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in, err := Parse(readMessage(t, tt.file), internalDate)
			if in == nil {
				t.Fatal("Parse returned nil message")
			}
			m, b := in.Message, in.Body
			if tt.failed != "" {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Reason != tt.failed || !errors.Is(err, ErrMalformed) {
					t.Fatalf("err = %v, want ParseError %q", err, tt.failed)
				}
				if m.Status != model.MessageFailed || !strings.HasPrefix(m.FailReason, tt.failed) {
					t.Errorf("status %q reason %q, want failed/%s", m.Status, m.FailReason, tt.failed)
				}
			} else {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if m.Status != model.MessageNew {
					t.Errorf("status = %q, want new", m.Status)
				}
			}
			if m.ID.IsZero() || b.ID != m.ID || m.ThreadID.IsZero() {
				t.Errorf("ids: message %v body %v thread %v", m.ID, b.ID, m.ThreadID)
			}
			if tt.subject != "" && m.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.subject)
			}
			if tt.from.Address != "" && m.From != tt.from {
				t.Errorf("from = %+v, want %+v", m.From, tt.from)
			}
			for i, want := range tt.to {
				if i >= len(m.To) || m.To[i].Address != want {
					t.Errorf("to = %+v, want %v", m.To, tt.to)
					break
				}
			}
			if tt.cc != nil && !slices.Equal(m.Cc, tt.cc) {
				t.Errorf("cc = %+v, want %+v", m.Cc, tt.cc)
			}
			if tt.messageID != "" {
				if m.MessageID != tt.messageID {
					t.Errorf("message id = %q, want %q", m.MessageID, tt.messageID)
				}
				if m.ID != IDForMessageID(tt.messageID) {
					t.Errorf("id not derived from message id")
				}
			}
			if !tt.date.IsZero() && !m.Date.Equal(tt.date) {
				t.Errorf("date = %v, want %v", m.Date, tt.date)
			}
			checkHolds(t, "text", b.Text, tt.textHas, tt.textHasNot)
			checkHolds(t, "html", b.HTML, tt.htmlHas, tt.htmlHasNot)
			if b.RemoteImages != tt.remoteImgs {
				t.Errorf("remote images = %d, want %d", b.RemoteImages, tt.remoteImgs)
			}
			if tt.attachments != nil || len(m.Attachments) > 0 {
				if len(m.Attachments) != len(tt.attachments) {
					t.Fatalf("attachments = %+v, want %+v", m.Attachments, tt.attachments)
				}
				for i := range tt.attachments {
					if m.Attachments[i] != tt.attachments[i] {
						t.Errorf("attachment %d = %+v, want %+v", i, m.Attachments[i], tt.attachments[i])
					}
				}
			}
			if !slices.Equal(m.InReplyTo, tt.inReplyTo) || !slices.Equal(m.References, tt.references) {
				t.Errorf("in-reply-to %v references %v, want %v %v", m.InReplyTo, m.References, tt.inReplyTo, tt.references)
			}
			for _, s := range []string{m.Subject, m.Snippet, b.Text, b.HTML, m.From.Name} {
				if !utf8.ValidString(s) {
					t.Errorf("invalid UTF-8: %q", s)
				}
			}
			if tt.failed == "" && m.Snippet == "" {
				t.Errorf("empty snippet")
			}
		})
	}
}

func TestParseThreadIDFromReferences(t *testing.T) {
	root, _ := Parse(readMessage(t, "latin1_qp.eml"), internalDate)
	reply, _ := Parse(readMessage(t, "reply_thread.eml"), internalDate)
	if reply.Message.ThreadID != root.Message.ID || root.Message.ThreadID != root.Message.ID {
		t.Errorf("reply thread %v, root id %v thread %v: want all equal", reply.Message.ThreadID, root.Message.ID, root.Message.ThreadID)
	}
}

func TestParseWithoutMessageIDHashesContent(t *testing.T) {
	raw := readMessage(t, "no_message_id.eml")
	a, err := Parse(raw, internalDate)
	if err != nil {
		t.Fatal(err)
	}
	// The copy in another folder differs in transport headers only.
	other := strings.Replace(string(raw), "Received: from relay (relay [10.0.0.1]) by mx; Tue, 17 Mar 2026 08:00:00 -0500\r\n",
		"Received: from elsewhere by mx2; Tue, 17 Mar 2026 08:00:09 -0500\r\nX-Spam-Score: 0.1\r\n", 1)
	b, err := Parse([]byte(other), internalDate.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if a.Message.MessageID != "" || a.Message.ContentHash == "" {
		t.Fatalf("message id %q hash %q", a.Message.MessageID, a.Message.ContentHash)
	}
	if a.Message.ID != b.Message.ID {
		t.Errorf("same content, different ids: %v %v", a.Message.ID, b.Message.ID)
	}
	changed := strings.Replace(string(raw), "generado por", "escrito por", 1)
	c, _ := Parse([]byte(changed), internalDate)
	if c.Message.ID == a.Message.ID {
		t.Errorf("different body, same id")
	}
}

func TestParseDateFallsBackToInternalDate(t *testing.T) {
	tests := []struct{ name, date string }{
		{"missing", ""},
		{"garbage", "Date: el martes por la tarde\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := "From: a@b.pe\r\n" + tt.date + "Subject: x\r\nMessage-ID: <d@b.pe>\r\n\r\nhola\r\n"
			in, err := Parse([]byte(raw), internalDate)
			if err != nil {
				t.Fatal(err)
			}
			if !in.Message.Date.Equal(internalDate) {
				t.Errorf("date = %v, want %v", in.Message.Date, internalDate)
			}
		})
	}
}

func TestParseFailuresAreStableAndTyped(t *testing.T) {
	tests := []struct {
		name, raw, reason string
	}{
		{"empty", "", FailEmpty},
		{"blank", "\r\n\r\n", FailEmpty},
		{"binary", "\x00\x01\x02\xff\xfe", FailHeader},
		{"truncated multipart", "Subject: x\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhola\r\n--XX\r\nContent-Type: application/pdf\r\n\r\nJVBE", FailMIME},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse([]byte(tt.raw), internalDate)
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Reason != tt.reason {
				t.Fatalf("err = %v, want reason %s", err, tt.reason)
			}
			b, _ := Parse([]byte(tt.raw), internalDate)
			if a.Message.ID != b.Message.ID || a.Message.ID.IsZero() {
				t.Errorf("unstable id for a failed message")
			}
			if a.Message.Status != model.MessageFailed || !utf8.ValidString(a.Message.FailReason) || !utf8.ValidString(a.Body.Text) {
				t.Errorf("failed message: %+v", a.Message)
			}
		})
	}
}

func TestNormalizeMessageID(t *testing.T) {
	checkText(t, "NormalizeMessageID", NormalizeMessageID, []textCase{
		{"<ABC.123@Example.ORG>", "ABC.123@example.org"},
		{"  <abc@x.pe>  (comment)", "abc@x.pe"},
		{"abc@X.PE", "abc@x.pe"},
		{"<a b\r\n c@D.pe>", "abc@d.pe"},
		{"", ""},
		{"<>", ""},
		{"<no-at-sign>", "no-at-sign"},
	})
}

func TestMsgIDList(t *testing.T) {
	tests := []struct {
		in, self string
		want     []string
	}{
		{"<a@x.pe> <b@X.pe>", "", []string{"a@x.pe", "b@x.pe"}},
		{"<a@x.pe>\r\n\t<a@x.pe> <self@x.pe>", "self@x.pe", []string{"a@x.pe"}},
		{"a@x.pe b@x.pe", "", []string{"a@x.pe", "b@x.pe"}},
		{"Your message of Tue <a@x.pe>", "", []string{"a@x.pe"}},
		{"", "", nil},
	}
	for _, tt := range tests {
		if got := msgIDList(tt.in, tt.self); !slices.Equal(got, tt.want) {
			t.Errorf("msgIDList(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("palabra ", 100)
	checkText(t, "Snippet", Snippet, []textCase{
		{"Hola\n\n> citado\nequipo", "Hola equipo"},
		{"  \n\t", ""},
		{long, strings.TrimSpace(long[:snippetRunes]) + "…"},
	})
}

func TestSanitizeHTML(t *testing.T) {
	tests := []struct {
		name, in   string
		has, hasNo []string
		remote     int
	}{
		{"remote image dropped", `<img src="http://x.pe/a.png" alt="a">`, []string{`<img alt="a">`}, []string{"x.pe"}, 1},
		{"protocol-relative image dropped", `<img src="//x.pe/a.png">`, nil, []string{"x.pe"}, 1},
		{"cid kept", `<img src="cid:abc@x">`, []string{`src="cid:abc@x"`}, nil, 0},
		{"svg data dropped", `<img src="data:image/svg+xml;base64,PHN2Zz4=">`, nil, []string{"svg"}, 0},
		{"link hardened", `<a href="https://x.pe">x</a>`, []string{`target="_blank"`, "nofollow", "noreferrer", "noopener"}, nil, 0},
		{"mailto kept", `<a href="mailto:a@x.pe">a</a>`, []string{`href="mailto:a@x.pe"`}, nil, 0},
		{"script removed", `<p>a</p><script>alert(1)</script>`, []string{"<p>a</p>"}, []string{"script", "alert"}, 0},
		{"event handlers removed", `<p onmouseover="x()">a</p>`, []string{"<p>a</p>"}, []string{"onmouseover"}, 0},
		{"iframe removed", `<iframe src="https://x.pe"></iframe>`, nil, []string{"iframe"}, 0},
		{"style url removed", `<p style="background: url(https://x.pe/t.png); color: red">a</p>`, []string{"color: red"}, []string{"url("}, 0},
		{"form removed", `<form action="https://x.pe"><input name="p"></form>`, nil, []string{"form", "input"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, remote := SanitizeHTML(tt.in)
			checkHolds(t, "html", got, tt.has, tt.hasNo)
			if remote != tt.remote {
				t.Errorf("remote = %d, want %d", remote, tt.remote)
			}
		})
	}
}

func TestHTMLToText(t *testing.T) {
	got := HTMLToText("<p>Hola&nbsp;<b>equipo</b></p><p>L&iacute;nea 2<br>L&iacute;nea 3</p><style>p{}</style>")
	want := "Hola equipo\nLínea 2\nLínea 3"
	if got != want {
		t.Errorf("HTMLToText = %q, want %q", got, want)
	}
}

// BenchmarkParse parses the fixture messages (plain, Latin-1, base64, HTML,
// attachments) round-robin.
func BenchmarkParse(b *testing.B) {
	var msgs [][]byte
	for _, f := range []string{"latin1_qp.eml", "cp1252_8bit.eml", "base64_utf8.eml", "html_remote.eml", "attachments.eml", "reply_thread.eml"} {
		msgs = append(msgs, readMessage(b, f))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Parse(msgs[i%len(msgs)], internalDate); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
