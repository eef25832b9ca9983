package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Cursors are signed and typed: an edited cursor, one made for another
// list, one made with another key, and client-made BSON (an operator in
// place of the value) are all ErrBadCursor; the genuine one pages.
func TestCursorsAreTamperProof(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	for _, e := range []string{"a@x.org", "b@x.org", "c@x.org"} {
		if _, err := s.CreateUser(ctx, model.SystemActor, newUser(e), "hash"); err != nil {
			t.Fatal(err)
		}
	}
	_, next, err := s.ListUsers(ctx, model.Scope{All: true}, store.Page{Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("first page: %q %v", next, err)
	}
	items, _, err := s.ListUsers(ctx, model.Scope{All: true}, store.Page{Limit: 1, Cursor: next})
	if err != nil || len(items) != 1 || items[0].Email != "b@x.org" {
		t.Fatalf("second page: %v %v", items, err)
	}

	raw, _ := base64.RawURLEncoding.DecodeString(next)
	edited := append([]byte{}, raw...)
	edited[len(edited)-20] ^= 1 // inside the BSON payload
	forged, _ := bson.Marshal(bson.D{{Key: "v", Value: bson.D{{Key: "$ne", Value: ""}}}, {Key: "id", Value: bson.NewObjectID()}})
	forgedWithMAC := append(forged, raw[len(raw)-16:]...)
	other := storetest.Open(t) // another store: another key
	for _, e := range []string{"b@x.org", "c@x.org"} {
		if _, err := other.CreateUser(ctx, model.SystemActor, newUser(e), "hash"); err != nil {
			t.Fatal(err)
		}
	}
	_, otherNext, err := other.ListUsers(ctx, model.Scope{All: true}, store.Page{Limit: 1})
	if err != nil || otherNext == "" {
		t.Fatalf("other store: %q %v", otherNext, err)
	}
	for name, c := range map[string]string{
		"edited":        base64.RawURLEncoding.EncodeToString(edited),
		"client bson":   base64.RawURLEncoding.EncodeToString(forged),
		"reused mac":    base64.RawURLEncoding.EncodeToString(forgedWithMAC),
		"another key":   otherNext,
		"not base64":    "!!",
		"too short":     "AAAA",
		"trailing junk": next + "A",
	} {
		if _, _, err := s.ListUsers(ctx, model.Scope{All: true}, store.Page{Limit: 1, Cursor: c}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("%s cursor: got %v, want ErrBadCursor", name, err)
		}
	}
	// A cursor of the users list is refused by another list.
	if _, _, err := s.ListStakeholders(ctx, model.Scope{All: true}, store.StakeholderFilter{}, store.Page{Cursor: next}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("users cursor on stakeholders: got %v, want ErrBadCursor", err)
	}
	// Two stores with the same key (two instances) accept each other's cursors.
	s.SetCursorKey([]byte("shared secret shared secret shared"))
	other.SetCursorKey([]byte("shared secret shared secret shared"))
	_, next, err = s.ListUsers(ctx, model.Scope{All: true}, store.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if items, _, err := other.ListUsers(ctx, model.Scope{All: true}, store.Page{Limit: 1, Cursor: next}); err != nil || len(items) != 1 || items[0].Email != "b@x.org" {
		t.Fatalf("shared key: %v %v", items, err)
	}
}
