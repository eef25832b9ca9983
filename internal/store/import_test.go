package store_test

import (
	"testing"

	"github.com/alianza-pe/alianza/internal/store"
)

func TestStartsWithName(t *testing.T) {
	names := map[string]bool{"ana maria": true, "rosa": true, "comite de vigilancia de maynas": true}
	for search, want := range map[string]bool{
		"ana maria quispe ana@x.pe":             true,
		"ana maria":                             true,
		"ana mariana":                           false, // whole words only
		"ana":                                   false,
		"rosa":                                  true,
		"rosa huaman":                           true,
		"maria ana":                             false,
		"comite de vigilancia de maynas loreto": true,
		"comite de vigilancia de":               false,
		"":                                      false,
		"x rosa":                                false,
	} {
		if got := store.StartsWithName(search, names, 5); got != want {
			t.Errorf("StartsWithName(%q) = %v, want %v", search, got, want)
		}
	}
}
