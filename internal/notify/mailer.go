package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	mail "github.com/wneessen/go-mail"
)

// messageID is a new Message-ID (without its angle brackets) on the
// domain of the sender's address: 128 random bits and the time.
func messageID(from string) string {
	domain := from[strings.LastIndexByte(from, '@')+1:]
	return fmt.Sprintf("%s.%d@%s", auth.RandomToken(16), time.Now().UnixNano(), domain)
}

// SMTP is the organisation's mail server (ALIANZA_SMTP_*).
type SMTP struct {
	Host     string
	Port     int
	User     string // empty: no authentication
	Password string
	From     string // the digest's sender address
	FromName string // its display name; empty: "Alianza"
	TLS      string // model.TLSStartTLS | model.TLSImplicit | model.TLSNone (loopback only)
	// TLSConfig overrides the TLS settings (tests trust their own CA with it).
	TLSConfig *tls.Config
	Timeout   time.Duration
}

// Mail is one message to one person, with a plain-text and an HTML body.
type Mail struct {
	To, Subject, Text, HTML string
	// Unsubscribe is the one-click unsubscribe link (RFC 8058); empty: none.
	Unsubscribe string
}

// Sender sends mail; SMTP sends through the configured server.
type Sender interface {
	Send(ctx context.Context, m Mail) error
}

// Send builds the MIME message (multipart/alternative, by go-mail) and
// delivers it in one SMTP session, with TLS as configured: STARTTLS is
// mandatory in starttls mode (never a silent downgrade), implicit TLS from
// the first byte in implicit mode, and plain text only to a loopback host.
// The headers are the ones mail systems look for in automatic mail: a
// sender with a display name, a Message-ID on the sender's domain (not the
// host's name), Auto-Submitted so that out-of-office replies stay away
// (RFC 3834), and one-click unsubscribe (RFC 8058) when m has a link.
func (c SMTP) Send(ctx context.Context, m Mail) error {
	msg := mail.NewMsg()
	name := c.FromName
	if name == "" {
		name = "Alianza"
	}
	if err := msg.FromFormat(name, c.From); err != nil {
		return fmt.Errorf("notify: sender %q: %w", c.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("notify: recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(messageID(c.From))
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	if m.Unsubscribe != "" {
		msg.SetGenHeader(mail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeader(mail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	opts := []mail.Option{mail.WithPort(c.Port)}
	if c.Timeout > 0 {
		opts = append(opts, mail.WithTimeout(c.Timeout))
	}
	switch c.TLS {
	case model.TLSImplicit:
		opts = append(opts, mail.WithSSL())
	case model.TLSNone:
		if !model.IsLoopbackHost(c.Host) {
			return fmt.Errorf("notify: SMTP without TLS is only allowed to a loopback host, not %q", c.Host)
		}
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if c.TLSConfig != nil {
		tc := c.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = c.Host
		}
		opts = append(opts, mail.WithTLSConfig(tc))
	}
	if c.User != "" {
		// Over TLS the strongest mechanism the server offers; in plain
		// text (loopback only) PLAIN, which autodiscovery rightly avoids.
		mech := mail.SMTPAuthAutoDiscover
		if c.TLS == model.TLSNone {
			mech = mail.SMTPAuthPlain
		}
		opts = append(opts, mail.WithSMTPAuth(mech), mail.WithUsername(c.User), mail.WithPassword(c.Password))
	}
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return fmt.Errorf("notify: SMTP client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("notify: send to %s via %s:%d: %w", m.To, c.Host, c.Port, err)
	}
	return nil
}
