package workflow

import (
	"context"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CreateUser adds a user: by an admin through the API, or by the binary
// (the first admin, `alianza user add`). The password is hashed here; the
// store never sees it in clear.
func (f *Flows) CreateUser(ctx context.Context, by model.Actor, in model.NewUser) (*model.User, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	return f.st.CreateUser(ctx, by, in, hash)
}

// UpdateUser changes a user's name, role, regions, password or disabled
// flag; me is the admin making the change and may not demote or disable
// themself. A new password or a disabled account signs the user out
// everywhere.
func (f *Flows) UpdateUser(ctx context.Context, me *model.User, id bson.ObjectID, p model.UserPatch) (*model.User, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if me.LocksSelfOut(id, p) {
		var pr model.Problems
		pr.Add("role", "you cannot demote or disable your own account")
		return nil, pr.Err()
	}
	hash := ""
	if p.Password != nil {
		var err error
		if hash, err = auth.HashPassword(*p.Password); err != nil {
			return nil, err
		}
	}
	u, err := f.st.UpdateUser(ctx, me.Actor(), id, p, hash)
	if err != nil {
		return nil, err
	}
	if hash != "" || u.Disabled {
		if err := f.st.RevokeUserTokens(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	return u, nil
}
