package mailsync

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/alianza-pe/alianza/internal/model"
)

func syncOnce(t *testing.T, s *Syncer) Report {
	t.Helper()
	rep, err := s.SyncOnce(context.Background())
	if err != nil {
		t.Fatalf("SyncOnce: %v", err)
	}
	return rep
}

func folderReport(t *testing.T, rep Report, folder string) FolderReport {
	t.Helper()
	for _, f := range rep.Folders {
		if f.Folder == folder {
			return f
		}
	}
	t.Fatalf("no report for folder %q in %+v", folder, rep.Folders)
	return FolderReport{}
}

func TestSyncFirstThenIncremental(t *testing.T) {
	ts := startServer(t)
	for i := 1; i <= 3; i++ {
		ts.appendMsg(t, "INBOX", testMessage(i))
	}
	sink := newMemSink()
	s := newSyncer(t, ts.account(t), sink, Options{BatchSize: 2})

	rep := syncOnce(t, s)
	if got := folderReport(t, rep, "INBOX"); got.Imported != 3 || got.Duplicates != 0 || got.LastUID != 3 {
		t.Fatalf("first sync INBOX = %+v", got)
	}
	if names := folderNames(rep); !slices.Equal(names, []string{"INBOX", "Sent"}) {
		t.Errorf("folders = %v, want INBOX and the Sent folder found by name", names)
	}

	for i := 4; i <= 5; i++ {
		ts.appendMsg(t, "INBOX", testMessage(i))
	}
	rep = syncOnce(t, s)
	if got := folderReport(t, rep, "INBOX"); got.Imported != 2 || got.Duplicates != 0 || got.LastUID != 5 {
		t.Fatalf("incremental sync INBOX = %+v", got)
	}
	rep = syncOnce(t, s)
	if imp, dup, fail := rep.Totals(); imp+dup+fail != 0 {
		t.Fatalf("sync with nothing new did %d/%d/%d", imp, dup, fail)
	}

	st := sink.state(testMailboxID, "INBOX")
	if st.LastUID != 5 || st.Imported != 5 || st.UIDValidity == 0 || st.LastSuccessAt.IsZero() || st.LastError != "" {
		t.Errorf("INBOX state = %+v", st)
	}
	if sink.count() != 5 || sink.totalLocations() != 5 {
		t.Errorf("stored %d messages in %d places, want 5/5", sink.count(), sink.totalLocations())
	}
	m, _ := sink.get(IDForMessageID("msg-1@congreso.gob.pe"))
	if m.Message.Direction != model.Inbound || m.Message.Subject != "Mensaje 1" || len(m.Message.SeenIn) != 1 ||
		m.Message.SeenIn[0] != (model.Location{MailboxID: testMailboxID, Folder: "INBOX", UID: 1, UIDValidity: st.UIDValidity}) {
		t.Errorf("message 1 = %+v", m.Message)
	}
}

func folderNames(rep Report) []string {
	var out []string
	for _, f := range rep.Folders {
		out = append(out, f.Folder)
	}
	return out
}

func TestSyncUIDValidityResetDoesNotImportTwice(t *testing.T) {
	ts := startServer(t)
	for i := 1; i <= 3; i++ {
		ts.appendMsg(t, "INBOX", testMessage(i))
	}
	sink := newMemSink()
	s := newSyncer(t, ts.account(t), sink, Options{})
	syncOnce(t, s)
	before := sink.state(testMailboxID, "INBOX")

	// The server rebuilt the folder: same messages, new UIDs, new UIDVALIDITY.
	ts.recreate(t, "INBOX")
	ts.appendMsg(t, "INBOX", testMessage(4))
	for i := 1; i <= 3; i++ {
		ts.appendMsg(t, "INBOX", testMessage(i))
	}
	rep := syncOnce(t, s)
	got := folderReport(t, rep, "INBOX")
	if !got.Reset || got.Imported != 1 || got.Duplicates != 3 || got.LastUID != 4 {
		t.Fatalf("after reset INBOX = %+v", got)
	}
	after := sink.state(testMailboxID, "INBOX")
	if after.UIDValidity == before.UIDValidity || after.Resets != 1 || after.LastUID != 4 {
		t.Errorf("state after reset = %+v (before %+v)", after, before)
	}
	if sink.count() != 4 {
		t.Errorf("stored %d messages, want 4", sink.count())
	}
	// Old locations are replaced: each message is in INBOX once, at its new UID.
	m, _ := sink.get(IDForMessageID("msg-1@congreso.gob.pe"))
	want := []model.Location{{MailboxID: testMailboxID, Folder: "INBOX", UID: 2, UIDValidity: after.UIDValidity}}
	if !slices.Equal(m.Message.SeenIn, want) {
		t.Errorf("seen in %+v, want %+v", m.Message.SeenIn, want)
	}
}

func TestSyncSameMessageInInboxAndSent(t *testing.T) {
	ts := startServer(t)
	raw := readMessage(t, "attachments.eml") // from the team, to a committee
	ts.appendMsg(t, "INBOX", raw)
	ts.appendMsg(t, "Sent", raw)
	noID := readMessage(t, "no_message_id.eml")
	ts.appendMsg(t, "INBOX", noID)
	ts.appendMsg(t, "Sent", noID)

	sink := newMemSink()
	rep := syncOnce(t, newSyncer(t, ts.account(t), sink, Options{}))
	if imp, dup, _ := rep.Totals(); imp != 2 || dup != 2 {
		t.Fatalf("imported %d duplicates %d, want 2 and 2: %+v", imp, dup, rep)
	}
	if sink.count() != 2 {
		t.Fatalf("stored %d messages, want 2", sink.count())
	}
	m, _ := sink.get(IDForMessageID("informe-2026@alianza.org.pe"))
	folders := []string{}
	for _, l := range m.Message.SeenIn {
		folders = append(folders, l.Folder)
	}
	if !slices.Equal(folders, []string{"INBOX", "Sent"}) {
		t.Errorf("seen in %v, want INBOX and Sent", folders)
	}
	if m.Message.Direction != model.Outbound {
		t.Errorf("direction = %q, want outbound (team domain)", m.Message.Direction)
	}
	// The team's own mail is not counted as new mail to review.
	if m.Message.Status != model.MessageDone {
		t.Errorf("status of the team's sent mail = %q, want done", m.Message.Status)
	}
}

func TestSyncCharsets(t *testing.T) {
	ts := startServer(t)
	ts.appendMsg(t, "INBOX", readMessage(t, "latin1_qp.eml"))
	ts.appendMsg(t, "INBOX", readMessage(t, "cp1252_8bit.eml"))
	ts.appendMsg(t, "INBOX", readMessage(t, "unlabelled_8bit.eml"))
	sink := newMemSink()
	syncOnce(t, newSyncer(t, ts.account(t), sink, Options{}))

	tests := []struct{ id, subject, text string }{
		{"CAF1234.5678@mail.congreso.gob.pe", "Reunión con la Comisión de la Mujer – acta", "La señora congresista"},
		{"20260311164000.1111@defensoria.gob.pe", "“Acuerdo regional” – presupuesto € 2026", "El “acuerdo regional” de Loreto asigna € 0"},
		{"inv-20@munilima.gob.pe", "Invitación a la sesión del 20", "sesión ordinaria"},
	}
	for _, tt := range tests {
		m, ok := sink.get(IDForMessageID(tt.id))
		if !ok {
			t.Errorf("%s not stored", tt.id)
			continue
		}
		if m.Message.Subject != tt.subject || !strings.Contains(m.Body.Text, tt.text) {
			t.Errorf("%s: subject %q text %q", tt.id, m.Message.Subject, m.Body.Text)
		}
	}
}

func TestSyncMalformedMessageDoesNotBlock(t *testing.T) {
	ts := startServer(t)
	truncated := []byte("From: a@x.pe\r\nSubject: cortado\r\nMessage-ID: <cortado@x.pe>\r\n" +
		"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhola\r\n--XX\r\n" +
		"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x")
	ts.appendMsg(t, "INBOX", testMessage(1))
	ts.appendMsg(t, "INBOX", readMessage(t, "multipart_no_boundary.eml"))
	ts.appendMsg(t, "INBOX", truncated)
	// go-imap's memory server answers BODY[] of a message whose header it
	// cannot read with nothing; Dovecot returns the bytes (see the dovecot
	// tests). Either way it must be stored as failed and not stop the sync.
	ts.appendMsg(t, "INBOX", readMessage(t, "malformed_header.eml"))
	ts.appendMsg(t, "INBOX", testMessage(2))
	sink := newMemSink()
	s := newSyncer(t, ts.account(t), sink, Options{BatchSize: 2})

	got := folderReport(t, syncOnce(t, s), "INBOX")
	if got.Imported != 2 || got.Failed != 3 || got.LastUID != 5 {
		t.Fatalf("INBOX = %+v, want 2 imported, 3 failed, last uid 5", got)
	}
	for _, id := range []string{"sin-boundary@example.org", "cortado@x.pe"} {
		m, ok := sink.get(IDForMessageID(id))
		if !ok || m.Message.Status != model.MessageFailed || !strings.HasPrefix(m.Message.FailReason, FailMIME) || m.Message.Subject == "" {
			t.Errorf("%s stored as %+v", id, m.Message)
		}
	}
	if m, _ := sink.get(IDForMessageID("cortado@x.pe")); !strings.Contains(m.Body.Text, "hola") {
		t.Errorf("the readable part of a truncated message was lost: %q", m.Body.Text)
	}
	// A second sync neither re-imports nor re-counts them.
	if imp, dup, fail := syncOnce(t, s).Totals(); imp+dup+fail != 0 {
		t.Errorf("second sync did %d/%d/%d", imp, dup, fail)
	}
	if st := sink.state(testMailboxID, "INBOX"); st.Failed != 3 || st.Imported != 2 {
		t.Errorf("state = %+v", st)
	}
}

func TestSyncResumesAfterDroppedConnection(t *testing.T) {
	ts := startServer(t)
	const n = 9
	for i := 1; i <= n; i++ {
		ts.appendMsg(t, "INBOX", testMessage(i))
	}
	sink := newMemSink()

	// Cut the first connection in the middle of the second batch of three:
	// right after the server starts sending message 5.
	p := startProxy(t, ts.addr, func(p *proxy) { p.marker, p.cutCount = []byte("BODY[] {"), 5 })
	s := newSyncer(t, accountFor(t, p.addr, model.TLSNone), sink, Options{BatchSize: 3})
	_, err := s.SyncOnce(context.Background())
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("first sync err = %v, want ErrUnreachable", err)
	}
	mid := sink.state(testMailboxID, "INBOX")
	if mid.LastUID != 3 || mid.LastErrorReason != ReasonUnreachable {
		t.Fatalf("state after drop = %+v: want last uid 3 (the first batch) and the error recorded", mid)
	}
	if sink.count() != int(mid.LastUID) {
		t.Fatalf("stored %d messages but last uid %d: a partial batch was saved", sink.count(), mid.LastUID)
	}

	rep := syncOnce(t, s)
	got := folderReport(t, rep, "INBOX")
	if got.Imported != n-int(mid.LastUID) || got.Duplicates != 0 || got.LastUID != n {
		t.Fatalf("resumed sync = %+v", got)
	}
	if sink.count() != n || sink.totalLocations() != n {
		t.Errorf("stored %d messages in %d places, want %d/%d", sink.count(), sink.totalLocations(), n, n)
	}
	if st := sink.state(testMailboxID, "INBOX"); st.Imported != n || st.LastSuccessAt.Before(st.LastErrorAt) {
		t.Errorf("final state = %+v", st)
	}
}

func TestSyncCrashBetweenSaveAndStateDoesNotDouble(t *testing.T) {
	ts := startServer(t)
	for i := 1; i <= 4; i++ {
		ts.appendMsg(t, "INBOX", testMessage(i))
	}
	sink := newMemSink()
	sink.crashAfterSave.Store(true) // the process "dies" after the first batch is saved
	s := newSyncer(t, ts.account(t), sink, Options{BatchSize: 2})
	if _, err := s.SyncOnce(context.Background()); !errors.Is(err, ErrStore) {
		t.Fatalf("err = %v, want ErrStore", err)
	}
	sink.restart()
	if st := sink.state(testMailboxID, "INBOX"); st.LastUID != 0 || sink.count() != 2 {
		t.Fatalf("after the crash: state %+v, %d messages; want last uid 0 and the first batch stored", st, sink.count())
	}
	got := folderReport(t, syncOnce(t, s), "INBOX")
	if got.Imported != 2 || got.Duplicates != 2 || got.LastUID != 4 {
		t.Fatalf("second sync = %+v, want the first batch again as duplicates", got)
	}
	if sink.count() != 4 || sink.totalLocations() != 4 {
		t.Errorf("stored %d messages in %d places, want 4/4", sink.count(), sink.totalLocations())
	}
}

func TestSyncIsReadOnly(t *testing.T) {
	ts := startServer(t)
	ts.appendMsg(t, "INBOX", testMessage(1))
	ts.appendMsg(t, "INBOX", testMessage(2), imap.FlagFlagged)
	ts.appendMsg(t, "INBOX", testMessage(3), imap.FlagSeen)
	ts.appendMsg(t, "Sent", testMessage(4), imap.FlagSeen)
	before := flagsOf(t, ts, "INBOX")

	p := startProxy(t, ts.addr)
	syncOnce(t, newSyncer(t, accountFor(t, p.addr, model.TLSNone), newMemSink(), Options{}))

	if after := flagsOf(t, ts, "INBOX"); !slices.EqualFunc(before, after, slices.Equal) {
		t.Errorf("flags changed: before %v after %v", before, after)
	}
	for _, f := range flagsOf(t, ts, "INBOX")[0] {
		if f == imap.FlagSeen {
			t.Error("unread message got \\Seen")
		}
	}
	cmds := p.clientCommands()
	for _, bad := range []string{" SELECT ", " STORE ", " UID STORE ", " COPY ", " MOVE ", " EXPUNGE", " APPEND ", " DELETE ", " CREATE ", " RENAME ", " CLOSE"} {
		if strings.Contains(strings.ToUpper(cmds), bad) {
			t.Errorf("client sent %q:\n%s", bad, cmds)
		}
	}
	if !strings.Contains(cmds, " EXAMINE ") || !strings.Contains(cmds, "BODY.PEEK[]") || regexp.MustCompile(`BODY\[\]`).MatchString(cmds) {
		t.Errorf("expected EXAMINE and BODY.PEEK[] only:\n%s", cmds)
	}
}

// flagsOf reads every message's flags in a folder through its own session.
func flagsOf(t *testing.T, ts *testServer, folder string) [][]imap.Flag {
	t.Helper()
	var out [][]imap.Flag
	for _, m := range folderFlags(t, ts.account(t), folder) {
		f := slices.Clone(m.Flags)
		slices.Sort(f)
		out = append(out, f)
	}
	return out
}

func TestUIDSearchHighestUIDQuirkIsFiltered(t *testing.T) {
	ts := startServer(t)
	for i := 1; i <= 3; i++ {
		ts.appendMsg(t, "INBOX", testMessage(i))
	}
	ctx := context.Background()
	cn, err := dial(ctx, ts.account(t), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer cn.close()
	if _, err := cn.examine(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		last uint32
		want []imap.UID
	}{
		{0, []imap.UID{1, 2, 3}},
		{2, []imap.UID{3}},
		{3, nil}, // the server answers "3" to UID 4:*
		{10, nil},
	}
	for _, tt := range tests {
		got, err := cn.uidsAfter(ctx, tt.last)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("uidsAfter(%d) = %v, want %v", tt.last, got, tt.want)
		}
	}
}

func TestSyncErrorsAreRecorded(t *testing.T) {
	ts := startServer(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	go func() { // accepts and never greets
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()

	tests := []struct {
		name    string
		acct    func() Account
		want    error
		reason  string
		folders []string
	}{
		{"wrong password", func() Account { a := ts.account(t); a.Password = "mala"; return a }, ErrAuth, ReasonAuth, []string{"INBOX"}},
		{"unknown user", func() Account { a := ts.account(t); a.Username = "nadie"; return a }, ErrAuth, ReasonAuth, []string{"INBOX"}},
		{"nothing listening", func() Account { return accountFor(t, closedAddr, model.TLSNone) }, ErrUnreachable, ReasonUnreachable, []string{"INBOX"}},
		{"server never answers", func() Account { return accountFor(t, silent.Addr().String(), model.TLSNone) }, ErrTimeout, ReasonTimeout, []string{"INBOX"}},
		{"missing folder", func() Account { a := ts.account(t); a.Folders = []string{"INBOX", "NoExiste"}; return a }, ErrFolder, ReasonFolder, []string{"NoExiste"}},
		{"implicit TLS to a plain server", func() Account { return accountFor(t, ts.addr, model.TLSImplicit) }, ErrTLS, ReasonTLS, []string{"INBOX"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := newMemSink()
			s := newSyncer(t, tt.acct(), sink, Options{Timeout: 300 * time.Millisecond})
			_, err := s.SyncOnce(context.Background())
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if Reason(err) != tt.reason {
				t.Errorf("Reason = %q, want %q", Reason(err), tt.reason)
			}
			for _, f := range tt.folders {
				st := sink.state(testMailboxID, f)
				if st.LastErrorReason != tt.reason || st.LastError == "" || st.LastErrorAt.IsZero() || !st.LastSuccessAt.IsZero() {
					t.Errorf("state of %s = %+v", f, st)
				}
			}
			if strings.Contains(err.Error(), testPass) {
				t.Error("error text contains the password")
			}
		})
	}
}

func TestNewRefusesPlainTextToRemoteHosts(t *testing.T) {
	tests := []struct {
		host, tls string
		want      error
	}{
		{"127.0.0.1", model.TLSNone, nil},
		{"::1", model.TLSNone, nil},
		{"localhost", model.TLSNone, nil},
		{"127.0.0.53", model.TLSNone, nil},
		{"mail.alianza.org.pe", model.TLSNone, ErrInsecure},
		{"10.0.0.5", model.TLSNone, ErrInsecure},
		{"localhost.evil.example", model.TLSNone, ErrInsecure},
		{"mail.alianza.org.pe", model.TLSImplicit, nil},
		{"mail.alianza.org.pe", model.TLSStartTLS, nil},
		{"mail.alianza.org.pe", "ssl", ErrConfig},
		{"", model.TLSImplicit, ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.host+"/"+tt.tls, func(t *testing.T) {
			acct := Account{MailboxID: testMailboxID, Host: tt.host, TLS: tt.tls, Username: "u"}
			_, err := New(acct, newMemSink(), testOptions(Options{}))
			if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("New = %v, want %v", err, tt.want)
			}
			if err != nil && errors.Is(err, ErrInsecure) && !strings.Contains(err.Error(), "loopback") {
				t.Errorf("error does not say why: %v", err)
			}
		})
	}
}

// New has no defaults of its own: a syncer without its timeouts and
// intervals (config resolves them) is refused, not run with zero waits.
func TestNewRefusesMissingDurations(t *testing.T) {
	acct := Account{MailboxID: testMailboxID, Host: "mail.alianza.org.pe", TLS: model.TLSImplicit, Username: "u"}
	if _, err := New(acct, newMemSink(), Options{}); !errors.Is(err, ErrConfig) {
		t.Fatalf("New without durations = %v, want ErrConfig", err)
	}
	o := testOptions(Options{})
	o.LeaseTTL = 0
	if _, err := New(acct, newMemSink(), o); !errors.Is(err, ErrConfig) {
		t.Fatalf("New without a lease TTL = %v, want ErrConfig", err)
	}
}

func TestSyncOverTLS(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	tests := []struct {
		name string
		mode string
	}{
		{"implicit", model.TLSImplicit},
		{"starttls", model.TLSStartTLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ts *testServer
			if tt.mode == model.TLSStartTLS {
				ts = startServer(t, func(o *imapserver.Options) { o.TLSConfig = serverTLS; o.InsecureAuth = false })
			} else {
				ts = startTLSServer(t, serverTLS)
			}
			ts.appendMsg(t, "INBOX", testMessage(1))
			acct := accountFor(t, ts.addr, tt.mode)
			acct.TLSConfig = clientTLS
			sink := newMemSink()
			if got := folderReport(t, syncOnce(t, newSyncer(t, acct, sink, Options{})), "INBOX"); got.Imported != 1 {
				t.Fatalf("INBOX = %+v", got)
			}

			acct.TLSConfig = nil // system roots do not trust the test certificate
			_, err := newSyncer(t, acct, newMemSink(), Options{}).SyncOnce(context.Background())
			if !errors.Is(err, ErrTLS) {
				t.Errorf("untrusted certificate: err = %v, want ErrTLS", err)
			}
		})
	}
}

// startTLSServer is startServer behind implicit TLS.
func startTLSServer(t *testing.T, cfg *tls.Config) *testServer {
	t.Helper()
	ts := startServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tlsLn := tlsListener(ln, cfg)
	go ts.srv.Serve(tlsLn)
	ts.addr = ln.Addr().String()
	return ts
}

func TestRunUsesIdleAndStopsOnCancel(t *testing.T) {
	ts := startServer(t)
	ts.appendMsg(t, "INBOX", testMessage(1))
	sink := newMemSink()
	s := newSyncer(t, ts.account(t), sink, Options{PollInterval: time.Hour, LeaseTTL: time.Hour})
	idling := idleSignal(s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	waitIdle(t, idling)
	if sink.count() != 1 {
		t.Fatalf("stored %d messages before IDLE, want 1", sink.count())
	}
	// Only IDLE (the poll interval is an hour) can bring this one in.
	ts.appendMsg(t, "INBOX", testMessage(2))
	eventually(t, 5*time.Second, "message announced by IDLE", func() bool { return sink.count() == 2 })

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after cancel", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop after cancel")
	}
	if sink.lease.Holder != "" {
		t.Errorf("lease still held by %q", sink.lease.Holder)
	}
}

func TestRunReconnectsAfterDrop(t *testing.T) {
	ts := startServer(t)
	for i := 1; i <= 6; i++ {
		ts.appendMsg(t, "INBOX", testMessage(i))
	}
	p := startProxy(t, ts.addr)
	p.limit.Store(1500) // the first connection dies early in the first FETCH
	sink := newMemSink()
	s := newSyncer(t, accountFor(t, p.addr, model.TLSNone), sink, Options{
		BatchSize: 2, PollInterval: time.Hour, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	eventually(t, 5*time.Second, "all messages after reconnect", func() bool { return sink.count() == 6 })
	if p.conns.Load() < 2 {
		t.Errorf("connections = %d, want a reconnect", p.conns.Load())
	}
	if sink.totalLocations() != 6 {
		t.Errorf("locations = %d, want 6", sink.totalLocations())
	}
	cancel()
	<-done
}

func TestLeaseHeldByAnotherProcess(t *testing.T) {
	ts := startServer(t)
	sink := newMemSink()
	sink.lease = model.Lease{MailboxID: testMailboxID, Holder: "otro-servidor", Until: time.Now().Add(time.Minute)}
	_, err := newSyncer(t, ts.account(t), sink, Options{}).SyncOnce(context.Background())
	if !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("err = %v, want ErrLeaseHeld", err)
	}
	if sink.lease.Holder != "otro-servidor" {
		t.Errorf("lease taken over: %+v", sink.lease)
	}
}

func TestLongSyncRenewsLease(t *testing.T) {
	ts := startServer(t)
	for i := 1; i <= 6; i++ {
		ts.appendMsg(t, "INBOX", testMessage(i))
	}
	sink := newMemSink()
	// A clock that moves a minute each time it is read: every batch of this
	// sync "takes" longer than a third of the two-minute lease.
	var clock atomic.Int64
	start := time.Now()
	now := func() time.Time { return start.Add(time.Duration(clock.Add(1)) * time.Minute) }
	syncOnce(t, newSyncer(t, ts.account(t), sink, Options{BatchSize: 2, LeaseTTL: 2 * time.Minute, Now: now}))
	if sink.leaseCalls < 4 {
		t.Errorf("lease taken %d times during a 3-batch sync, want renewals", sink.leaseCalls)
	}
}

func TestSyncThreadsReplyWithoutHeadersBySubject(t *testing.T) {
	ts := startServer(t)
	ts.appendMsg(t, "INBOX", readMessage(t, "latin1_qp.eml"))
	reply := []byte("From: asesoria@congreso.gob.pe\r\nTo: equipo@alianza.org.pe\r\n" +
		"Subject: RV: Reunion con la comision de la Mujer - acta\r\n" +
		"Date: Thu, 12 Mar 2026 10:00:00 -0500\r\nMessage-ID: <rv-1@congreso.gob.pe>\r\n\r\nReenvío.\r\n")
	unrelated := []byte("From: asesoria@congreso.gob.pe\r\nTo: equipo@alianza.org.pe\r\n" +
		"Subject: RE: Reunión con la Comisión de la Mujer – acta\r\n" +
		"Date: Thu, 30 Apr 2026 10:00:00 -0500\r\nMessage-ID: <re-late@congreso.gob.pe>\r\n\r\nMucho después.\r\n")
	ts.appendMsg(t, "INBOX", reply)
	ts.appendMsg(t, "INBOX", unrelated)
	sink := newMemSink()
	syncOnce(t, newSyncer(t, ts.account(t), sink, Options{}))

	root := IDForMessageID("CAF1234.5678@mail.congreso.gob.pe")
	if m, _ := sink.get(IDForMessageID("rv-1@congreso.gob.pe")); m.Message.ThreadID != root {
		t.Errorf("forward within the window: thread %v, want %v", m.Message.ThreadID, root)
	}
	if m, _ := sink.get(IDForMessageID("re-late@congreso.gob.pe")); m.Message.ThreadID == root {
		t.Error("reply seven weeks later joined the old thread")
	}
}

func TestFetchAttachment(t *testing.T) {
	ts := startServer(t)
	raw := readMessage(t, "attachments.eml")
	uid := ts.appendMsg(t, "INBOX", raw)
	sink := newMemSink()
	syncOnce(t, newSyncer(t, ts.account(t), sink, Options{}))
	m, _ := sink.get(IDForMessageID("informe-2026@alianza.org.pe"))
	loc := m.Message.SeenIn[0]
	if loc.UID != uint32(uid) {
		t.Fatalf("location %+v, want uid %d", loc, uid)
	}

	got, err := FetchAttachment(context.Background(), ts.account(t), loc, m.Message.Attachments[1], 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, []byte("%PDF-1.4")) || int64(len(got)) != m.Message.Attachments[1].Size {
		t.Errorf("attachment = %q (%d bytes), want the PDF of %d bytes", got, len(got), m.Message.Attachments[1].Size)
	}

	stale := loc
	stale.UIDValidity++
	if _, err := FetchAttachment(context.Background(), ts.account(t), stale, m.Message.Attachments[1], 5*time.Second); !errors.Is(err, ErrMessageGone) {
		t.Errorf("stale location: err = %v, want ErrMessageGone", err)
	}
	missing := model.Attachment{Part: "9"}
	if _, err := FetchAttachment(context.Background(), ts.account(t), loc, missing, 5*time.Second); !errors.Is(err, ErrNoAttachment) {
		t.Errorf("missing part: err = %v, want ErrNoAttachment", err)
	}
}

func TestBackoff(t *testing.T) {
	lo, hi := time.Second, time.Minute
	tests := []struct {
		n        int
		retry    bool
		min, max time.Duration
	}{
		{1, true, lo / 2, lo},
		{2, true, lo, 2 * lo},
		{4, true, 4 * lo, 8 * lo},
		{20, true, hi / 2, hi},
		{100, true, hi / 2, hi},
		{1, false, hi / 2, hi},
	}
	for _, tt := range tests {
		for range 50 {
			if d := backoff(tt.n, lo, hi, tt.retry); d < tt.min || d > tt.max {
				t.Fatalf("backoff(%d, %v) = %v, want in [%v, %v]", tt.n, tt.retry, d, tt.min, tt.max)
			}
		}
	}
}

func TestSentFolderDetection(t *testing.T) {
	tests := []struct {
		name    string
		folders []folderInfo
		want    string
	}{
		{"special use wins", []folderInfo{{name: "INBOX"}, {name: "Sent"}, {name: "Elementos enviados", sent: true}}, "Elementos enviados"},
		{"english name", []folderInfo{{name: "INBOX"}, {name: "Sent Items"}}, "Sent Items"},
		{"spanish name", []folderInfo{{name: "INBOX"}, {name: "Enviados"}}, "Enviados"},
		{"courier style", []folderInfo{{name: "INBOX"}, {name: "INBOX.Sent"}}, "INBOX.Sent"},
		{"gmail", []folderInfo{{name: "INBOX"}, {name: "[Gmail]/Sent Mail"}}, "[Gmail]/Sent Mail"},
		{"none", []folderInfo{{name: "INBOX"}, {name: "Archivo"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := sentFolder(tt.folders); got != tt.want {
				t.Errorf("sentFolder = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{ErrAuth, ReasonAuth},
		{errors.Join(errors.New("x"), ErrFolder), ReasonFolder},
		{ErrInsecure, ReasonConfig},
		{errors.New("other"), ReasonUnknown},
	}
	for _, tt := range tests {
		if got := Reason(tt.err); got != tt.want {
			t.Errorf("Reason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestRunKeepsWatchingWhenAFolderIsMissing(t *testing.T) {
	ts := startServer(t)
	ts.appendMsg(t, "INBOX", testMessage(1))
	acct := ts.account(t)
	acct.Folders = []string{"NoExiste", "INBOX"}
	sink := newMemSink()
	// A backoff of an hour: only a session that stays up (IDLE) sees message 2.
	s := newSyncer(t, acct, sink, Options{PollInterval: time.Hour, LeaseTTL: time.Hour, MinBackoff: time.Hour, MaxBackoff: time.Hour})
	idling := idleSignal(s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	waitIdle(t, idling)
	ts.appendMsg(t, "INBOX", testMessage(2))
	eventually(t, 5*time.Second, "second message through IDLE", func() bool { return sink.count() == 2 })
	cancel()
	<-done
	if st := sink.state(testMailboxID, "NoExiste"); st.LastErrorReason != ReasonFolder {
		t.Errorf("missing folder state = %+v", st)
	}
}

// idleSignal reports each time the syncer enters IDLE. go-imap's memory
// server announces a message appended around the start of IDLE only with the
// next change (it answers "+ idling" before it starts watching), so tests
// append once the syncer idles and the server had a moment to start watching.
// Dovecot has no such gap; see the dovecot tests.
func idleSignal(s *Syncer) <-chan struct{} {
	ch := make(chan struct{}, 16)
	s.onIdle = func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	return ch
}

func waitIdle(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("syncer did not enter IDLE")
	}
	time.Sleep(100 * time.Millisecond)
}
