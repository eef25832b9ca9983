package api

import (
	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/gofiber/fiber/v2"
)

// timeline serves GET /stakeholders/:id/timeline; its route row is in meetingRoutes.
func (a *API) timeline(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	q := queryOf(c)
	p := q.page()
	if q.err != nil {
		return q.err
	}
	items, next, err := a.store.Timeline(c.UserContext(), auth.User(c).Scope(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(newList(items, next))
}
