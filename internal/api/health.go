package api

import (
	"context"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/gofiber/fiber/v2"
)

func (a *API) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "version": a.opts.Version})
}

func (a *API) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		a.log.WarnContext(ctx, "readiness check failed", "err", err)
		return sendProblem(c, coded(c, fiber.StatusServiceUnavailable, "db_unavailable"))
	}
	// A full disk still answers pings: ready means keyed saves go through.
	if err := a.store.WriteProbe(ctx, a.instance); err != nil {
		a.log.ErrorContext(ctx, "readiness check failed: the database takes no writes", "err", err)
		return sendProblem(c, coded(c, fiber.StatusServiceUnavailable, "storage_unwritable"))
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

func (a *API) listRegions(c *fiber.Ctx) error {
	return c.JSON(newList(model.Regions, ""))
}

func (a *API) enums(c *fiber.Ctx) error {
	return c.JSON(model.Enums())
}
