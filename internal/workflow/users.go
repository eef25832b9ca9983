package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CreateUser adds a user: by an admin through the API, or by the binary
// (the first admin, `alianza user add`: model.SystemUser). Nobody grants
// a role or regions beyond their own (model.User.CanGrant). The password
// is hashed here; the store never sees it in clear.
func (f *Flows) CreateUser(ctx context.Context, me *model.User, in model.NewUser) (*model.User, error) {
	in.Normalize()
	pr, err := model.ProblemsOf(in.Validate())
	if err != nil {
		return nil, err
	}
	if len(pr) == 0 {
		me.CheckGrant(&pr, in.Role, in.Regions)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	return f.st.CreateUser(ctx, me.Actor(), in, hash)
}

// UpdateUser changes a user's name, role, regions, password or disabled
// flag; me is the admin making the change, who may change only users of
// their own regions, grant only their own regions, and not demote or
// disable themself. A new password or a disabled account signs the user
// out everywhere.
func (f *Flows) UpdateUser(ctx context.Context, me *model.User, id bson.ObjectID, p model.UserPatch) (*model.User, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	old, err := f.UserFor(ctx, me, id)
	if err != nil {
		return nil, err
	}
	if !me.CanManageUser(old) {
		return nil, model.ErrForbidden
	}
	var pr model.Problems
	role, regions := old.Role, old.Regions
	if p.Role != nil {
		role = *p.Role
	}
	if p.Regions != nil {
		regions = *p.Regions
	}
	me.CheckGrant(&pr, role, regions)
	if me.LocksSelfOut(id, p) {
		pr.Add("role", "you cannot demote or disable your own account")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	hash := ""
	if p.Password != nil {
		var err error
		if hash, err = auth.HashPassword(*p.Password); err != nil {
			return nil, err
		}
	}
	u, err := f.st.UpdateUser(ctx, me.Actor(), id, p, hash)
	if u == nil {
		return nil, err
	}
	// The change is stored even when an effect of it failed (err): the
	// sessions must end all the same, and the error fails the request.
	if hash != "" || u.Disabled {
		err = errors.Join(err, f.st.RevokeUserTokens(ctx, u.ID))
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserFor returns the account id as the admin me may see it: users outside
// their regions are not found (model.User.CanSeeUser).
func (f *Flows) UserFor(ctx context.Context, me *model.User, id bson.ObjectID) (*model.User, error) {
	u, err := f.st.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !me.CanSeeUser(u) {
		return nil, fmt.Errorf("workflow: user %s: %w", id.Hex(), store.ErrNotFound)
	}
	return u, nil
}
