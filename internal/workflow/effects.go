package workflow

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

// afterWrite runs the domain's effects of a stored change, after the store's
// own (audit, counters, copied names). Every write of a record reaches it
// through store.Change, whichever entry point made the write, so "what else
// happens when X changes" is answered here and nowhere else:
//   - a stakeholder's addresses change (created, edited, imported, deleted):
//     mail from and to those addresses is matched again;
//   - a stakeholder is deleted: no record keeps its id. Other stakeholders
//     lose their relationships to it and its committee seats, tasks lose
//     their link to it, and the messages matched to it are matched again.
//     (Meetings and commitments never point at a deleted stakeholder: one
//     they refer to is archived instead; see Flows.DeleteStakeholder.)
func (f *Flows) afterWrite(ctx context.Context, c store.Change) error {
	if c.Entity != model.EntityStakeholder {
		return nil
	}
	before, _ := c.Before.(*model.Stakeholder)
	after, _ := c.After.(*model.Stakeholder)
	var errs []error
	addrs := changedAddresses(before, after)
	if before != nil && after == nil && c.Action == model.ActionDelete {
		errs = append(errs, f.st.DropReferencesTo(ctx, c.Actor, before.ID))
		_, err := f.st.UnlinkTasksFrom(ctx, c.Actor, before.ID)
		errs = append(errs, err)
		more, err := f.st.MessageAddressesOf(ctx, before.ID)
		errs = append(errs, err)
		addrs = append(addrs, more...)
	}
	if len(addrs) > 0 {
		_, err := f.rematch(ctx, c.Actor, addrs)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// changedAddresses lists the addresses in exactly one of before's and
// after's emails (either may be nil: created or deleted).
func changedAddresses(before, after *model.Stakeholder) []string {
	var a, b []string
	if before != nil {
		a = before.Emails
	}
	if after != nil {
		b = after.Emails
	}
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

// pendingKey marks a context whose re-matching is gathered and run once at
// the end of a workflow (an import creating thousands of stakeholders would
// otherwise query the mail once per stakeholder).
type pendingKey struct{}

type pending struct {
	mu    sync.Mutex
	actor model.Actor
	addrs []string
}

// rematch matches again the mail of addrs now, or later when ctx gathers.
func (f *Flows) rematch(ctx context.Context, actor model.Actor, addrs []string) (int, error) {
	if p, ok := ctx.Value(pendingKey{}).(*pending); ok {
		p.mu.Lock()
		p.actor = actor
		p.addrs = append(p.addrs, addrs...)
		p.mu.Unlock()
		return 0, nil
	}
	return f.st.RematchAddresses(ctx, actor, addrs)
}

// gatherRematch returns a context in which re-matching waits, and the
// function that runs it once and reports how many messages changed.
func (f *Flows) gatherRematch(ctx context.Context) (context.Context, func() (int, error)) {
	p := &pending{}
	run := func() (int, error) {
		p.mu.Lock()
		addrs, actor := p.addrs, p.actor
		p.addrs = nil
		p.mu.Unlock()
		if len(addrs) == 0 {
			return 0, nil
		}
		// The writes are stored: their effect must run even when the
		// request was cancelled meanwhile.
		return f.st.RematchAddresses(context.WithoutCancel(ctx), actor, addrs)
	}
	return context.WithValue(ctx, pendingKey{}, p), run
}
