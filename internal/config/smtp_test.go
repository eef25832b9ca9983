package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSMTP(t *testing.T) {
	pwFile := filepath.Join(t.TempDir(), "smtp-pw")
	if err := os.WriteFile(pwFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"ALIANZA_SMTP_HOST": "smtp.example.org", "ALIANZA_SMTP_FROM": "Alianza@Example.org",
		"ALIANZA_SMTP_USER": "alianza", "ALIANZA_SMTP_PASSWORD_FILE": pwFile, "ALIANZA_PUBLIC_URL": "https://alianza.example.org/"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	c, err := load(t, base)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP != (SMTP{Host: "smtp.example.org", Port: 587, User: "alianza", Password: "s3cret", From: "alianza@example.org", TLS: "starttls", Timeout: 30 * time.Second}) ||
		c.PublicURL != "https://alianza.example.org" {
		t.Fatalf("got %+v %q", c.SMTP, c.PublicURL)
	}
	if c, err := load(t, with("ALIANZA_SMTP_TLS", "implicit")); err != nil || c.SMTP.Port != 465 {
		t.Fatalf("implicit: %+v %v", c, err)
	}
	if c, err := load(t, nil); err != nil || c.SMTP.Host != "" {
		t.Fatalf("no SMTP by default: %v", err)
	}
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{with("ALIANZA_SMTP_TLS", "none"), "ALIANZA_SMTP_TLS none: refused for a non-loopback host"},
		{with("ALIANZA_SMTP_TLS", "ssl"), "ALIANZA_SMTP_TLS \"ssl\": unknown TLS mode"},
		{with("ALIANZA_SMTP_FROM", ""), "ALIANZA_SMTP_FROM: a valid sender address is required"},
		{with("ALIANZA_SMTP_PASSWORD_FILE", ""), "ALIANZA_SMTP_PASSWORD (or ALIANZA_SMTP_PASSWORD_FILE): required"},
		{with("ALIANZA_SMTP_PORT", "abc"), "ALIANZA_SMTP_PORT \"abc\": must be a port number"},
		{with("ALIANZA_PUBLIC_URL", ""), "ALIANZA_PUBLIC_URL: required when ALIANZA_SMTP_HOST is set"},
		{with("ALIANZA_PUBLIC_URL", "alianza.example.org"), "ALIANZA_PUBLIC_URL \"alianza.example.org\": must be an http(s) address"},
	} {
		_, err := load(t, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("want %q, got %v", tt.want, err)
		}
	}
	if c, err := load(t, with("ALIANZA_SMTP_HOST", "127.0.0.1", "ALIANZA_SMTP_TLS", "none")); err != nil || c.SMTP.Port != 25 {
		t.Fatalf("none on loopback: %v", err)
	}
}
