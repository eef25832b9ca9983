package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Load stores the demo dataset and the demo users through f (which checks
// every record: workflow.ImportHistory). It is idempotent: records have
// fixed ids, so a second load adds nothing, and a demo user whose email
// already exists on s is kept as it is (its id becomes the owner of the
// records).
func Load(ctx context.Context, f *workflow.Flows, s *store.Store, now time.Time) (store.DatasetCounts, error) {
	ids, newUsers, err := resolveUsers(ctx, s, now)
	if err != nil {
		return store.DatasetCounts{}, err
	}
	d := Build(now, ids)
	d.Users = newUsers
	n, err := f.ImportHistory(ctx, model.SystemActor, d)
	if err != nil {
		return n, err
	}
	// Saved like synced mail, so they are matched to the demo stakeholders;
	// known ids are left as they are.
	created, err := f.SaveMessages(ctx, Messages(now))
	for _, c := range created {
		if c {
			n.Messages++
		}
	}
	return n, err
}

// resolveUsers maps each demo user key to the id of the existing account with
// its email, or to a fixed new id with a freshly hashed password.
func resolveUsers(ctx context.Context, s *store.Store, now time.Time) (map[string]bson.ObjectID, []model.User, error) {
	ids := map[string]bson.ObjectID{}
	var fresh []model.User
	var hash string
	for _, u := range Users {
		existing, err := s.UserByEmail(ctx, u.Email)
		if err == nil {
			ids[u.Key] = existing.ID
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, nil, err
		}
		if hash == "" {
			// One hash for all: argon2id is slow on purpose, and they share the password.
			if hash, err = auth.HashPassword(Password); err != nil {
				return nil, nil, fmt.Errorf("demo: hash password: %w", err)
			}
		}
		ids[u.Key] = ID("user-" + u.Key)
		fresh = append(fresh, model.User{ID: ids[u.Key], Email: u.Email, Name: u.Name, Role: u.Role, Regions: u.Regions,
			PasswordHash: hash, Version: 1, CreatedAt: now.UTC(), UpdatedAt: now.UTC()})
	}
	return ids, fresh, nil
}

// ErrReferenceLoaded says the reference dataset is already in the database.
var ErrReferenceLoaded = errors.New("demo: the reference dataset is already loaded")

// LoadReference stores the reference dataset at scale with its mailbox
// (ReferenceMessages) through f (workflow.ImportHistory: every record
// checked, then bulk inserts). It is meant for an empty database
// (benchmarks, load tests): records already stored are kept, so after an
// interrupted load it stores the rest, and when every record is stored
// already it answers ErrReferenceLoaded.
func LoadReference(ctx context.Context, f *workflow.Flows, scale float64, now time.Time) (store.DatasetCounts, error) {
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return store.DatasetCounts{}, fmt.Errorf("demo: hash password: %w", err)
	}
	ids := ReferenceUserIDs()
	var users []model.User
	for _, u := range refUsers {
		users = append(users, model.User{ID: ids[u.Key], Email: u.Email, Name: u.Name, Role: u.Role, Regions: u.Regions,
			PasswordHash: hash, Version: 1, CreatedAt: now.UTC(), UpdatedAt: now.UTC()})
	}
	d := Reference(scale, now, ids)
	d.Users = users
	// The mailbox is stored as it is built, never held whole.
	d.MessageTotal = refMessageTotal(scale)
	d.MessageBatches = func(yield func([]model.IncomingMessage, error) bool) {
		for batch := range ReferenceMessageBatches(scale, now, d, ids, 5000) {
			if !yield(batch, nil) {
				return
			}
		}
	}
	n, err := f.ImportHistory(ctx, model.SystemActor, d)
	if err == nil && n == (store.DatasetCounts{}) {
		err = ErrReferenceLoaded
	}
	return n, err
}

// ReferenceUserIDs maps the key of each reference user to its fixed id.
func ReferenceUserIDs() map[string]bson.ObjectID {
	ids := map[string]bson.ObjectID{}
	for _, u := range refUsers {
		ids[u.Key] = ID(u.Key)
	}
	return ids
}
