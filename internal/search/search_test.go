package search

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"Perú", "peru"},
		{"CUSCO", "cusco"},
		{"Madre de Dios", "madre de dios"},
		{"Ñuñoa, Año  Nuevo!", "nunoa ano nuevo"},
		{"José María Pérez-Güemes", "jose maria perez guemes"},
		{"maria.lopez@Congreso.gob.pe", "maria lopez congreso gob pe"},
		{"  ¿Qué  tal?  ", "que tal"},
		{"Ａｐｕｒíｍａｃ", "apurimac"}, // fullwidth forms
		{"ﬁscalía", "fiscalia"},  // ligature
		{"Straße Ærø", "strasse aero"},
		{"e\u0301xito", "exito"}, // already decomposed
		{"Región 08 – Cusco", "region 08 cusco"},
		{"a\xffb", "a b"}, // invalid UTF-8
		{"tab\tnew\nline", "tab new line"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWordsAndTerms(t *testing.T) {
	got := Words("María Pérez", "maria@ejemplo.pe", "", "Salud; EDUCACIÓN", "salud")
	if want := "maria perez ejemplo pe salud educacion"; got != want {
		t.Errorf("Words = %q, want %q", got, want)
	}
	if got := Terms("  Perú perú CUSCO "); strings.Join(got, "|") != "peru|cusco" {
		t.Errorf("Terms = %q", got)
	}
	if got := Terms("¿?"); len(got) != 0 {
		t.Errorf("Terms(punctuation) = %q, want none", got)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Perú", "CUSCO", "Ñandú  árbol", "e\u0301", "a\xffb", "ﬁ²", "İstanbul", " - "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Normalize(s)
		if again := Normalize(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
		if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
			t.Fatalf("bad spacing in %q (from %q)", out, s)
		}
		for _, c := range []byte(out) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ') {
				t.Fatalf("byte %q not allowed in %q (from %q)", c, out, s)
			}
		}
		if w := Words(s); w != strings.Join(Terms(s), " ") {
			t.Fatalf("Words(%q) = %q disagrees with Terms", s, w)
		}
	})
}
