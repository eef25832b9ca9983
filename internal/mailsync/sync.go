// Package mailsync copies the team's shared IMAP mailboxes into the database:
// it reads folders read-only (EXAMINE, BODY.PEEK), parses each message once,
// threads it, and hands it to the store, resuming where it stopped.
// All go-imap code of the application lives here.
package mailsync

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/model"
)

// Sink is what the syncer needs from the database. workflow.MailSink
// provides it (the store, with new mail filed by the matching rule); tests
// use an in-memory one.
type Sink interface {
	// FolderStates returns the saved state of each folder of the mailbox
	// (an empty list before the first sync).
	FolderStates(ctx context.Context, mailboxID bson.ObjectID) ([]model.FolderState, error)

	// SaveFolderState upserts one folder's state by its ID.
	SaveFolderState(ctx context.Context, st model.FolderState) error

	// SaveBatch stores a batch, each message once by its ID (derived from
	// the Message-ID), and reports for each whether it was new. A new message
	// is inserted with its body (same _id). A known one keeps its review
	// fields and only gains the locations in its SeenIn it does not have yet;
	// locations of the same mailbox and folder with another UIDValidity are
	// dropped, as they belong to a folder generation that no longer exists.
	// Saving the same batch twice must change nothing the second time.
	// It then saves the folder state state(created) answers (the batch's
	// last UID and counters): in the same transaction where the database
	// has them, else only after the messages are stored, so a failure
	// between the two re-reads the batch and never skips it.
	SaveBatch(ctx context.Context, msgs []model.IncomingMessage, state func(created []bool) model.FolderState) (created []bool, err error)

	// SubjectThreads returns the subject key, thread and date of the stored
	// messages whose subject key is in keys and whose date is in [from, to].
	// It is asked once per batch for the replies that carry no
	// In-Reply-To/References (one query, not one per message: on the
	// embedded engine every query reads the whole collection).
	SubjectThreads(ctx context.Context, keys []string, from, to time.Time) ([]model.SubjectThread, error)

	// AcquireLease takes or renews the mailbox's lease for holder until the
	// given time. It returns false when another holder has an unexpired one.
	AcquireLease(ctx context.Context, mailboxID bson.ObjectID, holder string, until time.Time) (bool, error)

	// ReleaseLease ends holder's lease on the mailbox, if it has it.
	ReleaseLease(ctx context.Context, mailboxID bson.ObjectID, holder string) error
}

// Options tune a Syncer. The durations have no default here: config
// resolves them (ALIANZA_IMAP_*), and New refuses a Syncer without them.
type Options struct {
	BatchSize       int           // messages per FETCH and per store transaction; default 2000
	BatchBytes      int64         // bytes per FETCH; default 32 MiB
	MaxMessageBytes int64         // bigger messages are kept from their header only; default 50 MiB
	Timeout         time.Duration // each network step (per message while fetching)
	PollInterval    time.Duration // between syncs without IDLE, and the longest IDLE
	MinBackoff      time.Duration // first wait after a failure
	MaxBackoff      time.Duration // longest wait after failures
	LeaseTTL        time.Duration // how long a lease lasts unless renewed
	Holder          string        // lease holder name; default host-pid-random
	Logger          *slog.Logger
	Now             func() time.Time
	// Passed, when set, hears the outcome of each sync pass of the mailbox
	// (nil: every folder synced) and of each failed connection (metrics).
	Passed func(mailbox bson.ObjectID, err error)
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		// Each batch is one transaction, whose commit writes every index
		// page it touched (the message ids are random: nearly all of the
		// id indexes) to the WAL and then the database: at 20,000 small
		// messages, batches of 2,000 write half what batches of 500 do
		// (326 against 636 MB) with 17% less CPU. BatchBytes still caps
		// the memory a batch takes (two are held: one stored, one fetched).
		o.BatchSize = 2000
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = 32 << 20
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = 50 << 20
	}
	if o.Holder == "" {
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = crand.Read(b[:])
		o.Holder = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Syncer keeps one mailbox's folders copied into the database.
type Syncer struct {
	acct Account
	sink Sink
	opts Options
	log  *slog.Logger

	leasedAt time.Time // when the lease was last taken or renewed

	onIdle func() // tests: called each time IDLE starts
}

// New checks the account settings and returns a Syncer for it. A tls mode of
// none to a host that is not loopback is refused here with ErrInsecure.
func New(acct Account, sink Sink, opts Options) (*Syncer, error) {
	if err := acct.validate(); err != nil {
		return nil, err
	}
	if sink == nil {
		return nil, fmt.Errorf("mailsync: nil sink: %w", ErrConfig)
	}
	if opts.Timeout <= 0 || opts.PollInterval <= 0 || opts.MinBackoff <= 0 || opts.MaxBackoff <= 0 || opts.LeaseTTL <= 0 {
		return nil, fmt.Errorf("mailsync: timeout, poll interval, backoffs and lease TTL must be set: %w", ErrConfig)
	}
	opts = opts.withDefaults()
	log := opts.Logger.With("mailbox_id", acct.MailboxID.Hex(), "host", acct.Host)
	return &Syncer{acct: acct, sink: sink, opts: opts, log: log}, nil
}

// FolderReport is what one sync did to one folder.
type FolderReport struct {
	Folder      string
	UIDValidity uint32
	LastUID     uint32
	Reset       bool // UIDVALIDITY changed: the folder was read again from the start
	Imported    int  // new messages stored
	Duplicates  int  // messages already stored (seen in another folder or before a reset)
	Failed      int  // messages that could not be parsed, stored with status failed
	Err         error
}

// Report is what one sync of a mailbox did.
type Report struct {
	Folders []FolderReport
	Idle    bool // the server offers IDLE
}

// Totals sums the folder counters.
func (r Report) Totals() (imported, duplicates, failed int) {
	for _, f := range r.Folders {
		imported += f.Imported
		duplicates += f.Duplicates
		failed += f.Failed
	}
	return
}

// SyncOnce takes the mailbox lease, syncs every folder once and returns what
// it did. Errors (unreachable server, rejected login, a folder that cannot be
// opened) are also recorded in the folders' state.
func (s *Syncer) SyncOnce(ctx context.Context) (Report, error) {
	if err := s.lease(ctx); err != nil {
		return Report{}, err
	}
	defer s.release()
	cn, err := s.connect(ctx)
	if err != nil {
		return Report{}, err
	}
	defer cn.close()
	rep, err := s.syncAll(ctx, cn)
	s.passed(ctx, err)
	return rep, err
}

// passed tells Options.Passed how a pass ended; a cancelled one says nothing.
func (s *Syncer) passed(ctx context.Context, err error) {
	if s.opts.Passed != nil && ctx.Err() == nil {
		s.opts.Passed(s.acct.MailboxID, err)
	}
}

// Run syncs until ctx is cancelled: with IDLE when the server offers it, else
// by polling; after a failure it reconnects with exponential backoff and
// jitter. It returns nil when ctx is cancelled.
func (s *Syncer) Run(ctx context.Context) error {
	defer s.release()
	failures := 0
	for {
		err := s.session(ctx, func() { failures = 0 })
		if ctx.Err() != nil {
			return nil
		}
		var wait time.Duration
		switch {
		case err == nil:
			continue
		case errors.Is(err, ErrLeaseHeld):
			s.log.Info("mailsync: mailbox synced by another process; waiting")
			wait = s.opts.PollInterval
		default:
			failures++
			wait = backoff(failures, s.opts.MinBackoff, s.opts.MaxBackoff, retryable(err))
			s.log.Warn("mailsync: sync failed; retrying", "reason", Reason(err), "err", LogErr(err), "retry_in", wait.Round(time.Second))
		}
		if !sleep(ctx, wait) {
			return nil
		}
	}
}

// session connects once and syncs until the connection fails or ctx ends.
// Without IDLE it syncs once, waits the poll interval and returns nil, so the
// next session reconnects (holding an idle connection open for minutes only
// invites the server to drop it).
func (s *Syncer) session(ctx context.Context, synced func()) error {
	if err := s.lease(ctx); err != nil {
		return err
	}
	cn, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer cn.close()
	cn.onIdle = s.onIdle
	for {
		rep, err := s.syncAll(ctx, cn)
		s.passed(ctx, err)
		if err != nil && !folderErrorsOnly(rep) {
			return err
		}
		// A folder that cannot be opened is recorded in its state; the
		// connection is fine, so the other folders go on being watched.
		synced()
		var watch *FolderReport
		for i := range rep.Folders {
			if rep.Folders[i].Err == nil {
				watch = &rep.Folders[i]
				break
			}
		}
		if !rep.Idle || watch == nil {
			cn.close()
			sleepRenewing(ctx, s, s.opts.PollInterval)
			return nil
		}
		// IDLE watches the selected folder: the first that works (INBOX).
		// The others are checked again when IDLE ends, at least every wake.
		// Mail that arrived between the sync and this EXAMINE shows in its
		// UIDNEXT, not as an EXISTS during IDLE: sync again at once.
		cn.drainChanged()
		sel, err := cn.examine(ctx, watch.Folder)
		if err != nil {
			return err
		}
		if sel.UIDValidity != watch.UIDValidity || (sel.UIDNext != 0 && uint32(sel.UIDNext) > watch.LastUID+1) {
			continue
		}
		wake := min(s.opts.PollInterval, s.opts.LeaseTTL/2)
		if err := cn.idle(ctx, wake); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := s.lease(ctx); err != nil {
			return err
		}
	}
}

// sleepRenewing waits d, renewing the lease on the way so another instance
// does not take over a mailbox that is merely between polls.
func sleepRenewing(ctx context.Context, s *Syncer, d time.Duration) {
	end := s.opts.Now().Add(d)
	for {
		left := end.Sub(s.opts.Now())
		if left <= 0 {
			return
		}
		if !sleep(ctx, min(left, s.opts.LeaseTTL/2)) {
			return
		}
		if err := s.lease(ctx); err != nil {
			return
		}
	}
}

func (s *Syncer) lease(ctx context.Context) error {
	ok, err := s.sink.AcquireLease(ctx, s.acct.MailboxID, s.opts.Holder, s.opts.Now().Add(s.opts.LeaseTTL))
	if err != nil {
		return fmt.Errorf("mailsync: acquire lease: %w: %w", ErrStore, err)
	}
	if !ok {
		return fmt.Errorf("mailsync: mailbox %s: %w", s.acct.MailboxID.Hex(), ErrLeaseHeld)
	}
	s.leasedAt = s.opts.Now()
	return nil
}

// renewLease renews the lease when a third of it has passed, so a first
// sync longer than the lease (thousands of messages) keeps it.
func (s *Syncer) renewLease(ctx context.Context) error {
	if s.opts.Now().Sub(s.leasedAt) < s.opts.LeaseTTL/3 {
		return nil
	}
	return s.lease(ctx)
}

func (s *Syncer) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.sink.ReleaseLease(ctx, s.acct.MailboxID, s.opts.Holder); err != nil {
		s.log.Warn("mailsync: release lease", "err", LogErr(err))
	}
}

// connect dials and logs in; a failure is recorded on every folder the
// mailbox has or should have, so the UI shows it instead of stale success.
func (s *Syncer) connect(ctx context.Context) (*conn, error) {
	cn, err := dial(ctx, s.acct, s.opts.Timeout)
	if err == nil {
		return cn, nil
	}
	if ctx.Err() == nil {
		s.recordError(ctx, nil, err)
	}
	s.passed(ctx, err)
	return nil, err
}

// syncAll syncs each folder in turn. A folder that cannot be opened does not
// stop the others; a broken connection does.
func (s *Syncer) syncAll(ctx context.Context, cn *conn) (Report, error) {
	rep := Report{Idle: cn.caps.Has(imap.CapIdle) || cn.caps.Has(imap.CapIMAP4rev2)}
	states, err := s.states(ctx)
	if err != nil {
		return rep, err
	}
	folders, sent, err := s.folders(ctx, cn)
	if err != nil {
		s.recordError(ctx, nil, err)
		return rep, err
	}
	threads := newThreadIndex()
	var errs []error
	for i, folder := range folders {
		st, ok := states[folder]
		if !ok {
			st = model.FolderState{ID: model.FolderStateID(s.acct.MailboxID, folder), MailboxID: s.acct.MailboxID, Folder: folder}
		}
		fr, err := s.syncFolder(ctx, cn, &st, folder == sent, threads)
		fr.Err = err
		rep.Folders = append(rep.Folders, fr)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		s.recordFolderError(ctx, &st, err)
		errs = append(errs, err)
		if !errors.Is(err, ErrFolder) {
			// The connection is gone: the remaining folders were not synced
			// either, and say so.
			s.recordError(ctx, folders[i+1:], err)
			return rep, errors.Join(errs...)
		}
	}
	return rep, errors.Join(errs...)
}

func (s *Syncer) states(ctx context.Context) (map[string]model.FolderState, error) {
	list, err := s.sink.FolderStates(ctx, s.acct.MailboxID)
	if err != nil {
		return nil, fmt.Errorf("mailsync: read folder states: %w: %w", ErrStore, err)
	}
	m := make(map[string]model.FolderState, len(list))
	for _, st := range list {
		m[st.Folder] = st
	}
	return m, nil
}

// folders returns the folders to sync and which of them is the Sent folder.
func (s *Syncer) folders(ctx context.Context, cn *conn) ([]string, string, error) {
	list, err := cn.listFolders(ctx)
	if err != nil {
		return nil, "", err
	}
	sent, _ := sentFolder(list)
	if len(s.acct.Folders) > 0 {
		return s.acct.Folders, sent, nil
	}
	folders := []string{"INBOX"}
	if sent != "" && !strings.EqualFold(sent, "INBOX") {
		folders = append(folders, sent)
	}
	return folders, sent, nil
}

// syncFolder reads the folder's new messages in batches. Each batch is
// saved with the LastUID it reaches (SaveBatch: one transaction on the
// embedded store; elsewhere the messages first and LastUID second, so a
// failure between the two re-reads the batch, deduplicated by message id),
// and a failure before either loses nothing.
func (s *Syncer) syncFolder(ctx context.Context, cn *conn, st *model.FolderState, sent bool, threads *threadIndex) (FolderReport, error) {
	fr := FolderReport{Folder: st.Folder}
	log := s.log.With("folder", LogText(st.Folder))
	sel, err := cn.examine(ctx, st.Folder)
	if err != nil {
		return fr, err
	}
	if st.UIDValidity != sel.UIDValidity {
		if st.UIDValidity != 0 {
			log.Warn("mailsync: UIDVALIDITY changed; reading the folder again", "old", st.UIDValidity, "new", sel.UIDValidity)
			st.Resets++
			fr.Reset = true
		}
		st.UIDValidity, st.LastUID = sel.UIDValidity, 0
		if err := s.saveState(ctx, st); err != nil {
			return fr, err
		}
	}
	fr.UIDValidity, fr.LastUID = st.UIDValidity, st.LastUID

	// UIDNEXT tells without a SEARCH that nothing arrived: the common case
	// of every poll.
	if sel.NumMessages > 0 && (sel.UIDNext == 0 || uint32(sel.UIDNext) > st.LastUID+1) {
		uids, err := cn.uidsAfter(ctx, st.LastUID)
		if err != nil {
			return fr, err
		}
		if err := s.importUIDs(ctx, cn, st, &fr, uids, sent, threads, log); err != nil {
			return fr, err
		}
	}
	st.LastSuccessAt = s.opts.Now().UTC()
	if err := s.saveState(ctx, st); err != nil {
		return fr, err
	}
	if fr.Failed > maxFailedLogged {
		log.Warn("mailsync: more messages stored as failed than logged", "failed", fr.Failed, "logged", maxFailedLogged)
	}
	log.Debug("mailsync: folder synced", "imported", fr.Imported, "duplicates", fr.Duplicates, "failed", fr.Failed, "last_uid", st.LastUID)
	return fr, nil
}

// importUIDs reads the UIDs in batches and stores each batch with the
// folder state it reaches (SaveBatch). A fetcher goroutine reads and parses
// the next batch while this one stores the current one: the network, the
// parse and the store's writer overlap, at most two batches in memory.
func (s *Syncer) importUIDs(ctx context.Context, cn *conn, st *model.FolderState, fr *FolderReport, uids []imap.UID, sent bool, threads *threadIndex, log *slog.Logger) error {
	if len(uids) == 0 {
		return nil
	}
	sizes, err := cn.sizes(ctx, uids)
	if err != nil {
		return err
	}
	fctx, cancel := context.WithCancel(ctx)
	ready := make(chan fetchedBatch) // unbuffered: one batch stored, one fetched
	fetchErr := make(chan error, 1)
	go func() {
		defer close(ready)
		fetchErr <- s.fetchBatches(fctx, cn, s.batches(uids, sizes), sizes, ready)
	}()
	// On a store error the fetcher is stopped (cancelling closes the
	// connection under a FETCH in flight) and awaited: the caller uses cn
	// next, and only this goroutine may.
	defer func() {
		cancel()
		for range ready {
		}
	}()
	for b := range ready {
		if err := s.storeBatch(ctx, st, fr, b, sent, threads, log); err != nil {
			return err
		}
		if err := s.renewLease(ctx); err != nil {
			return err
		}
	}
	return <-fetchErr
}

// fetchedBatch is one batch read and parsed, in UID order.
type fetchedBatch struct {
	last   imap.UID // the batch's last UID, fetched or expunged meanwhile
	msgs   []fetched
	parsed []parseResult
}

// fetchBatches fetches and parses each batch in turn and hands it to ready,
// until the batches are done, a FETCH fails or ctx ends.
func (s *Syncer) fetchBatches(ctx context.Context, cn *conn, batches [][]imap.UID, sizes map[imap.UID]int64, ready chan<- fetchedBatch) error {
	for _, batch := range batches {
		var full, headerOnly []imap.UID
		for _, uid := range batch {
			if sizes[uid] > s.opts.MaxMessageBytes {
				headerOnly = append(headerOnly, uid)
			} else {
				full = append(full, uid)
			}
		}
		msgs, err := cn.fetch(ctx, full, headerOnly)
		if err != nil {
			return err
		}
		b := fetchedBatch{last: batch[len(batch)-1], msgs: msgs, parsed: parseAll(msgs)}
		select {
		case ready <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// storeBatch threads a fetched batch, stores it and moves the folder state
// to its last UID in one SaveBatch.
func (s *Syncer) storeBatch(ctx context.Context, st *model.FolderState, fr *FolderReport, b fetchedBatch, sent bool, threads *threadIndex, log *slog.Logger) error {
	if err := s.loadSubjectThreads(ctx, b.parsed, threads); err != nil {
		return err
	}
	in := make([]model.IncomingMessage, 0, len(b.msgs))
	failed := 0
	for i, f := range b.msgs {
		m, ok := s.prepare(ctx, st, f, b.parsed[i], sent, threads)
		if !ok {
			if fr.Failed+failed < maxFailedLogged {
				log.Warn("mailsync: message stored as failed", "uid", uint32(f.uid), "reason", LogText(m.Message.FailReason))
			}
			failed++
		}
		in = append(in, m)
	}
	now := s.opts.Now().UTC()
	// after is the state once the batch is stored: messages expunged since
	// the SEARCH are simply absent from the answer, and the batch is still
	// done up to its last UID.
	after := func(created []bool) (model.FolderState, int, int) {
		imported, dups := 0, 0
		for i, c := range created {
			switch {
			case in[i].Message.Status == model.MessageFailed:
			case c:
				imported++
			default:
				dups++
			}
		}
		next := *st
		next.Imported += int64(imported)
		next.Duplicates += int64(dups)
		next.Failed += int64(failed)
		next.LastUID = uint32(b.last)
		next.UpdatedAt = now
		return next, imported, dups
	}
	created, err := s.sink.SaveBatch(ctx, in, func(created []bool) model.FolderState {
		next, _, _ := after(created)
		return next
	})
	if err != nil {
		return fmt.Errorf("mailsync: save %d messages: %w: %w", len(in), ErrStore, err)
	}
	next, imported, dups := after(created)
	*st = next
	fr.Imported += imported
	fr.Duplicates += dups
	fr.Failed += failed
	fr.LastUID = st.LastUID
	log.Debug("mailsync: batch saved", "messages", len(in), "last_uid", st.LastUID)
	return nil
}

// batches cuts the UIDs into FETCHes of at most BatchSize messages and
// BatchBytes bytes (a message bigger than that goes alone).
func (s *Syncer) batches(uids []imap.UID, sizes map[imap.UID]int64) [][]imap.UID {
	var out [][]imap.UID
	var cur []imap.UID
	var bytes int64
	for _, uid := range uids {
		size := min(sizes[uid], s.opts.MaxMessageBytes)
		if len(cur) > 0 && (len(cur) >= s.opts.BatchSize || bytes+size > s.opts.BatchBytes) {
			out = append(out, cur)
			cur, bytes = nil, 0
		}
		cur = append(cur, uid)
		bytes += size
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// parseResult is one fetched message parsed.
type parseResult struct {
	in  *model.IncomingMessage
	err error
}

// parseAll parses a batch on every core: parsing and sanitising, not the
// network, is what limits a first sync of a large mailbox.
func parseAll(msgs []fetched) []parseResult {
	out := make([]parseResult, len(msgs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, f := range msgs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			in, err := Parse(f.raw, f.internalDate)
			out[i] = parseResult{in: in, err: err}
		}()
	}
	wg.Wait()
	return out
}

// prepare adds to a parsed message what depends on where it was found:
// location, direction, thread by subject. ok is false for a message that
// could not be parsed (it is still returned, with status failed). Messages
// go through it in UID order, so subject threading sees earlier ones.
func (s *Syncer) prepare(ctx context.Context, st *model.FolderState, f fetched, p parseResult, sent bool, threads *threadIndex) (model.IncomingMessage, bool) {
	in, perr := p.in, p.err
	m := &in.Message
	if f.headerOnly {
		in.Body.Text = fmt.Sprintf("(Mensaje de %d MB: solo se importó el encabezado. Ábralo en el cliente de correo.)", f.size>>20)
		m.Snippet = Snippet(in.Body.Text)
	}
	if f.size > 0 {
		m.Size = f.size
	}
	now := s.opts.Now().UTC()
	m.SeenIn = []model.Location{{MailboxID: s.acct.MailboxID, Folder: st.Folder, UID: uint32(f.uid), UIDValidity: st.UIDValidity}}
	m.Direction = s.direction(m.From.Address, sent)
	if m.Status == model.MessageNew {
		m.Status = model.ReviewStatusOnArrival(m.Direction)
	}
	m.Version = 1
	m.CreatedAt, m.UpdatedAt = now, now
	if needsSubjectThreading(m.InReplyTo, m.References, m.Subject) && m.SubjectKey != "" {
		if t, ok := threads.lookup(m.SubjectKey, m.Date); ok {
			m.ThreadID = t
		}
	}
	threads.add(m.SubjectKey, m.ThreadID, m.Date)
	return *in, perr == nil
}

// direction says whether the team sent the message: it was in the Sent
// folder, or it comes from the mailbox's address or one of the team domains.
func (s *Syncer) direction(from string, sent bool) string {
	if sent || (s.acct.Address != "" && strings.EqualFold(from, s.acct.Address)) {
		return model.Outbound
	}
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain := from[at+1:]
		for _, d := range s.acct.Domains {
			if strings.EqualFold(domain, d) {
				return model.Outbound
			}
		}
	}
	return model.Inbound
}

func (s *Syncer) saveState(ctx context.Context, st *model.FolderState) error {
	st.UpdatedAt = s.opts.Now().UTC()
	if err := s.sink.SaveFolderState(ctx, *st); err != nil {
		return fmt.Errorf("mailsync: save state of %q: %w: %w", st.Folder, ErrStore, err)
	}
	return nil
}

func (s *Syncer) recordFolderError(ctx context.Context, st *model.FolderState, err error) {
	st.LastError = truncate(toValidUTF8(err.Error()), 500)
	st.LastErrorReason = Reason(err)
	st.LastErrorAt = s.opts.Now().UTC()
	if serr := s.saveState(context.WithoutCancel(ctx), st); serr != nil {
		s.log.Error("mailsync: record folder error", "folder", LogText(st.Folder), "err", LogErr(serr))
	}
}

// recordError records err on the given folders, or when folders is nil on
// every folder the mailbox is known to have (configured, or synced before,
// or at least INBOX).
func (s *Syncer) recordError(ctx context.Context, folders []string, err error) {
	states, serr := s.states(ctx)
	if serr != nil {
		s.log.Error("mailsync: record error", "err", LogErr(err), "store_err", LogErr(serr))
		return
	}
	if folders == nil {
		folders = append(folders, s.acct.Folders...)
		for name := range states {
			folders = append(folders, name)
		}
		if len(folders) == 0 {
			folders = []string{"INBOX"}
		}
	}
	seen := map[string]bool{}
	for _, f := range folders {
		if seen[f] {
			continue
		}
		seen[f] = true
		st, ok := states[f]
		if !ok {
			st = model.FolderState{ID: model.FolderStateID(s.acct.MailboxID, f), MailboxID: s.acct.MailboxID, Folder: f}
		}
		s.recordFolderError(ctx, &st, err)
	}
	s.log.Warn("mailsync: sync error", "reason", Reason(err), "err", LogErr(err))
}

// folderErrorsOnly reports whether a sync that failed reached every folder
// and failed only on folders that could not be opened: the connection works.
func folderErrorsOnly(rep Report) bool {
	if len(rep.Folders) == 0 {
		return false
	}
	for _, f := range rep.Folders {
		if f.Err != nil && !errors.Is(f.Err, ErrFolder) {
			return false
		}
	}
	return true
}

// backoff is the wait after n consecutive failures: doubling from lo up to
// hi, with jitter so many instances do not retry in step. Errors that will
// not fix themselves (a rejected password) wait the longest.
func backoff(n int, lo, hi time.Duration, retry bool) time.Duration {
	d := hi
	if retry && n < 30 {
		d = min(lo<<(n-1), hi)
	}
	half := d / 2
	return half + rand.N(half+1)
}

// sleep waits d or until ctx ends; it reports whether the full wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// loadSubjectThreads adds to threads the stored messages that the batch's
// header-less replies may belong to, with one store query for the batch.
func (s *Syncer) loadSubjectThreads(ctx context.Context, parsed []parseResult, threads *threadIndex) error {
	var keys []string
	var from, to time.Time
	for _, p := range parsed {
		m := &p.in.Message
		if !needsSubjectThreading(m.InReplyTo, m.References, m.Subject) || m.SubjectKey == "" {
			continue
		}
		if _, ok := threads.lookup(m.SubjectKey, m.Date); ok {
			continue
		}
		if !slices.Contains(keys, m.SubjectKey) {
			keys = append(keys, m.SubjectKey)
		}
		if from.IsZero() || m.Date.Before(from) {
			from = m.Date
		}
		if m.Date.After(to) {
			to = m.Date
		}
	}
	if len(keys) == 0 {
		return nil
	}
	hits, err := s.sink.SubjectThreads(ctx, keys, from.Add(-SubjectWindow), to)
	if err != nil {
		return fmt.Errorf("mailsync: thread by subject: %w: %w", ErrStore, err)
	}
	slices.SortFunc(hits, func(a, b model.SubjectThread) int { return a.Date.Compare(b.Date) })
	for _, h := range hits {
		threads.add(h.Key, h.Thread, h.Date)
	}
	return nil
}
