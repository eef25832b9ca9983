package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const colLeases = "leases"

// AcquireLease takes or renews the mailbox's lease for holder until the
// given time: it succeeds when there is no lease, when it has expired, or
// when holder already has it, and answers false when another holder has an
// unexpired one. One conditional upsert does it; a duplicate-key error on
// the upsert means the document exists and is someone else's.
func (s *Store) AcquireLease(ctx context.Context, mailboxID bson.ObjectID, holder string, until time.Time) (bool, error) {
	return s.acquireLease(ctx, colLeases, mailboxID, "lease/"+mailboxID.Hex(), holder, until)
}

// acquireLease is AcquireLease on any lease collection and id.
func (s *Store) acquireLease(ctx context.Context, col string, id any, lockName, holder string, until time.Time) (bool, error) {
	filter := bson.D{{Key: "_id", Value: id}, {Key: "$or", Value: bson.A{
		bson.D{{Key: "holder", Value: holder}},
		bson.D{{Key: "until", Value: bson.D{{Key: "$lt", Value: s.Now()}}}},
	}}}
	update := bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: holder}, {Key: "until", Value: until.UTC()}}}}
	err := s.col(col).FindOneAndUpdate(ctx, filter, update, coll.UpdateOptions{Upsert: true}, nil)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrDuplicate):
		return false, nil
	default:
		return false, wrap("acquire lease", err)
	}
}

// ReleaseLease ends holder's lease on the mailbox, if it has it.
func (s *Store) ReleaseLease(ctx context.Context, mailboxID bson.ObjectID, holder string) error {
	_, err := s.col(colLeases).Delete(ctx, bson.D{{Key: "_id", Value: mailboxID}, {Key: "holder", Value: holder}}, false)
	return wrap("release lease", err)
}

// Leases returns every lease, keyed by mailbox id (expired ones included:
// the API shows until, and the UI whether it has passed).
func (s *Store) Leases(ctx context.Context) (map[bson.ObjectID]model.Lease, error) {
	var list []model.Lease
	if err := s.col(colLeases).Find(ctx, bson.D{}, coll.FindOptions{}, &list); err != nil {
		return nil, wrap("list leases", err)
	}
	out := make(map[bson.ObjectID]model.Lease, len(list))
	for _, l := range list {
		out[l.MailboxID] = l
	}
	return out, nil
}

// deleteLease drops a mailbox's lease when the mailbox is deleted.
func (s *Store) deleteLease(ctx context.Context, mailboxID bson.ObjectID) error {
	if _, err := s.col(colLeases).Delete(ctx, bson.D{{Key: "_id", Value: mailboxID}}, false); err != nil {
		return fmt.Errorf("store: delete lease: %w", err)
	}
	return nil
}
