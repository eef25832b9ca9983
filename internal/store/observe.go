package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CollQuery is one query the store sends through the collection interface:
// the method (Find, FindOne, Count, Update, Replace, FindOneAndUpdate or
// Delete) with its filter, sort and hint.
type CollQuery struct {
	Collection, Method string
	Filter, Sort, Hint bson.D
}

// ObserveQueries makes the store call fn with every query it sends through
// the collection interface, on either implementation: the index proof of
// internal/storetest checks the same queries on the embedded store as on
// MongoDB. Tests only; call it before the store is used.
func (s *Store) ObserveQueries(fn func(CollQuery)) {
	s.db = observedDB{DB: s.db, fn: fn}
}

type observedDB struct {
	coll.DB
	fn func(CollQuery)
}

func (o observedDB) Collection(name string) coll.Collection {
	return observedColl{c: o.DB.Collection(name), name: name, fn: o.fn}
}

type observedColl struct {
	c    coll.Collection
	name string
	fn   func(CollQuery)
}

func (o observedColl) see(method string, filter, sort, hint bson.D) {
	o.fn(CollQuery{Collection: o.name, Method: method, Filter: filter, Sort: sort, Hint: hint})
}

func (o observedColl) Find(ctx context.Context, filter bson.D, opts coll.FindOptions, out any) error {
	o.see("Find", filter, opts.Sort, opts.Hint)
	return o.c.Find(ctx, filter, opts, out)
}

func (o observedColl) FindOne(ctx context.Context, filter bson.D, opts coll.FindOptions, out any) error {
	o.see("FindOne", filter, opts.Sort, opts.Hint)
	return o.c.FindOne(ctx, filter, opts, out)
}

func (o observedColl) Count(ctx context.Context, filter bson.D, limit int64) (int64, error) {
	o.see("Count", filter, nil, nil)
	return o.c.Count(ctx, filter, limit)
}

func (o observedColl) Insert(ctx context.Context, docs []any, opts coll.InsertOptions) ([]int, error) {
	return o.c.Insert(ctx, docs, opts)
}

func (o observedColl) Update(ctx context.Context, filter, update bson.D, opts coll.UpdateOptions) (coll.Result, error) {
	o.see("Update", filter, nil, nil)
	return o.c.Update(ctx, filter, update, opts)
}

func (o observedColl) Replace(ctx context.Context, filter bson.D, doc any, upsert bool) (coll.Result, error) {
	o.see("Replace", filter, nil, nil)
	return o.c.Replace(ctx, filter, doc, upsert)
}

func (o observedColl) FindOneAndUpdate(ctx context.Context, filter, update bson.D, opts coll.UpdateOptions, out any) error {
	o.see("FindOneAndUpdate", filter, opts.Sort, nil)
	return o.c.FindOneAndUpdate(ctx, filter, update, opts, out)
}

func (o observedColl) Delete(ctx context.Context, filter bson.D, many bool) (int64, error) {
	o.see("Delete", filter, nil, nil)
	return o.c.Delete(ctx, filter, many)
}
