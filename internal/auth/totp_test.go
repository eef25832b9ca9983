package auth

import (
	"strings"
	"testing"
	"time"
)

func TestMatchTOTP(t *testing.T) {
	secret, uri, err := NewTOTP("Alianza", "ana@alianza.test")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(uri, "otpauth://totp/Alianza:ana@alianza.test?") || !strings.Contains(uri, "secret="+secret) || !strings.Contains(uri, "period=30") {
		t.Fatalf("uri %q", uri)
	}
	// A fixed secret keeps the codes fixed (a random one could give two
	// neighbouring steps the same code, once in a million).
	secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Date(2026, 3, 2, 15, 0, 10, 0, time.UTC)
	at := func(steps int) string {
		c, err := TOTPCode(secret, now.Add(time.Duration(steps)*30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cur := TOTPStep(now)
	for _, tc := range []struct {
		name string
		code string
		step int64
		ok   bool
	}{
		{"current", at(0), cur, true},
		{"previous", at(-1), cur - 1, true},
		{"next", at(1), cur + 1, true},
		{"two back", at(-2), 0, false},
		{"two ahead", at(2), 0, false},
		{"five digits", at(0)[:5], 0, false},
		{"letters", "12a456", 0, false},
		{"empty", "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			step, ok := MatchTOTP(secret, tc.code, now)
			if ok != tc.ok || (ok && step != tc.step) {
				t.Fatalf("MatchTOTP(%q) = %d, %v; want %d, %v", tc.code, step, ok, tc.step, tc.ok)
			}
		})
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes()
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 14 || c[4] != '-' || c[9] != '-' || seen[c] || strings.ContainsAny(c, "0189") {
			t.Fatalf("code %q in %v", c, codes)
		}
		seen[c] = true
	}
	if len(codes) != RecoveryCodes {
		t.Fatalf("%d codes", len(codes))
	}
	if HashRecoveryCode(strings.ToUpper(strings.ReplaceAll(codes[0], "-", " "))) != HashRecoveryCode(codes[0]) || HashRecoveryCode(codes[0]) == HashRecoveryCode(codes[1]) {
		t.Fatal("typed forms of one code hash differently, or two codes alike")
	}
}
