//go:build dovecot

// Interop tests and benchmarks against a real Dovecot (Debian's dovecot-core
// and dovecot-imapd; scripts/dovecot-deps installs them). Each test starts
// its own Dovecot in a temporary directory on free loopback ports:
//
//	go test -tags dovecot -race ./internal/mailsync
//	go test -tags dovecot -run '^$' -bench DovecotSync5000 -benchtime 3x ./internal/mailsync
//	go test -tags dovecot -run "^$" -bench BenchmarkMbsync5000 ./internal/mailsync
package mailsync

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// sentName is the Sent folder's name in the test Dovecot. It is on no list of
// usual names, so only SPECIAL-USE can find it.
const sentName = "Correo saliente"

type dovecot struct {
	dir       string
	conf      string
	plainAddr string
	tlsAddr   string
	clientTLS *tls.Config
	cmd       *exec.Cmd
}

// startDovecot runs a private Dovecot 2.3 (see docs in shared notes) and
// stops it (SIGKILL to its process group frees the ports at once) on cleanup.
func startDovecot(tb testing.TB) *dovecot {
	tb.Helper()
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/dovecot"); serr != nil {
			tb.Skip("dovecot not installed: run scripts/dovecot-deps")
		}
		bin = "/usr/sbin/dovecot"
	}
	// t.TempDir is 0700 under a 0700 parent; mail processes run as nobody and
	// need every parent traversable, so use a directory of our own.
	dir, err := os.MkdirTemp("", "alianza-dovecot-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(os.Chmod(dir, 0o755))
	for _, d := range []string{"run", "state", "mail"} {
		must(os.MkdirAll(filepath.Join(dir, d), 0o755))
	}

	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
		"-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
		"-keyout", filepath.Join(dir, "key.pem"), "-out", filepath.Join(dir, "cert.pem")).CombinedOutput()
	if err != nil {
		tb.Fatalf("openssl: %v\n%s", err, out)
	}
	certPEM, err := os.ReadFile(filepath.Join(dir, "cert.pem"))
	must(err)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)

	uid, gid, extra := mailOwner(tb)
	mailDir := filepath.Join(dir, "mail", "alice")
	must(os.MkdirAll(mailDir, 0o755))
	must(os.Chown(mailDir, uid, gid))
	users := fmt.Sprintf("%s:{PLAIN}%s:%d:%d::%s\n", testUser, testPass, uid, gid, mailDir)
	must(os.WriteFile(filepath.Join(dir, "users"), []byte(users), 0o644))

	plainPort, tlsPort := freePort(tb), freePort(tb)
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
ssl = yes
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
mail_location = maildir:~/Maildir
mail_fsync = never
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = %[1]s/users
}
userdb {
  driver = passwd-file
  args = %[1]s/users
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox "%[4]s" {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Archivo {
    auto = subscribe
  }
}
%[5]s
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
  %[6]s
}
service imap-login {
  inet_listener imap {
    port = %[2]d
  }
  inet_listener imaps {
    port = %[3]d
    ssl = yes
  }
  %[6]s
}
`, dir, plainPort, tlsPort, sentName, extra, chrootLine())
	confPath := filepath.Join(dir, "dovecot.conf")
	must(os.WriteFile(confPath, []byte(conf), 0o644))

	logf, err := os.Create(filepath.Join(dir, "stdout.log"))
	must(err)
	cmd := exec.Command(bin, "-F", "-c", confPath)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	must(cmd.Start())
	d := &dovecot{
		dir: dir, conf: confPath, cmd: cmd,
		plainAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(plainPort)),
		tlsAddr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(tlsPort)),
		clientTLS: &tls.Config{RootCAs: pool},
	}
	tb.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		logf.Close()
		if tb.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			std, _ := os.ReadFile(filepath.Join(dir, "stdout.log"))
			tb.Logf("dovecot log:\n%s\n%s", tail(log, 4000), tail(std, 2000))
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", d.plainAddr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			std, _ := os.ReadFile(filepath.Join(dir, "stdout.log"))
			tb.Fatalf("dovecot did not start: %v\n%s\n%s", err, log, std)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return d
}

// mailOwner returns who owns the mail files and the extra settings needed:
// as root, mail processes must not run as uid 0, so they run as nobody; as
// another user, Dovecot's internal users are that user.
func mailOwner(tb testing.TB) (uid, gid int, extra string) {
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			tb.Fatal(err)
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		return uid, gid, ""
	}
	u, err := user.Current()
	if err != nil {
		tb.Fatal(err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		tb.Fatal(err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid, fmt.Sprintf("default_internal_user = %s\ndefault_internal_group = %s\ndefault_login_user = %s\n", u.Username, g.Name, u.Username)
}

func chrootLine() string {
	if os.Geteuid() == 0 {
		return ""
	}
	return "chroot ="
}

func freePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

func (d *dovecot) account(tb testing.TB, mode string) Account {
	tb.Helper()
	addr := d.plainAddr
	if mode == model.TLSImplicit {
		addr = d.tlsAddr
	}
	a := accountFor(tb, addr, mode)
	a.TLSConfig = d.clientTLS
	return a
}

// admin is a plain IMAP client for setting up the mailbox, as a user's mail
// client would (APPEND, flags, DELETE/CREATE).
func (d *dovecot) admin(tb testing.TB) *imapclient.Client {
	tb.Helper()
	c, err := imapclient.DialInsecure(d.plainAddr, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.Login(testUser, testPass).Wait(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// appendAll APPENDs messages, pipelining up to 64 commands at a time.
func appendAll(tb testing.TB, c *imapclient.Client, folder string, msgs [][]byte, flags ...imap.Flag) {
	tb.Helper()
	var pending []*imapclient.AppendCommand
	wait := func() {
		for _, cmd := range pending {
			if _, err := cmd.Wait(); err != nil {
				tb.Fatalf("append to %s: %v", folder, err)
			}
		}
		pending = pending[:0]
	}
	for _, raw := range msgs {
		cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: flags, Time: internalDate})
		if _, err := cmd.Write(raw); err != nil {
			tb.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			tb.Fatal(err)
		}
		pending = append(pending, cmd)
		if len(pending) == 64 {
			wait()
		}
	}
	wait()
}

func fixtureMessages(tb testing.TB) [][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "messages", "*.eml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("fixtures: %v", err)
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func TestDovecotPlain(t *testing.T) {
	d := startDovecot(t)
	admin := d.admin(t)
	fixtures := fixtureMessages(t)
	appendAll(t, admin, "INBOX", fixtures)
	appendAll(t, admin, "INBOX", [][]byte{testMessage(1), testMessage(2)}, imap.FlagSeen)
	appendAll(t, admin, sentName, [][]byte{readMessage(t, "attachments.eml"), testMessage(3)})
	appendAll(t, admin, "Archivo", [][]byte{testMessage(4)})

	before := dovecotFlags(t, d, "INBOX")
	sink := newMemSink()
	s := newSyncer(t, d.account(t, model.TLSNone), sink, Options{BatchSize: 4})
	rep := syncOnce(t, s)

	if names := folderNames(rep); len(names) != 2 || names[0] != "INBOX" || names[1] != sentName {
		t.Fatalf("folders = %v, want INBOX and %q (found by SPECIAL-USE)", names, sentName)
	}
	inbox, sent := folderReport(t, rep, "INBOX"), folderReport(t, rep, sentName)
	wantFailed := 2 // malformed_header.eml, multipart_no_boundary.eml
	if inbox.Imported != len(fixtures)+2-wantFailed || inbox.Failed != wantFailed || inbox.LastUID != uint32(len(fixtures)+2) {
		t.Errorf("INBOX = %+v", inbox)
	}
	if sent.Imported != 1 || sent.Duplicates != 1 {
		t.Errorf("%s = %+v, want 1 new and 1 already in INBOX", sent.Folder, sent)
	}
	// Dovecot returns a message with a broken header byte for byte, so it
	// is stored failed under the hash of those bytes.
	bad, _ := Parse(readMessage(t, "malformed_header.eml"), internalDate)
	if m, ok := sink.get(bad.Message.ID); !ok || m.Message.Status != model.MessageFailed || !strings.HasPrefix(m.Message.FailReason, FailHeader) {
		t.Errorf("malformed message stored as %+v (found %v)", m.Message, ok)
	}
	m, _ := sink.get(IDForMessageID("informe-2026@alianza.org.pe"))
	if len(m.Message.SeenIn) != 2 || m.Message.Direction != model.Outbound {
		t.Errorf("message in INBOX and Sent: %+v", m.Message)
	}
	if m, _ := sink.get(IDForMessageID("20260311164000.1111@defensoria.gob.pe")); m.Message.Subject != "“Acuerdo regional” – presupuesto € 2026" {
		t.Errorf("windows-1252 subject = %q", m.Message.Subject)
	}
	if after := dovecotFlags(t, d, "INBOX"); after != before {
		t.Errorf("flags changed by the sync:\nbefore %s\nafter  %s", before, after)
	}

	t.Run("incremental", func(t *testing.T) {
		appendAll(t, admin, "INBOX", [][]byte{testMessage(10), testMessage(11)})
		if got := folderReport(t, syncOnce(t, s), "INBOX"); got.Imported != 2 || got.Duplicates != 0 {
			t.Errorf("INBOX = %+v", got)
		}
	})

	t.Run("uidvalidity reset", func(t *testing.T) {
		if err := admin.Delete("Archivo").Wait(); err != nil {
			t.Fatal(err)
		}
		if err := admin.Create("Archivo", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		acct := d.account(t, model.TLSNone)
		acct.Folders = []string{"Archivo"}
		s := newSyncer(t, acct, sink, Options{})
		syncOnce(t, s) // empty folder, new UIDVALIDITY recorded
		appendAll(t, admin, "Archivo", [][]byte{testMessage(4), testMessage(1)})
		if got := folderReport(t, syncOnce(t, s), "Archivo"); got.Imported != 1 || got.Duplicates != 1 {
			t.Errorf("Archivo = %+v", got)
		}
		first := sink.state(testMailboxID, "Archivo").UIDValidity
		if err := admin.Delete("Archivo").Wait(); err != nil {
			t.Fatal(err)
		}
		if err := admin.Create("Archivo", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		appendAll(t, admin, "Archivo", [][]byte{testMessage(4), testMessage(1), testMessage(5)})
		got := folderReport(t, syncOnce(t, s), "Archivo")
		if !got.Reset || got.Imported != 1 || got.Duplicates != 2 || got.UIDValidity == first {
			t.Errorf("after reset Archivo = %+v", got)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		acct := d.account(t, model.TLSNone)
		acct.Password = "equivocada"
		sink := newMemSink()
		start := time.Now()
		_, err := newSyncer(t, acct, sink, Options{}).SyncOnce(context.Background())
		if !errors.Is(err, ErrAuth) {
			t.Fatalf("err = %v, want ErrAuth", err)
		}
		if st := sink.state(testMailboxID, "INBOX"); st.LastErrorReason != ReasonAuth {
			t.Errorf("state = %+v", st)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("failed login took %v", time.Since(start))
		}
	})

	t.Run("idle", func(t *testing.T) {
		sink := newMemSink()
		s := newSyncer(t, d.account(t, model.TLSNone), sink, Options{PollInterval: time.Hour, LeaseTTL: time.Hour})
		idling := idleSignal(s)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		waitIdle(t, idling)
		appendAll(t, admin, "INBOX", [][]byte{testMessage(20)})
		eventually(t, 10*time.Second, "message announced by IDLE", func() bool {
			_, ok := sink.get(IDForMessageID("msg-20@congreso.gob.pe"))
			return ok
		})
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	})
}

// dovecotFlags lists UID and flags of every message, read with its own
// read-only session.
func dovecotFlags(t *testing.T, d *dovecot, folder string) string {
	t.Helper()
	var b strings.Builder
	for _, m := range folderFlags(t, d.account(t, model.TLSNone), folder) {
		fmt.Fprintf(&b, "%d%v ", m.UID, m.Flags)
	}
	return b.String()
}

func TestDovecotTLS(t *testing.T) {
	d := startDovecot(t)
	appendAll(t, d.admin(t), "INBOX", [][]byte{testMessage(1), readMessage(t, "latin1_qp.eml")})
	tests := []struct {
		name    string
		mode    string
		trusted bool
		want    error
	}{
		{"implicit", model.TLSImplicit, true, nil},
		{"starttls", model.TLSStartTLS, true, nil},
		{"implicit untrusted certificate", model.TLSImplicit, false, ErrTLS},
		{"starttls untrusted certificate", model.TLSStartTLS, false, ErrTLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := d.account(t, tt.mode)
			if !tt.trusted {
				acct.TLSConfig = nil
			}
			sink := newMemSink()
			rep, err := newSyncer(t, acct, sink, Options{}).SyncOnce(context.Background())
			if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == nil && sink.count() != 2 {
				t.Errorf("stored %d messages: %+v", sink.count(), rep)
			}
		})
	}
}

// bigMailbox is a realistic mix: plain text, Latin-1 quoted-printable, HTML
// newsletters, replies with References, and some with attachments.
func bigMailbox(n int) [][]byte {
	out := make([][]byte, n)
	pdf := bytes.Repeat([]byte("JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K\r\n"), 300) // ~20 KB
	body := strings.Repeat("Estimados, les escribimos para coordinar la agenda de la comisión y el seguimiento de los acuerdos.\r\n", 12)
	for i := range n {
		var b bytes.Buffer
		fmt.Fprintf(&b, "Received: from mx%d.example.pe by mail.alianza.org.pe; Mon, 2 Mar 2026 10:00:00 -0500\r\n", i%7)
		fmt.Fprintf(&b, "From: Persona %d <persona%d@congreso.gob.pe>\r\nTo: equipo@alianza.org.pe\r\n", i%300, i%300)
		fmt.Fprintf(&b, "Date: Mon, 2 Mar 2026 %02d:%02d:%02d -0500\r\nMessage-ID: <big-%d@congreso.gob.pe>\r\n", i/3600%24, i/60%60, i%60, i)
		if i%4 == 1 {
			fmt.Fprintf(&b, "In-Reply-To: <big-%d@congreso.gob.pe>\r\nReferences: <big-%d@congreso.gob.pe> <big-%d@congreso.gob.pe>\r\n", i-1, i-1-i%3, i-1)
		}
		b.WriteString("MIME-Version: 1.0\r\n")
		switch {
		case i%20 == 0:
			fmt.Fprintf(&b, "Subject: Informe %d con anexo\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i, i)
			fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", i, body)
			fmt.Fprintf(&b, "--b%d\r\nContent-Type: application/pdf; name=\"anexo-%d.pdf\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"anexo-%d.pdf\"\r\n\r\n", i, i, i)
			b.Write(pdf)
			fmt.Fprintf(&b, "--b%d--\r\n", i)
		case i%10 == 3:
			fmt.Fprintf(&b, "Subject: Boletín %d\r\nContent-Type: multipart/alternative; boundary=\"a%d\"\r\n\r\n", i, i)
			fmt.Fprintf(&b, "--a%d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", i, body)
			fmt.Fprintf(&b, "--a%d\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p style=\"color:#333\">%s</p><img src=\"https://track.example/%d.png\"><a href=\"https://redperu.org/%d\">Leer</a></body></html>\r\n--a%d--\r\n", i, strings.ReplaceAll(body, "\r\n", "<br>"), i, i, i)
		case i%3 == 2:
			fmt.Fprintf(&b, "Subject: =?ISO-8859-1?Q?Reuni=F3n_n=BA_%d?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", i)
			b.WriteString(strings.Repeat("Les env=EDo el acta de la reuni=F3n; la se=F1ora congresista se compromete a revisar el dictamen.\r\n", 10))
		default:
			fmt.Fprintf(&b, "Subject: RE: Seguimiento %d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s", i, body)
		}
		out[i] = b.Bytes()
	}
	return out
}

// bigN is the size of the big mailbox: 5,000 messages, or
// ALIANZA_BENCH_MESSAGES (scripts/bench-mbsync runs 20,000 with it).
var bigN = func() int {
	if n, err := strconv.Atoi(os.Getenv("ALIANZA_BENCH_MESSAGES")); err == nil && n > 0 {
		return n
	}
	return 5000
}()

func bigDovecot(tb testing.TB) *dovecot {
	tb.Helper()
	d := startDovecot(tb)
	start := time.Now()
	msgs := bigMailbox(bigN)
	size := 0
	for _, m := range msgs {
		size += len(m)
	}
	appendAll(tb, d.admin(tb), "INBOX", msgs)
	tb.Logf("appended %d messages (%.1f MB) in %v", bigN, float64(size)/1e6, time.Since(start).Round(time.Millisecond))
	return d
}

func TestDovecot5000(t *testing.T) {
	d := bigDovecot(t)
	sink := newMemSink()
	start := time.Now()
	rep := syncOnce(t, newSyncer(t, d.account(t, model.TLSNone), sink, Options{Timeout: 30 * time.Second}))
	elapsed := time.Since(start)
	inbox := folderReport(t, rep, "INBOX")
	if inbox.Imported != bigN || inbox.Failed != 0 || sink.count() != bigN || inbox.LastUID != uint32(bigN) {
		t.Fatalf("INBOX = %+v, stored %d", inbox, sink.count())
	}
	t.Logf("synced %d messages in %v: %.0f messages/s", bigN, elapsed.Round(time.Millisecond), float64(bigN)/elapsed.Seconds())

	// Nothing new: the second sync only opens the folders.
	start = time.Now()
	if imp, dup, fail := syncOnce(t, newSyncer(t, d.account(t, model.TLSNone), sink, Options{})).Totals(); imp+dup+fail != 0 {
		t.Errorf("second sync did %d/%d/%d", imp, dup, fail)
	}
	t.Logf("sync with nothing new: %v", time.Since(start).Round(time.Millisecond))
}

func BenchmarkDovecotSync5000(b *testing.B) {
	for _, mode := range []string{model.TLSNone, model.TLSImplicit} {
		b.Run("tls="+mode, func(b *testing.B) {
			d := bigDovecot(b)
			addr := d.plainAddr
			if mode == model.TLSImplicit {
				addr = d.tlsAddr
			}
			host, port, _ := net.SplitHostPort(addr)
			p, _ := strconv.Atoi(port)
			acct := Account{MailboxID: testMailboxID, Host: host, Port: p, TLS: mode, Username: testUser, Password: testPass, TLSConfig: d.clientTLS}
			b.ReportAllocs()
			var elapsed, cpu time.Duration
			for b.Loop() {
				sink := newMemSink()
				s, err := New(acct, sink, testOptions(Options{Timeout: 30 * time.Second}))
				if err != nil {
					b.Fatal(err)
				}
				start, cpu0 := time.Now(), cpuSelf(b)
				if _, err := s.SyncOnce(context.Background()); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				cpu += cpuSelf(b) - cpu0
				if sink.count() != bigN {
					b.Fatalf("stored %d messages", sink.count())
				}
			}
			b.ReportMetric(float64(bigN*b.N)/elapsed.Seconds(), "msgs/s")
			reportCPU(b, cpu, bigN*b.N)
		})
	}
}

// BenchmarkDovecotSync5000Store is the full sync as the server runs it:
// from Dovecot into the embedded database (parse, sanitise, thread, match
// against stakeholders, store message and body), plain IMAP on loopback.
func BenchmarkDovecotSync5000Store(b *testing.B) {
	d := bigDovecot(b)
	host, port, _ := net.SplitHostPort(d.plainAddr)
	p, _ := strconv.Atoi(port)
	acct := Account{MailboxID: testMailboxID, Host: host, Port: p, TLS: model.TLSNone, Username: testUser, Password: testPass}
	ctx := context.Background()
	dir := b.TempDir()
	b.ReportAllocs()
	var elapsed, cpu time.Duration
	var written int64
	round := 0
	for b.Loop() {
		round++
		s, err := store.OpenEmbedded(ctx, filepath.Join(dir, fmt.Sprintf("bench%d", round)), nil) // as alianza serve does
		if err != nil {
			b.Fatal(err)
		}
		if err := s.EnsureIndexes(ctx); err != nil {
			b.Fatal(err)
		}
		syncer, err := New(acct, workflow.MailSink{Store: s}, testOptions(Options{Timeout: 60 * time.Second}))
		if err != nil {
			b.Fatal(err)
		}
		start, cpu0, w0 := time.Now(), cpuSelf(b), writtenSelf()
		rep, err := syncer.SyncOnce(ctx)
		elapsed += time.Since(start)
		cpu += cpuSelf(b) - cpu0
		written += writtenSelf() - w0
		if err != nil {
			b.Fatal(err)
		}
		if imported, _, _ := rep.Totals(); imported != bigN {
			b.Fatalf("imported %d messages", imported)
		}
		_ = s.Drop(ctx)
		_ = s.Close(ctx)
	}
	b.ReportMetric(float64(bigN*b.N)/elapsed.Seconds(), "msgs/s")
	reportCPU(b, cpu, bigN*b.N)
	// Bytes written per message: the WAL and its checkpoints rewrite every
	// index page a batch touches, so fewer, larger batches write less.
	b.ReportMetric(float64(written)/float64(bigN*b.N), "written-B/msg")
}

// BenchmarkMbsync5000 measures mbsync (Debian's isync) copying the same
// 5,000-message mailbox to a Maildir, for comparison with the syncer's
// benchmarks (scripts/bench-mbsync runs both). FSync yes is mbsync's default
// (a durable copy); FSync no is closer to the in-memory sink.
func BenchmarkMbsync5000(b *testing.B) {
	bin, err := exec.LookPath("mbsync")
	if err != nil {
		b.Fatal("mbsync not installed: run scripts/dovecot-deps")
	}
	d := bigDovecot(b)
	_, port, _ := net.SplitHostPort(d.plainAddr)
	for _, fsync := range []string{"yes", "no"} {
		b.Run("fsync="+fsync, func(b *testing.B) {
			var elapsed, cpu time.Duration
			for b.Loop() {
				dir := b.TempDir()
				rc := fmt.Sprintf(`FSync %s

IMAPAccount dovecot
Host 127.0.0.1
Port %s
User %s
Pass %s
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account dovecot

MaildirStore local
Path %s/
Inbox %s/INBOX

Channel inbox
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
SyncState *
`, fsync, port, testUser, testPass, dir, dir)
				rcPath := filepath.Join(dir, "mbsyncrc")
				if err := os.WriteFile(rcPath, []byte(rc), 0o600); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				cmd := exec.Command(bin, "-c", rcPath, "-a")
				out, err := cmd.CombinedOutput()
				elapsed += time.Since(start)
				if err != nil {
					b.Fatalf("mbsync: %v\n%s", err, out)
				}
				cpu += cpuOf(cmd.ProcessState)
				files, _ := filepath.Glob(filepath.Join(dir, "INBOX", "*", "*"))
				if len(files) != bigN {
					b.Fatalf("mbsync copied %d files, want %d\n%s", len(files), bigN, out)
				}
			}
			b.ReportMetric(float64(bigN*b.N)/elapsed.Seconds(), "msgs/s")
			reportCPU(b, cpu, bigN*b.N)
		})
	}
}
