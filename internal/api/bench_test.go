package api

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/gofiber/fiber/v2"
)

// The benchmarks run against the reference dataset at scale 1 (2,000
// stakeholders, 10,000 meetings, 3,000 commitments, 5,000 tasks), loaded
// once per test binary by the first benchmark that needs it, so `go test`
// without -bench never pays for it. Each iteration is one HTTP request
// through the whole Fiber app (auth middleware included).
var bench struct {
	once   sync.Once
	err    error
	app    *fiber.App
	tokens map[string]string // admin, lima_manager
}

func benchApp(b *testing.B) (*fiber.App, map[string]string) {
	b.Helper()
	bench.once.Do(func() { bench.err = loadBench() })
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.app, bench.tokens
}

func loadBench() error {
	ctx := context.Background()
	// Not storetest.Open: its cleanup would drop the data after the first
	// benchmark. The embedded engine's files go away with the test binary;
	// on a real server the database is kept and reused by the next run.
	s, err := storetest.OpenNamed(ctx, "bench_reference")
	if err != nil {
		return err
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		return err
	}
	if _, err := demo.LoadReference(ctx, s, 1, s.Now()); err != nil && !errors.Is(err, demo.ErrReferenceLoaded) {
		return err
	}
	// Build the report counters now, not inside the first dashboard benchmark.
	if err := s.RebuildReportCounters(ctx); err != nil {
		return err
	}
	tokens, err := auth.NewTokens([]byte(strings.Repeat("b", 32)))
	if err != nil {
		return err
	}
	bench.app = New(Options{Store: s, Tokens: tokens, Log: discardLogger(), Version: "bench"})
	bench.tokens = map[string]string{}
	for key, email := range map[string]string{"admin": "admin@ref.alianza.test", "lima_manager": "manager.lima@ref.alianza.test"} {
		u, err := s.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if bench.tokens[key], err = tokens.Issue(u); err != nil {
			return err
		}
	}
	return nil
}

func benchGet(b *testing.B, who, path string) {
	app, tokens := benchApp(b)
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+tokens[who])
		res, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
		}
	}
}

// BenchmarkBaselineRegions is the floor: a signed-in request whose only
// database work is the auth middleware's user look-up.
func BenchmarkBaselineRegions(b *testing.B) { benchGet(b, "admin", "/api/v1/regions") }

func BenchmarkListStakeholders(b *testing.B) { benchGet(b, "admin", "/api/v1/stakeholders") }
func BenchmarkListStakeholdersRegion(b *testing.B) {
	benchGet(b, "admin", "/api/v1/stakeholders?region=08")
}
func BenchmarkListMeetings(b *testing.B)       { benchGet(b, "admin", "/api/v1/meetings") }
func BenchmarkListMeetingsRegion(b *testing.B) { benchGet(b, "admin", "/api/v1/meetings?region=08") }
func BenchmarkListCommitments(b *testing.B)    { benchGet(b, "admin", "/api/v1/commitments") }
func BenchmarkListCommitmentsRegion(b *testing.B) {
	benchGet(b, "admin", "/api/v1/commitments?region=08")
}
func BenchmarkSearchTwoWords(b *testing.B) {
	benchGet(b, "admin", "/api/v1/search?q=presupuesto+cusco")
}
func BenchmarkTimelineBusyStakeholder(b *testing.B) {
	benchGet(b, "admin", "/api/v1/stakeholders/"+demo.BusyStakeholder().Hex()+"/timeline")
}

func BenchmarkReports(b *testing.B) {
	for _, name := range []string{"commitments-by-region", "overdue", "meetings-per-month", "legislators-with-commitments", "active-committees"} {
		b.Run(name, func(b *testing.B) { benchGet(b, "admin", "/api/v1/reports/"+name) })
		b.Run(name+"/lima-manager", func(b *testing.B) { benchGet(b, "lima_manager", "/api/v1/reports/"+name) })
	}
}
