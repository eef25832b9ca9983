package api

import (
	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

func (a *API) listAudit(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := store.AuditFilter{Scope: auth.User(c).Scope()}
	f.Entity, f.EntityID = c.Query("entity"), c.Query("entity_id")
	if f.ActorID, err = queryID(c, "actor_id"); err != nil {
		return err
	}
	if f.From, err = queryTime(c, "from"); err != nil {
		return err
	}
	if f.To, err = dayEndQuery(c, "to"); err != nil {
		return err
	}
	items, next, err := a.store.ListAudit(c.UserContext(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(newList(items, next))
}
