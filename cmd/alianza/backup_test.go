package main

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/backup"
	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/testlog"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb, envFrom(env))
	return code, out.String(), errb.String()
}

// The commands as an operator runs them: a backup while the server serves,
// verify, restore into a new folder (refused a second time), and the
// restored server signs in the same users with the same secret.
func TestBackupRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	env := adminEnv(t, dir)
	base, stop := startServe(t, env)
	token := adminLogin(t, base)
	archive := filepath.Join(t.TempDir(), "alianza.tar.gz")
	if code, out, errs := runCLI(t, env, "backup", "--out", archive); code != 0 || !strings.Contains(out, "backup written to") {
		t.Fatalf("backup: exit %d, %q %q", code, out, errs)
	}
	if st, ok, err := backup.LoadStatus(dir); err != nil || !ok || !st.OK || st.Size == 0 {
		t.Fatalf("backup status %+v %v %v", st, ok, err)
	}
	if c := stop(); c != 0 {
		t.Fatalf("stop: %d", c)
	}
	if code, out, errs := runCLI(t, env, "backup", "verify", archive); code != 0 || !strings.Contains(out, "OK") || !strings.Contains(out, "users") {
		t.Fatalf("verify: exit %d, %q %q", code, out, errs)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	env2 := map[string]string{"ALIANZA_ADDR": freeAddr(t), "ALIANZA_DATA_DIR": restored, "ALIANZA_LOG_LEVEL": "error"}
	if code, out, errs := runCLI(t, env2, "restore", archive); code != 0 {
		t.Fatalf("restore: exit %d, %q %q", code, out, errs)
	}
	code, _, errs := runCLI(t, env2, "restore", archive, "--data-dir", restored)
	if code != 1 || !strings.Contains(errs, "not empty") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("second restore: exit %d, %q", code, errs)
	}
	base, stop = startServe(t, env2)
	defer stop()
	// The old token is still valid: the generated secret came back too.
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("old token on the restored server: %v %v", res, err)
	}
	res.Body.Close()
}

func TestBackupCommandErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"mongodb", map[string]string{"ALIANZA_MONGO_URI": "mongodb://db.example.org:27017"}, []string{"backup", "--out", "x.tar.gz"}, "mongodump"},
		{"no out", map[string]string{"ALIANZA_DATA_DIR": dir}, []string{"backup"}, "--out FILE is required"},
		{"no database", map[string]string{"ALIANZA_DATA_DIR": dir}, []string{"backup", "--out", filepath.Join(dir, "b.tar.gz")}, "no embedded database"},
		{"verify missing", nil, []string{"backup", "verify", filepath.Join(dir, "none.tar.gz")}, "no such file"},
		{"verify no file", nil, []string{"backup", "verify"}, "name the archive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runCLI(t, tc.env, tc.args...)
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if code != 1 || len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Fatalf("exit %d, stderr %q: want 1 and one line with %q", code, errs, tc.want)
			}
		})
	}
}

// buildBinary builds cmd/alianza once for tests that need a process to kill.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "alianza")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// kill -9 of `alianza backup` in the middle: the earlier backup is intact,
// nothing is left under the new name, the database keeps serving, and the
// next backup works.
func TestBackupKilledMidway(t *testing.T) {
	bin := buildBinary(t)
	ctx := context.Background()
	dataDir := t.TempDir()
	s, err := store.OpenEmbedded(ctx, filepath.Join(dataDir, "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	col := s.Embedded().Collection("audit")
	// Enough data (about 40 MB) that a backup takes a while.
	filler := strings.Repeat("x", 2000)
	for b := range 20 {
		docs := make([]any, 1000)
		for i := range docs {
			docs[i] = bson.D{{Key: "_id", Value: b*1000 + i}, {Key: "text", Value: fmt.Sprintf("%d %s", b*1000+i, filler)}}
		}
		if _, err := col.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	backups := t.TempDir()
	first := filepath.Join(backups, "first.tar.gz")
	if _, err := backup.Create(ctx, backup.Options{DataDir: dataDir, Database: "alianza", Out: first}); err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(backups, "second.tar.gz")
	for attempt := 0; ; attempt++ {
		cmd := exec.Command(bin, "backup", "--out", second)
		cmd.Env = append(os.Environ(), "ALIANZA_DATA_DIR="+dataDir, "ALIANZA_LOG_LEVEL=error")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it once its temporary files exist, while it writes them.
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if m, _ := filepath.Glob(filepath.Join(backups, ".second.tar.gz.*")); len(m) > 0 {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if _, statErr := os.Stat(second); statErr == nil {
			if attempt < 3 {
				os.Remove(second) // it finished before the kill; try again
				continue
			}
			t.Fatalf("the backup always finished before the kill (%v)", err)
		}
		if err == nil {
			t.Fatal("killed backup exited normally")
		}
		break
	}
	if _, err := os.Stat(second); !os.IsNotExist(err) {
		t.Fatalf("a file exists under the final name after kill -9: %v", err)
	}
	if _, err := backup.Verify(ctx, first, nil); err != nil {
		t.Fatalf("earlier backup after the kill: %v", err)
	}
	// The database keeps serving reads and writes.
	if _, err := col.Insert(ctx, []any{bson.D{{Key: "_id", Value: -1}, {Key: "text", Value: "after"}}}, coll.InsertOptions{}); err != nil {
		t.Fatalf("write after the kill: %v", err)
	}
	if n, err := col.Count(ctx, bson.D{}, 0); err != nil || n != 20001 {
		t.Fatalf("count after the kill: %d %v", n, err)
	}
	if err := backup.IntegrityCheck(ctx, backup.DBFile(dataDir, "alianza")); err != nil {
		t.Fatalf("database after the kill: %v", err)
	}
	code, out, errs := func() (int, string, string) {
		cmd := exec.Command(bin, "backup", "--out", second)
		cmd.Env = append(os.Environ(), "ALIANZA_DATA_DIR="+dataDir, "ALIANZA_LOG_LEVEL=error")
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		return cmd.ProcessState.ExitCode(), o.String(), fmt.Sprint(e.String(), err)
	}()
	if code != 0 {
		t.Fatalf("backup after the kill: %d %s %s", code, out, errs)
	}
	m, err := backup.Verify(ctx, second, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Collections {
		if c.Name == "notes" && c.Count != 20001 {
			t.Fatalf("notes in the new backup: %d", c.Count)
		}
	}
}

// The server takes a backup at start when there is none, and an instance
// that does not hold the backup lease takes none.
func TestScheduledBackups(t *testing.T) {
	backups := t.TempDir()
	env := adminEnv(t, t.TempDir())
	env["ALIANZA_BACKUP_DIR"], env["ALIANZA_BACKUP_INTERVAL"], env["ALIANZA_BACKUP_KEEP"] = backups, "1h", "2"
	_, stop := startServe(t, env)
	var files []string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && len(files) == 0; time.Sleep(50 * time.Millisecond) {
		files, _ = filepath.Glob(filepath.Join(backups, "alianza-*.tar.gz"))
	}
	if len(files) != 1 {
		t.Fatalf("scheduled backups %v", files)
	}
	if _, err := backup.Verify(context.Background(), files[0], nil); err != nil {
		t.Fatalf("scheduled backup: %v", err)
	}
	if c := stop(); c != 0 {
		t.Fatalf("stop: %d", c)
	}

	ctx := context.Background()
	cfg := loadConfig(t, env)
	s, closeDB, err := database(ctx, cfg, newLogger(cfg, &bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	var logs testlog.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	// The server's lease covers half the interval: other instances wait.
	time.Sleep(1100 * time.Millisecond) // a new file name each second
	scheduledBackup(ctx, cfg, s, log, "instance-b")
	files, _ = filepath.Glob(filepath.Join(backups, "alianza-*.tar.gz"))
	if len(files) != 1 || !strings.Contains(logs.String(), "another instance takes it") {
		t.Fatalf("another instance during the lease: %v, log %s", files, logs.String())
	}
	// Once it has expired, the next instance takes its turn.
	time.Sleep(1100 * time.Millisecond)
	s.SetClock(func() time.Time { return time.Now().Add(cfg.Backup.Interval) })
	scheduledBackup(ctx, cfg, s, log, "instance-c")
	files, _ = filepath.Glob(filepath.Join(backups, "alianza-*.tar.gz"))
	if len(files) != 2 {
		t.Fatalf("after the lease expired: %v; log %s", files, logs.String())
	}
}

func loadConfig(t *testing.T, env map[string]string) *config.Config {
	t.Helper()
	cfg, err := config.Load(nil, envFrom(env), flag.NewFlagSet("test", flag.ContinueOnError))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// openDatabase opens cfg's database as every command does; the test
// closes it.
func openDatabase(t *testing.T, ctx context.Context, cfg *config.Config) (*store.Store, func()) {
	t.Helper()
	s, closeDB, err := database(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s, closeDB
}

// adminEnv is the environment of a server on dataDir with a first admin.
func adminEnv(t *testing.T, dataDir string) map[string]string {
	return map[string]string{
		"ALIANZA_ADDR": freeAddr(t), "ALIANZA_DATA_DIR": dataDir, "ALIANZA_LOG_LEVEL": "error",
		"ALIANZA_ADMIN_EMAIL": "admin@alianza.test", "ALIANZA_ADMIN_PASSWORD": "clave-de-admin-2026",
	}
}

// adminLogin signs the first admin of adminEnv in and returns the access token.
func adminLogin(t *testing.T, base string) string {
	t.Helper()
	code, m := postJSON(t, base+"/api/v1/auth/login", "", map[string]string{"email": "admin@alianza.test", "password": "clave-de-admin-2026"})
	if code != 200 {
		t.Fatalf("login: %d %v", code, m)
	}
	return m["access_token"].(string)
}

// db copy from a data folder to a second engine started by the test, then
// again (a re-run writes nothing); the target signs the same user in.
func TestDBCopyCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ALIANZA_DATA_DIR": dir, "ALIANZA_LOG_LEVEL": "error", "ALIANZA_USER_PASSWORD": "clave larga de prueba"}
	if code, _, errs := runCLI(t, env, "user", "add", "--email", "luz@ong.pe"); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	ctx := context.Background()
	target, err := storetest.StartEmbedded(ctx, filepath.Join(t.TempDir(), "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer target.Stop()
	for i, want := range []string{" 1          1", " 1          0"} {
		code, out, errs := runCLI(t, env, "db", "copy", "--to", target.URI())
		if code != 0 || !strings.Contains(out, "counts and checksums match") {
			t.Fatalf("db copy %d: exit %d %q %q", i, code, out, errs)
		}
		var usersLine string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "users ") {
				usersLine = l
			}
		}
		if !strings.Contains(usersLine, want) {
			t.Fatalf("run %d: users line %q, want documents/written %q", i, usersLine, want)
		}
	}
	s, err := store.Open(ctx, target.URI(), "alianza")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if u, err := s.UserByEmail(ctx, "luz@ong.pe"); err != nil || u.PasswordHash == "" {
		t.Fatalf("user on the target: %+v %v", u, err)
	}
	if code, _, errs := runCLI(t, env, "db", "copy"); code != 1 || !strings.Contains(errs, "--to URI is required") {
		t.Fatalf("db copy without --to: %d %q", code, errs)
	}

	// Back from MongoDB into an empty data folder; a second time it is not
	// empty and the copy refuses in one line.
	back := map[string]string{"ALIANZA_DATA_DIR": t.TempDir(), "ALIANZA_LOG_LEVEL": "error"}
	code, out, errs := runCLI(t, back, "db", "copy", "--from", target.URI(), "--to", "embedded")
	if code != 0 || !strings.Contains(out, "counts and checksums match") || !strings.Contains(out, "embedded:") {
		t.Fatalf("db copy --to embedded: exit %d %q %q", code, out, errs)
	}
	code, _, errs = runCLI(t, back, "db", "copy", "--from", target.URI(), "--to", "embedded")
	if code != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "already holds data") {
		t.Fatalf("db copy into a folder with data: exit %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, back, "db", "copy", "--to", "embedded"); code != 1 || !strings.Contains(errs, "--from URI or ALIANZA_MONGO_URI") {
		t.Fatalf("db copy --to embedded without a MongoDB source: %d %q", code, errs)
	}
	s2, err := store.OpenEmbedded(ctx, filepath.Join(back["ALIANZA_DATA_DIR"], "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close(ctx)
	if u, err := s2.UserByEmail(ctx, "luz@ong.pe"); err != nil || u.PasswordHash == "" {
		t.Fatalf("user copied back: %+v %v", u, err)
	}
}

func TestRedactURI(t *testing.T) {
	for in, want := range map[string]string{
		"mongodb://alianza:s3cret@db1:27017,db2:27017/?replicaSet=rs": "mongodb://alianza@db1:27017,db2:27017/?replicaSet=rs",
		"mongodb+srv://u:p%40ss@cluster0.example.net/alianza":         "mongodb+srv://u@cluster0.example.net/alianza",
		"mongodb://127.0.0.1:27017":                                   "mongodb://127.0.0.1:27017",
		"mongodb://host/db?authSource=a@b":                            "mongodb://host/db?authSource=a@b",
	} {
		if got := redactURI(in); got != want {
			t.Errorf("redactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ALIANZA_DATA_DIR": dir, "ALIANZA_LOG_LEVEL": "error", "ALIANZA_USER_PASSWORD": "clave larga de prueba"}
	if code, _, errs := runCLI(t, env, "user", "add", "--email", "luz@ong.pe"); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	out := filepath.Join(t.TempDir(), "export.zip")
	code, stdout, errs := runCLI(t, env, "export", "--out", out)
	if code != 0 || !strings.Contains(stdout, "exported") {
		t.Fatalf("export: %d %q %q", code, stdout, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if !slices.Contains(names, "users.csv") || !slices.Contains(names, "README.txt") {
		t.Fatalf("archive holds %v", names)
	}
	if code, _, errs := runCLI(t, env, "export", "--out", filepath.Join(dir, "missing", "x.zip")); code != 1 || !strings.Contains(errs, "cannot write to") {
		t.Fatalf("export to a missing folder: %d %q", code, errs)
	}
}

// After a restore the mailbox sync goes on where it was: the next pass
// imports nothing and finds no duplicates to skip (the folder states came
// back with the messages).
func TestRestoredMailSyncImportsNothingTwice(t *testing.T) {
	addr := startIMAP(t, 3)
	env := mailEnv(t, addr, imapPass)
	if code, out, errs := runCLI(t, env, "mail", "sync", "--once"); code != 0 || !strings.Contains(out, "INBOX: imported 3, duplicates 0") {
		t.Fatalf("first sync: %d %q %q", code, out, errs)
	}
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	if code, out, errs := runCLI(t, env, "backup", "--out", archive); code != 0 {
		t.Fatalf("backup: %d %q %q", code, out, errs)
	}
	restored := maps.Clone(env)
	restored["ALIANZA_DATA_DIR"] = filepath.Join(t.TempDir(), "restored")
	if code, out, errs := runCLI(t, restored, "restore", archive); code != 0 {
		t.Fatalf("restore: %d %q %q", code, out, errs)
	}
	code, out, errs := runCLI(t, restored, "mail", "sync", "--once")
	if code != 0 || !strings.Contains(out, "INBOX: imported 0, duplicates 0, failed 0") || !strings.Contains(out, "Sent: imported 0, duplicates 0") {
		t.Fatalf("sync after restore: %d %q %q", code, out, errs)
	}
}
