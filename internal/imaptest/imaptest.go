// Package imaptest runs go-imap's in-memory IMAP server on a loopback port,
// one user with its folders, for the tests of mail sync, the API and the
// command line. It exists for tests; the binary never imports it.
package imaptest

import (
	"bytes"
	"net"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Server is a running in-memory server.
type Server struct {
	Addr string // host:port on 127.0.0.1
	Mem  *imapmemserver.Server
	User *imapmemserver.User
	Srv  *imapserver.Server
}

// Start serves user, signing in with pass, with folders created, until the
// test ends: plain IMAP4rev1, password login allowed without TLS. opts
// change the server's options (capabilities, TLS) before it starts.
func Start(t testing.TB, user, pass string, folders []string, opts ...func(*imapserver.Options)) *Server {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, pass)
	for _, name := range folders {
		if err := u.Create(name, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem.AddUser(u)
	o := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       quiet{},
	}
	for _, opt := range opts {
		opt(o)
	}
	srv := imapserver.New(o)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &Server{Addr: ln.Addr().String(), Mem: mem, User: u, Srv: srv}
}

// Append puts raw into the user's folder as another mail client would and
// answers its UID.
func Append(t testing.TB, u *imapmemserver.User, folder string, raw []byte, o *imap.AppendOptions) imap.UID {
	t.Helper()
	data, err := u.Append(folder, literal{bytes.NewReader(raw)}, o)
	if err != nil {
		t.Fatalf("append to %s: %v", folder, err)
	}
	return data.UID
}

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

// quiet drops the server's log lines.
type quiet struct{}

func (quiet) Printf(string, ...any) {}
