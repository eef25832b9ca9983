package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
)

// SMTP is the organisation's mail server for the reminder digests
// (ALIANZA_SMTP_*). An empty Host sends no mail.
type SMTP struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
	TLS      string        // starttls | implicit | none (loopback only)
	Timeout  time.Duration // each step of sending a digest
}

type smtpRaw struct{ host, port, user, password, from, tls, timeout string }

func (r *smtpRaw) settings() []setting {
	return []setting{
		{"smtp-host", "ALIANZA_SMTP_HOST", "mail server for the email digests; empty: no digests are sent", "", false, &r.host},
		{"smtp-port", "ALIANZA_SMTP_PORT", "mail server port; empty: 587 (starttls), 465 (implicit) or 25 (none)", "", false, &r.port},
		{"smtp-user", "ALIANZA_SMTP_USER", "mail server user; empty: no authentication", "", false, &r.user},
		{"smtp-password", "ALIANZA_SMTP_PASSWORD", "mail server password", "", true, &r.password},
		{"smtp-from", "ALIANZA_SMTP_FROM", "sender address of the digests", "", false, &r.from},
		{"smtp-tls", "ALIANZA_SMTP_TLS", "starttls | implicit | none (none only on loopback)", model.TLSStartTLS, false, &r.tls},
		{"smtp-timeout", "ALIANZA_SMTP_TIMEOUT", "time limit of each step of sending a digest", "30s", false, &r.timeout},
	}
}

func (r *smtpRaw) parse(problems []string) (SMTP, []string) {
	s := SMTP{Host: strings.TrimSpace(r.host), User: r.user, Password: r.password, From: model.NormalizeEmail(r.from), TLS: strings.ToLower(r.tls)}
	switch {
	case r.port != "":
		p, err := strconv.Atoi(r.port)
		if err != nil || p < 1 || p > 65535 {
			problems = append(problems, fmt.Sprintf("ALIANZA_SMTP_PORT %q: must be a port number", r.port))
		}
		s.Port = p
	case s.TLS == model.TLSImplicit:
		s.Port = 465
	case s.TLS == model.TLSNone:
		s.Port = 25
	default:
		s.Port = 587
	}
	s.Timeout = duration(&problems, "ALIANZA_SMTP_TIMEOUT", r.timeout, time.Second, "30s")
	return s, problems
}

func (s SMTP) problems(publicURL string) []string {
	var p []string
	if publicURL != "" {
		if u, err := url.Parse(publicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p = append(p, fmt.Sprintf("ALIANZA_PUBLIC_URL %q: must be an http(s) address, like https://alianza.example.org", publicURL))
		}
	}
	if s.Host == "" {
		return p
	}
	if !model.TLSModes.Valid(s.TLS) {
		p = append(p, fmt.Sprintf("ALIANZA_SMTP_TLS %q: unknown TLS mode, use %s", s.TLS, model.TLSModes))
	} else if s.TLS == model.TLSNone && !model.IsLoopbackHost(s.Host) {
		p = append(p, "ALIANZA_SMTP_TLS none: refused for a non-loopback host; passwords and mail would cross the network in clear")
	}
	if !model.ValidEmail(s.From) {
		p = append(p, "ALIANZA_SMTP_FROM: a valid sender address is required when ALIANZA_SMTP_HOST is set")
	}
	if s.User != "" && s.Password == "" {
		p = append(p, "ALIANZA_SMTP_PASSWORD (or ALIANZA_SMTP_PASSWORD_FILE): required when ALIANZA_SMTP_USER is set")
	}
	if publicURL == "" {
		p = append(p, "ALIANZA_PUBLIC_URL: required when ALIANZA_SMTP_HOST is set (the digests link to the app)")
	}
	return p
}
