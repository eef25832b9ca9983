package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/alianza-pe/alianza/internal/backup"
	"github.com/alianza-pe/alianza/internal/config"
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
				fmt.Fprintf(w, "\r%-10s ...                      ", phase)
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
	progress, clear := progressTo(stderr)
	res, err := backup.Create(ctx, backup.Options{DataDir: cfg.DataDir, Database: cfg.MongoDB, Version: version, Out: f.out, Progress: progress})
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

// startBackups runs the scheduled backups when ALIANZA_BACKUP_DIR is set.
func startBackups(ctx context.Context, cfg *config.Config, s *store.Store, log *slog.Logger, wg *sync.WaitGroup) {
	if cfg.Backup.Dir == "" || cfg.MongoURI != "" {
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
	res, err := backup.Create(ctx, backup.Options{DataDir: cfg.DataDir, Database: cfg.MongoDB, Version: version, Out: out})
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
