package api

import (
	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

func (a *API) listAudit(c *fiber.Ctx) error {
	q := queryOf(c)
	p := q.page()
	f := store.AuditFilter{Scope: auth.User(c).Scope(), Entity: c.Query("entity"), EntityID: c.Query("entity_id"),
		ActorID: q.id("actor_id"), From: q.dayStart("from"), To: q.dayEnd("to")}
	if q.err != nil {
		return q.err
	}
	items, next, err := a.store.ListAudit(c.UserContext(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(newList(items, next))
}
