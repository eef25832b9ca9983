package api

import (
	"net/url"
	"testing"
)

// BenchmarkUnmatchedAddresses: the unmatched senders' second page, read
// from its cursor, and a regional manager's (empty) list, next to the
// first page in BenchmarkLists/unmatched_addresses.
func BenchmarkUnmatchedAddresses(b *testing.B) {
	const path = "/api/v1/messages/unmatched-addresses"
	b.Run("page2", func(b *testing.B) {
		benchGet(b, "admin", path+"?cursor="+url.QueryEscape(benchNextCursor(b, "admin", path)))
	})
	b.Run("lima_manager", func(b *testing.B) { benchGet(b, "lima_manager", path) })
}
