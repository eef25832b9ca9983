package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func regexpQuote(s string) string { return regexp.QuoteMeta(s) }

// findByID reads the record with id from col; what names it in errors.
func findByID[T any](ctx context.Context, s *Store, col, what string, id bson.ObjectID) (*T, error) {
	var v T
	if err := s.col(col).FindOne(ctx, bson.D{{Key: "_id", Value: id}}, coll.FindOptions{}, &v); err != nil {
		return nil, wrap("find "+what, err)
	}
	return &v, nil
}

// findInScope is findByID for a caller who may not see every record:
// ErrNotFound, as for a missing one, when visible refuses it. Filtering by
// _id alone lets the engine use its primary key; visibility is checked here.
func findInScope[T any](ctx context.Context, s *Store, col, what string, id bson.ObjectID, visible func(*T) bool) (*T, error) {
	v, err := findByID[T](ctx, s, col, what, id)
	if err != nil {
		return nil, err
	}
	if !visible(v) {
		return nil, fmt.Errorf("store: find %s: %w", what, ErrNotFound)
	}
	return v, nil
}

// withID adds equality with id to filter when id is set.
func withID(filter bson.D, key string, id bson.ObjectID) bson.D {
	if id.IsZero() {
		return filter
	}
	return append(filter, bson.E{Key: key, Value: id})
}

// overdueDue is the due_on condition of an overdue record: a due date (the
// field is absent or "" without one) before today in Lima.
func (s *Store) overdueDue() bson.D {
	return bson.D{{Key: "$gt", Value: ""}, {Key: "$lt", Value: model.Today(s.Now())}}
}

// CheckUsers reports, under field(i), each set ids[i] that is not a user:
// the existence check of the user references a record carries.
func (s *Store) CheckUsers(ctx context.Context, p *model.Problems, ids []bson.ObjectID, field func(i int) string) error {
	users, err := s.UsersByIDs(ctx, distinctIDs(ids))
	if err != nil {
		return err
	}
	for i, id := range ids {
		if _, ok := users[id]; !ok && !id.IsZero() {
			p.Add(field(i), "no such user")
		}
	}
	return nil
}

// CheckUser reports id under field when it is set and not a user.
func (s *Store) CheckUser(ctx context.Context, p *model.Problems, field string, id bson.ObjectID) error {
	return s.CheckUsers(ctx, p, []bson.ObjectID{id}, func(int) string { return field })
}

// scopedRegion adds the scope condition on "region", or equality with
// region when the filter asks for one (false when it is outside scope), so
// the filter never holds two "region" keys.
func scopedRegion(filter bson.D, scope model.Scope, region string) (bson.D, bool) {
	if region == "" {
		return scoped(filter, scope, "region"), true
	}
	if !scope.Allows(region) {
		return filter, false
	}
	return append(filter, bson.E{Key: "region", Value: region}), true
}

// pagedFind runs one page of a list: filter and the text query q and the
// cursor condition combined with allOf (each may hold an $and).
func pagedFind[T any](ctx context.Context, s *Store, col string, filter bson.D, q string, p Page, field string, key func(T) (any, bson.ObjectID)) ([]T, string, error) {
	return pagedFindOrder(ctx, s, col, filter, q, p, field, true, key)
}

// pagedFindOrder is pagedFind in the order given: field descending (newest
// first) or ascending (soonest due first).
func pagedFindOrder[T any](ctx context.Context, s *Store, col string, filter bson.D, q string, p Page, field string, desc bool, key func(T) (any, bson.ObjectID)) ([]T, string, error) {
	return pagedFindProjected(ctx, s, col, filter, q, p, field, desc, nil, key)
}

// pagedFindProjected is pagedFindOrder reading the fields of proj only (nil: all).
func pagedFindProjected[T any](ctx context.Context, s *Store, col string, filter bson.D, q string, p Page, field string, desc bool, proj bson.D, key func(T) (any, bson.ObjectID)) ([]T, string, error) {
	kind := col + "." + field
	if !desc {
		kind += ".asc" // a cursor of one order never reads a page of the other
	}
	cond, opts, err := s.keyset(p, kind, bson.D{}, field, desc)
	if err != nil {
		return nil, "", err
	}
	opts.Projection = proj
	var out []T
	if err := s.col(col).Find(ctx, allOf(filter, searchFilter(q), cond), opts, &out); err != nil {
		return nil, "", wrap("list "+col, err)
	}
	items, next := nextCursor(s, kind, out, p, key)
	return items, next, nil
}

func idsIn(ids []bson.ObjectID) bson.D {
	return bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}
}

func distinctIDs(ids []bson.ObjectID) []bson.ObjectID {
	out := make([]bson.ObjectID, 0, len(ids))
	for _, id := range ids {
		if !id.IsZero() && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func regionsOf(a, b string) []string {
	if a == b || b == "" {
		return []string{a}
	}
	return []string{a, b}
}
