package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestHealthCommand: alianza health exits 0 on a ready server and 1 with
// one line on stderr otherwise, as a container HEALTHCHECK needs.
func TestHealthCommand(t *testing.T) {
	old := healthTimeout
	healthTimeout = 500 * time.Millisecond
	t.Cleanup(func() { healthTimeout = old })
	env := adminEnv(t, t.TempDir())
	_, stop := startServe(t, env)
	defer stop()
	fake := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return strings.TrimPrefix(srv.URL, "http://")
	}
	notReady := fake(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":503,"detail":"The database does not take writes."}`))
	})
	slow := fake(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	cases := []struct {
		name, addr string
		code       int
		stderr     string
	}{
		{"ready server", env["ALIANZA_ADDR"], 0, ""},
		{"ready server on a wildcard address", strings.Replace(env["ALIANZA_ADDR"], "127.0.0.1", "0.0.0.0", 1), 0, ""},
		{"nothing listening", freeAddr(t), 1, "connection refused"},
		{"not ready", notReady, 1, "not ready: 503 Service Unavailable The database does not take writes."},
		{"no answer in time", slow, 1, "did not answer within"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"health"}, &out, &errb, envFrom(map[string]string{"ALIANZA_ADDR": tc.addr}))
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errb.String())
			}
			if tc.code == 0 {
				if out.String() != "ready\n" || errb.Len() != 0 {
					t.Fatalf("stdout %q stderr %q", out.String(), errb.String())
				}
				return
			}
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.stderr) {
				t.Fatalf("stderr %q: want one line with %q", errb.String(), tc.stderr)
			}
		})
	}
}

func TestDialAddr(t *testing.T) {
	for in, want := range map[string]string{
		"0.0.0.0:8080": "127.0.0.1:8080", ":8080": "127.0.0.1:8080", "[::]:8080": "[::1]:8080",
		"127.0.0.1:9000": "127.0.0.1:9000", "alianza:8080": "alianza:8080",
	} {
		if got := dialAddr(in); got != want {
			t.Errorf("dialAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
