package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/storetest"
)

// TestLoginFailuresConcurrent: the counter was read, incremented in Go and
// replaced, so parallel attempts overwrote each other's counts. Each
// attempt must add one, and each caller see a distinct count.
func TestLoginFailuresConcurrent(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	const n = 20
	var wg sync.WaitGroup
	seen := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := s.AddLoginFailure(ctx, "pair:x", time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			seen <- f.Count
		}()
	}
	wg.Wait()
	close(seen)
	counts := map[int]bool{}
	for c := range seen {
		counts[c] = true
	}
	f, err := s.LoginFailuresOf(ctx, "pair:x")
	if err != nil || f.Count != n || len(counts) != n {
		t.Fatalf("count %d (%v), distinct counts seen %d, want %d", f.Count, err, len(counts), n)
	}
	if err := s.UncountLoginAttempt(ctx, "pair:x"); err != nil {
		t.Fatal(err)
	}
	if f, _ := s.LoginFailuresOf(ctx, "pair:x"); f.Count != n-1 {
		t.Fatalf("after uncounting one: %d", f.Count)
	}
}
