package api

import (
	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

// maxQueryRunes bounds a search query.
const maxQueryRunes = 200

// searchRoutes lists the routes of this resource.
func (a *API) searchRoutes() []route {
	return []route{
		{method: "GET", path: "/search", tag: "search", summary: "Search stakeholders, meetings, commitments, initiatives and messages in your regions (accent- and case-insensitive word prefixes)",
			query: []string{"q"}, resp: store.SearchResults{}, handle: a.search},
	}
}

// search answers at most store.SearchLimit hits per type; a blank query
// answers empty lists so a search box can call it as the user types.
func (a *API) search(c *fiber.Ctx) error {
	q := c.Query("q")
	if len([]rune(q)) > maxQueryRunes {
		return invalid("q", "is too long")
	}
	res, err := a.store.Search(c.UserContext(), auth.User(c).Scope(), q)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
