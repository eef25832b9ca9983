package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsBidiControl reports whether r is a bidirectional formatting character:
// the embeddings and overrides (U+202A-U+202E), the isolates
// (U+2066-U+2069) and the marks (U+200E, U+200F, U+061C). They are
// invisible and reorder the text around them, so a name holding U+202E
// shows one thing and sorts, searches and matches as another.
func IsBidiControl(r rune) bool {
	switch {
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// TextProblem says what is wrong with a piece of text input, or "": it
// must be valid UTF-8 without NUL or other control characters (tab,
// newline and carriage return excepted) and without bidirectional
// controls. The team writes Spanish and English, left to right, so no
// field needs them. Every JSON body is checked with it where it is decoded,
// and the records that also arrive by other paths (CSV imports, demo
// loads) check their names again in their Validate.
func TextProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "must be valid UTF-8 text"
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' }):
		return "must not contain control characters"
	case strings.ContainsFunc(s, IsBidiControl):
		return "must not contain invisible text-direction characters"
	}
	return ""
}

// CheckText adds field's TextProblem to p.
func CheckText(p *Problems, field, s string) {
	if msg := TextProblem(s); msg != "" {
		p.Add(field, "%s", msg)
	}
}
