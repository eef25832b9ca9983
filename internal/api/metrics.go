package api

import (
	"github.com/gofiber/fiber/v2"
)

// routePattern is the metrics label of a request: the pattern of the route
// that answered it (/api/v1/users/:id), never the path, so the number of
// series stays bounded whatever clients send. The web app, its files and
// unknown paths all share the catch-all's pattern "/".
func routePattern(c *fiber.Ctx) string {
	if r := c.Route(); r != nil && r.Path != "" {
		return r.Path
	}
	return "unmatched"
}

// responseSize is the size of the body sent, after compression; a streamed
// body (exports) counts its Content-Length, or -1 when it has none.
func responseSize(c *fiber.Ctx) int {
	if c.Response().IsBodyStream() {
		return c.Response().Header.ContentLength()
	}
	return len(c.Response().Body())
}
