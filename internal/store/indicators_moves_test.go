package store

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestNewestMovesPages: the pages newestMoves picks, read with the cursor
// key of each page's last move, are the list sorted newest first (ties by
// id, descending) cut in pages, whatever the list's order and the page
// size; a cursor that is not a move's key is refused.
func TestNewestMovesPages(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, n := range []int{0, 1, 2, 5, 50, 137} {
		list := make([]InitiativeMove, n)
		for i := range list {
			var id bson.ObjectID
			for j := range id {
				id[j] = byte(rng.IntN(256))
			}
			// Few days, so many moves share one and the ids decide.
			list[i] = InitiativeMove{ID: id, Date: "2026-03-0" + string(rune('1'+rng.IntN(4)))}
		}
		want := slices.Clone(list)
		slices.SortFunc(want, func(a, b InitiativeMove) int { return compareMoves(b, a) })
		for _, limit := range []int{1, 3, 50, 200} {
			var got []InitiativeMove
			after, ok := "", false
			for pages := 0; ; pages++ {
				if pages > n+1 {
					t.Fatalf("seed %d, %d moves, pages of %d: no end", seed, n, limit)
				}
				page, more, err := newestMoves(slices.Clone(list), after, ok, limit)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if len(page) > limit || more && len(page) != limit {
					t.Fatalf("seed %d, %d moves, pages of %d: a page of %d, more %v", seed, n, limit, len(page), more)
				}
				got = append(got, page...)
				if !more {
					break
				}
				last := page[len(page)-1]
				after, ok = movedKey(IndicatorRecord{ID: last.ID, Date: last.Date}), true
			}
			if !slices.Equal(got, want) {
				t.Errorf("seed %d, %d moves, pages of %d: got %d moves, not the sorted list", seed, n, limit, len(got))
			}
		}
	}
	for _, bad := range []string{"2026-03-01", "2026-03-01|zz", "2026-03-01|"} {
		if _, _, err := newestMoves(nil, bad, true, 3); !errors.Is(err, ErrBadCursor) {
			t.Errorf("cursor key %q: %v, want ErrBadCursor", bad, err)
		}
	}
}
