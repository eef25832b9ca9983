package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestMain(m *testing.M) { Main(m) }

// TestTemplate: every copy of a template holds what its seed wrote and
// nothing another copy wrote, on a store other than the seed's (its
// clock is not the seed's); on the embedded store the seed runs once, on a
// server once per copy.
func TestTemplate(t *testing.T) {
	ctx := context.Background()
	seeds := 0
	seedClock := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tp := NewTemplate(func(t testing.TB, s *store.Store) bson.ObjectID {
		seeds++
		s.SetClock(func() time.Time { return seedClock })
		u, err := s.CreateUser(ctx, model.SystemActor, model.NewUser{Email: "seed@alianza.test", Name: "seed", Role: model.RoleViewer, Regions: []string{"16"}}, "hash")
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	})
	for i := range 3 {
		s, id := tp.Open(t)
		if s.Now().Equal(seedClock) {
			t.Fatalf("copy %d is the seed's store: its clock is the seed's", i)
		}
		if u, err := s.UserByID(ctx, id); err != nil || u.Email != "seed@alianza.test" {
			t.Fatalf("copy %d: the seed's user: %+v %v", i, u, err)
		}
		if n, err := s.CountUsers(ctx); err != nil || n != 1 {
			t.Fatalf("copy %d: %d users (%v), want the seed's one", i, n, err)
		}
		if _, err := s.CreateUser(ctx, model.SystemActor, model.NewUser{Email: fmt.Sprintf("copy%d@alianza.test", i), Name: "copy", Role: model.RoleViewer, Regions: []string{"16"}}, "hash"); err != nil {
			t.Fatal(err)
		}
	}
	want := 1
	if !Embedded() {
		want = 3
	}
	if seeds != want {
		t.Errorf("seeded %d times, want %d", seeds, want)
	}
}
