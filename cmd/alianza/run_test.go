package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/testlog"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func envFrom(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// startServe runs `alianza serve` in-process until the returned stop is called.
func startServe(t *testing.T, env map[string]string) (base string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb testlog.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, &out, &errb, envFrom(env)) }()
	base = "http://" + env["ALIANZA_ADDR"]
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d: %s", code, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not become ready: %s", errb.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return base, func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(60 * time.Second):
			t.Fatal("serve did not stop within 60s")
			return -1
		}
	}
}

func postJSON(t *testing.T, url, token string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

// TestRestartKeepsData stops the app (as SIGTERM does) and starts it again on
// the same data dir: the users and the generated JWT secret survive.
func TestRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"ALIANZA_ADDR": freeAddr(t), "ALIANZA_DATA_DIR": dir, "ALIANZA_LOG_LEVEL": "error",
		"ALIANZA_ADMIN_EMAIL": "admin@alianza.test", "ALIANZA_ADMIN_PASSWORD": "clave-de-admin-2026",
	}
	base, stop := startServe(t, env)
	code, m := postJSON(t, base+"/api/v1/auth/login", "", map[string]string{"email": "admin@alianza.test", "password": "clave-de-admin-2026"})
	if code != 200 {
		t.Fatalf("login: %d %v", code, m)
	}
	token := m["access_token"].(string)
	code, m = postJSON(t, base+"/api/v1/users", token, map[string]any{
		"email": "rosa@ong.pe", "name": "Rosa", "role": "manager", "regions": []string{"08"}, "password": "otra clave muy larga",
	})
	if code != 201 {
		t.Fatalf("create user: %d %v", code, m)
	}
	if c := stop(); c != 0 {
		t.Fatalf("exit code %d after graceful stop", c)
	}

	base, stop = startServe(t, env)
	defer stop()
	if code, m := postJSON(t, base+"/api/v1/auth/login", "", map[string]string{"email": "rosa@ong.pe", "password": "otra clave muy larga"}); code != 200 {
		t.Fatalf("login after restart: %d %v", code, m)
	}
	// A token issued before the restart is still valid: the secret was kept.
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("old token after restart: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
}

func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"version", []string{"version"}, nil, 0, ""},
		{"unknown command", []string{"frobnicate"}, nil, 2, "unknown command"},
		{"bad config", []string{"serve"}, map[string]string{"ALIANZA_ADDR": "nope"}, 2, "ALIANZA_ADDR"},
		{"short password", []string{"user", "add", "--email", "a@b.org"}, map[string]string{"ALIANZA_DATA_DIR": dir, "ALIANZA_USER_PASSWORD": "short"}, 1, "--password must be at least 12"},
		{"bad role", []string{"user", "add", "--email", "a@b.org", "--role", "boss"}, map[string]string{"ALIANZA_DATA_DIR": dir, "ALIANZA_USER_PASSWORD": "long enough password"}, 1, "--role must be one of"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tc.args, &out, &errb, envFrom(tc.env))
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errb.String())
			}
			if tc.want != "" {
				lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
				if len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
					t.Fatalf("stderr %q: want one line containing %q", errb.String(), tc.want)
				}
			}
			if tc.code == 0 && tc.args[0] == "version" && !strings.HasPrefix(out.String(), "alianza ") {
				t.Fatalf("version output %q", out.String())
			}
		})
	}
}

func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ALIANZA_DATA_DIR": dir, "ALIANZA_LOG_LEVEL": "error", "ALIANZA_USER_PASSWORD": "clave larga de prueba"}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"user", "add", "--email", "Luz@Ong.pe", "--role", "viewer", "--regions", "16,17"}, &out, &errb, envFrom(env)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "created viewer user luz@ong.pe") {
		t.Fatalf("output %q", out.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"user", "add", "--email", "luz@ong.pe"}, &out, &errb, envFrom(env)); code != 1 {
		t.Fatalf("duplicate: exit %d", code)
	}
}

// TestDemoLoadKeepsFirstAdmin: scripts/run loads the demo (which adds
// users) before the first serve; the admin named by the environment must
// still be created.
func TestDemoLoadKeepsFirstAdmin(t *testing.T) {
	env := map[string]string{
		"ALIANZA_ADDR": freeAddr(t), "ALIANZA_DATA_DIR": t.TempDir(), "ALIANZA_LOG_LEVEL": "error",
		"ALIANZA_ADMIN_EMAIL": "admin@alianza.test", "ALIANZA_ADMIN_PASSWORD": "alianza-demo-2026",
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "load"}, &out, &errb, envFrom(env)); code != 0 {
		t.Fatalf("demo load: exit %d: %s", code, errb.String())
	}
	base, stop := startServe(t, env)
	defer stop()
	if code, m := postJSON(t, base+"/api/v1/auth/login", "", map[string]string{"email": "admin@alianza.test", "password": "alianza-demo-2026"}); code != 200 {
		t.Fatalf("admin login after demo load: %d %v", code, m)
	}
}
