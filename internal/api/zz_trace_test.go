package api

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/lite"
	"github.com/alianza-pe/alianza/internal/workflow"
)

func TestZZTrace(t *testing.T) {
	dir := os.Getenv("TRACE_DB")
	if dir == "" {
		t.Skip()
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := store.OpenEmbedded(ctx, dir, log, lite.SlowQuery(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	tokens, _ := auth.NewTokens([]byte(strings.Repeat("b", 32)))
	app := New(testOptions(Options{Store: s, Flows: workflow.New(s), Tokens: tokens, Log: discardLogger(), Version: "bench"}))
	tok := map[string]string{}
	for k, e := range map[string]string{"admin": "admin@ref.alianza.test", "lima_manager": "manager.lima@ref.alianza.test"} {
		u, err := s.UserByEmail(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		tok[k], _ = tokens.Issue(u)
	}
	for _, line := range strings.Split(os.Getenv("TRACE_PATHS"), ",") {
		who, path, _ := strings.Cut(line, " ")
		path = strings.NewReplacer("{mailbox}", demo.RefMailbox().Hex(), "{busy}", demo.BusyStakeholder().Hex()).Replace(path)
		for i := 0; i < 2; i++ {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+tok[who])
			start := time.Now()
			res, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			t.Logf("%s %s: %d %d bytes %s", who, path, res.StatusCode, len(b), time.Since(start))
		}
	}
}
