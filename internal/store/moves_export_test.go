package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Moves is the advanced (0) and approved (1) initiatives as the figures
// (days false) and the records (days true) read them.
func (s *Store) Moves(ctx context.Context, scope model.Scope, p Period, days bool) ([2][]InitiativeMove, error) {
	r, err := s.counters(ctx)
	if err != nil {
		return [2][]InitiativeMove{}, err
	}
	return r.bothMoves(scope, p, days)
}

// MovesWalk is Moves walking the counter documents' keys on every call,
// as before the moves were cached: the reference the cache is tested against.
func (s *Store) MovesWalk(ctx context.Context, scope model.Scope, p Period, days bool) ([2][]InitiativeMove, error) {
	var out [2][]InitiativeMove
	r, err := s.counters(ctx)
	if err != nil {
		return out, err
	}
	seen := [2]map[string]int{{}, {}}
	err = r.readDocs("i", []string{"r"}, scope, p, days, func(date, region string, rest []string, n int) {
		if n <= 0 || len(rest) < 3 {
			return
		}
		f := 0
		switch rest[2] {
		case moveAdvanced:
		case moveApproved:
			f = 1
		default:
			return
		}
		if i, ok := seen[f][rest[1]]; ok {
			if days && date > out[f][i].Date {
				out[f][i].Date = date
			}
			return
		}
		id, err := bson.ObjectIDFromHex(rest[1])
		if err != nil {
			return
		}
		seen[f][rest[1]] = len(out[f])
		m := InitiativeMove{ID: id, Region: region, Kind: rest[0]}
		if days {
			m.Date = date
		}
		out[f] = append(out[f], m)
	})
	return out, err
}
