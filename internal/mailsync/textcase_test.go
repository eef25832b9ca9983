package mailsync

import (
	"strings"
	"testing"
)

// textCase is one input of a text function and what it must answer.
type textCase struct{ in, want string }

// checkText runs f, called name in failures, on every case.
func checkText(t *testing.T, name string, f func(string) string, cases []textCase) {
	t.Helper()
	for _, c := range cases {
		if got := f(c.in); got != c.want {
			t.Errorf("%s(%q) = %q, want %q", name, c.in, got, c.want)
		}
	}
}

// checkHolds reports each of has that text, called name in failures, lacks
// and each of hasNot it holds.
func checkHolds(t *testing.T, name, text string, has, hasNot []string) {
	t.Helper()
	for _, s := range has {
		if !strings.Contains(text, s) {
			t.Errorf("%s lacks %q:\n%s", name, s, text)
		}
	}
	for _, s := range hasNot {
		if strings.Contains(text, s) {
			t.Errorf("%s has %q:\n%s", name, s, text)
		}
	}
}
