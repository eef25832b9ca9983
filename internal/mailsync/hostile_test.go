package mailsync

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/testlog"
)

// TestHostileServerCannotFloodLogs: an IMAP server answering every command
// with 200 KB of text (escape sequences included) had all of it logged on
// every retry. Logged error text is capped and stripped of control
// characters.
func TestHostileServerCannotFloodLogs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	junk := strings.Repeat("\x1b[31mFAKE level=ERROR msg=forged ", 6000)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				fmt.Fprintf(c, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostil\r\n")
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					tag, _, _ := strings.Cut(line, " ")
					fmt.Fprintf(c, "%s NO %s\r\n", tag, junk)
				}
			}()
		}
	}()
	logs := &testlog.Buffer{}
	sink := newMemSink()
	s := newSyncer(t, accountFor(t, ln.Addr().String(), "none"), sink, Options{
		Logger: slog.New(slog.NewTextHandler(logs, nil)), MinBackoff: time.Hour, MaxBackoff: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	eventually(t, 10*time.Second, "a logged failure", func() bool { return strings.Contains(strings.Join(logs.Lines(), "\n"), "sync failed") })
	cancel()
	<-done
	for _, l := range logs.Lines() {
		if len(l) > 1000 {
			t.Errorf("a log line of %d bytes: %.200s...", len(l), l)
		}
		if strings.ContainsRune(l, '\x1b') {
			t.Errorf("an escape sequence reached the log: %.200q", l)
		}
	}
	if st := sink.state(testMailboxID, "INBOX"); len(st.LastError) > 500 {
		t.Errorf("stored error of %d bytes", len(st.LastError))
	}
}

// TestFailedMessagesLoggedUpToACap: a folder of unreadable messages logged
// one line each; past maxFailedLogged they are counted in one line.
func TestFailedMessagesLoggedUpToACap(t *testing.T) {
	ts := startServer(t)
	bad := readMessage(t, "multipart_no_boundary.eml")
	for i := 0; i < maxFailedLogged+5; i++ {
		ts.appendMsg(t, "INBOX", bytes.Replace(bad, []byte("sin-boundary@example.org"), []byte(fmt.Sprintf("malo-%d@example.org", i)), 1))
	}
	logs := &testlog.Buffer{}
	s := newSyncer(t, ts.account(t), newMemSink(), Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if got := folderReport(t, syncOnce(t, s), "INBOX"); got.Failed != maxFailedLogged+5 {
		t.Fatalf("failed = %d", got.Failed)
	}
	one, summary := 0, 0
	for _, l := range logs.Lines() {
		if strings.Contains(l, `msg="mailsync: message stored as failed"`) {
			one++
		}
		if strings.Contains(l, "more messages stored as failed than logged") && strings.Contains(l, fmt.Sprintf("failed=%d", maxFailedLogged+5)) {
			summary++
		}
	}
	if one != maxFailedLogged || summary != 1 {
		t.Fatalf("%d lines for single messages and %d summaries:\n%s", one, summary, strings.Join(logs.Lines(), "\n"))
	}
}
