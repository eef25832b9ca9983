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
