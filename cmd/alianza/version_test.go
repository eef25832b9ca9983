package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	cases := []struct {
		name, version, commit string
		want                  []string // substrings of the line
		short                 string
	}{
		{"ldflags", "1.2.3", "0123456789abcdef0123456789abcdef01234567", []string{"alianza 1.2.3 (commit 0123456789ab"}, "1.2.3+0123456789ab"},
		{"dirty tree", "1.2.3", "0123456789abcdef0123456789abcdef01234567-dirty", []string{"alianza 1.2.3 (commit 0123456789ab-dirty"}, "1.2.3+0123456789ab.dirty"},
		// go test builds without ldflags: the release constant, and the
		// VCS stamp when Go recorded one (or "unknown").
		{"no ldflags", "", "", []string{"alianza " + release + " (commit "}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldV, oldC := version, commit
			version, commit = tc.version, tc.commit
			t.Cleanup(func() { version, commit = oldV, oldC })
			var out, errb bytes.Buffer
			if code := run(context.Background(), []string{"version"}, &out, &errb, envFrom(nil)); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			line := out.String()
			if strings.Count(line, "\n") != 1 {
				t.Fatalf("want one line, got %q", line)
			}
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("%q does not contain %q", line, w)
				}
			}
			if tc.short != "" && currentBuild().short() != tc.short {
				t.Errorf("short %q, want %q", currentBuild().short(), tc.short)
			}
		})
	}
}
