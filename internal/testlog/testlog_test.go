package testlog

import (
	"fmt"
	"sync"
	"testing"
)

// Writers and readers at once lose nothing (run with -race to check the lock).
func TestBufferConcurrent(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Fprintf(&b, "line %d\n", i)
			_ = b.String()
		}()
	}
	wg.Wait()
	if n := len(b.Lines()); n != 20 {
		t.Fatalf("%d lines, want 20", n)
	}
}
