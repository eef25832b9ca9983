package store

import (
	"context"
	"errors"
	"sync"

	"github.com/alianza-pe/alianza/internal/model"
)

// Change describes one stored write of a record: who made it, what it did,
// and the record before and after it (nil when created or deleted). Every
// write of a record ends by handing its Change to the after-write hooks
// (Store.changed), so none can skip the audit trail, the dashboard counters
// or a domain effect a package registered with OnChange.
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

// Hook runs after a write succeeded. An error is returned to the writer
// (the change itself is already stored); every hook runs even when an
// earlier one failed, so one broken effect does not hide the others.
type Hook func(ctx context.Context, c Change) error

// hooks holds the after-write hooks in the order they run: the store's own
// (audit entry, dashboard counters, copied names) first, then the ones other
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

// changed runs the after-write effects of c: the audit entry, the dashboard
// counters, the copies of a renamed stakeholder's name, then the hooks added
// with OnChange. It returns every failure joined.
func (s *Store) changed(ctx context.Context, c Change) error {
	errs := []error{
		s.audit(ctx, c.Actor, c.Action, c.Entity, c.ID, c.Regions, c.Fields),
		s.countChange(ctx, c),
		s.copyNames(ctx, c),
	}
	s.hooks.mu.RLock()
	list := s.hooks.list
	s.hooks.mu.RUnlock()
	for _, h := range list {
		errs = append(errs, h(ctx, c))
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
		s.CountStakeholder(ctx, after.ID, after)
	case nil:
		switch before := c.Before.(type) {
		case *model.Meeting:
			s.CountMeeting(ctx, before, nil)
		case *model.Commitment:
			s.CountCommitment(ctx, before, nil)
		case *model.Stakeholder:
			s.CountStakeholder(ctx, before.ID, nil)
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
