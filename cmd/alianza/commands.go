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

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
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
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return err
	}
	s, closeDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := s.CreateUser(ctx, model.SystemActor, in, hash)
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
	start := time.Now()
	var n store.DatasetCounts
	what := "demo dataset"
	if f.scale > 0 {
		what = fmt.Sprintf("reference dataset at scale %g", f.scale)
		n, err = demo.LoadReference(ctx, s, f.scale, s.Now())
	} else {
		n, err = demo.Load(ctx, s, s.Now())
	}
	if err != nil {
		return fmt.Errorf("demo load: %w", err)
	}
	fmt.Fprintf(stdout, "%s loaded in %s: %d users, %d stakeholders, %d meetings, %d commitments, %d tasks added\n",
		what, time.Since(start).Round(time.Millisecond), n.Users, n.Stakeholders, n.Meetings, n.Commitments, n.Tasks)
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

func mailSync(ctx context.Context, cfg *config.Config, log *slog.Logger, f subFlags, stdout io.Writer) error {
	return errors.New("mail sync: the mailbox sync is not built yet")
}
