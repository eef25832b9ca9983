package model

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxPasswordLength bounds passwords: long enough for any passphrase,
// short enough that hashing one is cheap.
const MaxPasswordLength = 256

//go:embed common_passwords.txt
var commonPasswordList string

// commonPasswords are passwords long enough to pass the length rule that
// appear at the top of breach lists (or are this team's obvious picks).
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonPasswordList, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// PasswordProblem says what is wrong with a new password, or "".
func PasswordProblem(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return "must be valid UTF-8 text"
	case strings.TrimSpace(pw) == "":
		return "must not be only spaces"
	case n < MinPasswordLength:
		return "must be at least 12 characters (too short)"
	case n > MaxPasswordLength:
		return "must be at most 256 characters"
	case strings.IndexFunc(pw, unicode.IsControl) >= 0:
		return "must not contain control characters"
	case commonPasswords[strings.ToLower(strings.Join(strings.Fields(pw), ""))] || commonPasswords[passwordCore(pw)]:
		return "is too common; choose a less guessable passphrase"
	case utf8.RuneCountInString(passwordCore(pw)) < minPasswordCore:
		return "repeats or pads too few characters; choose a longer passphrase"
	}
	return ""
}

// minPasswordCore is the fewest characters a password's core (passwordCore)
// may have: the length rule counts what a guesser must guess, not padding.
const minPasswordCore = 8

// passwordCore is pw as a guesser tries it: lower case, without white
// space, each run of one character as one, and a word said several times
// as one copy. "123456123456" is "123456", "alianzaalianza" is "alianza",
// twelve spaces and a letter are "a".
func passwordCore(pw string) string {
	rs := []rune(strings.ToLower(strings.Join(strings.Fields(pw), "")))
	// The shortest unit the whole repeats at least twice (the last copy
	// may be cut short): at most 256 characters, so trying each is cheap.
	for n := 1; 2*n <= len(rs); n++ {
		if repeats(rs, n) {
			rs = rs[:n]
			break
		}
	}
	out := rs[:0:0]
	for _, r := range rs {
		if len(out) == 0 || out[len(out)-1] != r {
			out = append(out, r)
		}
	}
	return string(out)
}

// repeats reports whether rs is its first n runes over and over.
func repeats(rs []rune, n int) bool {
	for i := n; i < len(rs); i++ {
		if rs[i] != rs[i-n] {
			return false
		}
	}
	return true
}
