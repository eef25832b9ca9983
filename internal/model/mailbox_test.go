package model

import (
	"slices"
	"testing"
)

// problemFields lists the fields of err's problems (nil when err is not a
// validation error).
func problemFields(err error) []string {
	ve, ok := err.(*ValidationError)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range ve.Errors {
		out = append(out, f.Field)
	}
	return out
}

func TestMailboxInputNew(t *testing.T) {
	tests := []struct {
		name  string
		in    MailboxInput
		field string // "" when valid
	}{
		{"valid", MailboxInput{Name: " Prensa ", Host: "IMAP.example.org", TLS: "implicit", Username: "u", Password: "p"}, ""},
		{"no password", MailboxInput{Name: "x", Host: "h.org", TLS: "implicit", Username: "u"}, "password"},
		{"plain text off loopback", MailboxInput{Name: "x", Host: "imap.example.org", TLS: "none", Username: "u", Password: "p"}, "tls"},
		{"plain text to loopback", MailboxInput{Name: "x", Host: "127.0.0.1", TLS: "none", Username: "u", Password: "p"}, ""},
		{"bad tls", MailboxInput{Name: "x", Host: "h.org", TLS: "ssl", Username: "u", Password: "p"}, "tls"},
		{"no host", MailboxInput{Name: "x", TLS: "implicit", Username: "u", Password: "p"}, "host"},
		{"bad address", MailboxInput{Name: "x", Host: "h.org", TLS: "implicit", Username: "u", Password: "p", Address: "nope"}, "address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.in.New()
			got := problemFields(err)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if m.Source != MailboxSourceAPI || m.Password != tt.in.Password || m.Port == 0 {
					t.Fatalf("mailbox = %+v", m)
				}
				return
			}
			if !slices.Contains(got, tt.field) {
				t.Fatalf("problems %v, want one on %s", got, tt.field)
			}
		})
	}
	if m, _ := (MailboxInput{Name: " P ", Host: " IMAP.X.org ", TLS: "Implicit", Username: "u", Password: "p"}).New(); m.Name != "P" || m.Host != "imap.x.org" || m.Port != 993 {
		t.Fatalf("not normalised: %+v", m)
	}
}

func TestMailboxPatchResolve(t *testing.T) {
	old := Mailbox{Name: "Prensa", Host: "imap.example.org", Port: 993, TLS: TLSImplicit, Username: "u", Source: MailboxSourceAPI, Version: 3}
	str := func(s string) *string { return &s }
	v := 3
	tests := []struct {
		name  string
		p     MailboxPatch
		field string
		check func(Mailbox) bool
	}{
		{"no version", MailboxPatch{Name: str("x")}, "version", nil},
		{"rename", MailboxPatch{Name: str(" Nueva "), Version: &v}, "", func(m Mailbox) bool { return m.Name == "Nueva" && m.Password == "" }},
		{"new password", MailboxPatch{Password: str("otra"), Version: &v}, "", func(m Mailbox) bool { return m.Password == "otra" }},
		{"empty password", MailboxPatch{Password: str(""), Version: &v}, "password", nil},
		{"plain text remote", MailboxPatch{TLS: str("none"), Version: &v}, "tls", nil},
		{"tls changes the default port only when unset", MailboxPatch{TLS: str("starttls"), Version: &v}, "", func(m Mailbox) bool { return m.Port == 993 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur, err := tt.p.Resolve(old)
			if tt.field != "" {
				if !slices.Contains(problemFields(err), tt.field) {
					t.Fatalf("err = %v, want a problem on %s", err, tt.field)
				}
				return
			}
			if err != nil || !tt.check(cur) {
				t.Fatalf("got %+v, %v", cur, err)
			}
		})
	}
}

func TestMailboxEditableAndEnv(t *testing.T) {
	api := Mailbox{Source: MailboxSourceAPI}
	if err := api.CheckEditable(); err != nil {
		t.Fatal(err)
	}
	env := Mailbox{Source: MailboxSourceEnv}
	if got := problemFields(env.CheckEditable()); !slices.Equal(got, []string{"source"}) {
		t.Fatalf("env mailbox editable: %v", got)
	}
	m, err := EnvMailbox(Mailbox{Name: "equipo", Host: " IMAP.example.org ", TLS: "implicit", Username: "equipo@x.pe", Source: MailboxSourceAPI})
	if err != nil || m.Source != MailboxSourceEnv || m.Host != "imap.example.org" || m.Port != 993 {
		t.Fatalf("env mailbox: %+v %v", m, err)
	}
	if _, err := EnvMailbox(Mailbox{Name: "equipo", TLS: "implicit", Username: "u"}); !slices.Contains(problemFields(err), "host") {
		t.Fatalf("env mailbox without host: %v", err)
	}
}
