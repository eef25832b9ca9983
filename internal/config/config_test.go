package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Load(args, func(k string) string { return env[k] }, fs)
}

func TestDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.MongoDB != "alianza" || c.MongoURI != "" ||
		c.IMAP.Interval != 2*time.Minute || c.ShutdownTimeout != 20*time.Second || c.AwaitingReplyDays != 7 {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestFlagsOverrideEnv(t *testing.T) {
	c, err := load(t, map[string]string{"ALIANZA_ADDR": "127.0.0.1:9000"}, "--addr", "0.0.0.0:7000")
	if err != nil || c.Addr != "0.0.0.0:7000" {
		t.Fatalf("got %v %v", c, err)
	}
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(path, []byte("una-clave-bien-larga\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(t, map[string]string{"ALIANZA_ADMIN_EMAIL": "Admin@Example.org", "ALIANZA_ADMIN_PASSWORD_FILE": path})
	if err != nil {
		t.Fatal(err)
	}
	if c.AdminPassword != "una-clave-bien-larga" || c.AdminEmail != "admin@example.org" {
		t.Fatalf("got %q %q", c.AdminPassword, c.AdminEmail)
	}
	if _, err := load(t, map[string]string{"ALIANZA_JWT_SECRET_FILE": "/nonexistent/secret"}); err == nil {
		t.Fatal("missing secret file accepted")
	}
}

func TestValidate(t *testing.T) {
	imap := map[string]string{"ALIANZA_IMAP_ADDR": "127.0.0.1:143", "ALIANZA_IMAP_USER": "u", "ALIANZA_IMAP_PASSWORD": "p", "ALIANZA_IMAP_TLS": "none"}
	with := func(base map[string]string, k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		return m
	}
	cases := []struct {
		name string
		env  map[string]string
		want string // substring of the error; "" means valid
	}{
		{"loopback plain imap", imap, ""},
		{"bad address", map[string]string{"ALIANZA_ADDR": "8080"}, "ALIANZA_ADDR \"8080\": must be host:port"},
		{"unknown tls mode", with(imap, "ALIANZA_IMAP_TLS", "ssl"), "unknown TLS mode"},
		{"plain imap off loopback", with(imap, "ALIANZA_IMAP_ADDR", "mail.example.org:143"), "refused for a non-loopback host"},
		{"imap without password", with(imap, "ALIANZA_IMAP_PASSWORD", ""), "ALIANZA_IMAP_PASSWORD"},
		{"short admin password", map[string]string{"ALIANZA_ADMIN_EMAIL": "a@b.org", "ALIANZA_ADMIN_PASSWORD": "short"}, "too short"},
		{"admin email alone", map[string]string{"ALIANZA_ADMIN_EMAIL": "a@b.org"}, "set both or neither"},
		{"short jwt secret", map[string]string{"ALIANZA_JWT_SECRET": "abc"}, "at least 32"},
		{"bad mongo uri", map[string]string{"ALIANZA_MONGO_URI": "postgres://x"}, "mongodb://"},
		{"bad interval", map[string]string{"ALIANZA_IMAP_INTERVAL": "1s"}, "ALIANZA_IMAP_INTERVAL"},
		{"bad log format", map[string]string{"ALIANZA_LOG_FORMAT": "xml"}, "ALIANZA_LOG_FORMAT"},
		{"bad team domain", map[string]string{"ALIANZA_TEAM_DOMAINS": "ong.pe, @bad"}, "not a domain"},
		{"trusted proxies", map[string]string{"ALIANZA_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1, ::1"}, ""},
		{"bad trusted proxy", map[string]string{"ALIANZA_TRUSTED_PROXIES": "10.0.0.0/8, lb.internal"}, "ALIANZA_TRUSTED_PROXIES: \"lb.internal\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.env)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestEveryProblemOnItsOwnLine(t *testing.T) {
	_, err := load(t, map[string]string{"ALIANZA_ADDR": "x", "ALIANZA_IMAP_ADDR": "h:1", "ALIANZA_IMAP_TLS": "bogus"})
	if err == nil || strings.Count(err.Error(), "\n") < 3 {
		t.Fatalf("want several lines, got %v", err)
	}
}

func TestBackupSettings(t *testing.T) {
	c, err := load(t, map[string]string{"ALIANZA_BACKUP_DIR": "/backups", "ALIANZA_BACKUP_INTERVAL": "6h", "ALIANZA_BACKUP_KEEP": "3"})
	if err != nil || c.Backup.Dir != "/backups" || c.Backup.Interval != 6*time.Hour || c.Backup.Keep != 3 {
		t.Fatalf("backup settings: %+v %v", c.Backup, err)
	}
	if c, err := load(t, nil); err != nil || c.Backup.Dir != "" || c.Backup.Interval != 24*time.Hour || c.Backup.Keep != 7 {
		t.Fatalf("backup defaults: %+v %v", c.Backup, err)
	}
	_, err = load(t, map[string]string{"ALIANZA_BACKUP_INTERVAL": "10s", "ALIANZA_BACKUP_KEEP": "0",
		"ALIANZA_BACKUP_DIR": "/backups", "ALIANZA_MONGO_URI": "mongodb://db:27017"})
	for _, want := range []string{"ALIANZA_BACKUP_INTERVAL", "ALIANZA_BACKUP_KEEP", "mongodump"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad backup settings: %v, want a line about %s", err, want)
		}
	}
}
