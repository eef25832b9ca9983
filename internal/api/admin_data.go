package api

import (
	"bufio"
	"context"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/backup"
	"github.com/gofiber/fiber/v2"
)

// exportTimeout bounds an organisation export streamed to the browser.
const exportTimeout = 10 * time.Minute

func (a *API) adminDataRoutes() []route {
	return []route{
		{method: "GET", path: "/admin/storage", access: adminOnly, everyRegion: true, tag: "admin", summary: "Database engine, size, documents per collection and the last backup",
			resp: storageView{}, handle: a.storage},
		{method: "GET", path: "/admin/export", access: adminOnly, everyRegion: true, tag: "admin", summary: "The organisation's whole data as a zip: JSON Lines and CSV per collection, README (no secrets)",
			handle: a.exportAll},
		{method: "POST", path: "/admin/backup", access: adminOnly, everyRegion: true, tag: "admin", noIdempotency: true,
			summary: "Download a backup of the embedded database now: the archive alianza backup writes (alianza backup verify accepts it); admins with every region",
			handle:  a.downloadBackup},
	}
}

// storageView is the storage report with what the server's settings say.
type storageView struct {
	backup.StorageReport
	// ScheduledBackups says whether the server takes backups by itself
	// (ALIANZA_BACKUP_DIR set, embedded engine).
	ScheduledBackups bool `json:"scheduled_backups"`
	// BackupInterval is their interval in hours, when on.
	BackupIntervalHours float64 `json:"backup_interval_hours,omitempty"`
}

func (a *API) storage(c *fiber.Ctx) error {
	r, err := backup.Storage(c.UserContext(), a.store, a.opts.DataDir)
	if err != nil {
		return err
	}
	v := storageView{StorageReport: r, ScheduledBackups: a.opts.BackupInterval > 0 && a.opts.DataDir != ""}
	if v.ScheduledBackups {
		v.BackupIntervalHours = a.opts.BackupInterval.Hours()
	}
	return c.JSON(v)
}

// requireEveryRegion refuses the organisation-wide tools (routes marked
// everyRegion) to anyone but an admin of every region: they read or change
// every region's data.
func requireEveryRegion(c *fiber.Ctx) error {
	if !auth.User(c).AdminOfEveryRegion() {
		return coded(c, fiber.StatusForbidden, "every_region_only")
	}
	return c.Next()
}

func (a *API) exportAll(c *fiber.Ctx) error {
	now := a.store.Now()
	if err := a.store.AuditExport(c.UserContext(), auth.Actor(c), "organisation", ""); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="alianza-export-%s.zip"`, now.In(lima).Format("2006-01-02")))
	db, version, log := a.store, a.opts.Version, a.log
	// Streamed: the archive is written as the collections are read. An
	// error half-way can no longer change the status; it cuts the archive
	// short (the zip is then unreadable) and is logged.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		if _, err := backup.Export(ctx, db, w, version, now); err != nil {
			log.Error("organisation export failed", "err", err)
			return
		}
		_ = w.Flush()
	})
	return nil
}

// backupTimeout bounds a backup streamed to the browser.
const backupTimeout = 15 * time.Minute

// downloadBackup streams a fresh backup archive. It is a POST: each call
// takes a snapshot of the whole database, which a link prefetch must not do.
// The route's everyRegion flag limits it to admins of every region.
func (a *API) downloadBackup(c *fiber.Ctx) error {
	if a.opts.DataDir == "" {
		return coded(c, fiber.StatusConflict, "backup_mongodb")
	}
	now := a.store.Now()
	if err := a.store.AuditExport(c.UserContext(), auth.Actor(c), "backup", ""); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/gzip")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="alianza-%s.tar.gz"`, now.UTC().Format("20060102T150405Z")))
	// The embedded store's file has one name whatever ALIANZA_MONGO_DB says;
	// the manifest's database name is informational.
	opts := backup.Options{DataDir: a.opts.DataDir, Database: "alianza", Version: a.opts.Version, Now: a.store.Now}
	log := a.log
	// Streamed as it is packed: an error half-way cuts the archive short,
	// which backup verify then refuses, and is logged.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), backupTimeout)
		defer cancel()
		if _, err := backup.Stream(ctx, w, opts); err != nil {
			log.Error("backup download failed", "err", err)
			return
		}
		_ = w.Flush()
	})
	return nil
}
