package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrAuditFailed means a change's audit entry could not be written: the
// change was rolled back with it, or, on a database without transactions,
// stored untraced.
var ErrAuditFailed = errors.New("audit entry not written")

// SetLogger sets the structured log store errors go to (default slog.Default).
func (s *Store) SetLogger(l *slog.Logger) { s.log = l }

func (s *Store) logger() *slog.Logger {
	if s.log == nil {
		return slog.Default()
	}
	return s.log
}

// SetWriteFault makes the writes that must fail closed (audit entries, login
// counters, Idempotency-Key claims and the readiness probe, both
// "idempotency") fail with what f returns for their
// collection, as a full disk or a read-only database would. It exists for
// tests of those paths; nil removes it.
func (s *Store) SetWriteFault(f func(collection string) error) {
	s.faultMu.Lock()
	s.fault = f
	s.faultMu.Unlock()
}

func (s *Store) writeFault(col string) error {
	s.faultMu.Lock()
	f := s.fault
	s.faultMu.Unlock()
	if f == nil {
		return nil
	}
	return f(col)
}

// auditCheck collects the audit failures of one request.
type auditCheck struct {
	mu  sync.Mutex
	err error
}

type auditCheckKey struct{}

// WithAuditCheck returns a context whose store writes report an audit entry
// that could not be written, and a func returning the first such failure
// (wrapping ErrAuditFailed). The API checks it before acknowledging a change.
func WithAuditCheck(ctx context.Context) (context.Context, func() error) {
	ac := &auditCheck{}
	return context.WithValue(ctx, auditCheckKey{}, ac), func() error {
		ac.mu.Lock()
		defer ac.mu.Unlock()
		return ac.err
	}
}

// AuditFailure returns the first audit failure noted in ctx's check
// (WithAuditCheck), or nil: a step that records the outcome of a change
// (an idempotent replay) must not keep one that was not audited.
func AuditFailure(ctx context.Context) error {
	if ac, ok := ctx.Value(auditCheckKey{}).(*auditCheck); ok {
		ac.mu.Lock()
		defer ac.mu.Unlock()
		return ac.err
	}
	return nil
}

func noteAuditFailure(ctx context.Context, err error) {
	if ac, ok := ctx.Value(auditCheckKey{}).(*auditCheck); ok {
		ac.mu.Lock()
		if ac.err == nil {
			ac.err = err
		}
		ac.mu.Unlock()
	}
}

// colProbe held the rows of the former readiness probe; it stays declared
// so databases that have it keep a known table.
const colProbe = "probe"

// probeKeep bounds a probe claim left behind where there are no
// transactions (standalone MongoDB): the expiry sweep removes it.
const probeKeep = time.Minute

// WriteProbe makes the write a request with an Idempotency-Key makes first
// (a claim in the idempotency collection) and removes it, in one
// transaction and with a short timeout: the app sends a key with every
// save, so readiness means keyed saves go through (a full disk answers
// pings). Nothing grows and nothing is audited.
func (s *Store) WriteProbe(ctx context.Context, instance string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.writeFault(colIdempotency); err != nil {
		return fmt.Errorf("store: write probe: %w", err)
	}
	id := "readyz:" + instance
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		// A claim a probe without transactions left behind goes first.
		if _, err := s.col(colIdempotency).Delete(ctx, bson.D{{Key: "_id", Value: id}}, false); err != nil {
			return err
		}
		now := s.Now()
		claim := IdemRecord{ID: id, Fingerprint: "readyz", State: IdemPending, CreatedAt: now, ExpiresAt: now.Add(probeKeep)}
		if _, err := s.col(colIdempotency).Insert(ctx, []any{claim}, coll.InsertOptions{}); err != nil {
			return err
		}
		_, err := s.col(colIdempotency).Delete(ctx, bson.D{{Key: "_id", Value: id}}, false)
		return err
	})
	return wrap("write probe", err)
}
