package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/demo"
)

// Benchmarks of the daily screens on the reference dataset (see
// bench_test.go): every filter of the correspondence queue and of the
// lists, opening records, and the writes a reviewer makes.

func BenchmarkMessagesQueue(b *testing.B) {
	busy := demo.BusyStakeholder().Hex()
	for _, c := range []struct{ name, who, query string }{
		{"all", "admin", ""},
		{"new", "admin", "?status=new"},
		{"follow_up", "admin", "?status=follow_up"},
		{"done", "admin", "?status=done"},
		{"ignored", "admin", "?status=ignored"},
		{"failed", "admin", "?status=failed"},
		{"region", "admin", "?region=08"},
		{"unmatched", "admin", "?unmatched=true"},
		{"awaiting_reply", "admin", "?awaiting_reply=true"},
		{"assignee", "admin", "?assignee_id=" + demo.ID("ref-officer-15").Hex()},
		{"stakeholder", "admin", "?stakeholder_id=" + busy},
		{"mailbox_folder", "admin", "?mailbox_id=" + demo.RefMailbox().Hex() + "&folder=Sent"},
		{"date_range", "admin", "?from=2025-01-01&to=2025-03-31"},
		{"search", "admin", "?q=presupuesto"},
		{"lima_manager", "lima_manager", ""},
		{"lima_manager_new", "lima_manager", "?status=new"},
	} {
		b.Run(c.name, func(b *testing.B) { benchGet(b, c.who, "/api/v1/messages"+c.query) })
	}
	// The tab counts the queue shows beside its tabs.
	b.Run("tab_counts", func(b *testing.B) { benchGet(b, "admin", "/api/v1/messages/counts") })
	b.Run("tab_counts_lima_manager", func(b *testing.B) { benchGet(b, "lima_manager", "/api/v1/messages/counts") })
	b.Run("page2", func(b *testing.B) {
		path := "/api/v1/messages?status=new&cursor=" + benchNextCursor(b, "admin", "/api/v1/messages?status=new")
		benchGet(b, "admin", path)
	})
}

// benchNextCursor reads the next_cursor of the first page of path.
func benchNextCursor(b *testing.B, who, path string) string {
	app, tokens := benchApp(b)
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+tokens[who])
	res, err := app.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	if err := json.Unmarshal(raw, &page); err != nil || page.NextCursor == "" {
		b.Fatalf("no next cursor for %s: %s", path, raw)
	}
	return page.NextCursor
}

func BenchmarkLists(b *testing.B) {
	busy := demo.BusyStakeholder().Hex()
	for _, c := range []struct{ name, path string }{
		{"meetings_kind", "/api/v1/meetings?kind=virtual"},
		{"meetings_stakeholder", "/api/v1/meetings?stakeholder_id=" + busy},
		{"meetings_search", "/api/v1/meetings?q=presupuesto"},
		{"commitments_status", "/api/v1/commitments?status=pending"},
		{"commitments_overdue", "/api/v1/commitments?overdue=true"},
		{"commitments_stakeholder", "/api/v1/commitments?stakeholder_id=" + busy},
		{"tasks", "/api/v1/tasks"},
		{"tasks_open", "/api/v1/tasks?done=false"},
		{"tasks_overdue", "/api/v1/tasks?overdue=true"},
		{"tasks_assignee", "/api/v1/tasks?assignee_id=" + demo.ID("ref-officer-15").Hex()},
		{"stakeholders_kind", "/api/v1/stakeholders?kind=legislator"},
		{"stakeholders_search", "/api/v1/stakeholders?q=quispe"},
		{"unmatched_addresses", "/api/v1/messages/unmatched-addresses"},
	} {
		b.Run(c.name, func(b *testing.B) { benchGet(b, "admin", c.path) })
	}
	b.Run("lima_manager_meetings", func(b *testing.B) { benchGet(b, "lima_manager", "/api/v1/meetings") })
	b.Run("lima_manager_stakeholders", func(b *testing.B) { benchGet(b, "lima_manager", "/api/v1/stakeholders") })
}

func BenchmarkOpenRecord(b *testing.B) {
	for _, c := range []struct{ name, path string }{
		{"message", "/api/v1/messages/" + demo.ID("ref-message-1234").Hex()},
		{"thread", "/api/v1/threads/" + demo.ID("ref-thread-100").Hex()},
		{"meeting", "/api/v1/meetings/" + demo.ID("ref-meeting-123").Hex()},
		{"stakeholder", "/api/v1/stakeholders/" + demo.BusyStakeholder().Hex()},
		{"commitment", "/api/v1/commitments/" + demo.ID("ref-commitment-123").Hex()},
		{"task", "/api/v1/tasks/" + demo.ID("ref-task-123").Hex()},
	} {
		b.Run(c.name, func(b *testing.B) { benchGet(b, "admin", c.path) })
	}
}

// benchVersion is the version in a JSON answer.
func benchVersion(b *testing.B, raw []byte) int {
	var v struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Version == 0 {
		b.Fatalf("no version in %s", raw)
	}
	return v.Version
}

func BenchmarkWrites(b *testing.B) {
	b.Run("patch_message", func(b *testing.B) {
		benchPatchNotes(b, "/api/v1/messages/"+demo.ID("ref-message-2345").Hex())
	})
	b.Run("message_status", func(b *testing.B) {
		path := "/api/v1/messages/" + demo.ID("ref-message-3456").Hex()
		version := benchVersion(b, benchBody(b, path))
		statuses := []string{"follow_up", "done"}
		n := 0
		benchDo(b, "admin", "PATCH", func() string { return path }, func() any {
			n++
			return map[string]any{"status": statuses[n%2], "version": version}
		}, func(raw []byte) { version = benchVersion(b, raw) })
	})
	b.Run("commitment_status", func(b *testing.B) {
		// 100 commitments in turn: one commitment's history would grow by
		// every request of every run, where a commitment changes status a
		// handful of times (BenchmarkCommitmentStatusHistory measures long
		// histories).
		statuses := []string{"in_progress", "pending"}
		n := 0
		benchDo(b, "admin", "POST", func() string {
			return "/api/v1/commitments/" + demo.ID(fmt.Sprintf("ref-commitment-%d", 200+n%100)).Hex() + "/status"
		}, func() any {
			n++ // before the path: benchDo asks for the body first
			return map[string]any{"status": statuses[(n/100)%2], "note": "seguimiento"}
		}, nil)
	})
	b.Run("patch_stakeholder", func(b *testing.B) {
		benchPatchNotes(b, "/api/v1/stakeholders/"+demo.ID("ref-stakeholder-77").Hex())
	})
}

// benchPatchNotes changes the notes of the record at path, each write with
// the version the previous one answered.
func benchPatchNotes(b *testing.B, path string) {
	version := benchVersion(b, benchBody(b, path))
	n := 0
	benchDo(b, "admin", "PATCH", func() string { return path }, func() any {
		n++
		return map[string]any{"notes": "nota " + string(rune('a'+n%26)), "version": version}
	}, func(raw []byte) { version = benchVersion(b, raw) })
}

// benchBody is the answer to a GET of path as admin.
func benchBody(b *testing.B, path string) []byte {
	app, tokens := benchApp(b)
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+tokens["admin"])
	res, err := app.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		b.Fatalf("GET %s: %d %s", path, res.StatusCode, raw)
	}
	return raw
}

// BenchmarkZZResidentMemory runs last (benchmarks run in name order) and
// reports the process's resident size after the requests above, with the
// reference dataset loaded and served, once the garbage is collected
// (rss-MB), and the peak over the whole run, dataset generation included
// (peak-rss-MB).
func BenchmarkZZResidentMemory(b *testing.B) {
	benchApp(b)
	for b.Loop() {
		runtime.GC()
		debug.FreeOSMemory()
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatalf("resident size: %v (Linux only)", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			b.ReportMetric(kb/1024, "rss-MB")
		case "VmHWM:":
			b.ReportMetric(kb/1024, "peak-rss-MB")
		}
	}
}
