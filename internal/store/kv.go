package store

import (
	"context"
	"time"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// KV is a fiber.Storage on the database, so the login throttle counts
// failures across every app instance behind the load balancer.
type KV struct {
	s      *Store
	prefix string
}

// KV returns a key-value storage whose keys start with prefix.
func (s *Store) KV(prefix string) *KV { return &KV{s: s, prefix: prefix} }

type kvDoc struct {
	Key       string    `bson:"_id"`
	Value     []byte    `bson:"v"`
	ExpiresAt time.Time `bson:"exp,omitempty"`
}

func (k *KV) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 5*time.Second)
}

// Get returns the value, or nil when missing or expired.
func (k *KV) Get(key string) ([]byte, error) {
	ctx, cancel := k.ctx()
	defer cancel()
	var d kvDoc
	err := k.s.col(colKV).FindOne(ctx, bson.D{{Key: "_id", Value: k.prefix + key}}, coll.FindOptions{}, &d)
	if err != nil {
		if err = wrap("kv get", err); isNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	if !d.ExpiresAt.IsZero() && !d.ExpiresAt.After(k.s.Now()) {
		return nil, nil
	}
	return d.Value, nil
}

// Set stores a value for exp (0: no expiry).
func (k *KV) Set(key string, val []byte, exp time.Duration) error {
	ctx, cancel := k.ctx()
	defer cancel()
	d := kvDoc{Key: k.prefix + key, Value: val}
	if exp > 0 {
		d.ExpiresAt = k.s.Now().Add(exp)
	}
	_, err := k.s.col(colKV).Replace(ctx, bson.D{{Key: "_id", Value: d.Key}}, d, true)
	return wrap("kv set", err)
}

// Delete removes a key.
func (k *KV) Delete(key string) error {
	ctx, cancel := k.ctx()
	defer cancel()
	_, err := k.s.col(colKV).Delete(ctx, bson.D{{Key: "_id", Value: k.prefix + key}}, false)
	return wrap("kv delete", err)
}

// Reset removes every key of this prefix.
func (k *KV) Reset() error {
	ctx, cancel := k.ctx()
	defer cancel()
	_, err := k.s.col(colKV).Delete(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: "^" + regexpQuote(k.prefix)}}}}, true)
	return wrap("kv reset", err)
}

// Close does nothing: the store owns the connection.
func (k *KV) Close() error { return nil }

// PurgeExpiredKV deletes expired keys; the server calls it now and then.
func (s *Store) PurgeExpiredKV(ctx context.Context) error {
	_, err := s.col(colKV).Delete(ctx, bson.D{{Key: "exp", Value: bson.D{{Key: "$lt", Value: s.Now()}, {Key: "$gt", Value: time.Time{}}}}}, true)
	return wrap("kv purge", err)
}
