package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// faultAt, when set by a test, makes a workflow fail at a named step, to
// prove the undo leaves nothing behind. Nil in production.
var faultAt func(step string) error

func fault(step string) error {
	if faultAt == nil {
		return nil
	}
	return faultAt(step)
}

// LinkAddress gives address to a stakeholder (an existing one u may edit,
// or a new one built from fresh) and files its mail again; it returns the
// stakeholder's id and how many messages changed.
//
// It is two writes, the stakeholder and then its mail, not in one
// transaction (a MongoDB without transactions has none). Everything is
// checked before the first; if filing the mail fails, the stakeholder
// write is undone, so the address is not left on a stakeholder whose mail
// was never filed (a retry would then find nothing to change and never
// file it).
func (f *Flows) LinkAddress(ctx context.Context, u *model.User, address string, id bson.ObjectID, fresh *model.StakeholderInput) (bson.ObjectID, int, error) {
	address = model.NormalizeEmail(address)
	var p model.Problems
	if !model.ValidEmail(address) {
		p.Add("address", "must be a valid email address")
	}
	if id.IsZero() == (fresh == nil) {
		p.Add("stakeholder_id", "give either stakeholder_id or new_stakeholder")
	}
	if err := p.Err(); err != nil {
		return bson.ObjectID{}, 0, err
	}
	var old *model.Stakeholder
	if fresh == nil {
		st, err := f.st.StakeholderByID(ctx, u.Scope(), id)
		if errors.Is(err, store.ErrNotFound) {
			return id, 0, (model.Problems{{Field: "stakeholder_id", Message: "no such stakeholder in your regions"}}).Err()
		}
		if err != nil {
			return id, 0, err
		}
		if !u.CanEdit(st.Regions, st.OwnerID) {
			return id, 0, model.ErrForbidden
		}
		old = st
	}
	// Checked after the target stakeholder, so a missing or forbidden
	// target is reported as such.
	refused, err := f.st.RefusedAddresses(ctx, u.Scope(), []string{address})
	if err != nil {
		return id, 0, err
	}
	if msg, ok := refused[address]; ok {
		return id, 0, (model.Problems{{Field: "address", Message: msg}}).Err()
	}

	wctx, rematch := f.gatherRematch(ctx)
	var undo func(context.Context) error
	if fresh != nil {
		in := *fresh
		in.Emails = []string{address}
		st, err := f.CreateStakeholder(wctx, u, in)
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			return id, 0, model.Problems(ve.Errors).Prefix("new_stakeholder.").Err()
		}
		if err != nil {
			return id, 0, err
		}
		id = st.ID
		undo = func(ctx context.Context) error { return f.st.RemoveStakeholder(ctx, actorOf(u), st) }
	} else if !slices.Contains(old.Emails, address) {
		emails := append(slices.Clone(old.Emails), address)
		saved, err := f.updateStakeholder(wctx, u, old, model.StakeholderPatch{Emails: &emails, Version: &old.Version})
		if err != nil {
			return id, 0, err
		}
		undo = func(ctx context.Context) error {
			back := *saved
			back.Emails = old.Emails
			_, err := f.st.ReplaceStakeholder(ctx, actorOf(u), saved, &back)
			return err
		}
	}
	// The address's mail is filed even when the stakeholder had it
	// already, so linking again repairs an earlier failure.
	if _, err := f.rematch(wctx, actorOf(u), []string{address}); err != nil {
		return id, 0, err
	}
	n, err := rematchWithFault(rematch)
	if err != nil && undo != nil {
		if uerr := undo(context.WithoutCancel(ctx)); uerr != nil {
			return id, 0, errors.Join(err, fmt.Errorf("undoing the stakeholder write failed too: %w", uerr))
		}
	}
	return id, n, err
}

// rematchWithFault runs a gathered re-matching, failing first when a test
// asks for it.
func rematchWithFault(rematch func() (int, error)) (int, error) {
	if err := fault("rematch"); err != nil {
		return 0, err
	}
	return rematch()
}
