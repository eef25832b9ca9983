package api

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/backup"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

func TestAdminStorage(t *testing.T) {
	ta := newTestApp(t)
	ta.run(t, []scenario{
		{name: "admin", as: "admin", method: "GET", path: "/api/v1/admin/storage", status: 200,
			want: map[string]any{"engine": "mongodb", "size_warning": false, "last_backup": nil, "warning_bytes": float64(backup.EmbeddedSizeWarning)}},
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
	ta.app = New(Options{Store: ta.store, Tokens: ta.tokens, Log: discardLogger(), Version: "test", DataDir: dir})
	ta.run(t, []scenario{{name: "embedded", as: "admin", method: "GET", path: "/api/v1/admin/storage", status: 200,
		want: map[string]any{"engine": "embedded", "last_backup.ok": true, "last_backup.size": float64(1234), "last_backup.at": "2026-11-28T03:00:00Z"}}})
}

func TestAdminExport(t *testing.T) {
	ta := newTestApp(t)
	ctx := context.Background()
	regional, err := ta.store.CreateUser(ctx, model.SystemActor, model.NewUser{Email: "cusco_admin@alianza.test", Name: "Cusco admin", Role: model.RoleAdmin, Regions: []string{"08"}}, testPasswordHash(t))
	if err != nil {
		t.Fatal(err)
	}
	ta.users["cusco_admin"] = regional
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
	entries, _, err := ta.store.ListAudit(ctx, store.AuditFilter{Entity: "organisation"}, store.Page{Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].Action != "export" || entries[0].ActorID != ta.users["admin"].ID {
		t.Fatalf("audit of the export: %+v %v", entries, err)
	}
}
