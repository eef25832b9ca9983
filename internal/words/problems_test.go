package words

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// formatCalls find the English formats given to Problems.Add, invalid and
// FieldError literals in the sources.
var formatCalls = []*regexp.Regexp{
	regexp.MustCompile(`\.Add\((.*?),\s*("(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `)\s*[,)]`),
	regexp.MustCompile(`\binvalid\((.*?),\s*("(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `)\s*[,)]`),
	regexp.MustCompile(`Message:\s*()("(?:[^"\\]|\\.)*")`),
}

// passedMessageSources hold functions returning messages that callers pass
// to Problems.Add as "%s" (model.PasswordProblem).
var passedMessageSources = []string{"../model/password.go"}

var returnedMessage = regexp.MustCompile(`^\s*return\s+("(?:[^"\\]|\\.)*")\s*$`)

// TestFieldsCoverEveryFormat is the completeness check of the API's
// messages: every validation format in model, store and api has a code and
// wording in Spanish and English, with the same verbs as the format.
func TestFieldsCoverEveryFormat(t *testing.T) {
	seen := 0
	for _, dir := range []string{"../model", "../store", "../api", "../workflow", "../auth"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for n, line := range strings.Split(string(src), "\n") {
				for _, re := range formatCalls {
					for _, m := range re.FindAllStringSubmatch(line, -1) {
						format, err := strconv.Unquote(m[2])
						if err != nil || format == "%s" {
							continue // a message passed through as is
						}
						seen++
						ft, ok := fields[format]
						if !ok {
							t.Errorf("%s:%d: %q has no code and wording in fields", f, n+1, format)
							continue
						}
						// A wording uses every argument or none (e.g. an enum's list).
						verbs := strings.Count(format, "%")
						good := func(w string) bool { n := strings.Count(w, "%"); return w != "" && (n == verbs || n == 0) }
						if ft.Code == "" || !good(ft.ES) || !good(ft.EN) {
							t.Errorf("%q: incomplete wording %+v", format, ft)
						}
					}
				}
			}
		}
	}
	if seen < 50 {
		t.Fatalf("found only %d formats; the scan is broken", seen)
	}
	// Messages chosen by a function and passed as "%s" (the scan above
	// skips those) are string constants returned by it.
	for _, f := range passedMessageSources {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for n, line := range strings.Split(string(src), "\n") {
			m := returnedMessage.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			msg, err := strconv.Unquote(m[1])
			if err != nil || msg == "" {
				continue
			}
			found++
			if ft, ok := fields[msg]; !ok || ft.Code == "" || ft.ES == "" || ft.EN == "" {
				t.Errorf("%s:%d: message %q has no code and wording in fields", f, n+1, msg)
			}
		}
		if found == 0 {
			t.Errorf("%s: no returned messages found; the scan is broken", f)
		}
	}
	for code, w := range Problems {
		if w.ES == "" || w.EN == "" {
			t.Errorf("problem %s lacks wording", code)
		}
	}
}

// TestStatusDetails: every status a sentinel error maps to has a code and
// is explained in both languages.
func TestStatusDetails(t *testing.T) {
	for status, w := range StatusDetails {
		if w.Code == "" || w.ES == "" || w.EN == "" {
			t.Errorf("status %d lacks a code or wording: %+v", status, w)
		}
	}
}
