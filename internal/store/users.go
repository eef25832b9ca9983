package store

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CreateUser stores a new user with an already hashed password; the
// workflow validates the input and hashes the password.
func (s *Store) CreateUser(ctx context.Context, actor model.Actor, in model.NewUser, passwordHash string) (*model.User, error) {
	now := s.Now()
	u := &model.User{
		ID: bson.NewObjectID(), Email: in.Email, Name: in.Name, Role: in.Role,
		Regions: in.Regions, PasswordHash: passwordHash, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
		if _, err := s.col(colUsers).Insert(ctx, []any{u}, coll.InsertOptions{}); err != nil {
			return nil, wrap("insert user", err)
		}
		return []Change{{Actor: actor, Action: model.ActionCreate, Entity: "user", ID: u.ID.Hex(), Fields: []model.Change{
			{Field: "email", New: u.Email}, {Field: "role", New: u.Role}, {Field: "regions", New: u.Regions},
		}}}, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return u, s.effects(ctx, done...)
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id bson.ObjectID) (*model.User, error) {
	return findByID[model.User](ctx, s, colUsers, "user", id)
}

// UserByEmail returns the user with a normalised email.
func (s *Store) UserByEmail(ctx context.Context, email string) (*model.User, error) {
	var u model.User
	if err := s.col(colUsers).FindOne(ctx, bson.D{{Key: "email", Value: model.NormalizeEmail(email)}}, coll.FindOptions{}, &u); err != nil {
		return nil, wrap("find user by email", err)
	}
	return &u, nil
}

// CountUsers tells whether the first admin must still be created.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	n, err := s.col(colUsers).Count(ctx, bson.D{}, 0)
	return n, wrap("count users", err)
}

// ListUsers returns users by email order: with a scope of some regions,
// those who share one of them and do not hold every region
// (model.User.CanSeeUser).
func (s *Store) ListUsers(ctx context.Context, scope model.Scope, p Page) ([]model.User, string, error) {
	filter := bson.D{}
	if !scope.All {
		filter = bson.D{{Key: "regions", Value: bson.D{{Key: "$in", Value: scope.Regions}, {Key: "$ne", Value: model.AllRegions}}}}
	}
	filter, opts, err := s.keyset(p, "users.email", filter, "email", false)
	if err != nil {
		return nil, "", err
	}
	var out []model.User
	if err := s.col(colUsers).Find(ctx, filter, opts, &out); err != nil {
		return nil, "", wrap("list users", err)
	}
	items, next := nextCursor(s, "users.email", out, p, func(u model.User) (any, bson.ObjectID) { return u.Email, u.ID })
	return items, next, nil
}

// UsersByIDs returns the users among ids, keyed by id (joins are done in Go).
func (s *Store) UsersByIDs(ctx context.Context, ids []bson.ObjectID) (map[bson.ObjectID]model.User, error) {
	out := map[bson.ObjectID]model.User{}
	if len(ids) == 0 {
		return out, nil
	}
	var users []model.User
	if err := s.col(colUsers).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, coll.FindOptions{}, &users); err != nil {
		return nil, wrap("find users", err)
	}
	for _, u := range users {
		out[u.ID] = u
	}
	return out, nil
}

// UpdateUser applies a patch (password already hashed into passwordHash when set),
// guarded by the version when the patch carries one.
func (s *Store) UpdateUser(ctx context.Context, actor model.Actor, id bson.ObjectID, p model.UserPatch, passwordHash string) (*model.User, error) {
	old, err := s.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Version != nil && *p.Version != old.Version {
		return nil, fmt.Errorf("store: update user: %w", ErrConflict)
	}
	set := bson.D{{Key: "updated_at", Value: s.Now()}}
	var changes []model.Change
	if p.Name != nil && *p.Name != old.Name {
		set = append(set, bson.E{Key: "name", Value: *p.Name})
		changes = append(changes, model.Change{Field: "name", Old: old.Name, New: *p.Name})
	}
	if p.Role != nil && *p.Role != old.Role {
		set = append(set, bson.E{Key: "role", Value: *p.Role})
		changes = append(changes, model.Change{Field: "role", Old: old.Role, New: *p.Role})
	}
	if p.Regions != nil && !slices.Equal(*p.Regions, old.Regions) {
		set = append(set, bson.E{Key: "regions", Value: *p.Regions})
		changes = append(changes, model.Change{Field: "regions", Old: old.Regions, New: *p.Regions})
	}
	if p.Disabled != nil && *p.Disabled != old.Disabled {
		set = append(set, bson.E{Key: "disabled", Value: *p.Disabled})
		changes = append(changes, model.Change{Field: "disabled", Old: old.Disabled, New: *p.Disabled})
	}
	if passwordHash != "" {
		set = append(set, bson.E{Key: "password_hash", Value: passwordHash})
		changes = append(changes, model.Change{Field: "password", New: "(reset)"})
	}
	if len(changes) == 0 {
		return old, nil
	}
	var u model.User
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
		err := s.col(colUsers).FindOneAndUpdate(ctx,
			bson.D{{Key: "_id", Value: id}, {Key: "version", Value: old.Version}},
			bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}, coll.UpdateOptions{}, &u)
		if err != nil {
			err = wrap("update user", err)
			if isNotFound(err) {
				return nil, fmt.Errorf("store: update user: %w", ErrConflict)
			}
			return nil, err
		}
		if u.Role != old.Role || !slices.Equal(u.Regions, old.Regions) || u.Disabled {
			// A replay answers with what the user could see when they first
			// sent the request: after their access narrows it must not.
			if err := s.ForgetIdempotentOutcomesOf(ctx, id); err != nil {
				return nil, err
			}
		}
		return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "user", ID: id.Hex(), Fields: changes}}, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return &u, s.effects(ctx, done...)
}

// TeamMember is a colleague as others see them: enough to assign work and
// show who did it, nothing more (no email, no password state).
type TeamMember struct {
	ID      bson.ObjectID `json:"id"`
	Name    string        `json:"name"`
	Role    string        `json:"role"`
	Regions []string      `json:"regions"`
}

// Team returns the enabled users who share a region with scope (users with
// every region included), by name.
func (s *Store) Team(ctx context.Context, scope model.Scope) ([]TeamMember, error) {
	filter := bson.D{{Key: "disabled", Value: bson.D{{Key: "$ne", Value: true}}}}
	if !scope.All {
		filter = append(filter, bson.E{Key: "regions", Value: bson.D{{Key: "$in", Value: append([]string{model.AllRegions}, scope.Regions...)}}})
	}
	var users []model.User
	if err := s.col(colUsers).Find(ctx, filter, coll.FindOptions{}, &users); err != nil {
		return nil, wrap("list team", err)
	}
	out := make([]TeamMember, 0, len(users))
	for _, u := range users {
		name := u.Name
		if name == "" {
			name = u.Email
		}
		out = append(out, TeamMember{ID: u.ID, Name: name, Role: u.Role, Regions: u.Regions})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
