package model

import (
	"strings"
	"testing"
)

func TestPasswordProblem(t *testing.T) {
	for pw, ok := range map[string]bool{
		"tres gatos en Iquitos":     true,
		"ñandú-ñandú-ñandú":         true,
		"corta":                     false,
		strings.Repeat(" ", 20):     false,
		"\t\n  \u00a0 \u2003  \t\t": false,
		strings.Repeat("ab", 129):   false, // 258 characters
		strings.Repeat("ab", 128):   true,
		"Password1234":              false,
		"Contraseña 1234":           false,
		"1qaz 2wsx 3edc":            false,
		strings.Repeat("ñ", 14):     false,
		"buena clave\x00con NUL":    false,
		"clave larga \xff inválida": false,
		"alianza 2026!":             false,
	} {
		if got := PasswordProblem(pw) == ""; got != ok {
			t.Errorf("PasswordProblem(%q) = %q, want ok=%v", pw, PasswordProblem(pw), ok)
		}
	}
}
