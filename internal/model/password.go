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
	case commonPasswords[strings.ToLower(strings.Join(strings.Fields(pw), ""))] || oneRune(pw):
		return "is too common; choose a less guessable passphrase"
	}
	return ""
}

// oneRune reports whether pw repeats a single character.
func oneRune(pw string) bool {
	r, _ := utf8.DecodeRuneInString(pw)
	return strings.Trim(pw, string(r)) == ""
}
