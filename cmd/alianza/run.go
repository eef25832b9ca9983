package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"golang.org/x/term"
)

const usageHead = `Alianza: stakeholder and advocacy CRM.

Usage:
  alianza [serve] [flags]          run the web app, API and mailbox sync (default)
  alianza user add [flags]         create a user (password from ALIANZA_USER_PASSWORD or stdin)
  alianza demo load [flags]        load the demo dataset (idempotent)
  alianza mail sync --once [flags] sync the mailboxes once and print counts
  alianza reminders send --once    send every email digest that is due and print what was sent
  alianza backup --out FILE        back up the embedded database (the server may run)
  alianza backup verify FILE       check a backup against its manifest
  alianza restore FILE [--force]   restore a backup into an empty --data-dir
  alianza db copy --to URI         copy the database to MongoDB, with indexes, checked
  alianza db copy --to embedded    copy MongoDB (--from or ALIANZA_MONGO_URI) into an empty --data-dir
  alianza export --out FILE        the organisation's data as JSON Lines and CSV (zip)
  alianza version                  print the release version and commit
  alianza health                   exit 0 when the server at ALIANZA_ADDR is ready, else 1

On the embedded engine one process uses the data folder at a time: stop the
server before the commands that open the database (backup may run beside it).

Every flag can also be set by the environment variable named beside it; flags win.
Secrets can be read from files with the _FILE variables.

Flags:
`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
		if (cmd == "user" || cmd == "demo" || cmd == "mail" || cmd == "reminders" || cmd == "backup" || cmd == "db") && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			cmd, args = cmd+" "+args[0], args[1:]
		}
	}
	var sub subFlags
	// The archive of verify and restore comes first: alianza restore FILE --data-dir DIR.
	if (cmd == "backup verify" || cmd == "restore") && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub.file, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("alianza "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
	}
	sub.define(cmd, fs)
	if cmd == "version" {
		fmt.Fprintln(stdout, currentBuild())
		return 0
	}
	cfg, err := config.Load(args, getenv, fs)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		// One line on stderr per problem, nothing else.
		fmt.Fprintln(stderr, "alianza: "+strings.ReplaceAll(err.Error(), "\n", "\nalianza: "))
		return 2
	}
	log := newLogger(cfg, stderr)
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, log)
	case "user add":
		err = userAdd(ctx, cfg, log, sub, getenv, os.Stdin, stdout)
	case "demo load":
		err = demoLoad(ctx, cfg, log, sub, stdout)
	case "mail sync":
		err = mailSync(ctx, cfg, log, sub, stdout)
	case "reminders send":
		err = remindersSend(ctx, cfg, log, sub, stdout)
	case "backup":
		err = backupCmd(ctx, cfg, sub, stdout, stderr)
	case "backup verify":
		err = backupVerify(ctx, sub, stdout, stderr)
	case "restore":
		err = restoreCmd(ctx, cfg, sub, stdout, stderr)
	case "db copy":
		err = dbCopy(ctx, cfg, log, sub, stdout, stderr)
	case "export":
		err = exportCmd(ctx, cfg, log, sub, stdout)
	case "health":
		err = healthCmd(ctx, cfg, stdout)
	default:
		fmt.Fprintf(stderr, "alianza: unknown command %q (see alianza --help)\n", cmd)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "alianza:", err)
		return 1
	}
	return 0
}

// subFlags are the flags of the subcommands other than serve.
type subFlags struct {
	email, name, role, regions string
	once                       bool
	scale                      float64
	out, file                  string // backup, verify, restore, export
	from, to                   string // db copy
	force                      bool
}

func (s *subFlags) define(cmd string, fs *flag.FlagSet) {
	switch cmd {
	case "user add":
		fs.StringVar(&s.email, "email", "", "the new user's email")
		fs.StringVar(&s.name, "name", "", "the new user's name")
		fs.StringVar(&s.role, "role", model.RoleOfficer, "admin | manager | officer | viewer")
		fs.StringVar(&s.regions, "regions", model.AllRegions, "comma-separated region codes, or all")
	case "mail sync":
		fs.BoolVar(&s.once, "once", false, "one pass over every mailbox, then exit")
	case "reminders send":
		fs.BoolVar(&s.once, "once", false, "one pass over the due digests, then exit")
	case "backup":
		fs.StringVar(&s.out, "out", "", "the archive to write (.tar.gz)")
	case "export":
		fs.StringVar(&s.out, "out", "", "the zip archive to write")
	case "restore":
		fs.BoolVar(&s.force, "force", false, "replace the database of a data folder that is not empty")
	case "db copy":
		fs.StringVar(&s.to, "to", "", "the MongoDB connection string to copy to, or embedded: the embedded store of an empty --data-dir")
		fs.StringVar(&s.from, "from", "", "copy from this MongoDB instead of the embedded engine (or ALIANZA_MONGO_URI)")
		fs.BoolVar(&s.force, "force", false, "copy over a target that already holds other data")
	case "demo load":
		fs.Float64Var(&s.scale, "scale", 0, "0: the small demo dataset; N: the reference dataset at scale N (1 = 2,000 stakeholders)")
	}
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	format := cfg.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// database opens the configured MongoDB, or the embedded store in the data
// dir (<data>/db/alianza.db). closeFn closes it.
func database(ctx context.Context, cfg *config.Config, log *slog.Logger) (s *store.Store, closeFn func(), err error) {
	if cfg.MongoURI == "" {
		dir := filepath.Join(cfg.DataDir, "db")
		if s, err = store.OpenEmbedded(ctx, dir, log); err != nil {
			return nil, nil, err
		}
		log.Info("embedded database opened", "dir", dir)
	} else if s, err = store.Open(ctx, cfg.MongoURI, cfg.MongoDB); err != nil {
		return nil, nil, err
	}
	s.SetLogger(log)
	// Every command that opens the database (serve and its mail sync, demo
	// load, imports) refuses the team's addresses on stakeholders.
	s.SetTeamDomains(cfg.TeamDomains)
	closeFn = func() { _ = s.Close(context.Background()) }
	if err := s.EnsureIndexes(ctx); err != nil {
		closeFn()
		return nil, nil, err
	}
	return s, closeFn, nil
}

// secrets are the JWT secret and the key of mailbox passwords, derived from
// it, that serve and mail sync both need.
func secrets(cfg *config.Config, log *slog.Logger) (jwt, mailKey []byte, err error) {
	if jwt, err = jwtSecret(cfg, log); err != nil {
		return nil, nil, err
	}
	if mailKey, err = store.MailboxKey(jwt); err != nil {
		return nil, nil, err
	}
	return jwt, mailKey, nil
}

// jwtSecret returns the configured secret, or one generated once and kept in
// the data dir, so restarts keep sessions and instances sharing a dir agree.
func jwtSecret(cfg *config.Config, log *slog.Logger) ([]byte, error) {
	if cfg.JWTSecret != "" {
		return []byte(cfg.JWTSecret), nil
	}
	path := filepath.Join(cfg.DataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write JWT secret: %w", err)
	}
	log.Warn("ALIANZA_JWT_SECRET not set: generated one and kept it in the data dir; set it when running several instances", "path", path)
	return []byte(secret), nil
}

// bootstrapAdmin creates the first admin from the environment when there is no user.
func bootstrapAdmin(ctx context.Context, cfg *config.Config, s *store.Store, flows *workflow.Flows, log *slog.Logger) error {
	if cfg.AdminEmail == "" {
		return nil
	}
	n, err := s.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	in := model.NewUser{Email: cfg.AdminEmail, Name: "Admin", Role: model.RoleAdmin, Regions: []string{model.AllRegions}, Password: cfg.AdminPassword}
	if _, err := flows.CreateUser(ctx, model.SystemUser(), in); err != nil && !errors.Is(err, store.ErrDuplicate) {
		return err
	}
	log.Info("first admin created", "email", model.NormalizeEmail(in.Email))
	return nil
}
