package mailsync

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
	"go.mongodb.org/mongo-driver/v2/bson"
	"golang.org/x/text/encoding/charmap"

	"github.com/alianza-pe/alianza/internal/model"
)

// Limits that keep one message document well under MongoDB's 16 MiB and keep
// a hostile message from costing much memory.
const (
	maxTextBytes   = 1 << 20
	maxHTMLBytes   = 2 << 20
	maxHeaderBytes = 64 << 10
	snippetRunes   = 180
)

func init() {
	// Mail labelled ISO-8859-1 or US-ASCII is in practice often Windows-1252
	// (Outlook's curly quotes, the euro sign); browsers decode these labels as
	// Windows-1252 for the same reason (WHATWG Encoding). Windows-1252 agrees
	// with ISO-8859-1 on every printable Latin-1 character, so nothing that
	// was right becomes wrong.
	for _, name := range []string{"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "us-ascii", "ascii"} {
		charset.RegisterEncoding(name, charmap.Windows1252)
	}
}

// wordDecoder decodes RFC 2047 words in any charset go-message knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: wordCharsetReader}

// addressParser parses address lists with the same word decoder.
var addressParser = &netmail.AddressParser{WordDecoder: wordDecoder}

// wordCharsetReader converts one encoded word. Words are short, so it
// decodes at once and returns a bytes.Reader: mime.WordDecoder copies the
// result with io.Copy, which would otherwise allocate 32 KiB per word.
func wordCharsetReader(label string, input io.Reader) (io.Reader, error) {
	r, err := charset.Reader(label, input)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(r)
	return bytes.NewReader(b), err
}

// ErrMalformed is wrapped by every ParseError.
var ErrMalformed = errors.New("malformed message")

// Parse failure reasons, stored on the message as fail_reason.
const (
	FailEmpty  = "empty"  // no bytes at all
	FailHeader = "header" // the header block cannot be read
	FailMIME   = "mime"   // the MIME structure is broken (boundaries, nesting)
	FailPanic  = "panic"  // the parser crashed; a bug, but the sync goes on
)

// ParseError says why a message could not be parsed. Parse still returns a
// message (status failed, with whatever could be read) so it can be stored.
type ParseError struct {
	Reason string
	Err    error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("mailsync: parse message: %s: %v", e.Reason, e.Err)
}

func (e *ParseError) Unwrap() []error { return []error{ErrMalformed, e.Err} }

// Parse turns one raw RFC 5322 message into the documents the store keeps.
// internalDate (the IMAP INTERNALDATE) stands in for a missing or bad Date.
//
// The result is never nil. When err is a *ParseError the message has status
// failed and a fail reason, and its ID comes from the Message-ID when one could
// be read, else from a hash of the raw bytes, so a broken message seen twice is
// still stored once. Direction, SeenIn and timestamps are left to the caller.
func Parse(raw []byte, internalDate time.Time) (in *model.IncomingMessage, err error) {
	p := &parser{raw: raw, internalDate: internalDate}
	defer func() {
		if r := recover(); r != nil {
			in, err = p.fail(FailPanic, fmt.Errorf("%v", r))
		}
	}()
	return p.parse()
}

type parser struct {
	raw          []byte
	internalDate time.Time

	msg  model.Message
	body model.MessageBody

	text, html strings.Builder
}

func (p *parser) parse() (*model.IncomingMessage, error) {
	p.msg.Size = int64(len(p.raw))
	p.msg.Date = p.internalDate.UTC()
	if len(bytes.TrimSpace(p.raw)) == 0 {
		return p.fail(FailEmpty, errors.New("no content"))
	}
	e, err := message.Read(bytes.NewReader(p.raw))
	if err != nil && !isCharsetOrEncoding(err) {
		return p.fail(FailHeader, err)
	}
	p.readHeader(mail.Header{Header: e.Header})
	if err := p.readBody(e); err != nil {
		return p.fail(FailMIME, err)
	}
	p.finish()
	p.msg.Status = model.MessageNew
	return &model.IncomingMessage{Message: p.msg, Body: p.body}, nil
}

// fail returns the message as far as it was read, marked failed.
func (p *parser) fail(reason string, cause error) (*model.IncomingMessage, error) {
	p.finishSafely()
	if p.msg.MessageID != "" {
		p.msg.ID = IDForMessageID(p.msg.MessageID)
	} else {
		sum := sha256.Sum256(p.raw)
		p.msg.ContentHash = hex.EncodeToString(sum[:])
		p.msg.ID = keyFor("raw:" + p.msg.ContentHash)
		p.msg.ThreadID = p.msg.ID
	}
	if p.msg.ThreadID.IsZero() {
		p.msg.ThreadID = p.msg.ID
	}
	p.body.ID = p.msg.ID
	p.msg.Status = model.MessageFailed
	p.msg.FailReason = reason + ": " + truncate(toValidUTF8(cause.Error()), 300)
	if p.msg.Subject == "" {
		p.msg.Subject = "(mensaje ilegible)"
	}
	if p.body.Text == "" {
		p.body.Text = truncate(toValidUTF8(string(p.raw)), maxTextBytes)
	}
	return &model.IncomingMessage{Message: p.msg, Body: p.body}, &ParseError{Reason: reason, Err: cause}
}

func (p *parser) readHeader(h mail.Header) {
	p.body.Header = truncate(toValidUTF8(headerText(h)), maxHeaderBytes)

	p.msg.Subject = cleanLine(decodeWords(h.Get("Subject")))
	p.msg.SubjectKey = SubjectKey(p.msg.Subject)

	if from := addressList(h, "From"); len(from) > 0 {
		p.msg.From = from[0]
	} else if sender := addressList(h, "Sender"); len(sender) > 0 {
		p.msg.From = sender[0]
	}
	p.msg.To = addressList(h, "To")
	p.msg.Cc = addressList(h, "Cc")
	p.msg.ReplyTo = addressList(h, "Reply-To")

	if d, err := h.Date(); err == nil && !d.IsZero() && d.Year() > 1970 {
		p.msg.Date = d.UTC()
	}

	p.msg.MessageID = NormalizeMessageID(h.Get("Message-Id"))
	p.msg.InReplyTo = msgIDList(h.Get("In-Reply-To"), p.msg.MessageID)
	p.msg.References = msgIDList(h.Get("References"), p.msg.MessageID)
	if p.msg.MessageID != "" {
		p.msg.ID = IDForMessageID(p.msg.MessageID)
	}
	p.msg.ThreadID = ThreadID(p.msg.MessageID, p.msg.InReplyTo, p.msg.References)
}

// readBody walks the MIME tree: inline text and HTML become the body, every
// other leaf an attachment numbered as IMAP numbers body sections.
func (p *parser) readBody(e *message.Entity) error {
	return e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil && !isCharsetOrEncoding(err) {
			return err
		}
		mediaType, params, ctErr := part.Header.ContentType()
		if ctErr != nil || mediaType == "" {
			mediaType, params = "text/plain", map[string]string{}
		}
		if strings.HasPrefix(mediaType, "multipart/") {
			if params["boundary"] == "" {
				return errors.New("multipart without boundary")
			}
			return nil
		}
		disp, dparams, _ := part.Header.ContentDisposition()
		name := decodeWords(firstNonEmpty(dparams["filename"], params["name"]))
		isText := mediaType == "text/plain" || mediaType == "text/html"
		if isText && disp != "attachment" && name == "" {
			return p.readText(mediaType, part.Body)
		}
		return p.readAttachment(path, part, mediaType, disp, name)
	})
}

func (p *parser) readText(mediaType string, r io.Reader) error {
	b, err := io.ReadAll(io.LimitReader(r, maxHTMLBytes+1))
	if err != nil && len(b) == 0 {
		// A part whose transfer encoding is broken is skipped; the rest of the
		// message is still worth keeping.
		return nil
	}
	s := toValidUTF8(string(b))
	dst := &p.text
	if mediaType == "text/html" {
		dst = &p.html
	}
	if dst.Len() > 0 {
		dst.WriteString("\n")
	}
	dst.WriteString(s)
	return nil
}

func (p *parser) readAttachment(path []int, part *message.Entity, mediaType, disp, name string) error {
	size, _ := io.Copy(io.Discard, part.Body)
	cid := strings.Trim(strings.TrimSpace(part.Header.Get("Content-Id")), "<>")
	if name == "" {
		name = defaultAttachmentName(len(p.msg.Attachments)+1, mediaType)
	}
	p.msg.Attachments = append(p.msg.Attachments, model.Attachment{
		Index:     len(p.msg.Attachments),
		Name:      cleanLine(name),
		Type:      mediaType,
		Size:      size,
		Part:      sectionPath(path),
		ContentID: cid,
		Inline:    disp == "inline" || (disp == "" && cid != ""),
	})
	return nil
}

// finishSafely runs finish on a parser that may be half-way through a
// message (after a panic): a second panic only loses the derived fields.
func (p *parser) finishSafely() {
	defer func() { _ = recover() }()
	p.finish()
}

// finish fills the derived fields: sanitised HTML, text, snippet, hash id.
func (p *parser) finish() {
	if p.html.Len() > 0 {
		html, remote := SanitizeHTML(p.html.String())
		p.body.HTML = truncate(html, maxHTMLBytes)
		p.body.RemoteImages = remote
		p.msg.HasHTML = true
	}
	p.body.Text = truncate(strings.TrimSpace(p.text.String()), maxTextBytes)
	if p.body.Text == "" && p.body.HTML != "" {
		p.body.Text = truncate(HTMLToText(p.body.HTML), maxTextBytes)
	}
	p.msg.Snippet = Snippet(p.body.Text)
	if p.msg.MessageID == "" && p.msg.ID.IsZero() {
		p.msg.ContentHash = contentHash(&p.msg, p.body.Text)
		p.msg.ID = keyFor("hash:" + p.msg.ContentHash)
		p.msg.ThreadID = p.msg.ID
	}
	p.body.ID = p.msg.ID
}

// contentHash identifies a message without Message-ID by what a reader sees:
// sender, recipients, date, subject, text and attachment names. Transport
// headers (Received, Return-Path) are left out so the copy in INBOX and the
// copy in Sent hash the same.
func contentHash(m *model.Message, text string) string {
	h := sha256.New()
	w := func(s string) { io.WriteString(h, s); h.Write([]byte{0}) }
	w(m.From.Address)
	for _, l := range [][]model.Address{m.To, m.Cc} {
		for _, a := range l {
			w(a.Address)
		}
		w("|")
	}
	w(strconv.FormatInt(m.Date.Unix(), 10))
	w(collapseSpace(m.Subject))
	w(normalizeNewlines(text))
	for _, a := range m.Attachments {
		w(a.Name + "/" + strconv.FormatInt(a.Size, 10))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// IDForMessageID is the _id of the message with this (normalised) Message-ID.
// It is the first 12 bytes of a SHA-256, so it is an ObjectID like every other
// id in the API, and a second sighting of the same email finds it by _id.
func IDForMessageID(messageID string) bson.ObjectID { return keyFor("mid:" + messageID) }

func keyFor(s string) bson.ObjectID {
	sum := sha256.Sum256([]byte(s))
	var id bson.ObjectID
	copy(id[:], sum[:12])
	return id
}

// NormalizeMessageID trims angle brackets, comments and whitespace and
// lowercases the domain part (the local part is case-sensitive by RFC 5322).
func NormalizeMessageID(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		} else {
			s = s[i+1:]
		}
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '<' || r == '>' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return ""
	}
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		s = s[:at+1] + strings.ToLower(s[at+1:])
	}
	return toValidUTF8(s)
}

var msgIDRe = regexp.MustCompile(`<[^<>]*>`)

// msgIDList parses In-Reply-To or References leniently: bracketed ids when
// there are any, otherwise whitespace-separated words; self is dropped.
func msgIDList(v, self string) []string {
	var raw []string
	if m := msgIDRe.FindAllString(v, -1); len(m) > 0 {
		raw = m
	} else {
		raw = strings.Fields(v)
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range raw {
		id := NormalizeMessageID(r)
		if id == "" || id == self || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// addressList parses an address header, falling back to a lenient split when
// a sender wrote something RFC 5322 does not allow (unquoted commas, bare
// names): a message must not be lost over a malformed Cc.
func addressList(h mail.Header, key string) []model.Address {
	v := h.Get(key)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	var out []model.Address
	list, err := addressParser.ParseList(relabelLatin1(v))
	if err == nil {
		for _, a := range list {
			out = append(out, model.Address{Name: cleanName(a.Name), Address: normalizeAddress(a.Address)})
		}
		return out
	}
	for _, piece := range strings.Split(v, ",") {
		if a, err := addressParser.Parse(relabelLatin1(piece)); err == nil {
			out = append(out, model.Address{Name: cleanName(a.Name), Address: normalizeAddress(a.Address)})
			continue
		}
		if addr := looseAddrRe.FindString(piece); addr != "" {
			name := strings.TrimSpace(strings.Replace(piece, addr, "", 1))
			name = strings.Trim(name, `<>" `)
			out = append(out, model.Address{Name: cleanName(decodeWords(name)), Address: normalizeAddress(addr)})
		}
	}
	return out
}

var looseAddrRe = regexp.MustCompile(`[^\s<>"',;:()]+@[^\s<>"',;:()]+`)

func normalizeAddress(s string) string { return toValidUTF8(strings.ToLower(strings.TrimSpace(s))) }

func cleanName(s string) string {
	s = cleanLine(s)
	return strings.TrimSpace(strings.Trim(s, `"'`))
}

// decodeWords decodes RFC 2047 words and repairs raw 8-bit Latin-1 text.
func decodeWords(s string) string {
	if strings.Contains(s, "=?") {
		if d, err := wordDecoder.DecodeHeader(relabelLatin1(s)); err == nil {
			s = d
		}
	}
	return toValidUTF8(s)
}

// latin1WordRe finds RFC 2047 words labelled ISO-8859-1 or US-ASCII.
var latin1WordRe = regexp.MustCompile(`(?i)=\?(iso-8859-1|iso8859-1|iso_8859-1|latin1|us-ascii)(\*[a-z-]*)?\?`)

// relabelLatin1 relabels ISO-8859-1 words as Windows-1252 (see init): Go's
// mime.WordDecoder decodes ISO-8859-1 itself without asking CharsetReader,
// so Outlook's "=?iso-8859-1?Q?=96?=" would become a control character
// instead of an en dash.
func relabelLatin1(s string) string {
	return latin1WordRe.ReplaceAllString(s, "=?windows-1252$2?")
}

// toValidUTF8 returns s when it is UTF-8; otherwise it reads the bytes as
// Windows-1252, which is what unlabelled 8-bit mail from Spanish-speaking
// senders almost always is.
func toValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	d, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return d
}

// cleanLine makes a header value one trimmed line of valid UTF-8.
func cleanLine(s string) string { return collapseSpace(toValidUTF8(s)) }

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// Snippet is the start of the text without quoted lines and signatures'
// blank space, on one line, for lists.
func Snippet(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(line)
		if l == "" || strings.HasPrefix(l, ">") {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(l)
		if utf8.RuneCountInString(b.String()) > snippetRunes*2 {
			break
		}
	}
	s := collapseSpace(b.String())
	if r := []rune(s); len(r) > snippetRunes {
		return strings.TrimSpace(string(r[:snippetRunes])) + "…"
	}
	return s
}

// headerText is the header block as text, for the message detail view.
func headerText(h mail.Header) string {
	var b strings.Builder
	fields := h.Fields()
	for fields.Next() {
		b.WriteString(fields.Key())
		b.WriteString(": ")
		b.WriteString(fields.Value())
		b.WriteString("\n")
	}
	return b.String()
}

// sectionPath is the IMAP body section of a walked part: go-message counts
// children from 0, IMAP from 1, and a non-multipart message's body is "1".
func sectionPath(path []int) string {
	if len(path) == 0 {
		return "1"
	}
	parts := make([]string, len(path))
	for i, n := range path {
		parts[i] = strconv.Itoa(n + 1)
	}
	return strings.Join(parts, ".")
}

func defaultAttachmentName(n int, mediaType string) string {
	ext := ""
	if exts, _ := mime.ExtensionsByType(mediaType); len(exts) > 0 {
		ext = exts[0]
	}
	if mediaType == "message/rfc822" {
		ext = ".eml"
	}
	return "adjunto-" + strconv.Itoa(n) + ext
}

func isCharsetOrEncoding(err error) bool {
	return message.IsUnknownCharset(err) || message.IsUnknownEncoding(err)
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
