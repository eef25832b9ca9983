package mailsync

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/imaptest"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/testtls"
)

// memSink is an in-memory Sink with the semantics the store must have.
type memSink struct {
	mu       sync.Mutex
	messages map[bson.ObjectID]*model.IncomingMessage
	order    []bson.ObjectID
	states   map[string]model.FolderState
	lease    model.Lease
	now      func() time.Time

	// crashAfterSave simulates the process dying right after the messages
	// of a SaveBatch are stored, before its state (a database without
	// transactions): that batch is stored, and every later state write
	// fails until restart.
	crashAfterSave atomic.Bool
	crashed        bool
	saveCalls      int
	leaseCalls     int
}

func newMemSink() *memSink {
	return &memSink{
		messages: map[bson.ObjectID]*model.IncomingMessage{},
		states:   map[string]model.FolderState{},
		now:      time.Now,
	}
}

func (s *memSink) FolderStates(_ context.Context, mailboxID bson.ObjectID) ([]model.FolderState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.FolderState
	for _, st := range s.states {
		if st.MailboxID == mailboxID {
			out = append(out, st)
		}
	}
	return out, nil
}

func (s *memSink) SaveFolderState(_ context.Context, st model.FolderState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.crashed {
		return errors.New("simulated crash before the state write")
	}
	s.states[st.ID] = st
	return nil
}

// SaveBatch stores the messages, then the state, as a sink without
// transactions does.
func (s *memSink) SaveBatch(ctx context.Context, msgs []model.IncomingMessage, state func([]bool) model.FolderState) ([]bool, error) {
	created, err := s.saveMessages(msgs)
	if err != nil {
		return nil, err
	}
	if err := s.SaveFolderState(ctx, state(created)); err != nil {
		return nil, err
	}
	return created, nil
}

func (s *memSink) saveMessages(msgs []model.IncomingMessage) ([]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saveCalls++
	if s.crashed {
		return nil, errors.New("simulated crash")
	}
	defer func() { s.crashed = s.crashAfterSave.Swap(false) }()
	created := make([]bool, len(msgs))
	for i, in := range msgs {
		old, ok := s.messages[in.Message.ID]
		if !ok {
			cp := in
			cp.Message.SeenIn = slices.Clone(in.Message.SeenIn)
			s.messages[in.Message.ID] = &cp
			s.order = append(s.order, in.Message.ID)
			created[i] = true
			continue
		}
		for _, loc := range in.Message.SeenIn {
			old.Message.SeenIn = slices.DeleteFunc(old.Message.SeenIn, func(l model.Location) bool {
				return l.MailboxID == loc.MailboxID && l.Folder == loc.Folder && l.UIDValidity != loc.UIDValidity
			})
			if !slices.Contains(old.Message.SeenIn, loc) {
				old.Message.SeenIn = append(old.Message.SeenIn, loc)
			}
		}
	}
	return created, nil
}

func (s *memSink) SubjectThreads(_ context.Context, keys []string, from, to time.Time) ([]model.SubjectThread, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.SubjectThread
	for _, id := range s.order {
		m := &s.messages[id].Message
		if slices.Contains(keys, m.SubjectKey) && !m.Date.Before(from) && !m.Date.After(to) {
			out = append(out, model.SubjectThread{Key: m.SubjectKey, Thread: m.ThreadID, Date: m.Date})
		}
	}
	return out, nil
}

func (s *memSink) AcquireLease(_ context.Context, id bson.ObjectID, holder string, until time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.leaseCalls++
	if s.lease.Holder != "" && s.lease.Holder != holder && s.lease.Until.After(s.now()) {
		return false, nil
	}
	s.lease = model.Lease{MailboxID: id, Holder: holder, Until: until}
	return true, nil
}

func (s *memSink) ReleaseLease(_ context.Context, _ bson.ObjectID, holder string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lease.Holder == holder {
		s.lease = model.Lease{}
	}
	return nil
}

// restart ends a simulated crash.
func (s *memSink) restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.crashed = false
}

func (s *memSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}

func (s *memSink) get(id bson.ObjectID) (model.IncomingMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok {
		return model.IncomingMessage{}, false
	}
	cp := *m
	cp.Message.SeenIn = slices.Clone(m.Message.SeenIn)
	return cp, true
}

func (s *memSink) state(mailboxID bson.ObjectID, folder string) model.FolderState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.states[model.FolderStateID(mailboxID, folder)]
}

// totalLocations is the number of (message, place) pairs: with no double
// import it equals the number of messages on the server.
func (s *memSink) totalLocations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.messages {
		n += len(m.Message.SeenIn)
	}
	return n
}

// testServer is go-imap's in-memory IMAP server on a loopback port.
type testServer struct {
	addr string
	mem  *imapmemserver.Server
	user *imapmemserver.User
	srv  *imapserver.Server
}

const (
	testUser = "equipo@alianza.org.pe"
	testPass = "clave-secreta-123"
)

var testMailboxID = bson.ObjectID{0xa1, 0x1a, 0x2a}

type serverOpt = func(*imapserver.Options)

func startServer(t *testing.T, opts ...serverOpt) *testServer {
	t.Helper()
	s := imaptest.Start(t, testUser, testPass, []string{"INBOX", "Sent", "Archivo"}, opts...)
	return &testServer{addr: s.Addr, mem: s.Mem, user: s.User, srv: s.Srv}
}

// appendMsg puts a message into a folder as another mail client would.
func (ts *testServer) appendMsg(t *testing.T, folder string, raw []byte, flags ...imap.Flag) imap.UID {
	t.Helper()
	return imaptest.Append(t, ts.user, folder, raw, &imap.AppendOptions{Flags: flags, Time: internalDate})
}

// recreate deletes and re-creates a folder: the server gives it a new
// UIDVALIDITY, as real servers do after a rebuild.
func (ts *testServer) recreate(t *testing.T, folder string) {
	t.Helper()
	if err := ts.user.Delete(folder); err != nil {
		t.Fatal(err)
	}
	if err := ts.user.Create(folder, nil); err != nil {
		t.Fatal(err)
	}
}

func (ts *testServer) account(t *testing.T) Account {
	t.Helper()
	return accountFor(t, ts.addr, model.TLSNone)
}

func accountFor(t testing.TB, addr, tlsMode string) Account {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return Account{
		MailboxID: testMailboxID,
		Host:      host,
		Port:      p,
		TLS:       tlsMode,
		Username:  testUser,
		Password:  testPass,
		Domains:   []string{"alianza.org.pe"},
	}
}

func newSyncer(t *testing.T, acct Account, sink Sink, opts Options) *Syncer {
	t.Helper()
	s, err := New(acct, sink, testOptions(opts))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// testOptions fills the durations o leaves zero (New has no defaults; serve
// takes them from config) with the tests' values.
func testOptions(o Options) Options {
	for _, d := range []struct {
		p *time.Duration
		v time.Duration
	}{{&o.Timeout, 5 * time.Second}, {&o.PollInterval, 5 * time.Minute}, {&o.MinBackoff, 5 * time.Second},
		{&o.MaxBackoff, 15 * time.Minute}, {&o.LeaseTTL, 2 * time.Minute}} {
		if *d.p == 0 {
			*d.p = d.v
		}
	}
	return o
}

// testMessage builds a small distinct message.
func testMessage(n int, extraHeaders ...string) []byte {
	h := ""
	for _, x := range extraHeaders {
		h += x + "\r\n"
	}
	return fmt.Appendf(nil, "From: Persona %d <persona%d@congreso.gob.pe>\r\n"+
		"To: equipo@alianza.org.pe\r\n"+
		"Subject: Mensaje %d\r\n"+
		"Date: Mon, 2 Mar 2026 10:%02d:00 -0500\r\n"+
		"Message-ID: <msg-%d@congreso.gob.pe>\r\n%s"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Cuerpo del mensaje número %d.\r\n", n, n, n, n%60, n, h, n)
}

// proxy forwards TCP to target and can cut its first connection: after
// limit bytes from the server, or right after the cutCount-th occurrence of marker in what the
// server sends, which drops a FETCH in the middle. It records what clients send.
type proxy struct {
	addr     string
	target   string
	limit    atomic.Int64 // bytes server->client before cutting; 0 = never
	marker   []byte
	cutCount int
	conns    atomic.Int32
	mu       sync.Mutex
	sent     bytes.Buffer
}

func startProxy(t *testing.T, target string, configure ...func(*proxy)) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{addr: ln.Addr().String(), target: target}
	for _, c := range configure {
		c(p)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *proxy) serve(c net.Conn) {
	defer c.Close()
	n := p.conns.Add(1)
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer s.Close()
	cut := n == 1
	limit := p.limit.Load()
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := c.Read(buf)
			if k > 0 {
				p.mu.Lock()
				p.sent.Write(buf[:k])
				p.mu.Unlock()
				s.Write(buf[:k])
			}
			if err != nil {
				s.Close()
				return
			}
		}
	}()
	var seen []byte
	var total int64
	buf := make([]byte, 4096)
	for {
		k, err := s.Read(buf)
		chunk := buf[:k]
		if cut && limit > 0 && total+int64(k) >= limit {
			c.Write(chunk[:limit-total])
			return
		}
		if cut && p.marker != nil {
			start := len(seen)
			seen = append(seen, chunk...)
			if bytes.Count(seen, p.marker) >= p.cutCount {
				idx := 0
				for range p.cutCount {
					idx += bytes.Index(seen[idx:], p.marker) + len(p.marker)
				}
				c.Write(seen[start:idx])
				return
			}
		}
		total += int64(k)
		if _, werr := c.Write(chunk); werr != nil || err != nil {
			return
		}
	}
}

func (p *proxy) clientCommands() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent.String()
}

// selfSignedTLS returns a server config and a client config that trusts it.
func selfSignedTLS(t *testing.T) (server, client *tls.Config) {
	return testtls.SelfSigned(t)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func tlsListener(ln net.Listener, cfg *tls.Config) net.Listener { return tls.NewListener(ln, cfg) }

// folderFlags reads the UID and flags of every message in folder, through a
// read-only (EXAMINE) session of its own.
func folderFlags(t *testing.T, a Account, folder string) []*imapclient.FetchMessageBuffer {
	t.Helper()
	cn, err := dial(context.Background(), a, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer cn.close()
	if _, err := cn.examine(context.Background(), folder); err != nil {
		t.Fatal(err)
	}
	msgs, err := cn.c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}
