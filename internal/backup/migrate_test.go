package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// An archive of the FerretDB-based build restores its file as that build
// kept it, and the next open migrates it with every document.
func TestRestoreFerretDBArchiveMigrates(t *testing.T) {
	ctx := context.Background()
	old := filepath.Join(t.TempDir(), "db")
	f, err := storetest.StartEmbedded(ctx, old, nil)
	if err != nil {
		t.Fatalf("start FerretDB: %v", err)
	}
	s, err := store.Open(ctx, f.URI(), "alianza")
	if err != nil {
		f.Stop()
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, model.SystemActor, model.NewUser{Email: "ñusta@example.org", Name: "Ñusta", Role: model.RoleOfficer,
		Regions: []string{"08"}, Password: "correct horse battery"}, "hash"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Database().Collection("kv").InsertOne(ctx, bson.D{{Key: "_id", Value: "k"}, {Key: "v", Value: int64(1) << 40}}); err != nil {
		t.Fatal(err)
	}
	want := dump(t, s)
	_ = s.Close(ctx)
	f.Stop()

	// The archive as the FerretDB-based build wrote it.
	db, err := os.ReadFile(filepath.Join(old, "alianza.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(db)
	m := Manifest{Format: formatVersion, Engine: engineFerretDB, Database: "alianza", DBFile: "db/alianza.sqlite",
		DBSize: int64(len(db)), DBSHA256: hex.EncodeToString(sum[:])}
	archive := filepath.Join(t.TempDir(), "old.tar.gz")
	out, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(out)
	tw := tar.NewWriter(zw)
	mj, _ := json.Marshal(m)
	for _, e := range []struct {
		name string
		b    []byte
	}{{manifestName, mj}, {m.DBFile, db}} {
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o600, Size: int64(len(e.b))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.b); err != nil {
			t.Fatal(err)
		}
	}
	if err := errors.Join(tw.Close(), zw.Close(), out.Close()); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(ctx, archive, nil); err != nil {
		t.Fatalf("verify: %v", err)
	}

	// Restored over a folder of the new build (--force): the new file goes.
	data := t.TempDir()
	ns, err := store.OpenEmbedded(ctx, filepath.Join(data, "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = ns.Close(ctx)
	if _, err := Restore(ctx, archive, data, "alianza", true, nil); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "db", "alianza.sqlite")); err != nil {
		t.Fatal(err)
	}
	ns, err = store.OpenEmbedded(ctx, filepath.Join(data, "db"), nil)
	if err != nil {
		t.Fatalf("open the restored folder: %v", err)
	}
	defer ns.Close(ctx)
	if err := sameDump(want, dump(t, ns)); err != nil {
		t.Fatalf("migrated restore differs: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, store.PreMigrationDir, "alianza.sqlite")); err != nil {
		t.Fatal("old file not kept:", err)
	}
}
