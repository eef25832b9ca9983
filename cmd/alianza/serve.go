package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/alianza-pe/alianza/internal/api"
	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/metrics"
	"github.com/alianza-pe/alianza/internal/notify"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/alianza-pe/alianza/ui"
)

// serve runs until ctx is cancelled (SIGTERM/SIGINT), then stops accepting,
// lets in-flight requests finish, stops background work and the database.
func serve(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	secret, mailKey, err := secrets(cfg, log)
	if err != nil {
		return err
	}
	tokens, err := auth.NewTokens(secret)
	if err != nil {
		return err
	}
	s, closeDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	s.SetCursorKey(secret)
	flows := workflow.New(s)
	if err := bootstrapAdmin(ctx, cfg, s, flows, log); err != nil {
		return fmt.Errorf("first admin: %w", err)
	}
	// Sent mail stored before the sync filed it as reviewed stops counting
	// as new; a failure is retried at the next start.
	if n, err := s.FileSentMailAsReviewed(ctx); err != nil {
		log.Error("filing stored sent mail as reviewed", "err", err, "changed", n)
	} else if n > 0 {
		log.Info("stored sent mail filed as reviewed", "messages", n)
	}
	// A folder written before the unmatched senders' tally gets it built
	// in the background (once); the list's first read waits for it.
	go func() {
		if err := s.BuildUnmatchedTally(ctx); err != nil {
			log.Error("building the unmatched senders' tally", "err", err)
		}
	}()
	uiFS, err := ui.DistFS()
	if err != nil {
		return fmt.Errorf("web app: %w", err)
	}
	var m *metrics.Metrics
	if cfg.MetricsAddr != "" {
		m = metrics.New(metrics.Options{Store: s, DataDir: embeddedDataDir(cfg), Version: currentBuild().short(), Log: log})
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	app := api.New(api.Options{Store: s, Flows: flows, Tokens: tokens, Log: log, UI: uiFS, Version: currentBuild().short(),
		MailboxKey: mailKey, AwaitingReplyDays: cfg.AwaitingReplyDays,
		LoginMax: cfg.Login.MaxFailures, LoginIPMax: cfg.Login.MaxIPFailures, LoginWindow: cfg.Login.Window,
		BodyLimit: cfg.BodyLimit, AttachmentMaxBytes: cfg.AttachmentMaxBytes, IMAPTimeout: cfg.IMAP.AttachmentTimeout,
		TrustedProxies: cfg.TrustedProxies, RequireTwoFactor: cfg.RequireTwoFactor,
		SMTPConfigured: cfg.SMTP.Host != "", PublicURL: cfg.PublicURL, ListenAddr: ln.Addr().String(),
		DataDir: embeddedDataDir(cfg), BackupInterval: scheduledBackupInterval(cfg), Metrics: m})

	stopMetrics, err := serveMetrics(cfg.MetricsAddr, m, log)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer stopMetrics()
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	workers := startWorkers(bg, cfg, s, flows, mailKey, tokens.Derive(notify.UnsubscribePurpose), log, m)

	errCh := make(chan error, 1)
	go func() { errCh <- app.Listener(ln) }()
	log.Info("alianza listening", "addr", "http://"+ln.Addr().String(), "version", currentBuild().short())

	select {
	case err := <-errCh:
		stopBG()
		workers.Wait()
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := app.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Warn("http shutdown", "err", err)
	}
	stopBG()
	workers.Wait()
	log.Info("stopped")
	return nil
}

// every runs fn every d until ctx is cancelled, logging failures.
func every(ctx context.Context, d time.Duration, what string, fn func(context.Context) error, log *slog.Logger) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				log.Warn(what, "err", err)
			}
		}
	}
}
