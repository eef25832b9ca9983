// Package api is Alianza's HTTP API: one route table, one error handler,
// handlers that call the store directly.
package api

import (
	"io/fs"
	"log/slog"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/store"
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
	// LoginMax is the number of failed logins allowed per account in
	// LoginWindow (per IP: four times as many). Zero uses the defaults.
	LoginMax    int
	LoginWindow time.Duration
	// BodyLimit caps request bodies (default 10 MiB, for CSV imports).
	BodyLimit int

	// MailboxKey encrypts mailbox passwords at rest (store.MailboxKey of
	// the JWT secret). Without it mailboxes cannot be added or attachments
	// downloaded.
	MailboxKey []byte
	// TeamDomains are the team's mail domains (ALIANZA_TEAM_DOMAINS):
	// their addresses are never offered as unmatched.
	TeamDomains []string
	// AwaitingReplyDays is N of awaiting_reply (default 7).
	AwaitingReplyDays int
	// AttachmentMaxBytes caps attachment downloads (default 25 MiB).
	AttachmentMaxBytes int64
	// IMAPTimeout bounds each IMAP step of an attachment download (default 30s).
	IMAPTimeout time.Duration
	// DataDir is the embedded engine's data folder (database size, last
	// backup); empty on MongoDB.
	DataDir string
}

// API holds the handlers' dependencies.
type API struct {
	store  *store.Store
	tokens *auth.Tokens
	log    *slog.Logger
	opts   Options
}

// New builds the Fiber app with every route.
func New(o Options) *fiber.App {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.LoginMax == 0 {
		o.LoginMax = 5
	}
	if o.LoginWindow == 0 {
		o.LoginWindow = 15 * time.Minute
	}
	if o.BodyLimit == 0 {
		o.BodyLimit = 10 << 20
	}
	a := &API{store: o.Store, tokens: o.Tokens, log: o.Log, opts: o}
	app := fiber.New(fiber.Config{
		AppName:               "alianza",
		ErrorHandler:          a.errorHandler,
		BodyLimit:             o.BodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		StrictRouting:         false,
	})
	app.Use(recover.New())
	app.Use(requestid.New(requestid.Config{Generator: func() string { return auth.RandomToken(9) }}))
	app.Use(a.accessLog)
	app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
			"connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
		ReferrerPolicy:            "no-referrer",
		XFrameOptions:             "DENY",
		CrossOriginEmbedderPolicy: "unsafe-none",
		PermissionPolicy:          "camera=(), microphone=(), geolocation=()",
	}))
	app.Use(compress.New())
	a.register(app)
	return app
}

// accessLog logs one line per request with its id; no query strings or
// bodies, which may hold personal data.
func (a *API) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		// The error handler has not run yet; log what it will answer.
		status = statusOf(err)
	}
	lvl := slog.LevelInfo
	if status >= 500 {
		lvl = slog.LevelError
	}
	a.log.Log(c.UserContext(), lvl, "http request", "request_id", requestID(c), "method", c.Method(),
		"path", c.Path(), "status", status, "duration_ms", time.Since(start).Milliseconds())
	return err
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return id
}
