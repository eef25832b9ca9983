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
	want := Login{MaxFailures: 5, MaxIPFailures: 20, Window: 15 * time.Minute}
	if c.Login != want || c.AttachmentMaxBytes != 25<<20 || c.BodyLimit != 10<<20 || c.RemindersInterval != 5*time.Minute ||
		c.IMAP.Timeout != 60*time.Second || c.IMAP.AttachmentTimeout != 30*time.Second || c.SMTP.Timeout != 30*time.Second ||
		c.IMAP.MinBackoff != 5*time.Second || c.IMAP.MaxBackoff != 15*time.Minute || c.IMAP.LeaseTTL != 2*time.Minute {
		t.Fatalf("limits: %+v", c)
	}
	if d := Defaults(); d.Login != c.Login || d.IMAP.Timeout != c.IMAP.Timeout || d.AwaitingReplyDays != c.AwaitingReplyDays {
		t.Fatalf("Defaults() differs from Load with nothing set: %+v", d)
	}
}

func TestLimits(t *testing.T) {
	c, err := load(t, map[string]string{"ALIANZA_LOGIN_FAILURES": "3", "ALIANZA_LOGIN_IP_FAILURES": "9", "ALIANZA_LOGIN_WINDOW": "1h",
		"ALIANZA_ATTACHMENT_MAX_MB": "5", "ALIANZA_IMAP_ATTACHMENT_TIMEOUT": "10s"}, "--imap-timeout", "2m", "--body-limit-mb", "1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Login != (Login{MaxFailures: 3, MaxIPFailures: 9, Window: time.Hour}) || c.AttachmentMaxBytes != 5<<20 ||
		c.IMAP.AttachmentTimeout != 10*time.Second || c.IMAP.Timeout != 2*time.Minute || c.BodyLimit != 1<<20 {
		t.Fatalf("limits: %+v", c)
	}
	_, err = load(t, map[string]string{"ALIANZA_LOGIN_FAILURES": "0", "ALIANZA_LOGIN_WINDOW": "10s", "ALIANZA_IMAP_TIMEOUT": "soon",
		"ALIANZA_ATTACHMENT_MAX_MB": "-1", "ALIANZA_SMTP_TIMEOUT": "0s"})
	for _, want := range []string{
		`ALIANZA_LOGIN_FAILURES "0": must be a whole number, 1 or more`,
		`ALIANZA_LOGIN_WINDOW "10s": must be a duration of at least 1m, like 15m`,
		`ALIANZA_IMAP_TIMEOUT "soon": must be a duration of at least 1s, like 60s`,
		`ALIANZA_ATTACHMENT_MAX_MB "-1"`, `ALIANZA_SMTP_TIMEOUT "0s"`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want a line %q", err, want)
		}
	}
}

// TestREADMEDefaults checks the defaults of the README's settings table
// against the flags' (a row names one variable or several sharing its
// prefix, "ALIANZA_X", "_Y"; its defaults are listed in the same order).
func TestREADMEDefaults(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	byEnv := map[string]string{}
	var raw rawSettings
	for _, s := range raw.settings() {
		byEnv[s.env] = s.def
	}
	rows := 0
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`ALIANZA_") {
			continue
		}
		names := readmeList(cells[1])
		defs := readmeList(cells[2])
		if len(defs) == 0 {
			continue // no default documented
		}
		if len(defs) != len(names) {
			t.Errorf("README row %q: %d variables, %d defaults", line, len(names), len(defs))
			continue
		}
		prefix := ""
		for i, name := range names {
			if strings.HasPrefix(name, "_") {
				name = prefix + name[1:]
			} else {
				prefix = name[:strings.LastIndex(name, "_")+1]
			}
			def, ok := byEnv[name]
			switch {
			case !ok:
				t.Errorf("README documents %s, which is no setting", name)
			case defs[i] != def && !(def == "" && strings.HasPrefix(defs[i], "(")):
				t.Errorf("README: %s defaults to %q, the flag to %q", name, defs[i], def)
			}
			rows++
		}
	}
	if rows < 5 {
		t.Fatalf("only %d documented defaults found in the README's table", rows)
	}
}

// readmeList splits a table cell "`A`, `B`, (none)" into A, B, (none).
func readmeList(cell string) []string {
	var out []string
	for _, p := range strings.Split(cell, ",") {
		if p = strings.Trim(strings.TrimSpace(p), "`"); p != "" {
			out = append(out, p)
		}
	}
	return out
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
		{"metrics address", map[string]string{"ALIANZA_METRICS_ADDR": "127.0.0.1:9090"}, ""},
		{"bad metrics address", map[string]string{"ALIANZA_METRICS_ADDR": "9090"}, "ALIANZA_METRICS_ADDR \"9090\": must be host:port"},
		{"metrics on the app's port", map[string]string{"ALIANZA_METRICS_ADDR": "127.0.0.1:8080"}, "must differ from ALIANZA_ADDR"},
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

func TestRequireTwoFactor(t *testing.T) {
	c, err := load(t, map[string]string{"ALIANZA_REQUIRE_2FA": " Admin, manager "})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.RequireTwoFactor, ",") != "admin,manager" {
		t.Fatalf("roles: %q", c.RequireTwoFactor)
	}
	if d := Defaults(); len(d.RequireTwoFactor) != 0 {
		t.Fatalf("required by default: %q", d.RequireTwoFactor)
	}
	if _, err := load(t, map[string]string{"ALIANZA_REQUIRE_2FA": "admin,boss"}); err == nil || !strings.Contains(err.Error(), `ALIANZA_REQUIRE_2FA: "boss" is not a role`) {
		t.Fatalf("unknown role: %v", err)
	}
}
