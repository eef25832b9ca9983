package store

import (
	"context"
	"errors"
	"time"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const colLoginFailures = "login_failures"

// LoginFailures is what the login throttle knows of a key: how many failed
// sign-ins since the counter started, and when the last one was.
type LoginFailures struct {
	Key       string    `bson:"_id"`
	Count     int       `bson:"n"`
	Last      time.Time `bson:"last"`
	ExpiresAt time.Time `bson:"exp"`
}

// LoginFailuresOf returns the live counter of key (zero when none). Errors
// are returned, never read as "no failures": the throttle fails closed.
func (s *Store) LoginFailuresOf(ctx context.Context, key string) (LoginFailures, error) {
	if err := s.writeFault(colLoginFailures); err != nil {
		return LoginFailures{}, err
	}
	var f LoginFailures
	err := s.col(colLoginFailures).FindOne(ctx, bson.D{{Key: "_id", Value: key}}, coll.FindOptions{}, &f)
	if err = wrap("read login failures", err); isNotFound(err) || (err == nil && !f.ExpiresAt.After(s.Now())) {
		return LoginFailures{Key: key}, nil
	}
	return f, err
}

// AddLoginFailure counts one more attempt of key and returns the counter
// after it; the counter lives until window after the last attempt. The
// throttle counts an attempt before checking its password, so the count is
// one $inc that answers the counter it made (FindOneAndUpdate): parallel
// attempts each add one, none is lost and each sees its own count.
func (s *Store) AddLoginFailure(ctx context.Context, key string, window time.Duration) (LoginFailures, error) {
	if err := s.writeFault(colLoginFailures); err != nil {
		return LoginFailures{}, err
	}
	now := s.Now()
	// An expired counter starts again from zero.
	if _, err := s.col(colLoginFailures).Delete(ctx, bson.D{{Key: "_id", Value: key}, {Key: "exp", Value: bson.D{{Key: "$lte", Value: now}}}}, false); err != nil {
		return LoginFailures{}, wrap("drop expired login failures", err)
	}
	upd := bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}},
		{Key: "$set", Value: bson.D{{Key: "last", Value: now}, {Key: "exp", Value: now.Add(window)}}}}
	var f LoginFailures
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		f = LoginFailures{}
		err = s.col(colLoginFailures).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: key}}, upd, coll.UpdateOptions{Upsert: true}, &f)
		// Two first attempts on another instance may both insert; the
		// loser's retry then increments the winner's document.
		if !errors.Is(err, ErrDuplicate) {
			break
		}
	}
	return f, wrap("count login failure", err)
}

// UncountLoginAttempt takes back one attempt of key counted by
// AddLoginFailure whose outcome was not a failed password (a success for
// the per-IP counter, a malformed request, a server error).
func (s *Store) UncountLoginAttempt(ctx context.Context, key string) error {
	if err := s.writeFault(colLoginFailures); err != nil {
		return err
	}
	_, err := s.col(colLoginFailures).Update(ctx, bson.D{{Key: "_id", Value: key}, {Key: "n", Value: bson.D{{Key: "$gt", Value: 0}}}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: -1}}}}, coll.UpdateOptions{})
	return wrap("uncount login attempt", err)
}

// ClearLoginFailures forgets the failures of key after a successful sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	if err := s.writeFault(colLoginFailures); err != nil {
		return err
	}
	_, err := s.col(colLoginFailures).Delete(ctx, bson.D{{Key: "_id", Value: key}}, false)
	return wrap("clear login failures", err)
}

// PurgeExpired deletes expired login counters, key-value entries and
// refresh tokens; the server calls it now and then.
func (s *Store) PurgeExpired(ctx context.Context) error {
	now := s.Now()
	for _, q := range []struct{ col, field string }{{colLoginFailures, "exp"}, {colRefreshTokens, "expires_at"}, {colIdempotency, "exp"}} {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := s.col(q.col).Delete(ctx, bson.D{{Key: q.field, Value: bson.D{{Key: "$lt", Value: now}}}}, true); err != nil {
			return wrap("purge "+q.col, err)
		}
	}
	return s.PurgeExpiredKV(ctx)
}
