package store

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Page limits and defaults for lists.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// ErrBadCursor is returned for a cursor this server did not make.
var ErrBadCursor = errors.New("invalid cursor")

// Page asks for one page of a list sorted by a field, newest or largest first
// when Desc, with _id breaking ties.
type Page struct {
	Limit  int
	Cursor string
	All    bool // every matching row, for exports; no next cursor
}

func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return DefaultLimit
	case p.Limit > MaxLimit:
		return MaxLimit
	default:
		return p.Limit
	}
}

type cursorDoc struct {
	V  any           `bson:"v"`
	ID bson.ObjectID `bson:"id"`
}

// cursorMACSize is how much of the HMAC-SHA256 a cursor carries.
const cursorMACSize = 16

// SetCursorKey derives the key page cursors are signed with from secret
// (the server's JWT secret), so every instance sharing it accepts the
// cursors the others made. Without it the store uses a random key.
func (s *Store) SetCursorKey(secret []byte) {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("alianza page cursor v1"))
	s.cursorKey = m.Sum(nil)
}

func newCursorKey() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic("store: no randomness for the cursor key: " + err.Error())
	}
	return k
}

// cursorMAC signs payload for one kind of list, so a cursor made for one
// list is refused by another.
func (s *Store) cursorMAC(kind string, payload []byte) []byte {
	m := hmac.New(sha256.New, s.cursorKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:cursorMACSize]
}

// sealCursor encodes v as a cursor of kind: BSON, then its MAC.
func (s *Store) sealCursor(kind string, v any) (string, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: cursor: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(append(raw, s.cursorMAC(kind, raw)...)), nil
}

// openCursor decodes a cursor sealCursor made for kind into v; anything
// else (edited, made for another list or by a server with another key) is
// ErrBadCursor. The payload is only decoded once the MAC matches, so no
// client-made BSON ever reaches a filter.
func (s *Store) openCursor(kind, cursor string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(raw) <= cursorMACSize {
		return fmt.Errorf("store: %w", ErrBadCursor)
	}
	payload, mac := raw[:len(raw)-cursorMACSize], raw[len(raw)-cursorMACSize:]
	if !hmac.Equal(mac, s.cursorMAC(kind, payload)) {
		return fmt.Errorf("store: %w", ErrBadCursor)
	}
	if err := bson.Unmarshal(payload, v); err != nil {
		return fmt.Errorf("store: %w", ErrBadCursor)
	}
	return nil
}

// keyset adds the cursor condition to filter and returns the find options for
// field sorted desc (or asc), fetching one extra row to know if there is more.
// kind names the list (collection and sort field) the cursor belongs to.
func (s *Store) keyset(p Page, kind string, filter bson.D, field string, desc bool) (bson.D, coll.FindOptions, error) {
	dir := 1
	if desc {
		dir = -1
	}
	if p.Cursor != "" {
		var c cursorDoc
		if err := s.openCursor(kind, p.Cursor, &c); err != nil {
			return nil, coll.FindOptions{}, err
		}
		switch c.V.(type) {
		case nil, string, bson.DateTime:
		default: // the store only ever signs these
			return nil, coll.FindOptions{}, fmt.Errorf("store: %w", ErrBadCursor)
		}
		filter = append(filter, bson.E{Key: "$and", Value: bson.A{afterKey(field, c.V, c.ID, desc)}})
	}
	sort := bson.D{{Key: field, Value: dir}}
	if field != "_id" {
		sort = append(sort, bson.E{Key: "_id", Value: dir})
	}
	opts := coll.FindOptions{Sort: sort}
	if !p.All {
		opts.Limit = int64(p.limit() + 1)
	}
	return filter, opts, nil
}

// afterKey is the condition of the documents after (before when desc) the
// one with field v and id, in the order of field then _id.
func afterKey(field string, v any, id bson.ObjectID, desc bool) bson.D {
	cmp := "$gt"
	if desc {
		cmp = "$lt"
	}
	if field == "_id" {
		return bson.D{{Key: "_id", Value: bson.D{{Key: cmp, Value: id}}}}
	}
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: field, Value: bson.D{{Key: cmp, Value: v}}}},
		bson.D{{Key: field, Value: v}, {Key: "_id", Value: bson.D{{Key: cmp, Value: id}}}},
	}}}
}

// nextCursor trims the extra row and returns the signed cursor of kind for
// the next page.
func nextCursor[T any](s *Store, kind string, items []T, p Page, key func(T) (any, bson.ObjectID)) ([]T, string) {
	if p.All || len(items) <= p.limit() {
		return items, ""
	}
	items = items[:p.limit()]
	v, id := key(items[len(items)-1])
	c, err := s.sealCursor(kind, cursorDoc{V: v, ID: id})
	if err != nil {
		return items, ""
	}
	return items, c
}
