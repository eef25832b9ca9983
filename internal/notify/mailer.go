package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	mail "github.com/wneessen/go-mail"
)

// SMTP is the organisation's mail server (ALIANZA_SMTP_*).
type SMTP struct {
	Host     string
	Port     int
	User     string // empty: no authentication
	Password string
	From     string // the digest's sender address
	TLS      string // model.TLSStartTLS | model.TLSImplicit | model.TLSNone (loopback only)
	// TLSConfig overrides the TLS settings (tests trust their own CA with it).
	TLSConfig *tls.Config
	Timeout   time.Duration
}

// Mail is one message to one person, with a plain-text and an HTML body.
type Mail struct {
	To, Subject, Text, HTML string
}

// Sender sends mail; SMTP sends through the configured server.
type Sender interface {
	Send(ctx context.Context, m Mail) error
}

// Send builds the MIME message (multipart/alternative, by go-mail) and
// delivers it in one SMTP session, with TLS as configured: STARTTLS is
// mandatory in starttls mode (never a silent downgrade), implicit TLS from
// the first byte in implicit mode, and plain text only to a loopback host.
func (c SMTP) Send(ctx context.Context, m Mail) error {
	msg := mail.NewMsg()
	if err := msg.From(c.From); err != nil {
		return fmt.Errorf("notify: sender %q: %w", c.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("notify: recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
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
