package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/alianza-pe/alianza/internal/backup"
	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"golang.org/x/term"
)

// errMongoBackup is the answer of backup and restore on a real MongoDB.
var errMongoBackup = errors.New("the database is MongoDB (ALIANZA_MONGO_URI): back it up with mongodump/mongorestore or your provider's managed backups (see README, Backups and moving to MongoDB)")

// progressTo prints progress on one rewritten line when w is a terminal,
// and nothing otherwise (logs and cron mail stay clean).
func progressTo(w io.Writer) (backup.Progress, func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	shown := false
	return func(phase string, done, total int64) {
			shown = true
			switch {
			case total > 0:
				fmt.Fprintf(w, "\r%-10s %3d%% (%s of %s)   ", phase, done*100/total, mib(done), mib(total))
			case done > 0:
				fmt.Fprintf(w, "\r%-10s %s   ", phase, mib(done))
			default:
				fmt.Fprintf(w, "\r\033[K%-10s ...", phase)
			}
		}, func() {
			if shown {
				fmt.Fprint(w, "\r\033[K")
			}
		}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// backupCmd writes a backup of the embedded database while a server may be
// running on it, and records the outcome in the data folder for the admin page.
func backupCmd(ctx context.Context, cfg *config.Config, f subFlags, stdout, stderr io.Writer) error {
	if cfg.MongoURI != "" {
		return errMongoBackup
	}
	if f.out == "" {
		return errors.New("backup: --out FILE is required")
	}
	// A folder of the FerretDB-based build is migrated first, as every
	// command that opens the store does (the backup reads the file).
	if err := store.MigrateEmbedded(ctx, filepath.Join(cfg.DataDir, "db"), nil); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	progress, clear := progressTo(stderr)
	res, err := backup.Create(ctx, backup.Options{DataDir: cfg.DataDir, Database: cfg.MongoDB, Version: currentBuild().short(), Out: f.out, Progress: progress})
	clear()
	recordBackup(cfg, time.Now(), res, err, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s: %s, %d collections, %d documents, in %s\n",
		res.Path, mib(res.Size), len(res.Manifest.Collections), res.Manifest.Documents(), res.Duration.Round(time.Millisecond))
	return nil
}

// recordBackup keeps the outcome for the admin page; failing to do so is
// only logged.
func recordBackup(cfg *config.Config, at time.Time, res backup.Result, err error, log *slog.Logger) {
	if serr := backup.SaveStatus(cfg.DataDir, backup.StatusOf(at, res, err)); serr != nil && log != nil {
		log.Warn("backup status not saved", "err", serr)
	}
}

func backupVerify(ctx context.Context, f subFlags, stdout, stderr io.Writer) error {
	if f.file == "" {
		return errors.New("backup verify: name the archive: alianza backup verify FILE")
	}
	progress, clear := progressTo(stderr)
	m, err := backup.Verify(ctx, f.file, progress)
	clear()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: OK, Alianza %s, taken %s, database %q\n", f.file, m.AlianzaVersion, m.CreatedAt.Format(time.RFC3339), m.Database)
	for _, c := range m.Collections {
		fmt.Fprintf(stdout, "  %-20s %8d documents  sha256 %s\n", c.Name, c.Count, c.SHA256[:16])
	}
	return nil
}

func restoreCmd(ctx context.Context, cfg *config.Config, f subFlags, stdout, stderr io.Writer) error {
	if cfg.MongoURI != "" {
		return errMongoBackup
	}
	if f.file == "" {
		return errors.New("restore: name the archive: alianza restore FILE --data-dir DIR")
	}
	if f.force {
		// Replacing the database under a running server would corrupt it
		// (its WAL is removed with the old file). Without --force the
		// folder must be empty, so no server runs on it.
		release, err := store.LockDir(filepath.Join(cfg.DataDir, "db"))
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		defer release()
	}
	progress, clear := progressTo(stderr)
	m, err := backup.Restore(ctx, f.file, cfg.DataDir, cfg.MongoDB, f.force, progress)
	clear()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s (taken %s, %d documents) into %s\n", f.file, m.CreatedAt.Format(time.RFC3339), m.Documents(), cfg.DataDir)
	if !m.HasJWTSecret {
		fmt.Fprintln(stdout, "the backup holds no JWT secret: start the server with the same ALIANZA_JWT_SECRET as before, or mailbox passwords must be entered again")
	}
	return nil
}

// backupJob is the lease name of scheduled backups: one instance at a time.
const backupJob = "backup"

// scheduledBackupInterval is the interval of the scheduled backups, zero
// when there are none (the same condition as startBackups).
func scheduledBackupInterval(cfg *config.Config) time.Duration {
	if cfg.Backup.Dir == "" || cfg.MongoURI != "" {
		return 0
	}
	return cfg.Backup.Interval
}

// startBackups runs the scheduled backups when ALIANZA_BACKUP_DIR is set.
func startBackups(ctx context.Context, cfg *config.Config, s *store.Store, log *slog.Logger, wg *sync.WaitGroup) {
	if scheduledBackupInterval(cfg) == 0 {
		return
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		scheduleBackups(ctx, cfg, s, log, leaseHolder())
	}()
}

// scheduleBackups takes a backup when the last one is older than the
// interval, then every interval, until ctx ends.
func scheduleBackups(ctx context.Context, cfg *config.Config, s *store.Store, log *slog.Logger, holder string) {
	if err := os.MkdirAll(cfg.Backup.Dir, 0o700); err != nil {
		log.Error("scheduled backups: cannot create the folder", "dir", cfg.Backup.Dir, "err", err)
	}
	for {
		wait := cfg.Backup.Interval
		if st, ok, err := backup.LoadStatus(cfg.DataDir); err == nil {
			wait = 0
			if ok && st.OK {
				wait = time.Until(st.At.Add(cfg.Backup.Interval))
			}
		}
		if wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		if ctx.Err() != nil {
			return
		}
		scheduledBackup(ctx, cfg, s, log, holder)
		// Whatever happened, wait a whole interval: a failing disk is
		// retried at the next one, not in a tight loop.
		select {
		case <-ctx.Done():
			return
		case <-time.After(cfg.Backup.Interval):
		}
	}
}

// scheduledBackup takes one backup if this instance wins the lease for the
// period, records it and prunes the old ones.
func scheduledBackup(ctx context.Context, cfg *config.Config, s *store.Store, log *slog.Logger, holder string) {
	now := time.Now()
	won, err := s.AcquireJobLease(ctx, backupJob, holder, now.Add(cfg.Backup.Interval/2))
	if err != nil {
		log.Warn("scheduled backup: lease", "err", err)
		return
	}
	if !won {
		log.Info("scheduled backup: another instance takes it")
		return
	}
	out := filepath.Join(cfg.Backup.Dir, backup.ScheduledName(now))
	res, err := backup.Create(ctx, backup.Options{DataDir: cfg.DataDir, Database: cfg.MongoDB, Version: currentBuild().short(), Out: out})
	recordBackup(cfg, now, res, err, log)
	if err != nil {
		log.Error("scheduled backup failed", "err", err)
		return
	}
	log.Info("scheduled backup written", "file", res.Path, "bytes", res.Size, "documents", res.Manifest.Documents(), "duration", res.Duration.Round(time.Millisecond))
	removed, err := backup.Prune(cfg.Backup.Dir, cfg.Backup.Keep, time.Now())
	if err != nil {
		log.Warn("scheduled backup: prune", "err", err)
	}
	if len(removed) > 0 {
		log.Info("scheduled backup: old files removed", "files", removed)
	}
}

// dbCopy copies the database (the embedded engine's, the configured
// MongoDB's, or --from's) to --to, creating the indexes first and checking
// every collection after. Re-run it after an interruption.
func dbCopy(ctx context.Context, cfg *config.Config, log *slog.Logger, f subFlags, stdout, stderr io.Writer) error {
	if f.to == "" {
		return errors.New("db copy: --to URI is required (a mongodb:// or mongodb+srv:// connection string, or embedded)")
	}
	from, source := f.from, ""
	if from == "" {
		from = cfg.MongoURI
	}
	if f.to == copyToEmbedded {
		return dbCopyToEmbedded(ctx, cfg, log, f, from, stdout, stderr)
	}
	var src *store.Store
	var err error
	if from == "" {
		dir := filepath.Join(cfg.DataDir, "db")
		if src, err = store.OpenEmbedded(ctx, dir, log); err != nil {
			return fmt.Errorf("db copy: source: %w", err)
		}
		abs, _ := filepath.Abs(cfg.DataDir)
		source = "embedded:" + abs
	} else {
		source = redactURI(from)
		if source == redactURI(f.to) {
			return errors.New("db copy: --to is the source database")
		}
		if src, err = store.Open(ctx, from, cfg.MongoDB); err != nil {
			return fmt.Errorf("db copy: source: %w", err)
		}
	}
	defer src.Close(context.WithoutCancel(ctx))
	// One client for the target: the store's (it also builds the indexes).
	target, err := store.Open(ctx, f.to, cfg.MongoDB)
	if err != nil {
		return fmt.Errorf("db copy: target: %w", err)
	}
	defer target.Close(context.WithoutCancel(ctx))

	o := backup.CopyOptions{
		From: src, To: target.Database(), Source: source, Force: f.force,
		Indexes: target.EnsureIndexes,
	}
	return printCopy(stdout, stderr, source, redactURI(f.to), func(progress func(string, int64)) ([]backup.CopyResult, error) {
		o.Progress = progress
		return backup.Copy(ctx, o)
	})
}

// copyToEmbedded is the --to of a copy into the embedded store of --data-dir.
const copyToEmbedded = "embedded"

// dbCopyToEmbedded copies the MongoDB database at uri into the embedded
// store of the data folder, which must hold no data (the copy is one
// transaction: one cut short leaves it empty).
func dbCopyToEmbedded(ctx context.Context, cfg *config.Config, log *slog.Logger, f subFlags, uri string, stdout, stderr io.Writer) error {
	if uri == "" {
		return errors.New("db copy: --to embedded copies from MongoDB: give --from URI or ALIANZA_MONGO_URI")
	}
	if f.force {
		return errors.New("db copy: --force applies to a MongoDB target only; copy into an empty --data-dir")
	}
	src, err := store.Open(ctx, uri, cfg.MongoDB)
	if err != nil {
		return fmt.Errorf("db copy: source: %w", err)
	}
	defer src.Close(context.WithoutCancel(ctx))
	dst, err := store.OpenEmbedded(ctx, filepath.Join(cfg.DataDir, "db"), log)
	if err != nil {
		return fmt.Errorf("db copy: target: %w", err)
	}
	defer dst.Close(context.WithoutCancel(ctx))
	abs, _ := filepath.Abs(cfg.DataDir)
	return printCopy(stdout, stderr, redactURI(uri), "embedded:"+abs, func(progress func(string, int64)) ([]backup.CopyResult, error) {
		return backup.CopyToEmbedded(ctx, backup.CopyToEmbeddedOptions{From: src, To: dst, Progress: progress})
	})
}

// printCopy runs a copy with a progress line on stderr (on a terminal) and
// prints its results per collection.
func printCopy(stdout, stderr io.Writer, from, to string, run func(progress func(string, int64)) ([]backup.CopyResult, error)) error {
	progress, clear := progressTo(stderr)
	var report func(string, int64)
	if progress != nil {
		report = func(col string, done int64) { progress(fmt.Sprintf("%s: %d documents", col, done), 0, 0) }
	}
	start := time.Now()
	res, err := run(report)
	clear()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-20s %10s %10s %10s  %s\n", "collection", "documents", "written", "deleted", "sha256 (verified)")
	var docs int64
	for _, r := range res {
		docs += r.Count
		fmt.Fprintf(stdout, "%-20s %10d %10d %10d  %s\n", r.Name, r.Count, r.Written, r.Deleted, r.SHA256[:16])
	}
	fmt.Fprintf(stdout, "copied %d documents in %d collections from %s to %s in %s; counts and checksums match\n",
		docs, len(res), from, to, time.Since(start).Round(time.Millisecond))
	return nil
}

// redactURI drops the password from a connection string.
func redactURI(uri string) string {
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return uri
	}
	at := strings.LastIndex(rest, "@")
	if slash := strings.Index(rest, "/"); at < 0 || (slash >= 0 && slash < at) {
		return uri
	}
	user, _, _ := strings.Cut(rest[:at], ":")
	return scheme + "://" + user + "@" + rest[at+1:]
}

// embeddedDataDir is the data folder when the embedded engine runs, else "".
func embeddedDataDir(cfg *config.Config) string {
	if cfg.MongoURI != "" {
		return ""
	}
	return cfg.DataDir
}

// exportCmd writes the organisation's data (no secrets) as a zip archive.
func exportCmd(ctx context.Context, cfg *config.Config, log *slog.Logger, f subFlags, stdout io.Writer) error {
	if f.out == "" {
		return errors.New("export: --out FILE is required (a .zip)")
	}
	s, closeDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	// Audited first: an export whose trace cannot be written is refused.
	if err := s.AuditExport(ctx, model.SystemActor, "organisation", ""); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var sum backup.ExportSummary
	err = backup.WriteAtomic(f.out, 0o600, func(w io.Writer) error {
		var err error
		sum, err = backup.Export(ctx, s, w, currentBuild().short(), s.Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var n int64
	for _, c := range sum.Collections {
		n += c
	}
	fmt.Fprintf(stdout, "exported %d records in %d collections to %s\n", n, len(sum.Collections), f.out)
	return nil
}
