package workflow

import (
	"context"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrNeedsAllRegions refuses a personal-data request to an admin who does
// not see every region: the answer must cover every record.
var ErrNeedsAllRegions = fmt.Errorf("only an admin with every region handles personal-data requests: %w", model.ErrForbidden)

// EraseStakeholder erases a person's data on request (Ley 29733): the
// stakeholder's personal fields; their name, addresses and phones wherever
// they appear as text (model.Erasure says how: other stakeholders' notes,
// meetings, commitments, initiatives (where they are also taken off the
// linked stakeholders), tasks, messages and review notes, message bodies,
// the audit trail, the search words, the answers kept for Idempotency-Key
// replays); and the addresses, subjects and bodies of their
// correspondence. Records stay (counts, other participants, links and mail
// sync bookkeeping are unchanged) with model.ErasedName where the person
// was. confirmName must repeat the stakeholder's current name. The report
// counts the records and fields changed.
func (f *Flows) EraseStakeholder(ctx context.Context, u *model.User, id bson.ObjectID, confirmName string) (store.EraseReport, error) {
	if !u.CanHandlePersonalData() {
		return store.EraseReport{}, ErrNeedsAllRegions
	}
	st, err := f.st.StakeholderByID(ctx, u.Scope(), id)
	if err != nil {
		return store.EraseReport{}, err
	}
	if err := model.ConfirmErasure(st.Name, confirmName); err != nil {
		return store.EraseReport{}, err
	}
	r, err := f.st.PersonalRefs(ctx, id)
	if err != nil {
		return store.EraseReport{}, err
	}
	e := r.Match()
	r.Meetings = changedOnly(r.Meetings, e.Meeting)
	r.Commitments = changedOnly(r.Commitments, e.Commitment)
	r.Tasks = changedOnly(r.Tasks, e.Task)
	r.Initiatives = changedOnly(r.Initiatives, e.Initiative)
	r.Stakeholders = changedOnly(r.Stakeholders, e.OtherStakeholder)
	// Their own messages are all written: their bodies go whatever changed.
	for i := range r.Messages {
		e.Message(&r.Messages[i], true)
	}
	r.MessagesNaming = changedOnly(r.MessagesNaming, func(m *model.Message) bool { return e.Message(m, false) })
	r.Bodies = changedOnly(r.Bodies, e.MessageBody)
	e.Stakeholder(&r.Stakeholder)
	return f.st.SaveErasure(ctx, u.Actor(), r, e)
}

// changedOnly applies change to each of xs and keeps those it changed.
func changedOnly[T any](xs []T, change func(*T) bool) []T {
	var out []T
	for i := range xs {
		if change(&xs[i]) {
			out = append(out, xs[i])
		}
	}
	return out
}
