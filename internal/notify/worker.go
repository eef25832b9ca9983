package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/metrics"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/words"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrBusy is RunOnce's answer when another instance holds the reminders lease.
var ErrBusy = errors.New("notify: another instance is sending the digests")

// leaseName is the job lease the digest passes share between instances.
const leaseName = "reminders"

// MaxAttempts is how many times a digest is tried before it stays failed.
const MaxAttempts = 5

// Worker sends the digests that are due. The per-user-per-period record
// (store.ClaimDigest) makes each digest go out at most once per period even
// with several instances; the job lease keeps two instances from running
// passes at the same time, so retries of failed digests are not doubled.
type Worker struct {
	Store     *store.Store
	Sender    Sender
	PublicURL string
	Holder    string // this instance's name in the lease
	Log       *slog.Logger
	Metrics   *metrics.Metrics // counts failed digests; nil: not counted
	// UnsubscribeKey signs the one-click unsubscribe links (the key of
	// UnsubscribePurpose); nil: digests go without them.
	UnsubscribeKey []byte
}

// unsubscribeURL is u's one-click unsubscribe link, or "" without a key.
func (w *Worker) unsubscribeURL(u *model.User) string {
	if len(w.UnsubscribeKey) == 0 {
		return ""
	}
	return strings.TrimRight(w.PublicURL, "/") + UnsubscribePath + UnsubscribeToken(w.UnsubscribeKey, u.ID)
}

// Result is what one digest of a pass did.
type Result struct {
	UserID bson.ObjectID `json:"-"`
	Email  string        `json:"email"`
	Period string        `json:"period"`
	Status string        `json:"status"` // store.DigestSent | DigestEmpty | DigestFailed
	Items  int           `json:"items"`
	Error  string        `json:"error,omitempty"`
}

// leaseFor is how long the reminders lease lasts; it is renewed before
// each digest, and a digest left "sending" longer than this (its instance
// died mid-send) is retried like a failed one.
const leaseFor = 10 * time.Minute

// RunOnce sends every due digest: one per subscriber whose period has no
// record yet, and a new attempt of each failed (or abandoned) digest of the
// current period. It records the pass for the admin page. The caller runs
// it periodically; ErrBusy means another instance is running a pass.
func (w *Worker) RunOnce(ctx context.Context) ([]Result, error) {
	now := w.Store.Now()
	if err := w.renew(ctx); err != nil {
		return nil, err
	}
	defer func() { _ = w.Store.ReleaseJobLease(ctx, leaseName, w.Holder) }()
	run := store.DigestRun{Holder: w.Holder, StartedAt: now}
	var results []Result
	subs, err := w.Store.DigestSubscribers(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]bson.ObjectID, 0, len(subs))
	current := map[string]model.Prefs{} // digest id of the current period -> settings
	for _, p := range subs {
		current[store.DigestID(p.UserID, PeriodKey(p.Digest, now))] = p
		ids = append(ids, p.UserID)
	}
	users, err := w.Store.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range subs {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		u, ok := users[p.UserID]
		if !ok || u.Disabled {
			continue
		}
		period := PeriodKey(p.Digest, now)
		rec := store.DigestRecord{ID: store.DigestID(u.ID, period), UserID: u.ID, Email: u.Email, Period: period}
		claimed, err := w.Store.ClaimDigest(ctx, rec)
		if err != nil {
			return results, err
		}
		if claimed {
			if err := w.renew(ctx); err != nil {
				return results, err
			}
			results = append(results, w.deliver(ctx, rec, &u, p, now))
		}
	}
	retry, err := w.Store.RetryableDigests(ctx, MaxAttempts, now.Add(-leaseFor))
	if err != nil {
		return results, err
	}
	tried := map[string]bool{}
	for _, r := range results {
		tried[store.DigestID(r.UserID, r.Period)] = true
	}
	for _, rec := range retry {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		p, ok := current[rec.ID]
		if !ok || tried[rec.ID] {
			continue // an earlier period's digest: the current one replaces it
		}
		u, ok := users[rec.UserID]
		if !ok || u.Disabled {
			continue
		}
		again, err := w.Store.ClaimDigestRetry(ctx, rec.ID, now.Add(-leaseFor))
		if err != nil {
			return results, err
		}
		if !again {
			continue // another pass took it
		}
		if err := w.renew(ctx); err != nil {
			return results, err
		}
		results = append(results, w.deliver(ctx, rec, &u, p, now))
	}
	for _, r := range results {
		switch r.Status {
		case store.DigestSent:
			run.Sent++
		case store.DigestEmpty:
			run.Empty++
		default:
			run.Failed++
			run.Errors = append(run.Errors, r.Email+": "+r.Error)
		}
	}
	run.FinishedAt = w.Store.Now()
	if err := w.Store.SaveDigestRun(ctx, run); err != nil {
		return results, err
	}
	return results, nil
}

// renew takes or extends the reminders lease for another leaseFor, so a
// long pass keeps it; ErrBusy when another instance holds it.
func (w *Worker) renew(ctx context.Context) error {
	ok, err := w.Store.AcquireJobLease(ctx, leaseName, w.Holder, w.Store.Now().Add(leaseFor))
	if err != nil {
		return err
	}
	if !ok {
		return ErrBusy
	}
	return nil
}

// deliver computes and sends one claimed digest and records the outcome.
func (w *Worker) deliver(ctx context.Context, rec store.DigestRecord, u *model.User, p model.Prefs, now time.Time) Result {
	res := Result{UserID: u.ID, Email: u.Email, Period: rec.Period}
	items, err := ComputeDue(ctx, w.Store, u, now, Horizon(p.Digest))
	res.Items = len(items)
	switch {
	case err != nil:
		res.Status = store.DigestFailed
	case len(items) == 0:
		res.Status = store.DigestEmpty
	default:
		err = w.Sender.Send(ctx, Build(u, words.Choose(p.Lang), items, w.PublicURL, w.unsubscribeURL(u)))
		res.Status = store.DigestSent
		if err != nil {
			res.Status = store.DigestFailed
		}
	}
	if err != nil {
		res.Error = err.Error()
		w.Metrics.DigestFailed()
		w.log().WarnContext(ctx, "digest not sent", "user_id", u.ID.Hex(), "period", rec.Period, "err", err)
	}
	if ferr := w.Store.FinishDigest(ctx, rec.ID, res.Status, res.Items, err); ferr != nil {
		res.Error = fmt.Sprintf("%s; record: %v", res.Error, ferr)
	}
	return res
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}
