package words

import "testing"

// TestLoadRefusesAnOddCatalog: a catalog whose groups differ from the
// code's, or that is not JSON, stops the start rather than leaving blanks.
func TestLoadRefusesAnOddCatalog(t *testing.T) {
	var a, b Table
	for _, in := range []string{`{"a": {}}`, `{"a": {}, "c": {}}`, `{"a": {"x": 1}, "b": {}}`, `not json`} {
		if err := load([]byte(in), map[string]any{"a": &a, "b": &b}); err == nil {
			t.Errorf("%s: loaded", in)
		}
	}
	if err := load([]byte(`{"a": {"x": {"es": "sí", "en": "yes"}}, "b": {}}`), map[string]any{"a": &a, "b": &b}); err != nil || a.In("x", EN) != "yes" {
		t.Errorf("good catalog: %v %v", err, a)
	}
}
