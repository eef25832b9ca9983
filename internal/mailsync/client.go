package mailsync

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/model"
)

// Account is one IMAP mailbox to read.
type Account struct {
	MailboxID bson.ObjectID
	Host      string
	Port      int    // 0: 993 for implicit TLS, else 143
	TLS       string // model.TLSImplicit, model.TLSStartTLS or model.TLSNone
	Username  string
	Password  string
	// Folders to sync; empty means INBOX and the folder marked \Sent.
	Folders []string
	// Address and Domains identify the team: mail from them is outbound.
	Address string
	Domains []string
	// TLSConfig overrides the TLS settings (tests trust a self-signed
	// certificate with it); ServerName defaults to Host.
	TLSConfig *tls.Config
}

// AccountFromMailbox builds the account of a stored mailbox.
func AccountFromMailbox(m model.Mailbox) Account {
	return Account{
		MailboxID: m.ID,
		Host:      m.Host,
		Port:      m.Port,
		TLS:       m.TLS,
		Username:  m.Username,
		Password:  m.Password,
		Folders:   append([]string(nil), m.Folders...),
		Address:   m.Address,
		Domains:   append([]string(nil), m.Domains...),
	}
}

func (a Account) port() int {
	if a.Port != 0 {
		return a.Port
	}
	return model.DefaultPort(a.TLS)
}

func (a Account) addr() string { return net.JoinHostPort(a.Host, strconv.Itoa(a.port())) }

// validate refuses settings that cannot work or would send the password in
// clear over a network.
func (a Account) validate() error {
	if a.Host == "" || a.Username == "" {
		return fmt.Errorf("mailsync: host and username are required: %w", ErrConfig)
	}
	if a.MailboxID.IsZero() {
		return fmt.Errorf("mailsync: mailbox id is required: %w", ErrConfig)
	}
	switch a.TLS {
	case model.TLSImplicit, model.TLSStartTLS:
	case model.TLSNone:
		if !model.IsLoopbackHost(a.Host) {
			return fmt.Errorf("mailsync: host %q: %w (use tls implicit or starttls, or 127.0.0.1/::1/localhost)", a.Host, ErrInsecure)
		}
	default:
		return fmt.Errorf("mailsync: tls mode %q: must be one of %s: %w", a.TLS, model.TLSModes, ErrConfig)
	}
	return nil
}

func (a Account) tlsConfig() *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if a.TLSConfig != nil {
		cfg = a.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = a.Host
	}
	return cfg
}

// conn is one logged-in IMAP connection. Every network step runs under a
// watchdog that closes the socket when the step takes longer than timeout or
// ctx is cancelled: go-imap has no per-command deadline, and a server that
// stops answering must not hang the syncer.
type conn struct {
	c       *imapclient.Client
	raw     net.Conn
	timeout time.Duration
	caps    imap.CapSet

	// changed receives a signal when the server reports new messages in the
	// selected folder (EXISTS during IDLE).
	changed chan struct{}
	closing sync.Once

	onIdle func() // tests: called once the server has accepted IDLE
}

// dial connects, negotiates TLS as the account says, and logs in.
func dial(ctx context.Context, a Account, timeout time.Duration) (*conn, error) {
	if err := a.validate(); err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	raw, err := d.DialContext(dctx, "tcp", a.addr())
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("mailsync: connect %s: %w: %w", a.addr(), classifyDial(err), err)
	}

	cn := &conn{raw: raw, timeout: timeout, changed: make(chan struct{}, 1)}
	opts := &imapclient.Options{
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
		TLSConfig:   a.tlsConfig(),
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					cn.signal()
				}
			},
		},
	}

	err = cn.step(ctx, func(kick func()) error {
		switch a.TLS {
		case model.TLSImplicit:
			tconn := tls.Client(raw, opts.TLSConfig)
			if err := tconn.HandshakeContext(ctx); err != nil {
				return fmt.Errorf("%w: %w", ErrTLS, err)
			}
			cn.c = imapclient.New(tconn, opts)
		case model.TLSStartTLS:
			c, err := imapclient.NewStartTLS(raw, opts)
			if err != nil {
				return fmt.Errorf("%w: STARTTLS: %w", ErrTLS, err)
			}
			cn.c = c
		default:
			cn.c = imapclient.New(raw, opts)
		}
		if err := cn.c.WaitGreeting(); err != nil {
			return fmt.Errorf("%w: greeting: %w", ErrUnreachable, err)
		}
		return nil
	})
	if err != nil {
		cn.close()
		return nil, fmt.Errorf("mailsync: connect %s: %w", a.addr(), err)
	}
	if err := cn.login(ctx, a); err != nil {
		cn.close()
		return nil, err
	}
	return cn, nil
}

func (cn *conn) login(ctx context.Context, a Account) error {
	var pre imap.CapSet
	if err := cn.step(ctx, func(func()) error { pre = cn.c.Caps(); return nil }); err != nil {
		return fmt.Errorf("mailsync: capabilities: %w", err)
	}
	if pre.Has(imap.CapLoginDisabled) {
		return fmt.Errorf("mailsync: login %s: server disables LOGIN on this connection (use TLS): %w", a.Host, ErrAuth)
	}
	err := cn.step(ctx, func(func()) error { return cn.c.Login(a.Username, a.Password).Wait() })
	if err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) {
			// Any tagged NO/BAD to LOGIN means the credentials (or the account)
			// are refused; servers do not all send AUTHENTICATIONFAILED.
			return fmt.Errorf("mailsync: login %s as %s: %w: %w", a.Host, a.Username, ErrAuth, err)
		}
		return fmt.Errorf("mailsync: login %s: %w", a.Host, err)
	}
	return cn.step(ctx, func(func()) error {
		cn.caps = cn.c.Caps()
		return nil
	})
}

// step runs fn under the watchdog. fn may call kick to say it made progress
// (a message arrived), which restarts the timeout, so a long FETCH of many
// messages is bounded per message rather than in total.
func (cn *conn) step(ctx context.Context, fn func(kick func()) error) error {
	var fired atomic.Bool
	t := time.AfterFunc(cn.timeout, func() {
		fired.Store(true)
		cn.raw.Close()
	})
	stopCtx := context.AfterFunc(ctx, func() { cn.raw.Close() })
	err := fn(func() { t.Reset(cn.timeout) })
	t.Stop()
	stopCtx()
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case fired.Load():
		return fmt.Errorf("%w (%s): %w", ErrTimeout, cn.timeout, err)
	case errors.Is(err, ErrTLS), errors.Is(err, ErrUnreachable), errors.Is(err, ErrAuth):
		return err
	}
	var ie *imap.Error
	if errors.As(err, &ie) {
		return fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	// Anything else is the connection going away under us.
	return fmt.Errorf("%w: %w", ErrUnreachable, err)
}

// drainChanged forgets new-message signals received so far: the sync that
// just ran has seen those messages.
func (cn *conn) drainChanged() {
	select {
	case <-cn.changed:
	default:
	}
}

func (cn *conn) signal() {
	select {
	case cn.changed <- struct{}{}:
	default:
	}
}

// close logs out politely when it can, and always closes the socket.
func (cn *conn) close() {
	cn.closing.Do(func() {
		if cn.c != nil && cn.c.State() != imap.ConnStateLogout {
			done := make(chan struct{})
			t := time.AfterFunc(2*time.Second, func() { cn.raw.Close() })
			go func() {
				_ = cn.c.Logout().Wait()
				close(done)
			}()
			<-done
			t.Stop()
			_ = cn.c.Close()
		}
		cn.raw.Close()
	})
}

// folderInfo is one selectable folder on the server.
type folderInfo struct {
	name string
	sent bool
}

// listFolders lists selectable folders, asking for SPECIAL-USE attributes
// when the server has them so the Sent folder is found whatever its name.
func (cn *conn) listFolders(ctx context.Context) ([]folderInfo, error) {
	opts := &imap.ListOptions{}
	if cn.caps.Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	var list []*imap.ListData
	err := cn.step(ctx, func(func()) error {
		var err error
		list, err = cn.c.List("", "*", opts).Collect()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mailsync: list folders: %w", err)
	}
	var out []folderInfo
	for _, l := range list {
		f := folderInfo{name: l.Mailbox}
		noSelect := false
		for _, attr := range l.Attrs {
			switch {
			case strings.EqualFold(string(attr), string(imap.MailboxAttrSent)):
				f.sent = true
			case strings.EqualFold(string(attr), string(imap.MailboxAttrNoSelect)),
				strings.EqualFold(string(attr), string(imap.MailboxAttrNonExistent)):
				noSelect = true
			}
		}
		if !noSelect {
			out = append(out, f)
		}
	}
	return out, nil
}

// sentNames are the usual names of the Sent folder, for servers without
// SPECIAL-USE (English and Spanish clients; Gmail; Courier-style INBOX.Sent).
var sentNames = []string{"sent", "sent items", "sent messages", "sent mail", "enviados",
	"elementos enviados", "mensajes enviados", "correo enviado", "enviado"}

// sentFolder picks the Sent folder: the one marked \Sent, else a known name.
func sentFolder(folders []folderInfo) (string, bool) {
	for _, f := range folders {
		if f.sent {
			return f.name, true
		}
	}
	for _, want := range sentNames {
		for _, f := range folders {
			if strings.EqualFold(lastSegment(f.name), want) {
				return f.name, true
			}
		}
	}
	return "", false
}

func lastSegment(name string) string {
	name = strings.ReplaceAll(name, ".", "/")
	return path.Base(name)
}

// examine opens a folder read-only: EXAMINE, never SELECT, so nothing the
// syncer does can set flags or expunge.
func (cn *conn) examine(ctx context.Context, folder string) (*imap.SelectData, error) {
	var data *imap.SelectData
	err := cn.step(ctx, func(func()) error {
		var err error
		data, err = cn.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
		return err
	})
	if err != nil {
		if errors.Is(err, ErrProtocol) {
			return nil, fmt.Errorf("mailsync: examine %q: %w: %w", folder, ErrFolder, err)
		}
		return nil, fmt.Errorf("mailsync: examine %q: %w", folder, err)
	}
	return data, nil
}

func sortUIDs(u []imap.UID) { slices.Sort(u) }

func sortFetched(f []fetched) {
	slices.SortFunc(f, func(a, b fetched) int { return cmp.Compare(a.uid, b.uid) })
}
