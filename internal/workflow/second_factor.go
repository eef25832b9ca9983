package workflow

import (
	"context"
	"errors"
	"strings"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Second factor (TOTP with recovery codes). The key seals the secrets at
// rest; it is derived from the JWT secret, so every instance has it.

var (
	// ErrSecondFactorRequired means the user has a second factor and sent no code.
	ErrSecondFactorRequired = errors.New("workflow: second factor code required")
	// ErrSecondFactorInvalid means the code is wrong, expired, already used,
	// or a recovery code that is not (or no longer) valid.
	ErrSecondFactorInvalid = errors.New("workflow: second factor code wrong or used")
)

// totpIssuer names the app in authenticator apps.
const totpIssuer = "Alianza"

// TOTPEnrolment is a new secret, shown once, and its otpauth URI.
type TOTPEnrolment struct {
	Secret string
	URI    string
}

// SecondFactorOf returns me's enrolment, nil when none.
func (f *Flows) SecondFactorOf(ctx context.Context, id bson.ObjectID) (*store.SecondFactor, error) {
	sf, err := f.st.SecondFactorOf(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return sf, err
}

// StartTOTP makes a new pending secret for me. It replaces a pending one,
// but while a second factor is on, only with a current code of it: someone
// holding a stolen session cannot move the factor to their own phone.
func (f *Flows) StartTOTP(ctx context.Context, me *model.User, key []byte, code string) (TOTPEnrolment, error) {
	sf, err := f.SecondFactorOf(ctx, me.ID)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	if sf.Active() {
		if err := f.useTOTPCode(ctx, me, key, sf, code); err != nil {
			return TOTPEnrolment{}, codeProblem(err)
		}
	}
	secret, uri, err := auth.NewTOTP(totpIssuer, me.Email)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	sealed, err := store.SealSecondFactor(key, me.ID, secret)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	if err := f.st.SetPendingSecondFactor(ctx, me.Actor(), me.ID, sealed); err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{Secret: secret, URI: uri}, nil
}

// ConfirmTOTP turns on me's pending secret when code is one of its codes,
// and returns the new recovery codes: shown once, stored hashed. Earlier
// recovery codes stop working.
func (f *Flows) ConfirmTOTP(ctx context.Context, me *model.User, key []byte, code string) ([]string, error) {
	sf, err := f.SecondFactorOf(ctx, me.ID)
	if err != nil {
		return nil, err
	}
	if sf == nil || sf.Pending == "" {
		var p model.Problems
		p.Add("code", "start the enrolment first")
		return nil, p.Err()
	}
	secret, err := store.OpenSecondFactor(key, me.ID, sf.Pending)
	if err != nil {
		return nil, err
	}
	step, ok := auth.MatchTOTP(secret, compactCode(code), f.st.Now())
	if !ok {
		return nil, codeProblem(ErrSecondFactorInvalid)
	}
	codes := auth.NewRecoveryCodes()
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = auth.HashRecoveryCode(c)
	}
	if err := f.st.EnableSecondFactor(ctx, me.Actor(), me.ID, sf.Pending, step, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// CheckSecondFactor is the second step of u's sign-in: nil when u has no
// second factor on, or code is an unused current code or an unused
// recovery code (which is then spent).
func (f *Flows) CheckSecondFactor(ctx context.Context, u *model.User, key []byte, code string) error {
	sf, err := f.SecondFactorOf(ctx, u.ID)
	if err != nil || !sf.Active() {
		return err
	}
	if c := compactCode(code); c == "" || auth.IsTOTPCode(c) {
		return f.useTOTPCode(ctx, u, key, sf, code)
	}
	// Recovery codes are 14 characters with dashes; anything much longer
	// is not one (and is not worth a hash).
	if len(code) > 64 {
		return ErrSecondFactorInvalid
	}
	ok, err := f.st.UseRecoveryCode(ctx, u.Actor(), u.ID, auth.HashRecoveryCode(code))
	if err != nil {
		return err
	}
	if !ok {
		return ErrSecondFactorInvalid
	}
	return nil
}

// useTOTPCode accepts code when it is the code of sf's secret for a step
// within a step of now that is later than the last one used, and records
// that step as used.
func (f *Flows) useTOTPCode(ctx context.Context, u *model.User, key []byte, sf *store.SecondFactor, code string) error {
	code = compactCode(code)
	if code == "" {
		return ErrSecondFactorRequired
	}
	secret, err := store.OpenSecondFactor(key, u.ID, sf.Secret)
	if err != nil {
		return err
	}
	step, ok := auth.MatchTOTP(secret, code, f.st.Now())
	if !ok {
		return ErrSecondFactorInvalid
	}
	fresh, err := f.st.UseTOTPStep(ctx, u.ID, step)
	if err != nil {
		return err
	}
	if !fresh {
		return ErrSecondFactorInvalid
	}
	return nil
}

// ResetSecondFactor turns off the second factor of user id, for an admin
// whose regions cover the user's (model.CanResetSecondFactor). The user
// signs in with the password alone next time, or must enrol again where
// their role requires it.
func (f *Flows) ResetSecondFactor(ctx context.Context, me *model.User, id bson.ObjectID) error {
	target, err := f.st.UserByID(ctx, id)
	if err != nil {
		return err
	}
	if !me.CanResetSecondFactor(target) {
		return model.ErrForbidden
	}
	return f.st.RemoveSecondFactor(ctx, me.Actor(), id)
}

// compactCode drops the spaces people type in the middle of a code.
func compactCode(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), " ", "") }

// codeProblem turns a wrong or missing code into a validation problem on
// the field "code" (enrolment forms, not sign-in).
func codeProblem(err error) error {
	var p model.Problems
	switch {
	case errors.Is(err, ErrSecondFactorRequired):
		p.Add("code", "enter a current code of your authenticator app")
	case errors.Is(err, ErrSecondFactorInvalid):
		p.Add("code", "is not a current code of your authenticator app, or was already used")
	default:
		return err
	}
	return p.Err()
}
