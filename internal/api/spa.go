package api

import (
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/alianza-pe/alianza/ui"
	"github.com/gofiber/fiber/v2"
)

// registerSPA serves the embedded app: its files (hashed assets cached for
// a year), and index.html for the app's own client routes (ui/src/routes.json)
// so they survive a reload. Any other path is a 404, so that a probe of
// /metrics or /debug/pprof/ is not taken for a healthy answer.
func (a *API) registerSPA(app *fiber.App) {
	app.Use(func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return fiber.ErrNotFound
		}
		if a.opts.UI == nil {
			if !ui.IsClientRoute(c.Path()) {
				return fiber.ErrNotFound
			}
			return c.Type("txt").SendString("Alianza API is running; the web app was not built into this binary.")
		}
		p := strings.TrimPrefix(path.Clean(c.Path()), "/")
		if p != "" && p != "index.html" {
			if b, err := fs.ReadFile(a.opts.UI, p); err == nil {
				if strings.HasPrefix(p, "assets/") {
					c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
				} else {
					c.Set(fiber.HeaderCacheControl, "no-cache")
				}
				c.Type(path.Ext(p))
				return c.Send(b)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if p != "index.html" && !ui.IsClientRoute(c.Path()) {
			return fiber.ErrNotFound
		}
		b, err := fs.ReadFile(a.opts.UI, "index.html")
		if err != nil {
			return c.Type("txt").SendString("Alianza API is running; the web app was not built into this binary.")
		}
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.Type("html").Send(b)
	})
}
