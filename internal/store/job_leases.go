package store

import (
	"context"
	"time"
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
