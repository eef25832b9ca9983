package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/gofiber/fiber/v2"
)

// The benchmarks run against the reference dataset (at scale 1: 2,000
// stakeholders, 10,000 meetings, 3,000 commitments, 5,000 tasks and 50,000
// messages; ALIANZA_BENCH_SCALE picks another scale), loaded once per test
// binary by the first benchmark that needs it, so `go test` without -bench
// never pays for it. Each iteration is one HTTP request through the whole
// Fiber app (auth middleware included); besides ns/op each benchmark
// reports the 95th percentile of its requests as p95-ms.
var bench struct {
	once  sync.Once
	err   error
	app   *fiber.App
	keys  *auth.Tokens
	users map[string]*model.User // admin, lima_manager
}

// benchScale is the reference dataset's scale (ALIANZA_BENCH_SCALE, default 1).
func benchScale() float64 {
	if v, err := strconv.ParseFloat(os.Getenv("ALIANZA_BENCH_SCALE"), 64); err == nil && v > 0 {
		return v
	}
	return 1
}

func benchApp(b *testing.B) (*fiber.App, map[string]string) {
	b.Helper()
	bench.once.Do(func() { bench.err = loadBench() })
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	// Fresh tokens for each benchmark: a run at scale 10 outlasts one.
	tokens := map[string]string{}
	for key, u := range bench.users {
		t, err := bench.keys.Issue(u)
		if err != nil {
			b.Fatal(err)
		}
		tokens[key] = t
	}
	return bench.app, tokens
}

func loadBench() error {
	ctx := context.Background()
	// Not storetest.Open: its cleanup would drop the data after the first
	// benchmark. The embedded engine's files go away with the test binary;
	// on a real server the database is kept and reused by the next run.
	scale := benchScale()
	s, err := storetest.OpenNamed(ctx, "bench_reference_"+strings.ReplaceAll(strconv.FormatFloat(scale, 'f', -1, 64), ".", "_"))
	if err != nil {
		return err
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		return err
	}
	start := time.Now()
	flows := workflow.New(s)
	n, err := demo.LoadReference(ctx, flows, scale, s.Now())
	if err != nil && !errors.Is(err, demo.ErrReferenceLoaded) {
		return err
	}
	if err == nil {
		fmt.Fprintf(os.Stderr, "reference dataset at scale %g loaded in %s: %+v\n", scale, time.Since(start).Round(time.Millisecond), n)
	}
	// Build the report counters now, not inside the first dashboard benchmark.
	if err := s.RebuildReportCounters(ctx); err != nil {
		return err
	}
	// And the unmatched senders' tally of a folder loaded before it.
	start = time.Now()
	if err := s.BuildUnmatchedTally(ctx); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "unmatched senders' tally ready in %s\n", time.Since(start).Round(time.Millisecond))
	// And the queue's tally, once per database (a dataset loaded by an
	// older build has none).
	if _, err := s.MessageCounts(ctx, model.Scope{All: true}, store.MessageFilter{}); err != nil {
		return err
	}
	tokens, err := auth.NewTokens([]byte(strings.Repeat("b", 32)))
	if err != nil {
		return err
	}
	bench.app = New(testOptions(Options{Store: s, Flows: flows, Tokens: tokens, Log: discardLogger(), Version: "bench"}))
	bench.keys, bench.users = tokens, map[string]*model.User{}
	for key, email := range map[string]string{"admin": "admin@ref.alianza.test", "lima_manager": "manager.lima@ref.alianza.test"} {
		u, err := s.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		bench.users[key] = u
	}
	// The load leaves hundreds of MB of garbage at scale 10: collect it
	// now, or its marking lands in the first benchmark's cpu-ms/op.
	runtime.GC()
	return nil
}

// benchDo runs one request per iteration: body(i) is its JSON body (nil
// for none), and after(resp) sees each answer (to carry a version).
func benchDo(b *testing.B, who, method string, path func() string, body func() any, after func([]byte)) {
	app, tokens := benchApp(b)
	var took []time.Duration
	cpu := storetest.CPUTime()
	b.ResetTimer()
	for b.Loop() {
		var rd io.Reader
		if body != nil {
			raw, err := json.Marshal(body())
			if err != nil {
				b.Fatal(err)
			}
			rd = bytes.NewReader(raw)
		}
		p := path()
		req := httptest.NewRequest(method, p, rd)
		req.Header.Set("Authorization", "Bearer "+tokens[who])
		if rd != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		start := time.Now()
		res, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		took = append(took, time.Since(start))
		if res.StatusCode/100 != 2 {
			b.Fatalf("%s %s: %d %s", method, p, res.StatusCode, out)
		}
		if after != nil {
			after(out)
		}
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[(len(took)*95+99)/100-1].Microseconds())/1000, "p95-ms")
	// CPU time per request (the whole process: app, engine, SQLite), steadier
	// than wall time when other programs share the machine.
	b.ReportMetric(float64((storetest.CPUTime()-cpu).Microseconds())/1000/float64(len(took)), "cpu-ms/op")
}

func benchGet(b *testing.B, who, path string) {
	benchDo(b, who, "GET", func() string { return path }, nil, nil)
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
func BenchmarkListInitiatives(b *testing.B) { benchGet(b, "admin", "/api/v1/initiatives") }

// BenchmarkListInitiativesMoved is the "moved in the last 30 days" list of
// a regional manager.
func BenchmarkListInitiativesMoved(b *testing.B) {
	since := time.Now().AddDate(0, 0, -30).Format(time.DateOnly)
	benchGet(b, "lima_manager", "/api/v1/initiatives?moved_since="+since)
}
func BenchmarkInitiativePage(b *testing.B) {
	benchGet(b, "admin", "/api/v1/initiatives/"+demo.ID("ref-initiative-0").Hex())
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

// BenchmarkSearchTwoWordsManager is BenchmarkSearchTwoWords by a regional
// manager: each collection's page is in one region, where the two words
// are rarely together although they often are in the whole collection.
func BenchmarkSearchTwoWordsManager(b *testing.B) {
	benchGet(b, "lima_manager", "/api/v1/search?q=presupuesto+cusco")
}
