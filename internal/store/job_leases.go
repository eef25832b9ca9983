package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Job leases let one instance among several run a periodic job (the
// scheduled backup); they live apart from the mailbox leases, whose ids are
// mailbox ids.
const colJobLeases = "job_leases"

// AcquireJobLease takes or renews the lease of job for holder until the
// given time; false when another holder has an unexpired one.
func (s *Store) AcquireJobLease(ctx context.Context, job, holder string, until time.Time) (bool, error) {
	return s.acquireLease(ctx, colJobLeases, job, "job/"+job, holder, until)
}

// ReleaseJobLease ends holder's lease on the job, if it has it.
func (s *Store) ReleaseJobLease(ctx context.Context, name, holder string) error {
	_, err := s.col(colJobLeases).Delete(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: holder}}, false)
	if err != nil {
		return fmt.Errorf("store: release job lease: %w", err)
	}
	return nil
}
