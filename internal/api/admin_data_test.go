package api

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/backup"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
)

func TestAdminStorage(t *testing.T) {
	ta := newTestApp(t)
	engine := backup.EngineMongoDB
	if storetest.Embedded() {
		engine = backup.EngineEmbedded
	}
	ta.run(t, []scenario{
		{name: "admin", as: "admin", method: "GET", path: "/api/v1/admin/storage", status: 200,
			want: map[string]any{"engine": engine, "size_warning": false, "last_backup": nil, "warning_bytes": float64(backup.EmbeddedSizeWarning)}},
		{name: "manager", as: "manager", method: "GET", path: "/api/v1/admin/storage", status: 403},
		{name: "viewer", as: "viewer", method: "GET", path: "/api/v1/admin/storage", status: 403},
		{name: "anonymous", method: "GET", path: "/api/v1/admin/storage", status: 401},
	})
	var r backup.StorageReport
	ta.do("admin", "GET", "/api/v1/admin/storage", nil).decode(t, &r)
	var users int64
	for _, c := range r.Collections {
		if c.Name == "users" {
			users = c.Documents
		}
	}
	if users != int64(len(testUsers)) {
		t.Fatalf("users in the storage report: %d, want %d (%+v)", users, len(testUsers), r.Collections)
	}

	// On the embedded engine the page shows the last backup from the data folder.
	dir := t.TempDir()
	at := time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)
	if err := backup.SaveStatus(dir, backup.Status{At: at, File: "/backups/a.tar.gz", Size: 1234, OK: true}); err != nil {
		t.Fatal(err)
	}
	ta.app = ta.newApp(func(o *Options) { o.DataDir = dir })
	ta.run(t, []scenario{{name: "embedded", as: "admin", method: "GET", path: "/api/v1/admin/storage", status: 200,
		want: map[string]any{"engine": "embedded", "last_backup.ok": true, "last_backup.size": float64(1234), "last_backup.at": "2026-11-28T03:00:00Z"}}})
}

func TestAdminExport(t *testing.T) {
	ta := newTestApp(t)
	ctx := context.Background()
	addRegionalAdmin(t, ta)
	ta.run(t, []scenario{
		{name: "manager", as: "manager", method: "GET", path: "/api/v1/admin/export", status: 403},
		{name: "officer", as: "officer", method: "GET", path: "/api/v1/admin/export", status: 403},
		{name: "regional admin", as: "cusco_admin", method: "GET", path: "/api/v1/admin/export", status: 403},
	})
	r := ta.do("admin", "GET", "/api/v1/admin/export", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/zip" || !strings.Contains(r.header.Get("Content-Disposition"), "alianza-export-") {
		t.Fatalf("export: %d %v", r.status, r.header)
	}
	zr, err := zip.NewReader(bytes.NewReader(r.body), int64(len(r.body)))
	if err != nil {
		t.Fatalf("export is not a zip: %v", err)
	}
	var users string
	for _, f := range zr.File {
		if f.Name == "users.jsonl" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			users = string(b)
		}
	}
	if strings.Count(users, "\n") != len(testUsers)+1 || strings.Contains(users, "password") || strings.Contains(users, "$argon2") {
		t.Fatalf("users.jsonl: %s", users)
	}
	entries, _, err := ta.store.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "organisation"}, store.Page{Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].Action != "export" || entries[0].ActorID != ta.users["admin"].ID {
		t.Fatalf("audit of the export: %+v %v", entries, err)
	}
}

func TestPersonalDataRequests(t *testing.T) {
	ta := newTestApp(t)
	r := ta.do("admin", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Rosa Quispe Mamani",
		"emails": []string{"rosa.quispe@ong.pe"}, "regions": []string{"08"}, "notes": "<script>alert(1)</script>"})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	base := "/api/v1/admin/stakeholders/" + id
	ctx := context.Background()
	addRegionalAdmin(t, ta)
	ta.run(t, []scenario{
		{name: "manager reads", as: "manager", method: "GET", path: base + "/personal-data", status: 403},
		{name: "regional admin reads", as: "cusco_admin", method: "GET", path: base + "/personal-data", status: 403},
		{name: "officer erases", as: "officer", method: "POST", path: base + "/erase", body: map[string]any{"confirm_name": "Rosa Quispe Mamani"}, status: 403},
		{name: "wrong confirmation", as: "admin", method: "POST", path: base + "/erase", body: map[string]any{"confirm_name": "Rosa"}, status: 422,
			want: map[string]any{"errors.0.field": "confirm_name"}},
		{name: "missing", as: "admin", method: "GET", path: "/api/v1/admin/stakeholders/0123456789abcdef01234567/personal-data", status: 404},
	})
	// Renamed, with the answer kept for an Idempotency-Key replay: the
	// erasure must find the earlier name and the kept answer too.
	rename := map[string]any{"name": "Rosa Q. Mamani", "version": 1}
	if rn := ta.do("manager", "PATCH", "/api/v1/stakeholders/"+id, rename, IdempotencyHeader, "rename-1"); rn.status != 200 {
		t.Fatalf("rename: %d %s", rn.status, rn.body)
	}
	j := ta.do("admin", "GET", base+"/personal-data", nil)
	var d struct {
		Stakeholder struct{ Name string } `json:"stakeholder"`
		Meetings    []any                 `json:"meetings"`
	}
	j.decode(t, &d)
	if j.status != 200 || d.Stakeholder.Name != "Rosa Q. Mamani" || !strings.Contains(j.header.Get("Content-Disposition"), ".json") {
		t.Fatalf("personal data JSON: %d %s", j.status, j.body)
	}
	for _, list := range []string{"meetings", "commitments", "tasks", "messages"} {
		if !strings.Contains(string(j.body), `"`+list+`": []`) {
			t.Errorf("personal data: %s is not an empty array: %s", list, j.body)
		}
	}
	h := ta.do("admin", "GET", base+"/personal-data?format=html&lang=en", nil)
	page := string(h.body)
	if h.status != 200 || !strings.HasPrefix(h.header.Get("Content-Type"), "text/html") || !strings.Contains(page, "Rosa Q. Mamani") ||
		!strings.Contains(page, "rosa.quispe@ong.pe") || strings.Contains(page, "<script>") || !strings.Contains(page, "Personal data held by Alianza") {
		t.Fatalf("personal data page: %d %s", h.status, page)
	}
	e := ta.do("admin", "POST", base+"/erase", map[string]any{"confirm_name": "Rosa Q. Mamani"})
	if e.status != 200 {
		t.Fatalf("erase: %d %s", e.status, e.body)
	}
	// The kept answer is replayed redacted: the retry writes nothing again.
	if rn := ta.do("manager", "PATCH", "/api/v1/stakeholders/"+id, rename, IdempotencyHeader, "rename-1"); rn.status != 200 ||
		strings.Contains(strings.ToLower(string(rn.body)), "rosa") || rn.json(t)["name"] != store.ErasedName {
		t.Fatalf("the answer kept before the erasure: %d %s", rn.status, rn.body)
	}
	ta.run(t, []scenario{{name: "after erasure", as: "admin", method: "GET", path: "/api/v1/stakeholders/" + id, status: 200,
		want: map[string]any{"name": store.ErasedName, "emails": []any{}, "notes": ""}}})
	entries, _, err := ta.store.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "stakeholder", EntityID: id}, store.Page{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, en := range entries {
		actions[en.Action] = true
		for _, c := range en.Changes {
			if strings.Contains(fmt.Sprint(c.Old, c.New), "Rosa") {
				t.Errorf("audit entry %s still holds the name: %+v", en.Action, c)
			}
		}
	}
	if !actions["erase"] || !actions["export"] || !actions["create"] {
		t.Fatalf("audit actions %v", actions)
	}
}

// addRegionalAdmin adds "cusco_admin", an admin limited to Cusco.
func addRegionalAdmin(t *testing.T, ta *testApp) {
	t.Helper()
	u, err := ta.store.CreateUser(context.Background(), model.SystemActor, model.NewUser{Email: "cusco_admin@alianza.test", Name: "Cusco admin",
		Role: model.RoleAdmin, Regions: []string{"08"}}, testPasswordHash(t))
	if err != nil {
		t.Fatal(err)
	}
	ta.users["cusco_admin"] = u
}

func TestAdminBackupDownload(t *testing.T) {
	ta := newTestApp(t)
	ctx := context.Background()
	addRegionalAdmin(t, ta)
	ta.run(t, []scenario{
		{name: "on MongoDB there is no file to back up", as: "admin", method: "POST", path: "/api/v1/admin/backup", status: 409,
			want: map[string]any{"code": "backup_mongodb"}},
		{name: "manager", as: "manager", method: "POST", path: "/api/v1/admin/backup", status: 403},
		{name: "regional admin", as: "cusco_admin", method: "POST", path: "/api/v1/admin/backup", status: 403},
		{name: "scheduled backups are off", as: "admin", method: "GET", path: "/api/v1/admin/storage", status: 200,
			want: map[string]any{"scheduled_backups": false}},
	})
	// The test database as an embedded data folder: <data>/db/alianza.db.
	lite := ta.store.Embedded()
	if lite == nil {
		return // a MongoDB test server (ALIANZA_TEST_MONGO_URI): the 409 above is its answer
	}
	data := t.TempDir()
	if err := os.Mkdir(filepath.Join(data, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(lite.Path(), filepath.Join(data, "db", store.EmbeddedFile)); err != nil {
		t.Fatal(err)
	}
	ta.app = ta.newApp(func(o *Options) { o.DataDir, o.BackupInterval = data, 24*time.Hour })
	r := ta.do("admin", "POST", "/api/v1/admin/backup", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/gzip" || !strings.Contains(r.header.Get("Content-Disposition"), "alianza-") {
		t.Fatalf("backup: %d %v %.200s", r.status, r.header, r.body)
	}
	file := filepath.Join(t.TempDir(), "download.tar.gz")
	if err := os.WriteFile(file, r.body, 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := backup.Verify(ctx, file, nil)
	if err != nil {
		t.Fatalf("alianza backup verify refuses the download: %v", err)
	}
	for _, c := range m.Collections {
		if c.Name == "users" && c.Count != int64(len(testUsers)+1) { // and the regional admin
			t.Errorf("users in the backup: %d, want %d", c.Count, len(testUsers)+1)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(data, ".download.*")); len(left) > 0 {
		t.Errorf("the snapshot was left behind: %v", left)
	}
	entries, _, err := ta.store.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "backup"}, store.Page{Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].ActorID != ta.users["admin"].ID {
		t.Fatalf("audit of the download: %+v %v", entries, err)
	}
	ta.run(t, []scenario{{name: "scheduled backups on", as: "admin", method: "GET", path: "/api/v1/admin/storage", status: 200,
		want: map[string]any{"scheduled_backups": true, "backup_interval_hours": float64(24)}}})
}
