// Package search normalises Spanish text for accent- and case-insensitive
// prefix search on the embedded engine, which has no $text index: every
// searchable document stores a pre-normalised "search" field and queries
// match word prefixes in it with a regular expression.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// special folds letters that compatibility decomposition leaves alone.
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d",
	'ł': "l", 'þ': "th", 'ı': "i", 'ŋ': "n",
}

// Normalize lowercases s, strips accents and other diacritics (á->a, ü->u,
// ñ->n), turns everything that is not a letter or digit into a space and
// collapses runs of spaces. The result only contains [a-z0-9 ], has no
// leading or trailing space, and Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	if isPlainASCII(s) {
		return foldASCII(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppresses leading and repeated spaces
	emit := func(r rune) {
		if r == ' ' {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			return
		}
		b.WriteRune(r)
		space = false
	}
	// NFKD splits accented letters into base + combining mark and maps
	// compatibility forms (ligatures, fullwidth letters, superscripts) to ASCII.
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			emit(r)
		default:
			if rep, ok := special[r]; ok {
				for _, c := range rep {
					emit(c)
				}
			} else {
				emit(' ')
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII is the allocation-light fast path for the common ASCII input.
func foldASCII(s string) string {
	b := make([]byte, 0, len(s))
	space := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		default:
			if !space {
				b = append(b, ' ')
				space = true
			}
			continue
		}
		b = append(b, c)
		space = false
	}
	if len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// Terms splits a user query into normalised words, dropping duplicates.
// An empty result means the query had nothing searchable.
func Terms(q string) []string {
	return dedupe(strings.Fields(Normalize(q)), nil)
}

// Words builds the stored "search" field of a document from several texts
// (names, emails, tags, notes...): each part is normalised and the distinct
// words are joined by single spaces in first-seen order. Store it on every
// write and query it with prefix matches on word boundaries.
func Words(parts ...string) string {
	var words []string
	seen := map[string]bool{}
	for _, p := range parts {
		words = dedupe(strings.Fields(Normalize(p)), words, seen)
	}
	return strings.Join(words, " ")
}

func dedupe(in, out []string, seen ...map[string]bool) []string {
	m := map[string]bool{}
	if len(seen) > 0 {
		m = seen[0]
	}
	for _, w := range in {
		if !m[w] {
			m[w] = true
			out = append(out, w)
		}
	}
	return out
}
