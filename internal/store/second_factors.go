package store

import (
	"context"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// colSecondFactors holds each user's TOTP secret (encrypted) and recovery
// codes (hashed), apart from the users collection so no user listing,
// export or personal-data answer can carry them.
const colSecondFactors = "second_factors"

// SecondFactor is a user's TOTP enrolment. Pending is a secret shown but not
// yet confirmed; Secret the one in use. Both are sealed with the second
// factor key (SealSecondFactor), bound to the user id.
type SecondFactor struct {
	UserID    bson.ObjectID `bson:"_id"`
	Pending   string        `bson:"pending,omitempty"`
	Secret    string        `bson:"secret,omitempty"`
	EnabledAt time.Time     `bson:"enabled_at,omitempty"`
	// LastStep is the last TOTP step accepted: a code of that step or an
	// earlier one is never accepted again.
	LastStep int64 `bson:"last_step"`
	// Recovery are the hashes of the unused recovery codes.
	Recovery []string `bson:"recovery"`
}

// Active reports whether sign-in needs the second factor.
func (f *SecondFactor) Active() bool { return f != nil && f.Secret != "" }

// SealSecondFactor encrypts a TOTP secret of user id with key (AES-256-GCM,
// the user id as additional data, as mailbox passwords are sealed).
func SealSecondFactor(key []byte, id bson.ObjectID, secret string) (string, error) {
	return encryptPassword(key, id, secret)
}

// OpenSecondFactor decrypts what SealSecondFactor sealed.
func OpenSecondFactor(key []byte, id bson.ObjectID, sealed string) (string, error) {
	return decryptPassword(key, id, sealed)
}

// SecondFactorOf returns the enrolment of user id (ErrNotFound when none).
func (s *Store) SecondFactorOf(ctx context.Context, id bson.ObjectID) (*SecondFactor, error) {
	return findByID[SecondFactor](ctx, s, colSecondFactors, "second factor", id)
}

// SecondFactorsOn returns which of ids have an active second factor.
func (s *Store) SecondFactorsOn(ctx context.Context, ids []bson.ObjectID) (map[bson.ObjectID]bool, error) {
	out := map[bson.ObjectID]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var fs []SecondFactor
	if err := s.col(colSecondFactors).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, coll.FindOptions{}, &fs); err != nil {
		return nil, wrap("find second factors", err)
	}
	for _, f := range fs {
		out[f.UserID] = f.Active()
	}
	return out, nil
}

// secondFactorWrite makes write, a change to user id's second factor that
// answers whether it changed anything, with its audit entry (apply), filed
// under the user entity (its history shows it).
func (s *Store) secondFactorWrite(ctx context.Context, actor model.Actor, id bson.ObjectID, old, new string, write func(ctx context.Context) (bool, error)) error {
	return s.apply(ctx, func(ctx context.Context) ([]Change, error) {
		if changed, err := write(ctx); err != nil || !changed {
			return nil, err
		}
		return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "user", ID: id.Hex(),
			Fields: []model.Change{{Field: "second_factor", Old: old, New: new}}}}, nil
	})
}

// SetPendingSecondFactor keeps sealed as user id's pending secret, in place
// of any earlier pending one; an active secret stays active until the
// pending one is confirmed.
func (s *Store) SetPendingSecondFactor(ctx context.Context, actor model.Actor, id bson.ObjectID, sealed string) error {
	return s.secondFactorWrite(ctx, actor, id, "", "pending", func(ctx context.Context) (bool, error) {
		_, err := s.col(colSecondFactors).Update(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "pending", Value: sealed}}},
				{Key: "$setOnInsert", Value: bson.D{{Key: "last_step", Value: int64(0)}, {Key: "recovery", Value: []string{}}}}},
			coll.UpdateOptions{Upsert: true})
		return true, wrap("set pending second factor", err)
	})
}

// EnableSecondFactor makes the pending secret sealed the active one, with
// step as used and recoveryHashes as the only recovery codes. It fails with
// ErrConflict when the pending secret is no longer sealed (replaced by a
// newer enrolment, or already confirmed).
func (s *Store) EnableSecondFactor(ctx context.Context, actor model.Actor, id bson.ObjectID, sealed string, step int64, recoveryHashes []string) error {
	return s.secondFactorWrite(ctx, actor, id, "", "on", func(ctx context.Context) (bool, error) {
		res, err := s.col(colSecondFactors).Update(ctx, bson.D{{Key: "_id", Value: id}, {Key: "pending", Value: sealed}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "secret", Value: sealed}, {Key: "enabled_at", Value: s.Now()},
				{Key: "last_step", Value: step}, {Key: "recovery", Value: recoveryHashes}}},
				{Key: "$unset", Value: bson.D{{Key: "pending", Value: ""}}}}, coll.UpdateOptions{})
		if err != nil {
			return false, wrap("enable second factor", err)
		}
		if res.Matched == 0 {
			return false, fmt.Errorf("store: enable second factor: %w", ErrConflict)
		}
		return true, nil
	})
}

// UseTOTPStep records step as used by user id's active factor and reports
// whether it was still unused (later than the last one used). The
// condition and the write are one update, so two sign-ins with one code
// cannot both pass.
func (s *Store) UseTOTPStep(ctx context.Context, id bson.ObjectID, step int64) (bool, error) {
	res, err := s.col(colSecondFactors).Update(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "secret", Value: bson.D{{Key: "$gt", Value: ""}}}, {Key: "last_step", Value: bson.D{{Key: "$lt", Value: step}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "last_step", Value: step}}}}, coll.UpdateOptions{})
	if err != nil {
		return false, wrap("use totp step", err)
	}
	return res.Matched == 1, nil
}

// UseRecoveryCode removes the recovery code whose hash is hash from user
// id's active factor and reports whether it was there (each works once).
func (s *Store) UseRecoveryCode(ctx context.Context, actor model.Actor, id bson.ObjectID, hash string) (bool, error) {
	used := false
	err := s.secondFactorWrite(ctx, actor, id, "", "recovery code used", func(ctx context.Context) (bool, error) {
		res, err := s.col(colSecondFactors).Update(ctx,
			bson.D{{Key: "_id", Value: id}, {Key: "secret", Value: bson.D{{Key: "$gt", Value: ""}}}, {Key: "recovery", Value: hash}},
			bson.D{{Key: "$pull", Value: bson.D{{Key: "recovery", Value: hash}}}}, coll.UpdateOptions{})
		if err != nil {
			return false, wrap("use recovery code", err)
		}
		used = res.Matched > 0
		return used, nil
	})
	return used && err == nil, err
}

// RemoveSecondFactor turns user id's second factor off (an admin's reset):
// the next sign-in needs the password only, or an enrolment where one is
// required. ErrNotFound when there was none.
func (s *Store) RemoveSecondFactor(ctx context.Context, actor model.Actor, id bson.ObjectID) error {
	return s.secondFactorWrite(ctx, actor, id, "on", "off (reset)", func(ctx context.Context) (bool, error) {
		res, err := s.col(colSecondFactors).Delete(ctx, bson.D{{Key: "_id", Value: id}}, false)
		if err != nil {
			return false, wrap("remove second factor", err)
		}
		if res == 0 {
			return false, fmt.Errorf("store: remove second factor: %w", ErrNotFound)
		}
		return true, nil
	})
}
