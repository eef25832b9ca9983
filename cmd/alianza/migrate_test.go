package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
)

// `alianza backup` on a data folder of the FerretDB-based build migrates it
// first (as every command that opens the store does) and backs up the
// migrated store.
func TestBackupMigratesFerretDBFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f, err := storetest.StartEmbedded(ctx, filepath.Join(dir, "db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, f.URI(), "alianza")
	if err != nil {
		f.Stop()
		t.Fatal(err)
	}
	_, err = s.CreateUser(ctx, model.SystemActor, model.NewUser{Email: "rocío@ong.pe", Name: "Rocío", Role: model.RoleOfficer,
		Regions: []string{"08"}, Password: "clave larga de prueba"}, "hash")
	_ = s.Close(ctx)
	f.Stop()
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ALIANZA_DATA_DIR": dir, "ALIANZA_LOG_LEVEL": "error"}
	archive := filepath.Join(t.TempDir(), "alianza.tar.gz")
	if code, out, errs := runCLI(t, env, "backup", "--out", archive); code != 0 || !strings.Contains(out, "backup written to") {
		t.Fatalf("backup: exit %d, %q %q", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, store.PreMigrationDir, "alianza.sqlite")); err != nil {
		t.Fatal("old file not kept:", err)
	}
	code, out, errs := runCLI(t, env, "backup", "verify", archive)
	if code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("verify: exit %d, %q %q", code, out, errs)
	}
	var users string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "users ") {
			users = l
		}
	}
	if !strings.Contains(users, " 1 documents") {
		t.Fatalf("users line %q in %q", users, out)
	}
}
