package api

import (
	"errors"
	"strconv"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Two-factor sign-in (TOTP, RFC 6238) and its recovery codes.

type totpStartRequest struct {
	// Code is a current code of the factor already on; needed to replace it.
	Code string `json:"code,omitempty"`
}

type totpConfirmRequest struct {
	Code string `json:"code"`
}

type totpEnrolmentView struct {
	Secret     string `json:"secret"`
	OTPAuthURI string `json:"otpauth_uri"`
}

type recoveryCodesView struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// totpRoutes: enrolment is the user's own; an admin may reset another
// user's factor. The answers carry secrets, so they are never kept for an
// Idempotency-Key replay (nor cached).
func (a *API) totpRoutes() []route {
	return []route{
		{method: "POST", path: "/me/totp", tag: "auth", summary: "Start (or restart) your two-factor enrolment: a new TOTP secret and its otpauth URI; replacing a factor that is on needs its current code",
			body: totpStartRequest{}, resp: totpEnrolmentView{}, handle: a.startTOTP, noIdempotency: true, more: []int{429}},
		{method: "POST", path: "/me/totp/confirm", tag: "auth", summary: "Turn on the pending second factor with one of its codes; answers 10 single-use recovery codes, shown once",
			body: totpConfirmRequest{}, resp: recoveryCodesView{}, handle: a.confirmTOTP, noIdempotency: true, more: []int{429}},
		{method: "DELETE", path: "/users/:id/totp", status: 204, access: adminOnly, tag: "users", summary: "Reset a user's second factor (lost phone): their next sign-in needs the password only, or a new enrolment where their role requires one",
			handle: a.resetTOTP},
	}
}

// totpKey seals TOTP secrets at rest; every instance derives the same one.
func (a *API) totpKey() []byte { return a.tokens.Derive("alianza totp secret") }

func (a *API) startTOTP(c *fiber.Ctx) error {
	var in totpStartRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	u := auth.User(c)
	var e workflow.TOTPEnrolment
	if err := a.guardCode(c, u, in.Code != "", func() (err error) {
		e, err = a.flows.StartTOTP(c.UserContext(), u, a.totpKey(), in.Code)
		return err
	}); err != nil || c.Response().StatusCode() == fiber.StatusTooManyRequests {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(totpEnrolmentView{Secret: e.Secret, OTPAuthURI: e.URI})
}

func (a *API) confirmTOTP(c *fiber.Ctx) error {
	var in totpConfirmRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	u := auth.User(c)
	var codes []string
	if err := a.guardCode(c, u, true, func() (err error) {
		codes, err = a.flows.ConfirmTOTP(c.UserContext(), u, a.totpKey(), in.Code)
		return err
	}); err != nil || c.Response().StatusCode() == fiber.StatusTooManyRequests {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(recoveryCodesView{RecoveryCodes: codes})
}

func (a *API) resetTOTP(c *fiber.Ctx) error {
	return deleteByID(c, a.flows.ResetSecondFactor)
}

// loginAsksCode marks a sign-in whose password was right and whose code is
// still to come: the login throttle does not count it as a failure.
const loginAsksCode = "login_asks_code"

// secondStep checks the code of u's sign-in when u has a second factor on.
// When it answers false, the answer (401 totp_required or totp_invalid, or
// 429) is written.
func (a *API) secondStep(c *fiber.Ctx, u *model.User, code string) (bool, error) {
	err := a.guardCode(c, u, code != "", func() error {
		return a.flows.CheckSecondFactor(c.UserContext(), u, a.totpKey(), code)
	})
	switch {
	case errors.Is(err, workflow.ErrSecondFactorRequired):
		c.Locals(loginAsksCode, true)
		return false, codedStatus(c, fiber.StatusUnauthorized, "totp_required")
	case errors.Is(err, workflow.ErrSecondFactorInvalid):
		return false, codedStatus(c, fiber.StatusUnauthorized, "totp_invalid")
	case err != nil:
		return false, err
	}
	return c.Response().StatusCode() != fiber.StatusTooManyRequests, nil
}

// guardCode runs check, which tries a second-factor code of u, under a
// throttle of its own per account: a code is six digits, so someone who has
// the password must not get to try them from many addresses. (The login
// throttle counts each wrong code per account and client IP, and per IP,
// too.) A guess that is refused while waiting writes 429 and returns nil.
// guess is false when no code was sent, which is not a guess.
func (a *API) guardCode(c *fiber.Ctx, u *model.User, guess bool, check func() error) error {
	if !guess {
		return check()
	}
	ctx := c.UserContext()
	key := "2fa:" + u.ID.Hex()
	before, err := a.store.LoginFailuresOf(ctx, key)
	if err != nil {
		return err
	}
	window, free := a.opts.LoginWindow, a.opts.LoginMax
	if wait := before.Last.Add(loginDelay(before.Count, free, window)).Sub(a.store.Now()); before.Count > 0 && wait > 0 {
		return a.codeThrottled(c, wait)
	}
	// Counted before the code is checked, so parallel guesses all count.
	after, err := a.store.AddLoginFailure(ctx, key, window)
	if err != nil {
		return err
	}
	if after.Count > before.Count+1 && loginDelay(after.Count-1, free, window) > 0 {
		return a.codeThrottled(c, loginDelay(after.Count-1, free, window))
	}
	err = check()
	var ve *model.ValidationError
	switch {
	case errors.Is(err, workflow.ErrSecondFactorInvalid), errors.As(err, &ve):
		// A wrong code stays counted.
	case err == nil:
		if cerr := a.store.ClearLoginFailures(ctx, key); cerr != nil {
			a.log.WarnContext(ctx, "code throttle: clearing failures", "request_id", requestID(c), "err", cerr)
		}
	default:
		a.uncountLogin(c, key)
	}
	return err
}

func (a *API) codeThrottled(c *fiber.Ctx, wait time.Duration) error {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
	return codedStatus(c, fiber.StatusTooManyRequests, "login_throttled")
}

// enrolRoutes are what a user who must enrol may call before they have.
var enrolRoutes = map[string]bool{
	"GET /api/v1/me": true, "POST /api/v1/me/totp": true, "POST /api/v1/me/totp/confirm": true,
}

// enrolmentGate lets a user whose role requires a second factor
// (ALIANZA_REQUIRE_2FA) and who has none yet call only the enrolment routes;
// everything else answers 403 totp_enrolment_required, and the app takes
// them to enrolment.
func (a *API) enrolmentGate(c *fiber.Ctx) error {
	u := auth.User(c)
	if u == nil || !u.MustUseSecondFactor(a.opts.RequireTwoFactor) || enrolRoutes[c.Method()+" "+c.Route().Path] {
		return c.Next()
	}
	on, err := a.secondFactorOn(c, u.ID)
	if err != nil {
		return err
	}
	if !on {
		return codedStatus(c, fiber.StatusForbidden, "totp_enrolment_required")
	}
	return c.Next()
}

// secondFactorOn reports whether user id signs in with a second factor.
func (a *API) secondFactorOn(c *fiber.Ctx, id bson.ObjectID) (bool, error) {
	sf, err := a.store.SecondFactorOf(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return sf.Active(), err
}

// markTwoFactor fills two_factor in views of users.
func (a *API) markTwoFactor(c *fiber.Ctx, views []userView) error {
	ids := make([]bson.ObjectID, 0, len(views))
	for _, v := range views {
		if id, err := bson.ObjectIDFromHex(v.ID); err == nil {
			ids = append(ids, id)
		}
	}
	on, err := a.store.SecondFactorsOn(c.UserContext(), ids)
	if err != nil {
		return err
	}
	for i := range views {
		id, _ := bson.ObjectIDFromHex(views[i].ID)
		views[i].TwoFactor = on[id]
	}
	return nil
}

// sendUser answers one user with their two_factor flag.
func (a *API) sendUser(c *fiber.Ctx, u *model.User) error {
	v := []userView{viewUser(u)}
	if err := a.markTwoFactor(c, v); err != nil {
		return err
	}
	return c.JSON(v[0])
}

// sendMe answers the signed-in user's own view with their second-factor state.
func (a *API) sendMe(c *fiber.Ctx, u *model.User, p *model.Prefs) error {
	v := viewMe(u, p)
	on, err := a.secondFactorOn(c, u.ID)
	if err != nil {
		return err
	}
	v.TwoFactor, v.TwoFactorRequired = on, u.MustUseSecondFactor(a.opts.RequireTwoFactor)
	return c.JSON(v)
}
