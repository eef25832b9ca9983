package workflow

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
)

// UpdatePrefs changes the signed-in user's own settings (email digest,
// language): only u's, so there is nobody else to authorize.
func (f *Flows) UpdatePrefs(ctx context.Context, u *model.User, in model.PrefsPatch) (*model.Prefs, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return f.st.UpdatePrefs(ctx, u.Actor(), u.ID, in)
}
