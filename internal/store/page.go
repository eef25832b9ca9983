package store

import (
	"encoding/base64"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
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

// keyset adds the cursor condition to filter and returns the find options for
// field sorted desc (or asc), fetching one extra row to know if there is more.
func (p Page) keyset(filter bson.D, field string, desc bool) (bson.D, *options.FindOptionsBuilder, error) {
	dir, cmp := 1, "$gt"
	if desc {
		dir, cmp = -1, "$lt"
	}
	if p.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		if err != nil {
			return nil, nil, fmt.Errorf("store: %w", ErrBadCursor)
		}
		var c cursorDoc
		if err := bson.Unmarshal(raw, &c); err != nil {
			return nil, nil, fmt.Errorf("store: %w", ErrBadCursor)
		}
		var cond bson.D
		if field == "_id" {
			cond = bson.D{{Key: "_id", Value: bson.D{{Key: cmp, Value: c.ID}}}}
		} else {
			cond = bson.D{{Key: "$or", Value: bson.A{
				bson.D{{Key: field, Value: bson.D{{Key: cmp, Value: c.V}}}},
				bson.D{{Key: field, Value: c.V}, {Key: "_id", Value: bson.D{{Key: cmp, Value: c.ID}}}},
			}}}
		}
		filter = append(filter, bson.E{Key: "$and", Value: bson.A{cond}})
	}
	sort := bson.D{{Key: field, Value: dir}}
	if field != "_id" {
		sort = append(sort, bson.E{Key: "_id", Value: dir})
	}
	opts := options.Find().SetSort(sort)
	if !p.All {
		opts.SetLimit(int64(p.limit() + 1))
	}
	return filter, opts, nil
}

// nextCursor trims the extra row and returns the cursor for the next page.
func nextCursor[T any](items []T, p Page, key func(T) (any, bson.ObjectID)) ([]T, string) {
	if p.All || len(items) <= p.limit() {
		return items, ""
	}
	items = items[:p.limit()]
	v, id := key(items[len(items)-1])
	raw, err := bson.Marshal(cursorDoc{V: v, ID: id})
	if err != nil {
		return items, ""
	}
	return items, base64.RawURLEncoding.EncodeToString(raw)
}
