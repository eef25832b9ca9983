package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/store/lite"
	"github.com/alianza-pe/alianza/internal/storetest"
)

// migrateKillEnv names the folder the re-executed test binary migrates
// until it kills itself (kill -9) after its second transaction.
const migrateKillEnv = "ALIANZA_MIGRATE_KILL_DIR"

// init runs the child of TestMigrationKilledMidway before TestMain.
func init() {
	dir := os.Getenv(migrateKillEnv)
	if dir == "" {
		return
	}
	batches := 0
	store.SetMigrationFault(func(step string) error {
		if step == "batch" {
			if batches++; batches == 2 {
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Minute)
			}
		}
		return nil
	})
	_, err := store.OpenEmbedded(context.Background(), dir, nil)
	fmt.Fprintln(os.Stderr, "child: migration was not killed:", err)
	os.Exit(3)
}

// legacyFolder is a data folder's db/ written by FerretDB, and what it holds.
type legacyFolder struct {
	log  *slog.Logger                 // for OpenEmbedded in check
	dir  string                       // <data>/db
	want map[string]map[string]bson.D // collection -> _id (as text) -> document
	user *model.User
}

// newLegacyFolder writes documents of several collections (and a user
// through the store, with its audit entry) into FerretDB's SQLite files;
// extra collections are added as they are. crashed: the folder is a copy of
// the files taken while FerretDB still ran, as a kill -9 or a power cut
// leaves them (documents in the WAL, not yet in the main file).
func newLegacyFolder(t *testing.T, messages int, crashed bool, extra ...string) legacyFolder {
	t.Helper()
	ctx := context.Background()
	lf := legacyFolder{dir: filepath.Join(t.TempDir(), "db"), want: map[string]map[string]bson.D{}}
	f, err := storetest.StartEmbedded(ctx, lf.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			f.Stop()
		}
	}()
	client, err := mongo.Connect(options.Client().ApplyURI(f.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	db := client.Database("alianza")

	when := bson.NewDateTimeFromTime(time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC))
	docs := map[string][]bson.D{
		"stakeholders": {
			{{Key: "_id", Value: bson.NewObjectID()}, {Key: "name", Value: "Asociación Ñañas de Güemes – «José»"},
				{Key: "regions", Value: bson.A{"08", "15"}}, {Key: "address", Value: bson.D{{Key: "city", Value: "Cusco"}, {Key: "geo", Value: bson.A{-13.5319, -71.9675}}}},
				{Key: "version", Value: int64(9007199254740993)}, {Key: "score", Value: 0.1}, {Key: "active", Value: true},
				{Key: "notes", Value: nil}, {Key: "created_at", Value: when}, {Key: "count", Value: int32(-7)}},
			{{Key: "_id", Value: bson.NewObjectID()}, {Key: "name", Value: ""}, {Key: "regions", Value: bson.A{}},
				{Key: "address", Value: bson.D{}}, {Key: "active", Value: false}, {Key: "emails", Value: bson.A{"a@b.pe"}}, {Key: "contacts", Value: bson.A{bson.D{{Key: "address", Value: "a@b.pe"}, {Key: "primary", Value: true}}}}},
		},
		"meetings": {
			{{Key: "_id", Value: bson.NewObjectID()}, {Key: "title", Value: "Reunión con la fiscalía"}, {Key: "date", Value: when},
				{Key: "participants", Value: bson.A{bson.D{{Key: "stakeholder_id", Value: bson.NewObjectID()}, {Key: "role", Value: "ponente"}}, bson.D{{Key: "stakeholder_id", Value: bson.NewObjectID()}}}},
				{Key: "mixed", Value: bson.A{int32(1), "dos", 3.5, nil, bson.D{{Key: "tres", Value: bson.A{"ñ"}}}}}},
		},
		"kv": {
			{{Key: "_id", Value: "schema_version"}, {Key: "value", Value: int32(3)}},
			{{Key: "_id", Value: "clave-ñ"}, {Key: "value", Value: "ü"}, {Key: "at", Value: when}},
		},
	}
	for i := range messages {
		docs["messages"] = append(docs["messages"], bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "subject", Value: fmt.Sprintf("Asunto nº %d: acción", i)},
			{Key: "date", Value: bson.NewDateTimeFromTime(time.Unix(int64(1_700_000_000+i), 0))}, {Key: "stakeholder_ids", Value: bson.A{fmt.Sprint(i % 7)}},
			{Key: "status", Value: "new"}, {Key: "size", Value: int64(i) * 1000}})
	}
	for _, name := range extra {
		docs[name] = append(docs[name], bson.D{{Key: "_id", Value: name}, {Key: "x", Value: int32(1)}})
	}
	for name, ds := range docs {
		many := make([]any, len(ds))
		for i, d := range ds {
			many[i] = d
		}
		if _, err := db.Collection(name).InsertMany(ctx, many); err != nil {
			t.Fatal(name, err)
		}
		for _, d := range ds {
			lf.add(t, name, d)
		}
	}
	// Documents written by the old build's own code: a user and its audit.
	s, err := store.Open(ctx, f.URI(), "alianza")
	if err != nil {
		t.Fatal(err)
	}
	created, err := s.CreateUser(ctx, model.SystemActor, newUser("josé@example.org"), "hash")
	if err != nil {
		t.Fatal(err)
	}
	// As the old build read it back (dates in milliseconds).
	if lf.user, err = s.UserByID(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"users", "audit"} {
		cur, err := db.Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var got []bson.D
		if err := cur.All(ctx, &got); err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			t.Fatalf("no document in %s", name)
		}
		for _, d := range got {
			lf.add(t, name, d)
		}
	}
	_ = s.Close(ctx)
	if crashed {
		lf.dir = crashCopy(t, lf.dir)
	}
	f.Stop()
	stopped = true
	if _, err := os.Stat(filepath.Join(lf.dir, "alianza.sqlite")); err != nil {
		t.Fatal(err)
	}
	return lf
}

func (lf legacyFolder) add(t *testing.T, name string, d bson.D) {
	t.Helper()
	b, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var norm bson.D
	if err := bson.Unmarshal(b, &norm); err != nil {
		t.Fatal(err)
	}
	if lf.want[name] == nil {
		lf.want[name] = map[string]bson.D{}
	}
	lf.want[name][fmt.Sprint(norm[0].Value)] = norm
}

// check opens the folder (migrating it when needed) and compares every
// document with what was written.
func (lf legacyFolder) check(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	s, err := store.OpenEmbedded(ctx, lf.dir, lf.log)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	for _, sp := range store.CollectionSpecs() {
		got := map[string]bson.D{}
		if err := s.Embedded().Each(ctx, sp.Name, func(raw bson.Raw) error {
			var d bson.D
			if err := bson.Unmarshal(raw, &d); err != nil {
				return err
			}
			got[fmt.Sprint(d[0].Value)] = d
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := lf.want[sp.Name]
		if len(got) != len(want) {
			t.Errorf("%s: %d documents, want %d", sp.Name, len(got), len(want))
		}
		for id, w := range want {
			if !reflect.DeepEqual(got[id], w) {
				t.Errorf("%s %s:\n got %v\nwant %v", sp.Name, id, got[id], w)
			}
		}
	}
	u, err := s.UserByID(ctx, lf.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(u, lf.user) {
		t.Errorf("user:\n got %+v\nwant %+v", u, lf.user)
	}
}

// checkMoved checks the old files are in <data>/pre-migration with a
// manifest that counts what was written, and gone from db/.
func (lf legacyFolder) checkMoved(t *testing.T) {
	t.Helper()
	keep := filepath.Join(filepath.Dir(lf.dir), store.PreMigrationDir)
	if _, err := os.Stat(filepath.Join(keep, "alianza.sqlite")); err != nil {
		t.Fatal("old file not kept:", err)
	}
	for _, name := range []string{"alianza.sqlite", "alianza.sqlite-wal", "alianza.sqlite-shm", store.EmbeddedFile + ".migrating"} {
		if _, err := os.Stat(filepath.Join(lf.dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left in db/: %v", name, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(keep, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m store.MigrationManifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Source != filepath.Join(lf.dir, "alianza.sqlite") || m.MigratedAt.IsZero() {
		t.Errorf("manifest: %+v", m)
	}
	counted := 0
	for _, c := range m.Collections {
		if c.Docs != int64(len(lf.want[c.Name])) || len(c.Checksum) != 64 {
			t.Errorf("manifest %s: %d documents (sha256 %q), want %d", c.Name, c.Docs, c.Checksum, len(lf.want[c.Name]))
		}
		counted++
	}
	if counted != len(lf.want) {
		t.Errorf("manifest lists %d collections, want %d", counted, len(lf.want))
	}
}

// checkUntouched checks a failed migration left the old file in db/ and
// no new file in place.
func (lf legacyFolder) checkUntouched(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(lf.dir, "alianza.sqlite")); err != nil {
		t.Fatal("old file moved:", err)
	}
	if _, err := os.Stat(filepath.Join(lf.dir, store.EmbeddedFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("new file in place:", err)
	}
}

func TestMigrateFerretDBFolder(t *testing.T) {
	lf := newLegacyFolder(t, 1200, false)
	var logged bytes.Buffer
	lf.log = slog.New(slog.NewTextHandler(&logged, nil))
	start := time.Now()
	lf.check(t)
	t.Logf("migrated and read back in %v", time.Since(start))
	lf.checkMoved(t)
	if line := logged.String(); strings.Count(line, "migrated the FerretDB-era database") != 1 || !strings.Contains(line, "messages=1200") {
		t.Errorf("log: %s", line)
	}
	lf.log = nil
	// Opened again: nothing more to migrate, same data.
	lf.check(t)
	entries, err := os.ReadDir(filepath.Dir(lf.dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 { // db and pre-migration
		t.Errorf("data folder holds %d entries, want db and pre-migration", len(entries))
	}
}

// TestMigrateEmbedded migrates without opening the store (the backup
// command), then the store opens what it wrote.
func TestMigrateEmbedded(t *testing.T) {
	lf := newLegacyFolder(t, 5, false)
	if err := store.MigrateEmbedded(context.Background(), lf.dir, nil); err != nil {
		t.Fatal(err)
	}
	lf.checkMoved(t)
	lf.check(t)
	if err := store.MigrateEmbedded(context.Background(), lf.dir, nil); err != nil {
		t.Fatal("nothing left to migrate:", err)
	}
}

// TestMigrateCrashedFerretDBFolder migrates the files of a FerretDB that
// never closed them: what is only in its WAL is migrated too, and the WAL
// is kept with the old file.
func TestMigrateCrashedFerretDBFolder(t *testing.T) {
	lf := newLegacyFolder(t, 600, true)
	if fi, err := os.Stat(filepath.Join(lf.dir, "alianza.sqlite-wal")); err != nil || fi.Size() == 0 {
		t.Fatalf("no WAL in the crashed copy: %v", err)
	}
	lf.check(t)
	lf.checkMoved(t)
	if _, err := os.Stat(filepath.Join(filepath.Dir(lf.dir), store.PreMigrationDir, "alianza.sqlite-wal")); err != nil {
		t.Error("WAL not kept:", err)
	}
}

// crashCopy copies the database files of dir into a new folder while the
// engine holds them.
func crashCopy(t *testing.T, dir string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "db")
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alianza.sqlite-wal", "alianza.sqlite"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

func TestMigrateRefusesUnknownCollections(t *testing.T) {
	lf := newLegacyFolder(t, 3, false, "zz_plugin", "aa_extra")
	_, err := store.OpenEmbedded(context.Background(), lf.dir, nil)
	if !errors.Is(err, store.ErrUnknownCollections) || !strings.Contains(err.Error(), "aa_extra, zz_plugin") {
		t.Fatalf("err = %v", err)
	}
	lf.checkUntouched(t)
	if _, err := os.Stat(filepath.Join(lf.dir, store.EmbeddedFile+".migrating")); !errors.Is(err, os.ErrNotExist) {
		t.Error("partial file left:", err)
	}
}

// TestMigrationInterrupted stops a migration at each step with an error;
// the next open finishes it with nothing lost.
func TestMigrationInterrupted(t *testing.T) {
	for _, step := range []string{"batch", "copied", "checked", "renamed"} {
		t.Run(step, func(t *testing.T) {
			lf := newLegacyFolder(t, 700, false)
			boom := errors.New("boom")
			restore := store.SetMigrationFault(func(s string) error {
				if s == step {
					return boom
				}
				return nil
			})
			_, err := store.OpenEmbedded(context.Background(), lf.dir, nil)
			restore()
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v", err)
			}
			if step != "renamed" {
				lf.checkUntouched(t)
			}
			lf.check(t)
			lf.checkMoved(t)
		})
	}
}

// TestMigrationMismatchAborts changes the new file between the copy and
// the check: the migration refuses and leaves the old files in place.
func TestMigrationMismatchAborts(t *testing.T) {
	lf := newLegacyFolder(t, 10, false)
	ctx := context.Background()
	tmp := filepath.Join(lf.dir, store.EmbeddedFile+".migrating")
	restore := store.SetMigrationFault(func(s string) error {
		if s != "copied" {
			return nil
		}
		db, err := lite.Open(ctx, tmp, store.CollectionSpecs())
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Collection("kv").Update(ctx, bson.D{{Key: "_id", Value: "schema_version"}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "value", Value: int32(4)}}}}, coll.UpdateOptions{})
		return err
	})
	_, err := store.OpenEmbedded(ctx, lf.dir, nil)
	restore()
	if err == nil || !strings.Contains(err.Error(), "kv differs") {
		t.Fatalf("err = %v", err)
	}
	lf.checkUntouched(t)
	lf.check(t)
	lf.checkMoved(t)
}

// TestMigrationKilledMidway kills (-9) a process in the middle of the
// migration; the next open starts it again and loses nothing.
func TestMigrationKilledMidway(t *testing.T) {
	lf := newLegacyFolder(t, 1200, false)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), migrateKillEnv+"="+lf.dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(lf.dir, store.EmbeddedFile+".migrating")); err != nil {
		t.Fatal("no partial file after the kill:", err)
	}
	lf.checkUntouched(t)
	lf.check(t)
	lf.checkMoved(t)
}
