// Package config reads Alianza's settings from the environment and flags.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
)

// The IMAP TLS modes are model.TLSImplicit, model.TLSStartTLS and model.TLSNone.

// IMAP is the shared mailbox configured by environment.
type IMAP struct {
	Addr     string // host:port; empty: no mailbox from the environment
	TLS      string
	User     string
	Password string
	Folders  []string
	Interval time.Duration
	// Timeout bounds each network step of a sync (per message while
	// fetching); AttachmentTimeout each step of an attachment download.
	Timeout, AttachmentTimeout time.Duration
	// MinBackoff and MaxBackoff are the first and the longest wait after
	// failed syncs; LeaseTTL is how long a mailbox lease lasts unless
	// renewed. They have no flag: they are tuning, resolved here so the
	// syncer has no defaults of its own.
	MinBackoff, MaxBackoff, LeaseTTL time.Duration
}

// Login limits sign-in attempts (the login throttle).
type Login struct {
	// MaxFailures is the number of failed sign-ins per (account, client
	// IP) before each further attempt waits (1 s, doubling up to Window).
	MaxFailures int
	// MaxIPFailures is the ceiling of failures per client IP in Window,
	// across accounts.
	MaxIPFailures int
	// Window is how long failures are remembered, and the longest wait.
	Window time.Duration
}

// Config is every setting of the binary.
type Config struct {
	Addr              string
	DataDir           string
	MongoURI          string
	MongoDB           string
	JWTSecret         string
	AdminEmail        string
	AdminPassword     string
	IMAP              IMAP
	SMTP              SMTP
	PublicURL         string // the app's address in links sent by email and calendar feeds
	TeamDomains       []string
	AwaitingReplyDays int
	Login             Login
	// RequireTwoFactor lists the roles that must sign in with a second
	// factor (ALIANZA_REQUIRE_2FA): until such a user enrols, they can only enrol.
	RequireTwoFactor []string
	// AttachmentMaxBytes caps attachment downloads through the app.
	AttachmentMaxBytes int64
	// BodyLimit caps request bodies (CSV imports are the largest).
	BodyLimit int
	// RemindersInterval is how often serve looks for due email digests.
	RemindersInterval time.Duration
	ShutdownTimeout   time.Duration
	LogFormat         string // json | text | auto
	LogLevel          string
	// TrustedProxies are the IPs and CIDRs of reverse proxies whose
	// X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustedProxies []string
	Backup         Backup
	// MetricsAddr is where Prometheus metrics are served; empty: nowhere.
	MetricsAddr string
}

// Backup schedules backups of the embedded database.
type Backup struct {
	Dir      string // empty: no scheduled backups
	Interval time.Duration
	Keep     int
}

// setting describes one flag and its environment variable.
type setting struct {
	name, env, usage, def string
	secret                bool // also read from ENV_FILE
	dst                   *string
}

// rawSettings are the settings as strings, before parsing.
type rawSettings struct {
	addr, dataDir, uri, db, jwt, adminEmail, adminPw                     string
	imapAddr, imapTLS, imapUser, imapPw, imapFolders, imapEvery, domains string
	imapTimeout, imapAttTimeout                                          string
	awaitDays, shutdown, logFormat, logLevel, proxies                    string
	loginMax, loginIPMax, loginWindow, attachMB, bodyMB, remindEvery     string
	require2FA                                                           string
	smtp                                                                 smtpRaw
	publicURL                                                            string
	backupDir, backupEvery, backupKeep                                   string
	metricsAddr                                                          string
}

// settings lists every flag with its environment variable and default: the
// one place a default is written (--help shows it, Defaults resolves it).
func (raw *rawSettings) settings() []setting {
	settings := []setting{
		{"addr", "ALIANZA_ADDR", "HTTP listen address", "127.0.0.1:8080", false, &raw.addr},
		{"data-dir", "ALIANZA_DATA_DIR", "data folder (embedded database, generated secret)", "./data", false, &raw.dataDir},
		{"mongo-uri", "ALIANZA_MONGO_URI", "MongoDB connection string; empty starts the embedded engine in the data folder", "", true, &raw.uri},
		{"mongo-db", "ALIANZA_MONGO_DB", "database name", "alianza", false, &raw.db},
		{"jwt-secret", "ALIANZA_JWT_SECRET", "HS256 secret, at least 32 bytes; empty: generated once and kept in the data folder", "", true, &raw.jwt},
		{"admin-email", "ALIANZA_ADMIN_EMAIL", "first admin, created when there is no user", "", false, &raw.adminEmail},
		{"admin-password", "ALIANZA_ADMIN_PASSWORD", "first admin's password (12+ characters)", "", true, &raw.adminPw},
		{"imap-addr", "ALIANZA_IMAP_ADDR", "shared mailbox server host:port; empty: no mailbox from the environment", "", false, &raw.imapAddr},
		{"imap-tls", "ALIANZA_IMAP_TLS", "implicit | starttls | none (none only on loopback)", model.TLSImplicit, false, &raw.imapTLS},
		{"imap-user", "ALIANZA_IMAP_USER", "mailbox user", "", false, &raw.imapUser},
		{"imap-password", "ALIANZA_IMAP_PASSWORD", "mailbox password", "", true, &raw.imapPw},
		{"imap-folders", "ALIANZA_IMAP_FOLDERS", "comma-separated folders; the \\Sent folder is added by SPECIAL-USE", "INBOX", false, &raw.imapFolders},
		{"imap-interval", "ALIANZA_IMAP_INTERVAL", "polling interval when the server has no IDLE", "2m", false, &raw.imapEvery},
		{"imap-timeout", "ALIANZA_IMAP_TIMEOUT", "time limit of each network step of a mailbox sync (each message while fetching)", "60s", false, &raw.imapTimeout},
		{"imap-attachment-timeout", "ALIANZA_IMAP_ATTACHMENT_TIMEOUT", "time limit of each network step of an attachment download", "30s", false, &raw.imapAttTimeout},
		{"attachment-max-mb", "ALIANZA_ATTACHMENT_MAX_MB", "largest attachment the app downloads from the mail server, in MB", "25", false, &raw.attachMB},
		{"team-domains", "ALIANZA_TEAM_DOMAINS", "comma-separated email domains of the team (outbound mail)", "", false, &raw.domains},
		{"awaiting-reply-days", "ALIANZA_AWAITING_REPLY_DAYS", "days after which an unanswered outbound follow-up is awaiting reply", "7", false, &raw.awaitDays},
		{"login-failures", "ALIANZA_LOGIN_FAILURES", "failed sign-ins per account and client IP before each further attempt waits (1s, doubling up to the window)", "5", false, &raw.loginMax},
		{"login-ip-failures", "ALIANZA_LOGIN_IP_FAILURES", "failed sign-ins per client IP, across accounts, before it is refused until the window ends", "20", false, &raw.loginIPMax},
		{"login-window", "ALIANZA_LOGIN_WINDOW", "how long failed sign-ins are counted, and the longest wait", "15m", false, &raw.loginWindow},
		{"require-2fa", "ALIANZA_REQUIRE_2FA", "comma-separated roles that must use a second factor (TOTP) to sign in, e.g. admin,manager; until they enrol they can only enrol", "", false, &raw.require2FA},
		{"body-limit-mb", "ALIANZA_BODY_LIMIT_MB", "largest request body, in MB (CSV imports)", "10", false, &raw.bodyMB},
		{"shutdown-timeout", "ALIANZA_SHUTDOWN_TIMEOUT", "how long in-flight requests may take at shutdown", "20s", false, &raw.shutdown},
		{"log-format", "ALIANZA_LOG_FORMAT", "json | text | auto (json when not on a terminal)", "auto", false, &raw.logFormat},
		{"log-level", "ALIANZA_LOG_LEVEL", "debug | info | warn | error", "info", false, &raw.logLevel},
		{"trusted-proxies", "ALIANZA_TRUSTED_PROXIES", "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed; empty: none", "", false, &raw.proxies},
		{"public-url", "ALIANZA_PUBLIC_URL", "the app's public address, for links in email digests and calendar feeds", "", false, &raw.publicURL},
		{"reminders-interval", "ALIANZA_REMINDERS_INTERVAL", "how often serve looks for due email digests (each is sent once per period)", "5m", false, &raw.remindEvery},
		{"backup-dir", "ALIANZA_BACKUP_DIR", "folder for scheduled backups of the embedded database; empty: none", "", false, &raw.backupDir},
		{"backup-interval", "ALIANZA_BACKUP_INTERVAL", "time between scheduled backups", "24h", false, &raw.backupEvery},
		{"backup-keep", "ALIANZA_BACKUP_KEEP", "how many scheduled backups to keep", "7", false, &raw.backupKeep},
		{"metrics-addr", "ALIANZA_METRICS_ADDR", "host:port serving Prometheus metrics at /metrics, apart from the app; empty: off", "", false, &raw.metricsAddr},
	}
	return append(settings, raw.smtp.settings()...)
}

// Defaults is the configuration with no flag and no environment: every
// setting at its documented default. Tests of other packages use it to
// pass the values serve would.
func Defaults() *Config {
	fs := flag.NewFlagSet("defaults", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c, err := Load(nil, func(string) string { return "" }, fs)
	if err != nil {
		panic("config: the defaults do not validate: " + err.Error())
	}
	return c
}

// Load reads the environment (through getenv) and then args as flags, which win.
// It returns flag.ErrHelp when -h/--help is asked; the usage is written to out.
func Load(args []string, getenv func(string) string, fs *flag.FlagSet) (*Config, error) {
	var raw rawSettings
	settings := raw.settings()
	for _, s := range settings {
		fs.StringVar(s.dst, s.name, s.def, fmt.Sprintf("%s (env %s%s)", s.usage, s.env, fileHint(s)))
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	// The environment fills what no flag set; done after parsing so --help
	// never prints a secret taken from the environment as a default.
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var fileErrs []string
	for _, s := range settings {
		if set[s.name] {
			continue
		}
		if e := getenv(s.env); e != "" {
			*s.dst = e
		} else if path := getenv(s.env + "_FILE"); s.secret && path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				fileErrs = append(fileErrs, fmt.Sprintf("%s_FILE: %v", s.env, err))
			}
			*s.dst = strings.TrimRight(string(b), "\r\n")
		}
	}
	if len(fileErrs) > 0 {
		return nil, errors.New(strings.Join(fileErrs, "\n"))
	}

	c := &Config{
		Addr: raw.addr, DataDir: raw.dataDir, MongoURI: raw.uri, MongoDB: raw.db, JWTSecret: raw.jwt,
		AdminEmail: model.NormalizeEmail(raw.adminEmail), AdminPassword: raw.adminPw,
		IMAP: IMAP{Addr: raw.imapAddr, TLS: strings.ToLower(raw.imapTLS), User: raw.imapUser, Password: raw.imapPw,
			Folders: splitList(raw.imapFolders)},
		TeamDomains: splitList(strings.ToLower(raw.domains)),
		LogFormat:   raw.logFormat, LogLevel: raw.logLevel,
		TrustedProxies: splitList(raw.proxies),
		PublicURL:      strings.TrimRight(strings.TrimSpace(raw.publicURL), "/"),
		MetricsAddr:    strings.TrimSpace(raw.metricsAddr),
	}
	var problems []string
	c.SMTP, problems = raw.smtp.parse(problems)
	var err error
	if c.IMAP.Interval, err = time.ParseDuration(raw.imapEvery); err != nil || c.IMAP.Interval < 5*time.Second {
		problems = append(problems, fmt.Sprintf("ALIANZA_IMAP_INTERVAL %q: must be a duration of at least 5s, like 2m", raw.imapEvery))
	}
	if c.ShutdownTimeout, err = time.ParseDuration(raw.shutdown); err != nil || c.ShutdownTimeout <= 0 {
		problems = append(problems, fmt.Sprintf("ALIANZA_SHUTDOWN_TIMEOUT %q: must be a positive duration, like 20s", raw.shutdown))
	}
	if c.AwaitingReplyDays, err = strconv.Atoi(raw.awaitDays); err != nil || c.AwaitingReplyDays < 1 {
		problems = append(problems, fmt.Sprintf("ALIANZA_AWAITING_REPLY_DAYS %q: must be a whole number of days, 1 or more", raw.awaitDays))
	}
	problems = c.parseLimits(&raw, problems)
	problems = append(problems, c.Backup.parse(raw.backupDir, raw.backupEvery, raw.backupKeep, c.MongoURI)...)
	if err := c.validate(problems); err != nil {
		return nil, err
	}
	return c, nil
}

func fileHint(s setting) string {
	if s.secret {
		return " or " + s.env + "_FILE"
	}
	return ""
}

// Validate reports every problem, one line each.
func (c *Config) Validate() error { return c.validate(nil) }

func (c *Config) validate(problems []string) error {
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		problems = append(problems, fmt.Sprintf("ALIANZA_ADDR %q: must be host:port, like 127.0.0.1:8080", c.Addr))
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			problems = append(problems, fmt.Sprintf("ALIANZA_METRICS_ADDR %q: must be host:port, like 127.0.0.1:9090", c.MetricsAddr))
		} else if c.MetricsAddr == c.Addr {
			problems = append(problems, "ALIANZA_METRICS_ADDR: must differ from ALIANZA_ADDR (metrics are not served on the app's port)")
		}
	}
	if c.DataDir == "" {
		problems = append(problems, "ALIANZA_DATA_DIR: must not be empty")
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		problems = append(problems, "ALIANZA_MONGO_URI: must start with mongodb:// or mongodb+srv://")
	}
	if c.MongoDB == "" || strings.ContainsAny(c.MongoDB, "/\\. \"$") {
		problems = append(problems, fmt.Sprintf("ALIANZA_MONGO_DB %q: must be a plain database name", c.MongoDB))
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		problems = append(problems, "ALIANZA_JWT_SECRET: must be at least 32 characters")
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		problems = append(problems, "ALIANZA_ADMIN_EMAIL and ALIANZA_ADMIN_PASSWORD: set both or neither")
	}
	if c.AdminEmail != "" && !model.ValidEmail(c.AdminEmail) {
		problems = append(problems, fmt.Sprintf("ALIANZA_ADMIN_EMAIL %q: not a valid email address", c.AdminEmail))
	}
	if c.AdminPassword != "" {
		if msg := model.PasswordProblem(c.AdminPassword); msg != "" {
			problems = append(problems, "ALIANZA_ADMIN_PASSWORD: "+msg)
		}
	}
	problems = append(problems, c.IMAP.problems()...)
	problems = append(problems, c.SMTP.problems(c.PublicURL)...)
	for _, d := range c.TeamDomains {
		if !strings.Contains(d, ".") || strings.ContainsAny(d, "@ /") {
			problems = append(problems, fmt.Sprintf("ALIANZA_TEAM_DOMAINS: %q is not a domain name", d))
		}
	}
	for _, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				problems = append(problems, fmt.Sprintf("ALIANZA_TRUSTED_PROXIES: %q is not an IP address or CIDR", p))
			}
		}
	}
	switch c.LogFormat {
	case "json", "text", "auto":
	default:
		problems = append(problems, fmt.Sprintf("ALIANZA_LOG_FORMAT %q: must be json, text or auto", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		problems = append(problems, fmt.Sprintf("ALIANZA_LOG_LEVEL %q: must be debug, info, warn or error", c.LogLevel))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

func (m IMAP) problems() []string {
	if m.Addr == "" {
		return nil
	}
	var p []string
	host, port, err := net.SplitHostPort(m.Addr)
	if err != nil || host == "" || port == "" {
		p = append(p, fmt.Sprintf("ALIANZA_IMAP_ADDR %q: must be host:port, like mail.example.org:993", m.Addr))
	}
	if !model.TLSModes.Valid(m.TLS) {
		p = append(p, fmt.Sprintf("ALIANZA_IMAP_TLS %q: unknown TLS mode, use %s", m.TLS, model.TLSModes))
	} else if m.TLS == model.TLSNone && host != "" && !model.IsLoopbackHost(host) {
		p = append(p, "ALIANZA_IMAP_TLS none: refused for a non-loopback host; passwords would cross the network in clear")
	}
	if m.User == "" {
		p = append(p, "ALIANZA_IMAP_USER: required when ALIANZA_IMAP_ADDR is set")
	}
	if m.Password == "" {
		p = append(p, "ALIANZA_IMAP_PASSWORD (or ALIANZA_IMAP_PASSWORD_FILE): required when ALIANZA_IMAP_ADDR is set")
	}
	if len(m.Folders) == 0 {
		p = append(p, "ALIANZA_IMAP_FOLDERS: list at least one folder")
	}
	return p
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (b *Backup) parse(dir, every, keep, mongoURI string) []string {
	var p []string
	var err error
	b.Dir = dir
	if b.Interval, err = time.ParseDuration(every); err != nil || b.Interval < time.Minute {
		p = append(p, fmt.Sprintf("ALIANZA_BACKUP_INTERVAL %q: must be a duration of at least 1m, like 24h", every))
	}
	if b.Keep, err = strconv.Atoi(keep); err != nil || b.Keep < 1 {
		p = append(p, fmt.Sprintf("ALIANZA_BACKUP_KEEP %q: must be a whole number, 1 or more", keep))
	}
	if dir != "" && mongoURI != "" {
		p = append(p, "ALIANZA_BACKUP_DIR: scheduled backups are for the embedded engine; with ALIANZA_MONGO_URI use mongodump or the provider's backups")
	}
	return p
}

// parseLimits reads the limits and timeouts of the API, the mailbox sync
// and the digests; the tuning with no flag is set here too.
func (c *Config) parseLimits(raw *rawSettings, problems []string) []string {
	c.IMAP.Timeout = duration(&problems, "ALIANZA_IMAP_TIMEOUT", raw.imapTimeout, time.Second, "60s")
	c.IMAP.AttachmentTimeout = duration(&problems, "ALIANZA_IMAP_ATTACHMENT_TIMEOUT", raw.imapAttTimeout, time.Second, "30s")
	c.IMAP.MinBackoff, c.IMAP.MaxBackoff, c.IMAP.LeaseTTL = 5*time.Second, 15*time.Minute, 2*time.Minute
	c.AttachmentMaxBytes = int64(whole(&problems, "ALIANZA_ATTACHMENT_MAX_MB", raw.attachMB, 1)) << 20
	c.BodyLimit = whole(&problems, "ALIANZA_BODY_LIMIT_MB", raw.bodyMB, 1) << 20
	c.Login.MaxFailures = whole(&problems, "ALIANZA_LOGIN_FAILURES", raw.loginMax, 1)
	c.Login.MaxIPFailures = whole(&problems, "ALIANZA_LOGIN_IP_FAILURES", raw.loginIPMax, 1)
	c.Login.Window = duration(&problems, "ALIANZA_LOGIN_WINDOW", raw.loginWindow, time.Minute, "15m")
	c.RequireTwoFactor = splitList(strings.ToLower(raw.require2FA))
	for _, r := range c.RequireTwoFactor {
		if !model.Roles.Valid(r) {
			problems = append(problems, fmt.Sprintf("ALIANZA_REQUIRE_2FA: %q is not a role (%s)", r, model.Roles))
		}
	}
	c.RemindersInterval = duration(&problems, "ALIANZA_REMINDERS_INTERVAL", raw.remindEvery, time.Minute, "5m")
	return problems
}

// duration parses a setting that must be a duration of at least least,
// noting a problem (with an example) otherwise.
func duration(problems *[]string, env, raw string, least time.Duration, example string) time.Duration {
	d, err := time.ParseDuration(raw)
	if err != nil || d < least {
		*problems = append(*problems, fmt.Sprintf("%s %q: must be a duration of at least %s, like %s", env, raw, fmtDuration(least), example))
	}
	return d
}

// whole parses a setting that must be a whole number of at least least.
func whole(problems *[]string, env, raw string, least int) int {
	n, err := strconv.Atoi(raw)
	if err != nil || n < least {
		*problems = append(*problems, fmt.Sprintf("%s %q: must be a whole number, %d or more", env, raw, least))
	}
	return n
}

// fmtDuration writes 1m and 1h rather than Go's 1m0s and 1h0m0s.
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
