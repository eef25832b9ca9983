package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/notify"
	"github.com/alianza-pe/alianza/internal/store"
)

// remindersWorker is the digest sender of this process; nil when no SMTP
// server is configured. unsubKey signs the digests' unsubscribe links
// (unsubscribeKey).
func remindersWorker(cfg *config.Config, s *store.Store, log *slog.Logger, holder string, unsubKey []byte) *notify.Worker {
	if cfg.SMTP.Host == "" {
		return nil
	}
	m := cfg.SMTP
	return &notify.Worker{Store: s, Holder: holder, PublicURL: cfg.PublicURL, Log: log, UnsubscribeKey: unsubKey,
		Sender: notify.SMTP{Host: m.Host, Port: m.Port, User: m.User, Password: m.Password, From: m.From, TLS: m.TLS, Timeout: m.Timeout}}
}

// unsubscribeKey is the key of the digests' unsubscribe links, derived from
// the JWT secret as the API derives it to check them.
func unsubscribeKey(jwtSecret []byte) ([]byte, error) {
	tokens, err := auth.NewTokens(jwtSecret)
	if err != nil {
		return nil, err
	}
	return tokens.Derive(notify.UnsubscribePurpose), nil
}

// remindersSend sends every digest that is due, once, and prints one line per digest.
func remindersSend(ctx context.Context, cfg *config.Config, log *slog.Logger, f subFlags, stdout io.Writer) error {
	if !f.once {
		return errors.New("reminders send: add --once (alianza serve sends the digests continuously)")
	}
	if cfg.SMTP.Host == "" {
		return errors.New("reminders send: set ALIANZA_SMTP_HOST (and ALIANZA_SMTP_FROM, ALIANZA_PUBLIC_URL) first")
	}
	secret, _, err := secrets(cfg, log)
	if err != nil {
		return err
	}
	key, err := unsubscribeKey(secret)
	if err != nil {
		return err
	}
	s, closeDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	results, err := remindersWorker(cfg, s, log, leaseHolder(), key).RunOnce(ctx)
	if err != nil {
		return err
	}
	if len(results) == 0 {
		fmt.Fprintln(stdout, "no digest due")
	}
	failed := 0
	for _, r := range results {
		switch r.Status {
		case store.DigestSent:
			fmt.Fprintf(stdout, "sent %s to %s: %d items\n", r.Period, r.Email, r.Items)
		case store.DigestEmpty:
			fmt.Fprintf(stdout, "nothing to send %s to %s\n", r.Period, r.Email)
		default:
			failed++
			fmt.Fprintf(stdout, "FAILED %s to %s: %s\n", r.Period, r.Email, r.Error)
		}
	}
	if failed > 0 {
		return fmt.Errorf("reminders send: %d digests failed; the next pass retries them", failed)
	}
	return nil
}
