package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/mailsync"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// userAdd creates a user from the shell. The password comes from
// ALIANZA_USER_PASSWORD or the first line of stdin, never from a flag that
// would show in the process list.
func userAdd(ctx context.Context, cfg *config.Config, log *slog.Logger, f subFlags, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	pw := getenv("ALIANZA_USER_PASSWORD")
	if pw == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password from stdin: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	name := f.name
	if name == "" {
		name, _, _ = strings.Cut(f.email, "@")
	}
	in := model.NewUser{Email: f.email, Name: name, Role: f.role, Regions: strings.Split(f.regions, ","), Password: pw}
	in.Normalize()
	if err := in.Validate(); err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			parts := make([]string, len(ve.Errors))
			for i, fe := range ve.Errors {
				parts[i] = "--" + fe.Field + " " + fe.Message
			}
			return errors.New(strings.Join(parts, "; "))
		}
		return err
	}
	s, closeDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := workflow.New(s).CreateUser(ctx, model.SystemUser(), in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s user %s (%s)\n", u.Role, u.Email, u.ID.Hex())
	return nil
}

func demoLoad(ctx context.Context, cfg *config.Config, log *slog.Logger, f subFlags, stdout io.Writer) error {
	if f.scale < 0 {
		return errors.New("demo load: --scale must be 0 (demo dataset) or positive (reference dataset)")
	}
	s, closeDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	flows := workflow.New(s)
	// The demo adds users, after which serve would no longer create the
	// first admin: create it now when the environment names one.
	if err := bootstrapAdmin(ctx, cfg, s, flows, log); err != nil {
		return fmt.Errorf("first admin: %w", err)
	}
	start := time.Now()
	var n store.DatasetCounts
	what := "demo dataset"
	if f.scale > 0 {
		what = fmt.Sprintf("reference dataset at scale %g", f.scale)
		n, err = demo.LoadReference(ctx, flows, f.scale, s.Now())
	} else {
		n, err = demo.Load(ctx, flows, s, s.Now())
	}
	if err != nil {
		return fmt.Errorf("demo load: %w", err)
	}
	fmt.Fprintf(stdout, "%s loaded in %s: %d users, %d stakeholders, %d meetings, %d commitments, %d tasks, %d initiatives, %d messages added\n",
		what, time.Since(start).Round(time.Millisecond), n.Users, n.Stakeholders, n.Meetings, n.Commitments, n.Tasks, n.Initiatives, n.Messages)
	if f.scale == 0 {
		fmt.Fprintf(stdout, "demo users (password %q): ", demo.Password)
		for i, u := range demo.Users {
			if i > 0 {
				fmt.Fprint(stdout, ", ")
			}
			fmt.Fprint(stdout, u.Email)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// mailSync does one pass over every enabled mailbox (the environment's and
// those added through the API) and prints what it did per folder. It fails
// (one line per mailbox) when a mailbox could not be synced; a mailbox that
// another running instance holds the lease of is reported and skipped.
func mailSync(ctx context.Context, cfg *config.Config, log *slog.Logger, f subFlags, stdout io.Writer) error {
	if !f.once {
		return errors.New("mail sync: add --once (alianza serve keeps the mailboxes in sync continuously)")
	}
	_, key, err := secrets(cfg, log)
	if err != nil {
		return err
	}
	s, closeDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	flows := workflow.New(s)
	if err := upsertEnvMailbox(ctx, cfg, flows, key); err != nil {
		return err
	}
	boxes, err := s.ListMailboxes(ctx)
	if err != nil {
		return err
	}
	if len(boxes) == 0 {
		fmt.Fprintln(stdout, "no mailboxes: set ALIANZA_IMAP_ADDR or add one in the admin page")
		return nil
	}
	sink := flows.MailSink()
	holder := leaseHolder()
	var failures []error
	for _, m := range boxes {
		label := fmt.Sprintf("%s (%s)", m.Name, m.ID.Hex())
		if m.Disabled {
			fmt.Fprintf(stdout, "%s: disabled, skipped\n", label)
			continue
		}
		acct, err := mailAccount(cfg, key, m)
		var syncer *mailsync.Syncer
		if err == nil {
			syncer, err = mailsync.New(acct, sink, syncOptions(cfg, holder, log))
		}
		if err != nil {
			recordMailboxError(ctx, s, m, err)
			failures = append(failures, fmt.Errorf("mail sync: %s: %s: %w", label, mailsync.Reason(err), err))
			continue
		}
		rep, err := syncer.SyncOnce(ctx)
		for _, fr := range rep.Folders {
			line := fmt.Sprintf("%s %s: imported %d, duplicates %d, failed %d", label, fr.Folder, fr.Imported, fr.Duplicates, fr.Failed)
			if fr.Reset {
				line += " (UIDVALIDITY changed: folder read again)"
			}
			if fr.Err != nil {
				line += fmt.Sprintf("; error (%s): %v", mailsync.Reason(fr.Err), fr.Err)
			}
			fmt.Fprintln(stdout, line)
		}
		switch {
		case errors.Is(err, mailsync.ErrLeaseHeld):
			fmt.Fprintf(stdout, "%s: skipped, another running instance is syncing it\n", label)
		case err != nil:
			failures = append(failures, fmt.Errorf("mail sync: %s: %s: %w", label, mailsync.Reason(err), err))
		default:
			imp, dup, failed := rep.Totals()
			fmt.Fprintf(stdout, "%s: imported %d, duplicates %d, failed %d\n", label, imp, dup, failed)
		}
	}
	return errors.Join(failures...)
}
