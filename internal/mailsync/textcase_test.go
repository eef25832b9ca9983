package mailsync

import "testing"

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
