package store

import (
	"context"
	"errors"
	"sync"

	"github.com/alianza-pe/alianza/internal/model"
)

// Change describes one stored write of a record: who made it, what it did,
// and the record before and after it (nil when created or deleted). Every
// write of a record goes through Store.apply, which files its audit entry
// in the write's own transaction and then hands it to the after-write
// effects, so none can skip the audit trail, the dashboard counters or a
// domain effect a package registered with OnChange.
type Change struct {
	Actor  model.Actor
	Action string // model.ActionCreate, ActionUpdate, ActionDelete, or a verb such as "erase"
	Entity string // model.EntityStakeholder, ... (the audit trail's entity)
	ID     string
	// Regions are the regions the audit entry is filed under (before and
	// after the change), so a regional admin sees the history of their records.
	Regions []string
	// Fields are the changed fields as the audit trail shows them.
	Fields []model.Change
	// Before and After are pointers to the record (*model.Stakeholder,
	// *model.Meeting, ...) before and after the write; nil when absent or
	// when the entity keeps no counters or copies.
	Before, After any
}

// apply makes an audited write: write stores the change in ctx (its
// transaction) and returns the Changes it made (none when nothing
// changed); their audit entries are inserted in the same transaction, so
// a change whose audit entry cannot be written is rolled back with it and
// never kept untraced. Once committed, the after-write effects of each
// change run (effects); their errors are returned joined, the change
// standing. Every write of a record of any entity goes through here (or
// commit, its first half).
func (s *Store) apply(ctx context.Context, write func(ctx context.Context) ([]Change, error)) error {
	changes, err := s.commit(ctx, write, nil)
	if err != nil {
		return err
	}
	return s.effects(ctx, changes...)
}

// WithTx runs fn, a workflow's several writes, in one transaction where the
// database has them: each write's audit entry is in it too (apply), and
// a failure of any rolls back all. Writes must be given fn's ctx.
func (s *Store) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.WithTx(ctx, fn)
}

// commit is apply without the effects, for writes that gather them (a
// loop that goes on after one record's effect failed), and with undo for
// a database without transactions (a standalone MongoDB): there write's
// documents are stored as it goes, and undo, given the error, removes
// them when write or the audit entries fail (see inTx); nil undo leaves
// them, and the error, wrapping ErrAuditFailed, says so.
func (s *Store) commit(ctx context.Context, write func(ctx context.Context) ([]Change, error), undo func(ctx context.Context, err error) error) ([]Change, error) {
	var changes []Change
	if undo == nil {
		undo = func(_ context.Context, err error) error { return err }
	}
	err := s.inTx(ctx, func(ctx context.Context) error {
		var err error
		if changes, err = write(ctx); err != nil {
			return err
		}
		// The unmatched senders' tally changes with the messages, in the
		// same transaction (unmatched_tally.go).
		if err := s.tallyChanges(ctx, changes); err != nil {
			return err
		}
		return s.audit(ctx, changes)
	}, undo)
	if err != nil {
		return nil, err
	}
	return changes, nil
}

// Hook runs after a write and its audit entry were committed. An error is
// returned to the writer (the change itself stands); every hook runs even
// when an earlier one failed, so one broken effect does not hide the others.
type Hook func(ctx context.Context, c Change) error

// hooks holds the after-write hooks in the order they run, after the
// store's own effects (dashboard counters, copied names): the ones other
// packages add with OnChange.
type hooks struct {
	mu   sync.RWMutex
	list []Hook
}

// OnChange adds h to the hooks every write of a record runs. It is called
// while wiring the program, before the store serves writes.
func (s *Store) OnChange(h Hook) {
	s.hooks.mu.Lock()
	s.hooks.list = append(s.hooks.list, h)
	s.hooks.mu.Unlock()
}

// effects runs the after-write effects of committed changes: the dashboard
// counters, the copies of a renamed stakeholder's name, then the hooks
// added with OnChange. It returns every failure joined.
func (s *Store) effects(ctx context.Context, changes ...Change) error {
	s.hooks.mu.RLock()
	list := s.hooks.list
	s.hooks.mu.RUnlock()
	var errs []error
	for _, c := range changes {
		errs = append(errs, s.countChange(ctx, c), s.copyNames(ctx, c))
		for _, h := range list {
			errs = append(errs, h(ctx, c))
		}
	}
	return errors.Join(errs...)
}

// countChange keeps the dashboard counters in step with c. Counter failures
// are logged, not returned: the next rebuild corrects them.
func (s *Store) countChange(ctx context.Context, c Change) error {
	switch after := c.After.(type) {
	case *model.Meeting:
		before, _ := c.Before.(*model.Meeting)
		s.CountMeeting(ctx, before, after)
	case *model.Commitment:
		before, _ := c.Before.(*model.Commitment)
		s.CountCommitment(ctx, before, after)
	case *model.Stakeholder:
		// Before is the stakeholder as it was, nil when created (an update
		// without it rewrites both registries).
		before, _ := c.Before.(*model.Stakeholder)
		s.countStakeholder(ctx, after.ID, before, after, before != nil || c.Action == model.ActionCreate)
	case *model.Initiative:
		before, _ := c.Before.(*model.Initiative)
		s.CountInitiative(ctx, before, after)
	case nil:
		switch before := c.Before.(type) {
		case *model.Meeting:
			s.CountMeeting(ctx, before, nil)
		case *model.Commitment:
			s.CountCommitment(ctx, before, nil)
		case *model.Stakeholder:
			s.countStakeholder(ctx, before.ID, before, nil, true)
		case *model.Initiative:
			s.CountInitiative(ctx, before, nil)
		}
	}
	return nil
}

// copyNames rewrites the copies of a stakeholder's name kept by other
// records when c renamed it.
func (s *Store) copyNames(ctx context.Context, c Change) error {
	before, ok1 := c.Before.(*model.Stakeholder)
	after, ok2 := c.After.(*model.Stakeholder)
	if !ok1 || !ok2 || before == nil || after == nil || before.Name == after.Name {
		return nil
	}
	return s.renameStakeholder(ctx, after.ID, after.Name)
}
