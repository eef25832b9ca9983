package api

import (
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/gofiber/fiber/v2"
)

// Login throttling. Failures are counted per (account, client IP) and per
// client IP, in the database so every instance shares them, and a counter
// that cannot be read or written refuses the sign-in (503): the throttle
// fails closed. A pair that keeps failing waits longer and longer (1 s
// doubling up to the window) instead of locking the account, so someone
// guessing from one address never locks the real owner out from another.
// Each client IP also has a ceiling of failures per window across accounts.

// loginDelay is how long a pair with n failures waits after its last one.
func loginDelay(n, free int, max time.Duration) time.Duration {
	if n < free {
		return 0
	}
	d := time.Second
	for i := free; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

func (a *API) loginThrottles() []fiber.Handler {
	return []fiber.Handler{a.loginThrottle}
}

func (a *API) loginThrottle(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var body loginRequest
	_ = json.Unmarshal(c.Body(), &body)
	ip := a.clientIP(c)
	pairKey := "pair:" + model.NormalizeEmail(body.Email) + "|" + ip
	ipKey := "ip:" + ip
	unavailable := func(err error) error {
		a.log.ErrorContext(ctx, "login throttle cannot count; sign-in refused", "request_id", requestID(c), "err", err)
		return codedStatus(c, fiber.StatusServiceUnavailable, "login_unavailable")
	}
	tooMany := func(wait time.Duration) error {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
		return codedStatus(c, fiber.StatusTooManyRequests, "login_throttled")
	}
	now := a.store.Now()
	perIP, err := a.store.LoginFailuresOf(ctx, ipKey)
	if err != nil {
		return unavailable(err)
	}
	if perIP.Count >= a.opts.LoginIPMax {
		return tooMany(perIP.ExpiresAt.Sub(now))
	}
	pair, err := a.store.LoginFailuresOf(ctx, pairKey)
	if err != nil {
		return unavailable(err)
	}
	if wait := pair.Last.Add(loginDelay(pair.Count, a.opts.LoginMax, a.opts.LoginWindow)).Sub(now); pair.Count > 0 && wait > 0 {
		return tooMany(wait)
	}
	// Count the attempt before its password is checked, so parallel
	// guesses cannot all pass a check made before any of them counted.
	p, err := a.store.AddLoginFailure(ctx, pairKey, a.opts.LoginWindow)
	if err != nil {
		return unavailable(err)
	}
	ipf, err := a.store.AddLoginFailure(ctx, ipKey, a.opts.LoginWindow)
	if err != nil {
		a.uncountLogin(c, pairKey)
		return unavailable(err)
	}
	// Attempts counted by others since the check above were made just now:
	// the delay their count calls for has not passed. The refused attempt
	// stays counted (it is part of the burst).
	if p.Count > pair.Count+1 && loginDelay(p.Count-1, a.opts.LoginMax, a.opts.LoginWindow) > 0 {
		return tooMany(loginDelay(p.Count-1, a.opts.LoginMax, a.opts.LoginWindow))
	}
	if ipf.Count > a.opts.LoginIPMax {
		return tooMany(ipf.ExpiresAt.Sub(now))
	}
	err = c.Next()
	status := c.Response().StatusCode()
	switch {
	case err == nil && c.Locals(loginAsksCode) != nil:
		// The password was right and the second factor's code is to come:
		// not a failure (a wrong code is one).
		a.uncountLogin(c, pairKey)
		a.uncountLogin(c, ipKey)
	case err == nil && status == fiber.StatusUnauthorized:
		// Once per threshold crossed, so an attack shows without flooding
		// the log (no email: logs carry no personal data).
		if p.Count == a.opts.LoginMax || ipf.Count == a.opts.LoginIPMax {
			a.log.WarnContext(ctx, "sign-in failures throttled", "request_id", requestID(c), "client_ip", ip,
				"account_failures", p.Count, "ip_failures", ipf.Count)
		}
	case err == nil && status == fiber.StatusOK:
		// The per-IP counter counts failures only.
		a.uncountLogin(c, ipKey)
		if err := a.store.ClearLoginFailures(ctx, pairKey); err != nil {
			a.log.WarnContext(ctx, "login throttle: clearing failures", "request_id", requestID(c), "err", err)
		}
	default:
		// Not a wrong password (a malformed request, a server error).
		a.uncountLogin(c, pairKey)
		a.uncountLogin(c, ipKey)
	}
	return err
}

// uncountLogin takes back an attempt counted by the login throttle whose
// outcome was not a failed password; failing to only leaves it stricter.
func (a *API) uncountLogin(c *fiber.Ctx, key string) {
	if err := a.store.UncountLoginAttempt(c.UserContext(), key); err != nil {
		a.log.WarnContext(c.UserContext(), "login throttle: uncounting an attempt", "request_id", requestID(c), "err", err)
	}
}

// clientIP is the address of the client: the peer, or, when the peer is a
// trusted proxy, the right-most address of X-Forwarded-For that is not a
// trusted proxy itself (the left-most part is whatever the client wrote).
func (a *API) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !a.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled hop: stop at the last proxy we trust
		}
		ip = ip.Unmap()
		if !a.trusted(ip) {
			return ip.String()
		}
		peer = ip
	}
	return peer.String()
}

func (a *API) trusted(ip netip.Addr) bool {
	for _, p := range a.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// parseProxies reads IPs and CIDRs (validated by config); bad entries are
// skipped so an API built in a test never trusts more than it was told.
func parseProxies(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		} else if ip, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
		}
	}
	return out
}
