package mailsync

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"strings"
	"unicode"
)

// Sentinel errors of a sync. Each failure wraps one of them (and the cause),
// so callers test with errors.Is and the folder state records a Reason.
var (
	ErrConfig      = errors.New("invalid mailbox settings")
	ErrInsecure    = errors.New("tls none is only allowed to a loopback host")
	ErrUnreachable = errors.New("IMAP server unreachable")
	ErrTLS         = errors.New("TLS negotiation failed")
	ErrAuth        = errors.New("IMAP login rejected")
	ErrTimeout     = errors.New("IMAP server did not answer in time")
	ErrProtocol    = errors.New("IMAP command failed")
	ErrFolder      = errors.New("IMAP folder cannot be opened")
	ErrStore       = errors.New("saving to the database failed")
	ErrLeaseHeld   = errors.New("another process is syncing this mailbox")
)

// Reasons recorded in FolderState.LastErrorReason; the UI translates them.
const (
	ReasonConfig      = "config"
	ReasonUnreachable = "unreachable"
	ReasonTLS         = "tls"
	ReasonAuth        = "auth"
	ReasonTimeout     = "timeout"
	ReasonProtocol    = "protocol"
	ReasonFolder      = "folder"
	ReasonStore       = "store"
	ReasonLease       = "lease"
	ReasonUnknown     = "unknown"
)

// reasons pair each sentinel with its reason, in the order Reason tests
// them (a wrapped error may match several).
var reasons = []struct {
	err    error
	reason string
}{
	{ErrConfig, ReasonConfig}, {ErrInsecure, ReasonConfig}, {ErrAuth, ReasonAuth}, {ErrTLS, ReasonTLS},
	{ErrTimeout, ReasonTimeout}, {ErrUnreachable, ReasonUnreachable}, {ErrFolder, ReasonFolder},
	{ErrStore, ReasonStore}, {ErrLeaseHeld, ReasonLease}, {ErrProtocol, ReasonProtocol},
}

// Reason names the kind of a sync error for the folder state and the UI.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return ReasonUnknown
}

// classifyDial maps a dial or handshake error to a sentinel.
func classifyDial(err error) error {
	var (
		certErr  *tls.CertificateVerificationError
		hostErr  x509.HostnameError
		unkAuth  x509.UnknownAuthorityError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
	)
	switch {
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &unkAuth),
		errors.As(err, &recErr), errors.As(err, &alertErr):
		return ErrTLS
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return ErrTimeout
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return ErrTimeout
	}
	return ErrUnreachable
}

// retryable reports whether trying again later may help. A wrong password or
// a refused TLS setting will not fix itself; retrying them quickly would also
// lock the account on many servers, so the run loop waits the longest backoff.
func retryable(err error) bool {
	return !errors.Is(err, ErrAuth) && !errors.Is(err, ErrConfig) && !errors.Is(err, ErrInsecure) && !errors.Is(err, ErrTLS)
}

// maxLogged bounds the text of one logged error or server-given name: an
// IMAP server controls what its errors say and what its folders are called,
// and a hostile one must not flood the log or forge lines in it.
const maxLogged = 300

// LogText is s fit for a log field: valid UTF-8, control characters as
// spaces, at most maxLogged bytes (marked when cut).
func LogText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, toValidUTF8(s))
	if len(s) > maxLogged {
		return truncate(s, maxLogged) + "…"
	}
	return s
}

// LogErr is err's text as LogText; "" for nil.
func LogErr(err error) string {
	if err == nil {
		return ""
	}
	return LogText(err.Error())
}

// maxFailedLogged is how many unreadable messages one folder pass logs one
// by one; the rest are counted in one line (all are in the review queue).
const maxFailedLogged = 10
