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

// ErrAuditFailed means a change was stored but its audit entry was not.
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
// counters, the readiness probe) fail with what f returns for their
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

const colProbe = "probe"

// WriteProbe writes a small document with a short timeout, so readiness
// reflects whether the database takes writes (a full disk answers pings).
func (s *Store) WriteProbe(ctx context.Context, instance string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.writeFault(colProbe); err != nil {
		return fmt.Errorf("store: write probe: %w", err)
	}
	_, err := s.col(colProbe).Update(ctx, bson.D{{Key: "_id", Value: instance}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: s.Now()}}}}, coll.UpdateOptions{Upsert: true})
	return wrap("write probe", err)
}
