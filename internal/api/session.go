package api

import (
	"encoding/json"
	"errors"
	"net"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
)

const refreshCookie = "alianza_refresh"

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	AccessToken string   `json:"access_token"`
	TokenType   string   `json:"token_type"`
	ExpiresIn   int      `json:"expires_in"`
	User        userView `json:"user"`
}

// loginThrottles count failed logins per account and per IP in the database,
// so every app instance shares the counts. Successful logins are not counted.
func (a *API) loginThrottles() []fiber.Handler {
	reached := func(c *fiber.Ctx) error {
		return sendProblem(c, problem(fiber.StatusTooManyRequests,
			"Too many failed sign-in attempts. Wait before trying again."))
	}
	perAccount := limiter.New(limiter.Config{
		Max: a.opts.LoginMax, Expiration: a.opts.LoginWindow, SkipSuccessfulRequests: true,
		Storage: a.store.KV("throttle:acct:"), LimitReached: reached,
		KeyGenerator: func(c *fiber.Ctx) string {
			var r loginRequest
			_ = json.Unmarshal(c.Body(), &r)
			return model.NormalizeEmail(r.Email)
		},
	})
	perIP := limiter.New(limiter.Config{
		Max: a.opts.LoginMax * 4, Expiration: a.opts.LoginWindow, SkipSuccessfulRequests: true,
		Storage: a.store.KV("throttle:ip:"), LimitReached: reached,
		KeyGenerator: func(c *fiber.Ctx) string { return c.IP() },
	})
	return []fiber.Handler{perIP, perAccount}
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
		return sendProblem(c, problem(fiber.StatusUnauthorized, "Wrong email or password."))
	}
	return a.startSession(c, u, auth.RandomToken(16))
}

// startSession issues an access token and a refresh cookie of family.
func (a *API) startSession(c *fiber.Ctx, u *model.User, family string) error {
	access, err := a.tokens.Issue(u)
	if err != nil {
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
	return c.JSON(tokenResponse{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(auth.AccessTTL.Seconds()), User: viewUser(u)})
}

func (a *API) refresh(c *fiber.Ctx) error {
	tok := c.Cookies(refreshCookie)
	if tok == "" {
		return auth.ErrUnauthenticated
	}
	ctx := c.UserContext()
	old, err := a.store.UseRefreshToken(ctx, auth.HashToken(tok))
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

// setRefreshCookie scopes the cookie to the auth routes. It is Secure except
// on plain-HTTP loopback, where browsers would otherwise drop it in development.
func (a *API) setRefreshCookie(c *fiber.Ctx, val string, ttl time.Duration) {
	ck := &fiber.Cookie{
		Name: refreshCookie, Value: val, Path: "/api/v1/auth", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
		Secure: c.Protocol() == "https" || !isLoopbackHost(c.Hostname()),
	}
	if ttl < 0 {
		ck.Expires = time.Unix(0, 0)
		ck.MaxAge = -1
	} else {
		ck.MaxAge = int(ttl.Seconds())
	}
	c.Cookie(ck)
}

// isLoopbackHost is model.IsLoopbackHost for a Host header that may carry a port.
func isLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	return model.IsLoopbackHost(host)
}
