package storetest

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// The engine's logger drops records below the level and writes the others
// with the attributes and groups added to it before.
func TestEngineLogFilter(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(levelFilter{Handler: slog.NewTextHandler(&buf, nil), min: slog.LevelError})
	conn := log.With("conn", "c1").WithGroup("op").With("cmd", "insert")
	conn.Warn("skipped")
	conn.Error("failed", "n", 3)
	got := buf.String()
	if strings.Contains(got, "skipped") || strings.Count(got, "\n") != 1 {
		t.Fatalf("want only the error record, got %q", got)
	}
	for _, want := range []string{"msg=failed", "conn=c1", "op.cmd=insert", "op.n=3"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %s", got, want)
		}
	}
}
