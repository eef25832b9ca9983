package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/mailsync"
	"github.com/alianza-pe/alianza/internal/metrics"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/notify"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// mailboxRescan is how often the workers read the mailbox list again to
// start syncers for mailboxes added through the API and stop removed ones.
var mailboxRescan = time.Minute

// startWorkers starts the background loops; Wait returns once ctx is
// cancelled and every loop has returned. Mail is saved through flows, the
// workflows of s; failures are counted in m (nil: metrics off). mailKey
// decrypts mailbox passwords; unsubKey signs the digests' unsubscribe links.
func startWorkers(ctx context.Context, cfg *config.Config, s *store.Store, flows *workflow.Flows, mailKey, unsubKey []byte, log *slog.Logger, m *metrics.Metrics) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		every(ctx, 10*time.Minute, "purge expired counters, tokens and idempotency keys", s.PurgeExpired, log)
	}()
	// The write paths keep the dashboard counters exact; the periodic
	// rebuild repairs what a crash between a write and its counter update
	// (or another instance's bulk load) left behind.
	go func() {
		defer wg.Done()
		every(ctx, store.CountersMaxAge, "rebuild report counters", s.RebuildReportCounters, log)
	}()
	if rw := remindersWorker(cfg, s, log, leaseHolder(), unsubKey); rw != nil {
		rw.Metrics = m
		wg.Add(1)
		go func() {
			defer wg.Done()
			every(ctx, cfg.RemindersInterval, "reminders: pass failed", func(ctx context.Context) error {
				// A pass another instance is running is skipped quietly.
				if _, err := rw.RunOnce(ctx); err != nil && !errors.Is(err, notify.ErrBusy) {
					return err
				}
				return nil
			}, log)
		}()
	}
	go func() {
		defer wg.Done()
		w := &mailWorkers{cfg: cfg, s: s, flows: flows, sink: flows.MailSink(), key: mailKey, log: log, holder: leaseHolder(), metrics: m, running: map[bson.ObjectID]*runningSyncer{}}
		w.loop(ctx)
	}()
	startBackups(ctx, cfg, s, log, &wg)
	return &wg
}

// leaseHolder names this process in mailbox leases: host, pid and a random
// part (a restarted process must not inherit its predecessor's leases).
func leaseHolder() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = crand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// envMailbox is the shared mailbox configured by ALIANZA_IMAP_*, if any.
// The default folder list (INBOX alone) means INBOX plus the folder the
// server marks \Sent; an explicit list is synced as given.
func envMailbox(cfg *config.Config) (model.Mailbox, bool) {
	im := cfg.IMAP
	if im.Addr == "" {
		return model.Mailbox{}, false
	}
	host, portStr, _ := net.SplitHostPort(im.Addr)
	port, _ := strconv.Atoi(portStr)
	folders := slices.Clone(im.Folders)
	if len(folders) == 1 && strings.EqualFold(folders[0], "INBOX") {
		folders = nil
	}
	m := model.Mailbox{
		ID: store.EnvMailboxID(im.Addr, im.User), Name: im.User, Host: host, Port: port, TLS: im.TLS,
		Username: im.User, Password: im.Password, Domains: slices.Clone(cfg.TeamDomains), Folders: folders,
		Source: model.MailboxSourceEnv,
	}
	if model.ValidEmail(model.NormalizeEmail(im.User)) {
		m.Address = im.User
	}
	return m, true
}

// upsertEnvMailbox stores the environment's mailbox so the API shows it and
// the syncers find it like any other.
func upsertEnvMailbox(ctx context.Context, cfg *config.Config, flows *workflow.Flows, key []byte) error {
	m, ok := envMailbox(cfg)
	if !ok {
		return nil
	}
	if _, err := flows.SyncEnvMailbox(ctx, key, m); err != nil {
		return fmt.Errorf("mailbox from ALIANZA_IMAP_*: %w", err)
	}
	return nil
}

// mailAccount builds the syncer account of a stored mailbox: its password
// decrypted, and the team domains added to its own.
func mailAccount(cfg *config.Config, key []byte, m model.Mailbox) (mailsync.Account, error) {
	if err := store.DecryptMailboxPassword(key, &m); err != nil {
		return mailsync.Account{}, fmt.Errorf("mailsync: %w: %w", mailsync.ErrConfig, err)
	}
	acct := mailsync.AccountFromMailbox(m)
	for _, d := range cfg.TeamDomains {
		if !slices.Contains(acct.Domains, d) {
			acct.Domains = append(acct.Domains, d)
		}
	}
	return acct, nil
}

// syncOptions are the syncer settings of cfg, for serve and mail sync --once.
func syncOptions(cfg *config.Config, holder string, log *slog.Logger) mailsync.Options {
	im := cfg.IMAP
	return mailsync.Options{Holder: holder, Logger: log, Timeout: im.Timeout, PollInterval: im.Interval,
		MinBackoff: im.MinBackoff, MaxBackoff: im.MaxBackoff, LeaseTTL: im.LeaseTTL}
}

// recordMailboxError shows on the mailbox's folders (or INBOX) an error that
// happened before any sync could start, such as a password that no longer
// decrypts, so the admin page never shows a silent success.
func recordMailboxError(ctx context.Context, s *store.Store, m model.Mailbox, err error) {
	states, serr := s.FolderStates(ctx, m.ID)
	if serr != nil {
		return
	}
	if len(states) == 0 {
		folders := m.Folders
		if len(folders) == 0 {
			folders = []string{"INBOX"}
		}
		for _, f := range folders {
			states = append(states, model.FolderState{ID: model.FolderStateID(m.ID, f), MailboxID: m.ID, Folder: f})
		}
	}
	now := s.Now()
	for _, st := range states {
		st.LastError, st.LastErrorReason, st.LastErrorAt, st.UpdatedAt = err.Error(), mailsync.Reason(err), now, now
		_ = s.SaveFolderState(ctx, st)
	}
}

// mailWorkers runs one syncer per enabled mailbox and follows changes to the
// mailbox list.
type mailWorkers struct {
	cfg     *config.Config
	s       *store.Store
	flows   *workflow.Flows
	sink    workflow.MailSink
	key     []byte
	log     *slog.Logger
	holder  string
	metrics *metrics.Metrics
	running map[bson.ObjectID]*runningSyncer
}

type runningSyncer struct {
	version int // the mailbox version it was started with
	cancel  context.CancelFunc
	done    chan struct{}
}

func (w *mailWorkers) loop(ctx context.Context) {
	defer w.stopAll()
	if err := upsertEnvMailbox(ctx, w.cfg, w.flows, w.key); err != nil && ctx.Err() == nil {
		w.log.Error("mail sync: cannot store the mailbox from the environment", "err", err)
	}
	t := time.NewTicker(mailboxRescan)
	defer t.Stop()
	for {
		if err := w.reconcile(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("mail sync: read mailboxes", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// reconcile starts syncers for new or changed mailboxes and stops those of
// removed, disabled or changed ones.
func (w *mailWorkers) reconcile(ctx context.Context) error {
	boxes, err := w.s.ListMailboxes(ctx)
	if err != nil {
		return err
	}
	want := map[bson.ObjectID]model.Mailbox{}
	for _, m := range boxes {
		if !m.Disabled {
			want[m.ID] = m
		}
	}
	for id, r := range w.running {
		if m, ok := want[id]; !ok || m.Version != r.version {
			w.stop(id)
		}
	}
	for id, m := range want {
		if _, ok := w.running[id]; ok {
			continue
		}
		acct, err := mailAccount(w.cfg, w.key, m)
		if err == nil {
			var syncer *mailsync.Syncer
			opts := syncOptions(w.cfg, w.holder, w.log)
			opts.Passed = w.passed
			syncer, err = mailsync.New(acct, w.sink, opts)
			if err == nil {
				w.start(ctx, m, syncer)
				continue
			}
		}
		w.log.Error("mail sync: mailbox cannot be synced", "mailbox_id", id.Hex(), "reason", mailsync.Reason(err), "err", mailsync.LogErr(err))
		recordMailboxError(ctx, w.s, m, err)
		w.metrics.MailSyncFailed(id.Hex())
		// Remember the version so the error is not recorded every minute.
		w.running[id] = &runningSyncer{version: m.Version, cancel: func() {}, done: closedChan()}
	}
	return nil
}

// passed counts a failed sync pass; a mailbox another instance holds is
// not a failure.
func (w *mailWorkers) passed(mailbox bson.ObjectID, err error) {
	if err != nil && !errors.Is(err, mailsync.ErrLeaseHeld) {
		w.metrics.MailSyncFailed(mailbox.Hex())
	}
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

func (w *mailWorkers) start(ctx context.Context, m model.Mailbox, syncer *mailsync.Syncer) {
	sctx, cancel := context.WithCancel(ctx)
	r := &runningSyncer{version: m.Version, cancel: cancel, done: make(chan struct{})}
	w.running[m.ID] = r
	w.log.Info("mail sync: started", "mailbox_id", m.ID.Hex(), "host", m.Host)
	go func() {
		defer close(r.done)
		if err := syncer.Run(sctx); err != nil {
			w.log.Error("mail sync: stopped", "mailbox_id", m.ID.Hex(), "err", mailsync.LogErr(err))
		}
	}()
}

func (w *mailWorkers) stop(id bson.ObjectID) {
	r := w.running[id]
	r.cancel()
	<-r.done
	delete(w.running, id)
}

func (w *mailWorkers) stopAll() {
	for id := range w.running {
		w.stop(id)
	}
}
