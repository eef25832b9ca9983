package store

import (
	"context"
	"errors"
	"time"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Collections of the reminder digests.
const (
	colDigests    = "digests"     // one document per user and period, inserted before sending
	colDigestRuns = "digest_runs" // one document per worker pass, for the admin page
)

// Digest states.
const (
	DigestSending = "sending"
	DigestSent    = "sent"
	DigestFailed  = "failed"
	DigestEmpty   = "empty" // nothing to tell: no mail sent for the period
)

// DigestRecord is one user's digest of one period. Its _id is
// "<user hex>/<period>" (e.g. ".../daily/2026-11-29"), so inserting it is
// the claim that makes the digest sent at most once per period whatever
// the number of instances.
type DigestRecord struct {
	ID        string        `bson:"_id" json:"id"`
	UserID    bson.ObjectID `bson:"user_id" json:"user_id"`
	Email     string        `bson:"email" json:"email"`
	Period    string        `bson:"period" json:"period"`
	Status    string        `bson:"status" json:"status"`
	Items     int           `bson:"items" json:"items"`
	Attempts  int           `bson:"attempts" json:"attempts"`
	LastError string        `bson:"last_error,omitempty" json:"last_error,omitempty"`
	CreatedAt time.Time     `bson:"created_at" json:"created_at"`
	UpdatedAt time.Time     `bson:"updated_at" json:"updated_at"`
}

// DigestID is the record id of a user's digest for a period.
func DigestID(userID bson.ObjectID, period string) string { return userID.Hex() + "/" + period }

// ClaimDigest inserts the record of a user's digest for a period in state
// sending. It answers false, with no error, when the period's record exists
// (sent, empty, failed or being sent by another instance).
func (s *Store) ClaimDigest(ctx context.Context, r DigestRecord) (bool, error) {
	now := s.Now()
	r.Status, r.Attempts, r.CreatedAt, r.UpdatedAt = DigestSending, 1, now, now
	_, err := s.col(colDigests).Insert(ctx, []any{r}, coll.InsertOptions{})
	if err = wrap("claim digest", err); errors.Is(err, ErrDuplicate) {
		return false, nil
	}
	return err == nil, err
}

// retryable selects the digests worth another attempt: failed ones, and
// ones still "sending" since before stale (their instance died mid-send).
func retryable(stale time.Time) bson.D {
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "status", Value: DigestFailed}},
		bson.D{{Key: "status", Value: DigestSending}, {Key: "updated_at", Value: bson.D{{Key: "$lt", Value: stale}}}},
	}}}
}

// ClaimDigestRetry takes a retryable digest (see RetryableDigests) back to
// sending, counting the attempt; false when another pass took it first or
// it is no longer retryable.
func (s *Store) ClaimDigestRetry(ctx context.Context, id string, stale time.Time) (bool, error) {
	filter := append(bson.D{{Key: "_id", Value: id}}, retryable(stale)...)
	res, err := s.col(colDigests).Update(ctx, filter,
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: DigestSending}, {Key: "updated_at", Value: s.Now()}}},
			{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}}, coll.UpdateOptions{})
	if err != nil {
		return false, wrap("retry digest", err)
	}
	return res.Modified == 1, nil
}

// FinishDigest records how sending went: status with the number of items,
// and the error of a failure.
func (s *Store) FinishDigest(ctx context.Context, id, status string, items int, sendErr error) error {
	set := bson.D{{Key: "status", Value: status}, {Key: "items", Value: items}, {Key: "updated_at", Value: s.Now()}}
	if sendErr != nil {
		set = append(set, bson.E{Key: "last_error", Value: sendErr.Error()})
	}
	_, err := s.col(colDigests).Update(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}}, coll.UpdateOptions{})
	return wrap("finish digest", err)
}

// RetryableDigests lists the digests tried fewer than maxAttempts times
// that failed, or are still "sending" since before stale (a crash mid-send
// would otherwise leave them unsent for good), oldest first.
func (s *Store) RetryableDigests(ctx context.Context, maxAttempts int, stale time.Time) ([]DigestRecord, error) {
	var out []DigestRecord
	filter := append(retryable(stale), bson.E{Key: "attempts", Value: bson.D{{Key: "$lt", Value: maxAttempts}}})
	err := s.col(colDigests).Find(ctx, filter, coll.FindOptions{Sort: bson.D{{Key: "created_at", Value: 1}}}, &out)
	return out, wrap("list retryable digests", err)
}

// Digests lists digest records of one status (all when empty), newest first.
func (s *Store) Digests(ctx context.Context, status string, limit int) ([]DigestRecord, error) {
	filter := bson.D{}
	if status != "" {
		filter = append(filter, bson.E{Key: "status", Value: status})
	}
	var out []DigestRecord
	err := s.col(colDigests).Find(ctx, filter, coll.FindOptions{Sort: bson.D{{Key: "updated_at", Value: -1}}, Limit: int64(limit)}, &out)
	return out, wrap("list digests", err)
}

// DigestRun is one pass of the reminders worker, for the admin page.
type DigestRun struct {
	ID         bson.ObjectID `bson:"_id" json:"id"`
	Holder     string        `bson:"holder" json:"holder"`
	StartedAt  time.Time     `bson:"started_at" json:"started_at"`
	FinishedAt time.Time     `bson:"finished_at" json:"finished_at"`
	Sent       int           `bson:"sent" json:"sent"`
	Empty      int           `bson:"empty" json:"empty"`
	Failed     int           `bson:"failed" json:"failed"`
	Errors     []string      `bson:"errors" json:"errors"`
}

// SaveDigestRun stores a pass and keeps the last keepDigestRuns.
func (s *Store) SaveDigestRun(ctx context.Context, r DigestRun) error {
	if r.ID.IsZero() {
		r.ID = bson.NewObjectID()
	}
	if r.Errors == nil {
		r.Errors = []string{}
	}
	if _, err := s.col(colDigestRuns).Insert(ctx, []any{r}, coll.InsertOptions{}); err != nil {
		return wrap("save digest run", err)
	}
	// Delete what is older than the 50th newest pass (one read of the
	// newest passes' times, one delete).
	var last []DigestRun
	err := s.col(colDigestRuns).Find(ctx, bson.D{}, coll.FindOptions{Sort: bson.D{{Key: "started_at", Value: -1}},
		Limit: keepDigestRuns, Projection: bson.D{{Key: "started_at", Value: 1}}}, &last)
	if err != nil || len(last) < keepDigestRuns {
		return wrap("trim digest runs", err)
	}
	_, err = s.col(colDigestRuns).Delete(ctx, bson.D{{Key: "started_at", Value: bson.D{{Key: "$lt", Value: last[len(last)-1].StartedAt}}}}, true)
	return wrap("trim digest runs", err)
}

// keepDigestRuns is how many passes the admin page keeps.
const keepDigestRuns = 50

// DigestRuns lists the latest passes, newest first.
func (s *Store) DigestRuns(ctx context.Context, limit int) ([]DigestRun, error) {
	var out []DigestRun
	err := s.col(colDigestRuns).Find(ctx, bson.D{}, coll.FindOptions{Sort: bson.D{{Key: "started_at", Value: -1}}, Limit: int64(limit)}, &out)
	return out, wrap("list digest runs", err)
}
