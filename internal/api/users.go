package api

import (
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/gofiber/fiber/v2"
)

// userView is a user as the API shows it (never the password hash).
type userView struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Regions   []string  `json:"regions"`
	Disabled  bool      `json:"disabled"`
	TwoFactor bool      `json:"two_factor"` // signs in with a TOTP code
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

func viewUser(u *model.User) userView {
	return userView{ID: u.ID.Hex(), Email: u.Email, Name: u.Name, Role: u.Role, Regions: u.Regions,
		Disabled: u.Disabled, Version: u.Version, CreatedAt: u.CreatedAt}
}

func (a *API) listUsers(c *fiber.Ctx) error {
	q := queryOf(c)
	p := q.page()
	if q.err != nil {
		return q.err
	}
	users, next, err := a.store.ListUsers(c.UserContext(), auth.User(c).Scope(), p)
	if err != nil {
		return err
	}
	views := viewAll(users, viewUser)
	if err := a.markTwoFactor(c, views); err != nil {
		return err
	}
	return c.JSON(newList(views, next))
}

func (a *API) getUser(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := a.flows.UserFor(c.UserContext(), auth.User(c), id)
	if err != nil {
		return err
	}
	return a.sendUser(c, u)
}

func (a *API) createUser(c *fiber.Ctx) error {
	var in model.NewUser
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := a.flows.CreateUser(c.UserContext(), auth.User(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(viewUser(u))
}

func (a *API) updateUser(c *fiber.Ctx) error {
	u, err := withIDAndBody(c, a.flows.UpdateUser)
	if err != nil {
		return err
	}
	return a.sendUser(c, u)
}
