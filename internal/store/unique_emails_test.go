package store

import (
	"slices"
	"testing"
)

// uniqueEmails normalises, drops empties and repeats, and keeps first order.
func TestUniqueEmails(t *testing.T) {
	got := uniqueEmails([]string{" Rosa@Ong.PE ", "", "ana@x.pe", "rosa@ong.pe", "ANA@X.PE", "  "})
	if want := []string{"rosa@ong.pe", "ana@x.pe"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// The erasure scrubber replaces every address, whatever its case, and a
// longer address holding a shorter one goes whole.
func TestScrubberEmails(t *testing.T) {
	sc := newScrubber(nil, []string{"a@x.pe", "", "lima.a@x.pe"})
	got := sc.text("De A@X.pe y Lima.A@x.pe para otros@x.pe")
	if want := "De " + ErasedName + " y " + ErasedName + " para otros@x.pe"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
