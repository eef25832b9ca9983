package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The unmatched-senders list pages like the other lists: following the
// cursors with any limit gives the whole list once, in its order (most
// messages, then latest, then address), without the team's own addresses,
// on the SQLite path and on the engine's alike; a cursor the store did not
// make for this list is refused.
func TestUnmatchedAddressesPages(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	// Per address: how many messages, the hour of the latest, its regions.
	// Ties in count and date leave the order to the address.
	senders := []struct {
		addr    string
		n, hour int
		regions []string
	}{
		{"b@ext.org", 3, 5, []string{"15"}},
		{"a@ext.org", 3, 5, []string{"15"}},
		{"c@ext.org", 3, 9, nil},
		{"d@ext.org", 2, 1, []string{"08"}},
		{"e@ext.org", 2, 1, []string{"15", "08"}},
		{"f@ext.org", 1, 7, nil},
		{"g@ext.org", 1, 7, []string{"15"}},
		{"h@ext.org", 1, 2, nil},
		{"i@ext.org", 4, 0, []string{"08"}},
		{"zz@equipo.pe", 9, 9, nil}, // the team's own: never listed
	}
	var msgs []model.IncomingMessage
	seq := 0
	for _, c := range senders {
		for k := range c.n {
			seq++
			id := bson.ObjectID{0xab, byte(seq)}
			m := model.Message{
				ID: id, MessageID: fmt.Sprintf("u%d@test", seq), ThreadID: id, Subject: "Consulta", SubjectKey: "consulta",
				From: model.Address{Name: strings.ToUpper(c.addr[:1]), Address: c.addr}, To: []model.Address{{Address: "mesa@equipo.pe"}},
				Date: at.Add(time.Duration(c.hour-k) * time.Hour), Direction: model.Inbound, Status: model.MessageNew,
				Unmatched: true, Regions: c.regions, Version: 1,
			}
			msgs = append(msgs, model.IncomingMessage{Message: m})
		}
	}
	if err := s.InsertMessages(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	internal := func(a string) bool { return strings.HasSuffix(a, "@equipo.pe") }
	all := model.Scope{All: true}
	want := []string{"i@ext.org", "c@ext.org", "a@ext.org", "b@ext.org", "d@ext.org", "e@ext.org", "f@ext.org", "g@ext.org", "h@ext.org"}

	for _, lite := range []bool{true, false} {
		s.SetPushdown(lite)
		whole, next, err := s.UnmatchedAddresses(ctx, all, internal, store.Page{All: true})
		if err != nil || next != "" {
			t.Fatalf("pushdown %v: whole list: %v %q", lite, err, next)
		}
		var got []string
		for _, u := range whole {
			got = append(got, u.Address)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("pushdown %v: order %v, want %v", lite, got, want)
		}
		if u := whole[1]; u.Count != 3 || !u.LastAt.Equal(at.Add(9*time.Hour)) || u.Name != "C" {
			t.Errorf("pushdown %v: c@ext.org is %+v", lite, u)
		}
		for _, scope := range []model.Scope{all, {Regions: []string{"15"}}, {Regions: []string{"08"}}} {
			whole, _, err := s.UnmatchedAddresses(ctx, scope, internal, store.Page{All: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, limit := range []int{1, 2, 4, 9, 50} {
				paged := followUnmatched(t, s, scope, internal, limit)
				if !reflect.DeepEqual(paged, whole) {
					t.Errorf("pushdown %v scope %+v limit %d: pages %+v, whole %+v", lite, scope, limit, paged, whole)
				}
			}
		}
		// Regional scopes see the addresses of their regions' messages only.
		lima, _, err := s.UnmatchedAddresses(ctx, model.Scope{Regions: []string{"15"}}, internal, store.Page{All: true})
		if err != nil || len(lima) != 4 {
			t.Errorf("pushdown %v: region 15 lists %+v %v, want a, b, e, g", lite, lima, err)
		}
	}
	s.SetPushdown(true)

	// Cursors: garbage, and one made for another list, are refused.
	_, msgNext, err := s.ListMessages(ctx, all, store.MessageFilter{}, store.Page{Limit: 1})
	if err != nil || msgNext == "" {
		t.Fatalf("messages page: %q %v", msgNext, err)
	}
	for _, c := range []string{"not-a-cursor", msgNext} {
		if _, _, err := s.UnmatchedAddresses(ctx, all, internal, store.Page{Limit: 2, Cursor: c}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("cursor %q: %v, want ErrBadCursor", c, err)
		}
	}
}

// followUnmatched reads the list page by page, checking each page's size.
func followUnmatched(t *testing.T, s *store.Store, scope model.Scope, internal func(string) bool, limit int) []store.UnmatchedAddress {
	t.Helper()
	out := []store.UnmatchedAddress{}
	cursor := ""
	for range 20 {
		items, next, err := s.UnmatchedAddresses(context.Background(), scope, internal, store.Page{Limit: limit, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) > limit || (next != "" && len(items) != limit) {
			t.Fatalf("limit %d: page of %d, next %q", limit, len(items), next)
		}
		out = append(out, items...)
		if next == "" {
			return out
		}
		cursor = next
	}
	t.Fatalf("limit %d: no last page", limit)
	return nil
}
