package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const colIdempotency = "idempotency"

// Idempotency states.
const (
	IdemPending = "pending"
	IdemDone    = "done"
)

// Sentinel outcomes of BeginIdempotent.
var (
	// ErrIdemMismatch: the key was used before with a different request body.
	ErrIdemMismatch = errors.New("idempotency key reused with a different request")
	// ErrIdemInFlight: the first request with this key has not finished yet.
	ErrIdemInFlight = errors.New("idempotency key in use by a request still running")
)

// IdemRecord is the stored outcome of one write sent with an Idempotency-Key.
// ID is a hash of (user, method, path, key); inserting it is the lock that
// makes one request, on any instance, the one that runs.
type IdemRecord struct {
	ID          string            `bson:"_id"`
	UserID      bson.ObjectID     `bson:"user_id"`
	Fingerprint string            `bson:"fp"`
	State       string            `bson:"state"`
	Status      int               `bson:"status,omitempty"`
	Headers     map[string]string `bson:"headers,omitempty"`
	Body        []byte            `bson:"body,omitempty"`
	CreatedAt   time.Time         `bson:"created_at"`
	ExpiresAt   time.Time         `bson:"exp"`
}

func init() {
	registerIndexes(indexSpec{colIdempotency, "exp", bson.D{{Key: "exp", Value: 1}}, false},
		indexSpec{colIdempotency, "user", bson.D{{Key: "user_id", Value: 1}}, false})
}

// ForgetIdempotentOutcomesOf deletes the stored outcomes of a user's
// writes; a repeat then runs again under the user's current access.
func (s *Store) ForgetIdempotentOutcomesOf(ctx context.Context, userID bson.ObjectID) error {
	_, err := s.col(colIdempotency).Delete(ctx, bson.D{{Key: "user_id", Value: userID}}, true)
	return wrap("forget idempotent outcomes", err)
}

// BeginIdempotent claims id for a request whose body has fingerprint fp.
// It returns true (claimed) when the caller now holds the claim and must run the
// request, then call CompleteIdempotent or AbandonIdempotent; else a
// finished record to replay, or ErrIdemMismatch or ErrIdemInFlight. A claim lasts
// pending (so a crashed instance does not lock the key for long); an expired
// record, finished or not, is replaced.
func (s *Store) BeginIdempotent(ctx context.Context, id string, userID bson.ObjectID, fp string, pending time.Duration) (*IdemRecord, bool, error) {
	if err := s.writeFault(colIdempotency); err != nil {
		return nil, false, fmt.Errorf("store: claim idempotency key: %w", err)
	}
	for attempt := 0; attempt < 3; attempt++ {
		now := s.Now()
		claim := IdemRecord{ID: id, UserID: userID, Fingerprint: fp, State: IdemPending, CreatedAt: now, ExpiresAt: now.Add(pending)}
		_, err := s.col(colIdempotency).Insert(ctx, []any{claim}, coll.InsertOptions{})
		if err == nil {
			return nil, true, nil
		}
		if !errors.Is(err, ErrDuplicate) {
			return nil, false, wrap("claim idempotency key", err)
		}
		var old IdemRecord
		err = s.col(colIdempotency).FindOne(ctx, bson.D{{Key: "_id", Value: id}}, coll.FindOptions{}, &old)
		if err != nil {
			if err = wrap("read idempotency key", err); isNotFound(err) {
				continue // removed between the insert and the read: try again
			}
			return nil, false, err
		}
		if !old.ExpiresAt.After(now) {
			// Expired: remove exactly that record (not one another
			// instance just put in its place) and claim again.
			if _, err := s.col(colIdempotency).Delete(ctx, bson.D{{Key: "_id", Value: id}, {Key: "exp", Value: old.ExpiresAt}}, false); err != nil {
				return nil, false, wrap("drop expired idempotency key", err)
			}
			continue
		}
		if old.Fingerprint != fp {
			return nil, false, ErrIdemMismatch
		}
		if old.State == IdemPending {
			return nil, false, ErrIdemInFlight
		}
		return &old, false, nil
	}
	return nil, false, fmt.Errorf("store: claim idempotency key: %w", ErrIdemInFlight)
}

// CompleteIdempotent stores the outcome of the claimed request, kept for keep.
func (s *Store) CompleteIdempotent(ctx context.Context, id string, status int, headers map[string]string, body []byte, keep time.Duration) error {
	set := bson.D{{Key: "state", Value: IdemDone}, {Key: "status", Value: status}, {Key: "headers", Value: headers},
		{Key: "body", Value: body}, {Key: "exp", Value: s.Now().Add(keep)}}
	_, err := s.col(colIdempotency).Update(ctx, bson.D{{Key: "_id", Value: id}, {Key: "state", Value: IdemPending}},
		bson.D{{Key: "$set", Value: set}}, coll.UpdateOptions{})
	return wrap("store idempotent outcome", err)
}

// AbandonIdempotent frees a claim whose request failed, so the key can be
// used again (a failed write changed nothing worth replaying).
func (s *Store) AbandonIdempotent(ctx context.Context, id string) error {
	_, err := s.col(colIdempotency).Delete(ctx, bson.D{{Key: "_id", Value: id}, {Key: "state", Value: IdemPending}}, false)
	return wrap("free idempotency key", err)
}
