// Package smtptest runs a real SMTP server (emersion/go-smtp) in the test
// process: STARTTLS or implicit TLS with a certificate made for the test,
// AUTH PLAIN over TLS only, and the messages it accepted kept in memory.
// It exists for tests; the binary never imports it.
package smtptest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/testtls"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Credentials the server accepts.
const (
	User     = "alianza@example.org"
	Password = "smtp-secret-123"
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Data []byte
}

// Server is a running test SMTP server.
type Server struct {
	Host string
	Port int
	// ClientTLS trusts the server's certificate.
	ClientTLS *tls.Config

	mu       sync.Mutex
	messages []Message
	failNext int // reject the next n DATA commands with a temporary error
}

// Mode is how the server speaks TLS.
type Mode int

// Modes.
const (
	StartTLS Mode = iota // plain connect, STARTTLS offered
	Implicit             // TLS from the first byte
	Plain                // no TLS at all (loopback tests of "none", and of refusing to downgrade)
)

// Start listens on a free loopback port until the test ends.
func Start(t testing.TB, mode Mode) *Server {
	t.Helper()
	serverTLS, clientTLS := testtls.SelfSigned(t)
	clientTLS.ServerName = "127.0.0.1"
	srv := &Server{ClientTLS: clientTLS}
	s := smtp.NewServer(&backend{srv: srv})
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.AllowInsecureAuth = mode == Plain
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch mode {
	case StartTLS:
		s.TLSConfig = serverTLS
	case Implicit:
		ln = tls.NewListener(ln, serverTLS)
	}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	addr := ln.Addr().(*net.TCPAddr)
	srv.Host, srv.Port = "127.0.0.1", addr.Port
	return srv
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Messages returns a copy of what was accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// FailNext makes the next n messages fail with 451 (a temporary error).
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

type backend struct{ srv *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: b.srv, conn: c}, nil
}

type session struct {
	srv    *Server
	conn   *smtp.Conn
	authed bool
	msg    Message
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != User || password != Password {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.msg = Message{From: from}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.failNext > 0 {
		s.srv.failNext--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.msg.Data = buf.Bytes()
	s.srv.messages = append(s.srv.messages, s.msg)
	return nil
}

func (s *session) Reset()        { s.msg = Message{} }
func (s *session) Logout() error { return nil }
