package store_test

import (
	"testing"

	"github.com/alianza-pe/alianza/internal/store"
)

// allPages reads a list to its end, limit rows a page, following the
// cursors list answers; more than 100 pages fails the test (a cursor that
// never ends).
func allPages[T any](t *testing.T, limit int, list func(store.Page) ([]T, string, error)) []T {
	t.Helper()
	var all []T
	p := store.Page{Limit: limit}
	for range 100 {
		items, next, err := list(p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, items...)
		if next == "" {
			return all
		}
		p.Cursor = next
	}
	t.Fatalf("more than 100 pages of %d rows", limit)
	return nil
}
