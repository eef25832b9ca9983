package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func backupOpts(dataDir, out string) Options {
	return Options{DataDir: dataDir, Database: testDB, Version: "test", Out: out}
}

// loadSample stores the demo dataset, a mailbox folder state and a
// generated JWT secret, as a running server would have them.
func loadSample(t *testing.T, e *engine) {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, workflow.New(e.s), e.s, e.s.Now()); err != nil {
		t.Fatalf("demo load: %v", err)
	}
	mb := bson.NewObjectID()
	st := model.FolderState{MailboxID: mb, Folder: "INBOX", UIDValidity: 7, LastUID: 42}
	if err := e.s.SaveFolderState(ctx, st); err != nil {
		t.Fatalf("folder state: %v", err)
	}
	if err := os.WriteFile(filepath.Join(e.dir, secretName), []byte(strings.Repeat("s", 64)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := startEngine(t, t.TempDir())
	loadSample(t, src)
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	var phases []string
	opts := backupOpts(src.dir, out)
	opts.Progress = func(phase string, _, _ int64) { phases = append(phases, phase) }
	res, err := Create(ctx, opts)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if res.Size == 0 || res.Manifest.Documents() == 0 || len(phases) == 0 {
		t.Fatalf("backup result %+v, phases %v", res, phases)
	}
	counts := map[string]int64{}
	for _, c := range res.Manifest.Collections {
		counts[c.Name] = c.Count
	}
	for _, col := range []string{"users", "stakeholders", "meetings", "audit", "mail_state", "messages"} {
		if counts[col] == 0 {
			t.Errorf("manifest counts %s: 0 (manifest %v)", col, counts)
		}
	}
	if _, err := Verify(ctx, out, nil); err != nil {
		t.Fatalf("verify: %v", err)
	}
	want := dump(t, src.s)

	dst := filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(ctx, out, dst, testDB, false, nil); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if _, err := Restore(ctx, out, dst, testDB, false, nil); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("restore into a non-empty folder: %v, want a refusal", err)
	}
	secret, err := os.ReadFile(filepath.Join(dst, secretName))
	if err != nil || !bytes.Equal(secret, []byte(strings.Repeat("s", 64)+"\n")) {
		t.Fatalf("restored JWT secret %q, %v", secret, err)
	}
	restored := startEngine(t, dst)
	if err := sameDump(want, dump(t, restored.s)); err != nil {
		t.Fatalf("restored database differs: %v", err)
	}
	// The restored server reads its users and sync state through the store.
	if n, err := restored.s.CountUsers(ctx); err != nil || n != int64(len(demo.Users)) {
		t.Fatalf("restored users %d, %v", n, err)
	}
	states, err := restored.s.MailStates(ctx)
	if err != nil || len(states) != 1 {
		t.Fatalf("restored mail state %v, %v", states, err)
	}
	for _, ms := range states {
		if ms.Folders[0].LastUID != 42 || ms.Folders[0].UIDValidity != 7 {
			t.Fatalf("restored folder state %+v", ms.Folders[0])
		}
	}
	// --force replaces the database of a used folder.
	restored.stop()
	if _, err := Restore(ctx, out, dst, testDB, true, nil); err != nil {
		t.Fatalf("restore --force: %v", err)
	}
}

// A writer keeps inserting numbered documents and rewriting one two-field
// document during the backup. The restored copy must hold every insert
// acknowledged before the backup started, no gap (each write is in or out,
// in order), and the two fields of the rewritten document equal.
func TestBackupUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	src := startEngine(t, t.TempDir())
	loadSample(t, src)
	// kv and probe stand for any collection: the test's documents are told
	// apart by their fields.
	writes, pair := src.col("kv"), src.col("probe")
	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := int64(1); ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			doc := bson.D{{Key: "_id", Value: n}, {Key: "payload", Value: fmt.Sprintf("payload-%d", n)}, {Key: "tail", Value: n}}
			if _, err := writes.Insert(ctx, []any{doc}, coll.InsertOptions{}); err != nil {
				writeErr = err
				return
			}
			if _, err := pair.Replace(ctx, bson.D{{Key: "_id", Value: "p"}}, bson.D{{Key: "a", Value: n}, {Key: "b", Value: n}}, true); err != nil {
				writeErr = err
				return
			}
			acked.Store(n)
		}
	}()
	for acked.Load() < 20 {
		time.Sleep(10 * time.Millisecond)
	}
	before := acked.Load()
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	if _, err := Create(ctx, backupOpts(src.dir, out)); err != nil {
		t.Fatalf("backup: %v", err)
	}
	during := acked.Load()
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("writer: %v", writeErr)
	}
	if during == before {
		t.Fatalf("no write was acknowledged while the backup ran (%d); the test proves nothing", before)
	}
	dst := filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(ctx, out, dst, testDB, false, nil); err != nil {
		t.Fatalf("restore: %v", err)
	}
	restored := startEngine(t, dst)
	var docs []struct {
		ID      int64  `bson:"_id"`
		Payload string `bson:"payload"`
		Tail    int64  `bson:"tail"`
	}
	if err := restored.col("kv").Find(ctx, bson.D{{Key: "payload", Value: bson.D{{Key: "$exists", Value: true}}}}, coll.FindOptions{}, &docs); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	var maxID int64
	for _, d := range docs {
		if d.Payload != fmt.Sprintf("payload-%d", d.ID) || d.Tail != d.ID {
			t.Fatalf("half-written document %+v", d)
		}
		seen[d.ID] = true
		maxID = max(maxID, d.ID)
	}
	for n := int64(1); n <= maxID; n++ {
		if !seen[n] {
			t.Fatalf("write %d missing but %d present: the snapshot is not consistent", n, maxID)
		}
	}
	if maxID < before {
		t.Fatalf("restored %d writes, but %d were acknowledged before the backup started", maxID, before)
	}
	var p struct{ A, B int64 }
	if err := restored.col("probe").FindOne(ctx, bson.D{{Key: "_id", Value: "p"}}, coll.FindOptions{}, &p); err != nil {
		t.Fatal(err)
	}
	if p.A != p.B || p.A < maxID-1 || p.A > maxID {
		t.Fatalf("pair %+v with %d inserts", p, maxID)
	}
	t.Logf("acknowledged before the backup %d, during %d, in the backup %d", before, during-before, maxID)
}

// readArchive opens a backup archive's entries, closed when the test ends.
func readArchive(t *testing.T, path string) *tar.Reader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return tar.NewReader(zr)
}

// rewriteArchive copies an archive, letting edit change each entry.
func rewriteArchive(t *testing.T, in, out string, edit func(name string, b []byte) []byte) {
	t.Helper()
	tr := readArchive(t, in)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		b = edit(h.Name, b)
		h.Size = int64(len(b))
		_ = tw.WriteHeader(h)
		_, _ = tw.Write(b)
	}
	_ = tw.Close()
	_ = zw.Close()
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyDetectsDamage(t *testing.T) {
	ctx := context.Background()
	src := startEngine(t, t.TempDir())
	loadSample(t, src)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tar.gz")
	if _, err := Create(ctx, backupOpts(src.dir, good)); err != nil {
		t.Fatal(err)
	}
	// A manifest that claims one more user.
	badCount := filepath.Join(dir, "count.tar.gz")
	rewriteArchive(t, good, badCount, func(name string, b []byte) []byte {
		if name != manifestName {
			return b
		}
		var m Manifest
		_ = json.Unmarshal(b, &m)
		for i := range m.Collections {
			if m.Collections[i].Name == "users" {
				m.Collections[i].Count++
			}
		}
		b, _ = json.Marshal(m)
		return b
	})
	if _, err := Verify(ctx, badCount, nil); err == nil || !strings.Contains(err.Error(), "users") {
		t.Fatalf("verify with a wrong count: %v", err)
	}
	// A database changed after the manifest was written.
	badDB := filepath.Join(dir, "db.tar.gz")
	rewriteArchive(t, good, badDB, func(name string, b []byte) []byte {
		if name == manifestName {
			return b
		}
		return bytes.Replace(b, []byte("Lima"), []byte("Lama"), 1)
	})
	if _, err := Verify(ctx, badDB, nil); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("verify with a changed database: %v", err)
	}
	// A truncated file.
	b, _ := os.ReadFile(good)
	cut := filepath.Join(dir, "cut.tar.gz")
	_ = os.WriteFile(cut, b[:len(b)/2], 0o600)
	if _, err := Verify(ctx, cut, nil); err == nil {
		t.Fatal("verify of a truncated archive passed")
	}
	// Restore refuses a damaged archive and leaves nothing behind.
	dst := filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(ctx, badCount, dst, testDB, false, nil); err == nil {
		t.Fatal("restore of a damaged archive passed")
	}
	if entries, _ := os.ReadDir(filepath.Join(dst, "db")); len(entries) != 0 {
		t.Fatalf("restore of a damaged archive left %v", entries)
	}
}

func TestBackupTargetErrors(t *testing.T) {
	ctx := context.Background()
	src := startEngine(t, t.TempDir())
	loadSample(t, src)
	// A folder that does not exist (or is a file) cannot be written.
	notDir := filepath.Join(t.TempDir(), "file")
	_ = os.WriteFile(notDir, nil, 0o600)
	for _, out := range []string{filepath.Join(t.TempDir(), "missing", "b.tar.gz"), filepath.Join(notDir, "b.tar.gz")} {
		_, err := Create(ctx, backupOpts(src.dir, out))
		if err == nil || !strings.Contains(err.Error(), "cannot write to") {
			t.Errorf("backup to %s: %v, want cannot write", out, err)
		}
	}
	// No database in the data folder.
	if _, err := Create(ctx, Options{DataDir: t.TempDir(), Database: testDB, Out: filepath.Join(t.TempDir(), "b")}); err == nil ||
		!strings.Contains(err.Error(), "no embedded database") {
		t.Errorf("backup of an empty folder: %v", err)
	}
	// A full disk while writing: one clear error, the partial file removed.
	size, _, err := fileSHA256(DBFile(src.dir, testDB))
	if err != nil {
		t.Fatal(err)
	}
	err = writeArchive(ctx, &fullDisk{room: 64}, Manifest{DBFile: "db/x.sqlite", DBSize: size, CreatedAt: time.Now()},
		DBFile(src.dir, testDB), nil, func(string, int64, int64) {})
	if err == nil {
		t.Fatal("writing to a full disk succeeded")
	}
	err = backupError(diskError("/backups", err))
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "no space left on the disk in /backups") {
		t.Fatalf("full disk: %v", err)
	}
}

// fullDisk accepts room bytes, then fails as a full disk does.
type fullDisk struct{ room int }

func (f *fullDisk) Write(b []byte) (int, error) {
	if len(b) > f.room {
		n := f.room
		f.room = 0
		return n, &os.PathError{Op: "write", Path: "b.tar.gz", Err: syscall.ENOSPC}
	}
	f.room -= len(b)
	return len(b), nil
}

func TestPruneKeepsNewest(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		_ = os.WriteFile(filepath.Join(dir, ScheduledName(now.Add(time.Duration(i)*time.Hour))), []byte("x"), 0o600)
	}
	stale := filepath.Join(dir, "."+ScheduledName(now)+".123.partial")
	fresh := filepath.Join(dir, "."+ScheduledName(now)+".456.partial")
	other := filepath.Join(dir, "notes.txt")
	for _, p := range []string{stale, fresh, other} {
		_ = os.WriteFile(p, []byte("x"), 0o600)
	}
	_ = os.Chtimes(stale, now.Add(-48*time.Hour), now.Add(-48*time.Hour))
	_ = os.Chtimes(fresh, now, now)
	removed, err := Prune(dir, 2, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 4 {
		t.Fatalf("removed %v, want the 3 oldest backups and the stale partial file", removed)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"." + ScheduledName(now) + ".456.partial", ScheduledName(now.Add(3 * time.Hour)), ScheduledName(now.Add(4 * time.Hour)), "notes.txt"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("left %v, want %v", names, want)
	}
}

func TestStorageReportEmbedded(t *testing.T) {
	ctx := context.Background()
	e := startEngine(t, t.TempDir())
	loadSample(t, e)
	r, err := Storage(ctx, e.s, e.dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Engine != EngineEmbedded || r.DatabaseBytes == 0 || r.SizeWarning || r.LastBackup != nil {
		t.Fatalf("storage report %+v", r)
	}
	got := map[string]int64{}
	for _, c := range r.Collections {
		got[c.Name] = c.Documents
	}
	for col, docs := range dump(t, e.s) {
		if got[col] != int64(len(docs)) {
			t.Errorf("%s: reported %d documents, has %d", col, got[col], len(docs))
		}
	}
	res, err := Create(ctx, backupOpts(e.dir, filepath.Join(t.TempDir(), "b.tar.gz")))
	if err != nil {
		t.Fatal(err)
	}
	if err := SaveStatus(e.dir, StatusOf(time.Now(), res, nil)); err != nil {
		t.Fatal(err)
	}
	if r, err = Storage(ctx, e.s, e.dir); err != nil || r.LastBackup == nil || !r.LastBackup.OK || r.LastBackup.Size != res.Size {
		t.Fatalf("storage after a backup: %+v %v", r.LastBackup, err)
	}
	if err := IntegrityCheck(ctx, DBFile(e.dir, testDB)); err != nil {
		t.Fatal(err)
	}
	// Past the threshold the report warns and says what to do (a sparse
	// file of that size stands for the database file).
	bigDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(bigDir, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(DBFile(bigDir, testDB))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(EmbeddedSizeWarning + 1); err != nil {
		t.Fatal(err)
	}
	big.Close()
	if r, err = Storage(ctx, e.s, bigDir); err != nil || !r.SizeWarning || !strings.Contains(r.Advice, "db copy") {
		t.Fatalf("storage past the threshold: %+v %v", r, err)
	}
}

// TestExtractStopsAtManifestSize: the database entry was copied out of the
// archive without a limit, so a crafted archive (a tiny manifest size, a
// huge compressible entry) could fill the disk before the size check. The
// copy stops one byte past the manifest's size and fails.
func TestExtractStopsAtManifestSize(t *testing.T) {
	archive := filepath.Join(t.TempDir(), "crafted.tar.gz")
	f, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	m := Manifest{Format: formatVersion, Engine: engineSQLite, Database: "alianza", DBFile: "db/alianza.sqlite", DBSize: 10, DBSHA256: "00"}
	mj, _ := json.Marshal(m)
	const huge = 32 << 20
	if err := tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(mj))}); err != nil {
		t.Fatal(err)
	}
	tw.Write(mj)
	if err := tw.WriteHeader(&tar.Header{Name: m.DBFile, Mode: 0o600, Size: huge}); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(tw, io.LimitReader(zeros{}, huge)); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(tw.Close(), zw.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	var most int64
	_, err = Verify(context.Background(), archive, func(phase string, done, _ int64) {
		if phase == "extract" {
			most = max(most, done)
		}
	})
	if err == nil || !strings.Contains(err.Error(), "its manifest says 10") {
		t.Fatalf("crafted archive: %v", err)
	}
	if most > m.DBSize+1 {
		t.Fatalf("extracted %d bytes of a database the manifest says is %d", most, m.DBSize)
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) { clear(b); return len(b), nil }
