package store_test

import (
	"context"
	"testing"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// BenchmarkPushdown compares, in one run on the reference dataset at scale
// 1, the same store calls answered by the embedded engine's own filter
// ("engine": it reads and decodes the whole collection) and through the
// SQLite tables the store adds ("sqlite"). Use a small -benchtime: an
// engine call takes seconds.
func BenchmarkPushdown(b *testing.B) {
	ctx := context.Background()
	all := model.Scope{All: true}
	lima := model.Scope{Regions: []string{"15"}}
	busy := demo.BusyStakeholder()
	calls := []struct {
		name string
		run  func(s *store.Store) error
	}{
		{"messages-queue", func(s *store.Store) error {
			_, _, err := s.ListMessages(ctx, all, store.MessageFilter{Status: model.MessageNew}, store.Page{})
			return err
		}},
		{"messages-queue-lima", func(s *store.Store) error {
			_, _, err := s.ListMessages(ctx, lima, store.MessageFilter{}, store.Page{})
			return err
		}},
		{"meetings-region", func(s *store.Store) error {
			_, _, err := s.ListMeetings(ctx, all, store.MeetingFilter{Region: "08"}, store.Page{})
			return err
		}},
		{"search", func(s *store.Store) error {
			_, err := s.Search(ctx, all, "presupuesto cusco")
			return err
		}},
		{"timeline-busy", func(s *store.Store) error {
			_, _, err := s.Timeline(ctx, all, busy, store.Page{})
			return err
		}},
		{"stakeholders-by-ids", func(s *store.Store) error {
			_, err := s.StakeholdersByIDs(ctx, all, []bson.ObjectID{busy, demo.ID("ref-stakeholder-7")})
			return err
		}},
	}
	for _, c := range calls {
		for _, mode := range []string{"engine", "sqlite"} {
			b.Run(c.name+"/"+mode, func(b *testing.B) {
				s := referenceStore(b)
				s.SetPushdown(mode == "sqlite")
				defer s.SetPushdown(true)
				b.ResetTimer()
				for b.Loop() {
					if err := c.run(s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
