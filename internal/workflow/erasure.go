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
// stakeholder's personal fields, the copies of their name in meetings,
// commitments and tasks, the addresses, subjects and bodies of their
// correspondence, and the name and addresses in the audit trail's earlier
// entries. Records stay (counts, other participants, links and mail sync
// bookkeeping are unchanged) with model.ErasedName where the person was.
// confirmName must repeat the stakeholder's current name.
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
	e := model.NewErasure(id, r.Names, r.Emails)
	for i := range r.Meetings {
		e.Meeting(&r.Meetings[i])
	}
	for i := range r.Commitments {
		e.Commitment(&r.Commitments[i])
	}
	for i := range r.Tasks {
		e.Task(&r.Tasks[i])
	}
	for i := range r.Messages {
		e.Message(&r.Messages[i])
	}
	e.Stakeholder(&r.Stakeholder)
	return f.st.SaveErasure(ctx, u.Actor(), r, e)
}
