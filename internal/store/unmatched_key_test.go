package store

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// tallyKey's string order is the list's order (unmatchedCursor.before):
// count descending, date descending (dates before 1970 too), address
// ascending.
func TestTallyKeyOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	counts := []int64{1, 2, 9, 10, 255, 256, 1 << 20, math.MaxInt32}
	dates := []int64{math.MinInt64 / 2, -62135596800000, -1, 0, 1, 1764600000000, 1764600000001, math.MaxInt64 / 2}
	addrs := []string{"", "a@x.pe", "a@x.pe.", "b@x.pe", "z", "ñ@x.pe"}
	var keys []unmatchedCursor
	for range 500 {
		keys = append(keys, unmatchedCursor{C: counts[rng.IntN(len(counts))], D: dates[rng.IntN(len(dates))], A: addrs[rng.IntN(len(addrs))]})
	}
	sort.Slice(keys, func(i, j int) bool { return before(keys[i], keys[j]) })
	for i := 1; i < len(keys); i++ {
		a, b := keys[i-1], keys[i]
		ka, kb := tallyKey(int(a.C), a.D, a.A), tallyKey(int(b.C), b.D, b.A)
		if before(a, b) != (ka < kb) || (a == b) != (ka == kb) {
			t.Fatalf("%+v before %+v is %v, keys %q < %q is %v", a, b, before(a, b), ka, kb, ka < kb)
		}
	}
}

// before is the list's order, as the store sorted it in Go before the tally.
func before(k, o unmatchedCursor) bool {
	if k.C != o.C {
		return k.C > o.C
	}
	if k.D != o.D {
		return k.D > o.D
	}
	return k.A < o.A
}
