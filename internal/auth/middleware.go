package auth

import (
	"errors"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const principalKey = "principal"

// ErrUnauthenticated is returned when a request has no valid token.
var ErrUnauthenticated = errors.New("authentication required")

// ErrForbidden is returned when the user's role does not allow the action.
var ErrForbidden = model.ErrForbidden

// Middleware authenticates the bearer token and loads the user, so a disabled
// user or a changed role takes effect at once, not when the token expires.
func Middleware(t *Tokens, s *store.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := c.Get(fiber.HeaderAuthorization)
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || raw == "" {
			return ErrUnauthenticated
		}
		claims, err := t.Parse(strings.TrimSpace(raw))
		if err != nil {
			return ErrUnauthenticated
		}
		id, err := bson.ObjectIDFromHex(claims.Subject)
		if err != nil {
			return ErrUnauthenticated
		}
		u, err := s.UserByID(c.UserContext(), id)
		if errors.Is(err, store.ErrNotFound) {
			return ErrUnauthenticated
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			return ErrUnauthenticated
		}
		c.Locals(principalKey, u)
		return c.Next()
	}
}

// User returns the signed-in user; handlers behind Middleware always have one.
func User(c *fiber.Ctx) *model.User {
	u, _ := c.Locals(principalKey).(*model.User)
	return u
}

// Actor is the signed-in user as the author of a change.
func Actor(c *fiber.Ctx) model.Actor {
	u := User(c)
	if u == nil {
		return model.SystemActor
	}
	return model.Actor{ID: u.ID, Email: u.Email, Name: u.Name}
}

// Require allows only the given roles.
func Require(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := User(c)
		if u == nil {
			return ErrUnauthenticated
		}
		for _, r := range roles {
			if u.Role == r {
				return c.Next()
			}
		}
		return ErrForbidden
	}
}
