package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrTokenReused means a rotated refresh token was presented again; its whole
// family has been revoked.
var ErrTokenReused = errors.New("refresh token reused")

// RefreshToken is stored under the SHA-256 of the token, so look-ups are _id
// look-ups and a database leak does not leak usable tokens.
type RefreshToken struct {
	Hash      string        `bson:"_id"`
	Family    string        `bson:"family"`
	UserID    bson.ObjectID `bson:"user_id"`
	ExpiresAt time.Time     `bson:"expires_at"`
	CreatedAt time.Time     `bson:"created_at"`
	UsedAt    *time.Time    `bson:"used_at,omitempty"`
	Revoked   bool          `bson:"revoked"`
	// UsedBy identifies the client that used the token (a hash of its
	// user agent and IP); Regraced is set when the grace was spent.
	UsedBy   string `bson:"used_by,omitempty"`
	Regraced bool   `bson:"regraced,omitempty"`
}

// SaveRefreshToken stores a new token of a family.
func (s *Store) SaveRefreshToken(ctx context.Context, t RefreshToken) error {
	t.CreatedAt = s.Now()
	_, err := s.col(colRefreshTokens).Insert(ctx, []any{t}, coll.InsertOptions{})
	return wrap("insert refresh token", err)
}

// UseRefreshToken marks a token used by client and returns it. An unknown,
// expired or revoked one returns ErrNotFound. A token used before revokes
// its family and returns ErrTokenReused, except once within grace of its
// first use by the same client: two tabs refreshing at the same moment both
// present it, and the second gets a sibling in the same family instead of
// signing the user out. A thief replaying it from elsewhere, later or a
// second time still trips reuse detection.
func (s *Store) UseRefreshToken(ctx context.Context, hash, client string, grace time.Duration) (*RefreshToken, error) {
	now := s.Now()
	var t RefreshToken
	err := s.col(colRefreshTokens).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: hash}, {Key: "used_at", Value: nil}, {Key: "revoked", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "used_at", Value: now}, {Key: "used_by", Value: client}}}}, coll.UpdateOptions{ReturnBefore: true}, &t)
	if err == nil {
		if !t.ExpiresAt.After(now) {
			return nil, fmt.Errorf("store: refresh token expired: %w", ErrNotFound)
		}
		return &t, nil
	}
	if err = wrap("use refresh token", err); !isNotFound(err) {
		return nil, err
	}
	// Within the grace: spend it, once, in the same guarded update.
	err = s.col(colRefreshTokens).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: hash}, {Key: "revoked", Value: false}, {Key: "regraced", Value: bson.D{{Key: "$ne", Value: true}}},
			{Key: "used_by", Value: client}, {Key: "used_at", Value: bson.D{{Key: "$gte", Value: now.Add(-grace)}}},
			{Key: "expires_at", Value: bson.D{{Key: "$gt", Value: now}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "regraced", Value: true}}}}, coll.UpdateOptions{ReturnBefore: true}, &t)
	if err == nil {
		return &t, nil
	}
	if err = wrap("use refresh token", err); !isNotFound(err) {
		return nil, err
	}
	var old RefreshToken
	if err := s.col(colRefreshTokens).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}, coll.FindOptions{}, &old); err != nil {
		return nil, wrap("find refresh token", err)
	}
	if old.UsedAt != nil && !old.Revoked {
		if err := s.RevokeFamily(ctx, old.Family); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("store: %w", ErrTokenReused)
	}
	return nil, fmt.Errorf("store: refresh token revoked: %w", ErrNotFound)
}

// RevokeFamily revokes every token of a sign-in session.
func (s *Store) RevokeFamily(ctx context.Context, family string) error {
	_, err := s.col(colRefreshTokens).Update(ctx, bson.D{{Key: "family", Value: family}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}}}}, coll.UpdateOptions{Many: true})
	return wrap("revoke refresh family", err)
}

// RevokeUserTokens signs a user out everywhere (password reset, disabling).
func (s *Store) RevokeUserTokens(ctx context.Context, userID bson.ObjectID) error {
	_, err := s.col(colRefreshTokens).Update(ctx, bson.D{{Key: "user_id", Value: userID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}}}}, coll.UpdateOptions{Many: true})
	return wrap("revoke user tokens", err)
}

// RefreshTokenFamily returns the family of a token, for logout.
func (s *Store) RefreshTokenFamily(ctx context.Context, hash string) (string, error) {
	var t RefreshToken
	if err := s.col(colRefreshTokens).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}, coll.FindOptions{}, &t); err != nil {
		return "", wrap("find refresh token", err)
	}
	return t.Family, nil
}
