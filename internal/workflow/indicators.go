package workflow

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
)

// SetIndicatorTarget sets what the organisation aims for an indicator to
// reach in a year. A target counts every region, so only managers and
// admins of every region may set one.
func (f *Flows) SetIndicatorTarget(ctx context.Context, u *model.User, code string, year int, in model.TargetInput) (*model.IndicatorTarget, error) {
	if !u.CanSetTargets() {
		return nil, model.ErrForbidden
	}
	if err := in.Validate(year); err != nil {
		return nil, err
	}
	return f.st.SetIndicatorTarget(ctx, u.Actor(), code, year, *in.Value)
}
