package api

import (
	"errors"
	"time"
	"unicode/utf8"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

const refreshCookie = "alianza_refresh"

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// TOTP is a current code of the user's authenticator app, or one of
	// their recovery codes, when they have a second factor on.
	TOTP string `json:"totp,omitempty"`
}

type tokenResponse struct {
	AccessToken string   `json:"access_token"`
	TokenType   string   `json:"token_type"`
	ExpiresIn   int      `json:"expires_in"`
	User        userView `json:"user"`
}

// login answers failures itself (not through the error handler) so the
// throttles see the 401 and count it.
func (a *API) login(c *fiber.Ctx) error {
	var in loginRequest
	if err := decode(c, &in); err != nil {
		var p *Problem
		if errors.As(err, &p) {
			return sendProblem(c, p)
		}
		return err
	}
	if utf8.RuneCountInString(in.Password) > model.MaxPasswordLength {
		// No stored password is this long; do not spend a hash on it.
		return sendProblem(c, coded(c, fiber.StatusUnauthorized, "login_failed"))
	}
	ctx := c.UserContext()
	u, err := a.store.UserByEmail(ctx, in.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	ok := false
	if u == nil {
		auth.CheckDummy(in.Password)
	} else if ok, err = auth.CheckPassword(u.PasswordHash, in.Password); err != nil {
		return err
	}
	if !ok || u.Disabled {
		// One message whether or not the account exists.
		return sendProblem(c, coded(c, fiber.StatusUnauthorized, "login_failed"))
	}
	if ok, err := a.secondStep(c, u, in.TOTP); !ok {
		return err
	}
	return a.startSession(c, u, auth.RandomToken(16))
}

// startSession issues an access token and a refresh cookie of family.
func (a *API) startSession(c *fiber.Ctx, u *model.User, family string) error {
	access, err := a.tokens.Issue(u)
	if err != nil {
		return err
	}
	view := []userView{viewUser(u)}
	if err := a.markTwoFactor(c, view); err != nil {
		return err
	}
	refresh := auth.RandomToken(32)
	if err := a.store.SaveRefreshToken(c.UserContext(), store.RefreshToken{
		Hash: auth.HashToken(refresh), Family: family, UserID: u.ID, ExpiresAt: a.store.Now().Add(auth.RefreshTTL),
	}); err != nil {
		return err
	}
	a.setRefreshCookie(c, refresh, auth.RefreshTTL)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(tokenResponse{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(auth.AccessTTL.Seconds()), User: view[0]})
}

func (a *API) refresh(c *fiber.Ctx) error {
	tok := c.Cookies(refreshCookie)
	if tok == "" {
		return auth.ErrUnauthenticated
	}
	ctx := c.UserContext()
	old, err := a.store.UseRefreshToken(ctx, auth.HashToken(tok), a.refreshClient(c), refreshGrace)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrTokenReused) {
		if errors.Is(err, store.ErrTokenReused) {
			a.log.WarnContext(ctx, "refresh token reused; session family revoked", "request_id", requestID(c))
		}
		a.setRefreshCookie(c, "", -time.Hour)
		return auth.ErrUnauthenticated
	}
	if err != nil {
		return err
	}
	u, err := a.store.UserByID(ctx, old.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		return auth.ErrUnauthenticated
	}
	if err != nil {
		return err
	}
	return a.startSession(c, u, old.Family)
}

// refreshGrace is how long a just-rotated refresh token is still accepted,
// once, from the same client (two tabs refreshing together).
const refreshGrace = 30 * time.Second

// refreshClient identifies the client presenting a refresh token.
func (a *API) refreshClient(c *fiber.Ctx) string {
	return auth.HashToken(a.clientIP(c) + "|" + c.Get(fiber.HeaderUserAgent))
}

func (a *API) logout(c *fiber.Ctx) error {
	if tok := c.Cookies(refreshCookie); tok != "" {
		fam, err := a.store.RefreshTokenFamily(c.UserContext(), auth.HashToken(tok))
		if err == nil {
			err = a.store.RevokeFamily(c.UserContext(), fam)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	a.setRefreshCookie(c, "", -time.Hour)
	return c.SendStatus(fiber.StatusNoContent)
}

// setRefreshCookie scopes the cookie to the auth routes. It is Secure when
// the request really came over HTTPS: TLS here, or X-Forwarded-Proto from a
// trusted proxy (a Host header proves nothing about the scheme).
func (a *API) setRefreshCookie(c *fiber.Ctx, val string, ttl time.Duration) {
	ck := &fiber.Cookie{
		Name: refreshCookie, Value: val, Path: "/api/v1/auth", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
		Secure: c.Protocol() == "https",
	}
	if ttl < 0 {
		ck.Expires = time.Unix(0, 0)
		ck.MaxAge = -1
	} else {
		ck.MaxAge = int(ttl.Seconds())
	}
	c.Cookie(ck)
}
