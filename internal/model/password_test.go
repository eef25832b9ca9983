package model

import (
	"fmt"
	"strings"
	"testing"
)

func TestPasswordProblem(t *testing.T) {
	for pw, ok := range map[string]bool{
		"tres gatos en Iquitos":                     true,
		"ñandú, vicuña y cóndor":                    true,
		"ñandú-ñandú-ñandú":                         false, // one word said three times
		"123456123456":                              false,
		"alianzaalianza":                            false,
		"AlianzaAlianza":                            false,
		"alianza alianza":                           false,
		"            a":                             false, // twelve spaces and a letter
		"a            ":                             false,
		"abcabcabcabc":                              false,
		"aaaaaaaaaaaaaaab":                          false,
		"cóndor!!!!!!!!!!":                          false,
		"llama lluvia 42":                           true,
		"una clave bastante larga":                  true,
		"corta":                                     false,
		strings.Repeat(" ", 20):                     false,
		"\t\n  \u00a0 \u2003  \t\t":                 false,
		strings.Repeat("ab", 129):                   false, // 258 characters
		strings.Repeat("abcdefghij", 25) + "abcdef": true,  // 256 characters
		"Password1234":                              false,
		"Contraseña 1234":                           false,
		"1qaz 2wsx 3edc":                            false,
		strings.Repeat("ñ", 14):                     false,
		"buena clave\x00con NUL":                    false,
		"clave larga \xff inválida":                 false,
		"alianza 2026!":                             false,
	} {
		if got := PasswordProblem(pw) == ""; got != ok {
			t.Errorf("PasswordProblem(%q) = %q, want ok=%v", pw, PasswordProblem(pw), ok)
		}
	}
}

// counting is "0 1 2 3 ..." cut to n characters: long, and no repetition.
func counting(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%d ", i)
	}
	return b.String()[:n]
}

func TestTextProblem(t *testing.T) {
	for s, want := range map[string]string{
		"Ana María Quispe":    "",
		"línea\nlínea\ttab\r": "",
		"Ana\u202egnaR":       "must not contain invisible text-direction characters",
		"a\u2067b":            "must not contain invisible text-direction characters",
		"a\u200fb":            "must not contain invisible text-direction characters",
		"a\u061cb":            "must not contain invisible text-direction characters",
		"a\x00b":              "must not contain control characters",
		"a\xffb":              "must be valid UTF-8 text",
		"\u200d\u00ad":        "", // joiners and soft hyphens are not direction controls
	} {
		if got := TextProblem(s); got != want {
			t.Errorf("TextProblem(%q) = %q, want %q", s, got, want)
		}
	}
	st := Stakeholder{Kind: KindPerson, Name: "Ana\u202egnaR", Regions: []string{"08"}, Stance: "unknown", Influence: "medium"}
	if p, _ := ProblemsOf(st.Validate()); len(p) == 0 || p[0].Field != "name" {
		t.Errorf("a name with U+202E passes Validate (a CSV import would store it): %v", p)
	}
}
