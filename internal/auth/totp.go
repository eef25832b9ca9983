package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP (RFC 6238) as every authenticator app reads it: SHA-1, six digits,
// 30 s steps. pquerna/otp makes the secrets, the otpauth URIs and the
// codes; which step a code belongs to is worked out here, because a used
// step must never be accepted again (the caller stores the last one).
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	// TOTPSkew is how many steps before and after the current one are
	// accepted (clocks on phones drift; a code typed slowly expires).
	TOTPSkew = 1
	// RecoveryCodes is how many single-use recovery codes an enrolment gives.
	RecoveryCodes = 10
)

// NewTOTP makes a random secret for account and the otpauth URI an
// authenticator app scans.
func NewTOTP(issuer, account string) (secret, uri string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod,
		Digits: totpDigits, Algorithm: otp.AlgorithmSHA1, SecretSize: 20})
	if err != nil {
		return "", "", fmt.Errorf("auth: new totp secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// TOTPStep is the 30 s step that t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// MatchTOTP returns the step within TOTPSkew of now whose code is code,
// and false when there is none (or code is not six digits). Every step is
// compared in constant time.
func MatchTOTP(secret, code string, now time.Time) (int64, bool) {
	if !IsTOTPCode(code) {
		return 0, false
	}
	opts := totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}
	cur := TOTPStep(now)
	var found int64
	ok := false
	for step := cur - TOTPSkew; step <= cur+TOTPSkew; step++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), opts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !ok {
			found, ok = step, true
		}
	}
	return found, ok
}

// TOTPCode is the code of secret at t (tests and the CLI act as the app).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
}

// IsTOTPCode reports whether s is six ASCII digits.
func IsTOTPCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// recoveryEncoding is RFC 4648 base32 in lower case: no 0, 1, 8 or 9 to
// confuse with letters when a code is copied from paper.
var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewRecoveryCodes makes RecoveryCodes random codes of 60 bits, written
// xxxx-xxxx-xxxx.
func NewRecoveryCodes() []string {
	out := make([]string, RecoveryCodes)
	for i := range out {
		b := make([]byte, 8)
		if _, err := rand.Read(b); err != nil {
			panic("auth: crypto/rand: " + err.Error()) // never fails on supported platforms
		}
		s := recoveryEncoding.EncodeToString(b)[:12]
		out[i] = s[:4] + "-" + s[4:8] + "-" + s[8:]
	}
	return out
}

// NormalizeRecoveryCode lowercases a typed recovery code and drops spaces
// and dashes, so "ABCD EFGH-JKLM" matches what was shown.
func NormalizeRecoveryCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// HashRecoveryCode is what is stored of a recovery code: 60 random bits
// need no slow hash, like refresh tokens.
func HashRecoveryCode(s string) string { return HashToken("recovery:" + NormalizeRecoveryCode(s)) }
