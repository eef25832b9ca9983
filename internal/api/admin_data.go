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
		{method: "GET", path: "/admin/storage", access: adminOnly, tag: "admin", summary: "Database engine, size, documents per collection and the last backup",
			resp: backup.StorageReport{}, handle: a.storage},
		{method: "GET", path: "/admin/export", access: adminOnly, tag: "admin", summary: "The organisation's whole data as a zip: JSON Lines and CSV per collection, README (no secrets)",
			handle: a.exportAll},
	}
}

func (a *API) storage(c *fiber.Ctx) error {
	r, err := backup.Storage(c.UserContext(), a.store, a.opts.DataDir)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// requireAllRegions refuses the organisation-wide tools to an admin whose
// account is limited to some regions: they read every region's records.
func requireAllRegions(c *fiber.Ctx) error {
	if !auth.User(c).Scope().All {
		return problem(fiber.StatusForbidden, "Only an admin with every region can export the organisation's data.")
	}
	return nil
}

func (a *API) exportAll(c *fiber.Ctx) error {
	if err := requireAllRegions(c); err != nil {
		return err
	}
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
