package api

import (
	"testing"

	"github.com/alianza-pe/alianza/internal/store"
)

// BenchmarkIndicators: the results screen's requests on the reference
// dataset: every indicator for the default period (and its year), for all
// regions and a Lima manager; the records behind each figure; the funder
// report, which counts the agreements by the same rule.
func BenchmarkIndicators(b *testing.B) {
	b.Run("list", func(b *testing.B) { benchGet(b, "admin", "/api/v1/indicators") })
	b.Run("list/lima-manager", func(b *testing.B) { benchGet(b, "lima_manager", "/api/v1/indicators") })
	b.Run("list/csv", func(b *testing.B) { benchGet(b, "admin", "/api/v1/indicators?format=csv&lang=es") })
	for _, code := range store.IndicatorCodes() {
		b.Run("records/"+code, func(b *testing.B) { benchGet(b, "admin", "/api/v1/indicators/"+code+"/records") })
	}
	b.Run("funder", func(b *testing.B) { benchGet(b, "admin", "/api/v1/reports/funder") })
}
