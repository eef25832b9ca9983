package workflow

import (
	"context"
	"errors"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

// ImportStakeholders imports parsed rows for u, all or none (see
// store.ImportStakeholders): a row that would merge into a stakeholder u may
// not edit is an error of that row. The mail of every imported address is
// matched again once, after the import, not once per stakeholder.
func (f *Flows) ImportStakeholders(ctx context.Context, u *model.User, rows []store.ImportRow, dryRun bool) (*store.ImportResult, error) {
	ctx, rematch := f.gatherRematch(ctx)
	res, err := f.st.ImportStakeholders(ctx, actorOf(u), u.Scope(), rows, dryRun,
		func(st *model.Stakeholder) bool { return u.CanEdit(st.Regions, st.OwnerID) })
	_, rerr := rematch()
	if err != nil {
		return res, errors.Join(err, rerr)
	}
	return res, rerr
}
