// Package api is Alianza's HTTP API: one route table, one error handler,
// handlers that call the store directly.
package api

import (
	"io/fs"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/metrics"
	"github.com/alianza-pe/alianza/internal/notify"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

// Options are what the API needs from main.
type Options struct {
	Store   *store.Store
	Tokens  *auth.Tokens
	Log     *slog.Logger
	UI      fs.FS // the built single-page app; nil serves a plain notice
	Version string
	// LoginMax is the number of failed logins per (account, client IP)
	// before each further attempt waits (1 s, doubling up to LoginWindow);
	// a client IP may fail LoginIPMax times in LoginWindow. The values
	// come resolved from config (ALIANZA_LOGIN_*), like every limit here.
	LoginMax    int
	LoginIPMax  int
	LoginWindow time.Duration
	// TrustedProxies are the IPs and CIDRs of reverse proxies whose
	// X-Forwarded-For and X-Forwarded-Proto are believed (none by default).
	TrustedProxies []string
	// RequireTwoFactor lists the roles that must enrol a second factor
	// before they can do anything else (ALIANZA_REQUIRE_2FA).
	RequireTwoFactor []string
	// BodyLimit caps request bodies (CSV imports are the largest).
	BodyLimit int

	// MailboxKey encrypts mailbox passwords at rest (store.MailboxKey of
	// the JWT secret). Without it mailboxes cannot be added or attachments
	// downloaded.
	MailboxKey []byte
	// AwaitingReplyDays is N of awaiting_reply.
	AwaitingReplyDays int
	// AttachmentMaxBytes caps attachment downloads.
	AttachmentMaxBytes int64
	// IMAPTimeout bounds each IMAP step of an attachment download.
	IMAPTimeout time.Duration
	// SMTPConfigured says whether email digests can be sent (admin page).
	SMTPConfigured bool
	// PublicURL is the app's address (ALIANZA_PUBLIC_URL) for calendar feed
	// links; empty: the listen address (or the request's Host when it names
	// that address or loopback).
	PublicURL string
	// ListenAddr is the address the server listens on (host:port).
	ListenAddr string
	// Flows runs the write workflows on Store (workflow.New(Store) when nil;
	// one per store, shared with the other entry points of the process).
	Flows *workflow.Flows
	// DataDir is the embedded engine's data folder (database size, last
	// backup); empty on MongoDB.
	DataDir string
	// BackupInterval is the scheduled backups' interval; zero when they
	// are off (no ALIANZA_BACKUP_DIR), for the admin page.
	BackupInterval time.Duration
	// Metrics counts requests by route pattern; nil when metrics are off.
	Metrics *metrics.Metrics
}

// API holds the handlers' dependencies.
type API struct {
	store   *store.Store
	flows   *workflow.Flows
	tokens  *auth.Tokens
	log     *slog.Logger
	opts    Options
	proxies []netip.Prefix
	// instance names this process's readiness probe document.
	instance string
	// idemKey keys the fingerprints of idempotent request bodies.
	idemKey []byte
}

// New builds the Fiber app with every route.
func New(o Options) *fiber.App {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	// The limits have no defaults here (config resolves them): a zero would
	// refuse every sign-in or every attachment, so it is a caller's bug.
	if o.LoginMax < 1 || o.LoginIPMax < 1 || o.LoginWindow <= 0 || o.BodyLimit < 1 ||
		o.AwaitingReplyDays < 1 || o.AttachmentMaxBytes < 1 || o.IMAPTimeout <= 0 {
		panic("api: Options without its limits; pass the values config resolves")
	}
	if o.Flows == nil {
		o.Flows = workflow.New(o.Store)
	}
	a := &API{store: o.Store, flows: o.Flows, tokens: o.Tokens, log: o.Log, opts: o, proxies: parseProxies(o.TrustedProxies),
		instance: auth.RandomToken(8), idemKey: o.Tokens.Derive("alianza idempotency fingerprint")}
	app := fiber.New(fiber.Config{
		AppName:               "alianza",
		ErrorHandler:          a.errorHandler,
		BodyLimit:             o.BodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		StrictRouting:         false,
		// One spelling per route: "/STAKEHOLDERS" is not "/stakeholders"
		// (a trailing slash is still accepted; Idempotency-Key keys on the
		// route either way).
		CaseSensitive: true,
		// The scheme (c.Protocol: HSTS, Secure cookies) comes from
		// X-Forwarded-Proto only when the peer is a trusted proxy.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          o.TrustedProxies,
	})
	app.Use(recover.New())
	app.Use(dropBadRequestID)
	app.Use(requestid.New(requestid.Config{Generator: func() string { return auth.RandomToken(9) }}))
	app.Use(a.accessLog)
	app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
			"connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
		ReferrerPolicy:            "no-referrer",
		XFrameOptions:             "DENY",
		CrossOriginEmbedderPolicy: "unsafe-none",
		PermissionPolicy:          "camera=(), microphone=(), geolocation=()",
		// Sent only on HTTPS (helmet checks c.Protocol, which trusts only
		// configured proxies); other hosts of the domain are not ours to pin.
		HSTSMaxAge:            31536000,
		HSTSExcludeSubdomains: true,
	}))
	app.Use(compress.New())
	a.register(app)
	return app
}

// accessLog logs one line per request with its id, the signed-in user's id,
// the client IP (through trusted proxies only) and the response size; no
// query strings or bodies, which may hold personal data. It also feeds the
// request metrics.
func (a *API) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		// Answer the error here, as Fiber's logger does, so the status and
		// size logged and counted are the ones sent.
		if herr := a.errorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	lvl := slog.LevelInfo
	if status >= 500 {
		lvl = slog.LevelError
	}
	path := c.Path()
	// The router ignores case, so the check must too.
	if strings.HasPrefix(strings.ToLower(path), calendarPrefix) {
		path = calendarPrefix + "{token}.ics" // the token is a password
	} else if strings.HasPrefix(strings.ToLower(path), notify.UnsubscribePath) {
		path = notify.UnsubscribePath + "{token}" // it turns someone's digest off
	}
	took := time.Since(start)
	a.opts.Metrics.Request(routePattern(c), c.Method(), status, took)
	attrs := []any{"request_id", requestID(c), "method", c.Method(), "path", path, "status", status,
		"duration_ms", took.Milliseconds(), "bytes", responseSize(c), "client_ip", a.clientIP(c)}
	if u := auth.User(c); u != nil {
		attrs = append(attrs, "user_id", u.ID.Hex())
	}
	a.log.Log(c.UserContext(), lvl, "http request", attrs...)
	return nil
}

// auditGuard refuses to acknowledge a change whose audit entry could not be
// written: the store notes the failure in the request context, and the
// answer becomes an error (logged) instead of the handler's success.
func (a *API) auditGuard(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	ctx, check := store.WithAuditCheck(c.UserContext())
	c.SetUserContext(ctx)
	err := c.Next()
	if aerr := check(); aerr != nil {
		c.Response().Header.Del(fiber.HeaderSetCookie)
		return aerr
	}
	return err
}

// dropBadRequestID removes a client X-Request-Id that is not a short token
// of letters, digits, '-', '_' or '.', so the request id middleware makes
// one: the id goes into every log line and back in the response.
func dropBadRequestID(c *fiber.Ctx) error {
	if v := c.Get(fiber.HeaderXRequestID); v != "" && !validRequestID(v) {
		c.Request().Header.Del(fiber.HeaderXRequestID)
	}
	return c.Next()
}

func validRequestID(v string) bool {
	if len(v) > 64 {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return id
}
