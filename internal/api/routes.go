package api

import (
	"slices"
	"strings"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/gofiber/fiber/v2"
)

// route is one row of the route table; the OpenAPI document is built from it.
type route struct {
	method string
	path   string   // Fiber syntax under /api/v1, e.g. /users/:id
	access []string // roles allowed; nil: any signed-in user
	// everyRegion limits the route to admins of every region
	// (model.User.AdminOfEveryRegion): it reads or changes every region.
	everyRegion bool
	public      bool // no token needed
	summary     string
	tag         string
	query       []string // documented query parameters
	body        any      // example request type, for the schema
	resp        any      // example response type, for the schema
	status      int      // the success status when not 200: 201 Created (with resp), 204 No Content
	// more lists answers the rest of the row does not imply (410 Gone, the
	// 429 of a throttle inside the handler), for the OpenAPI document.
	more []int
	// formats are the content types of ?format= answers; nil with a format
	// parameter means text/csv (the list exports).
	formats []string
	handle  fiber.Handler
	extra   []fiber.Handler // middleware before the handler (e.g. throttles)
	// noIdempotency opts a write out of the Idempotency-Key middleware,
	// which every signed-in write gets by default.
	noIdempotency bool
}

// Role sets used by the table.
var (
	adminOnly = []string{model.RoleAdmin}
	managers  = []string{model.RoleAdmin, model.RoleManager}
	// reportReaders read the dashboards: reading is a viewer's whole role.
	reportReaders = []string{model.RoleAdmin, model.RoleManager, model.RoleViewer}
	writers       = []string{model.RoleAdmin, model.RoleManager, model.RoleOfficer}
	listQuery     = []string{"limit", "cursor"}
	exportQuery   = []string{"limit", "cursor", "format", "lang"}
)

// routes is the one route table.
func (a *API) routes() []route {
	rs := []route{
		// Auth.
		{method: "POST", path: "/auth/login", public: true, tag: "auth", summary: "Sign in with email and password", body: loginRequest{}, resp: tokenResponse{}, handle: a.login, extra: a.loginThrottles()},
		{method: "POST", path: "/auth/refresh", public: true, tag: "auth", summary: "Rotate the refresh cookie and get a new access token", resp: tokenResponse{}, handle: a.refresh},
		{method: "POST", path: "/auth/logout", status: 204, public: true, tag: "auth", summary: "Sign out: revoke the refresh token family", handle: a.logout},
		{method: "GET", path: "/me", tag: "auth", summary: "The signed-in user, with their own settings", resp: meView{}, handle: a.getMe},

		// Users (admin).
		{method: "GET", path: "/users", access: adminOnly, tag: "users", summary: "List users", query: listQuery, resp: list[userView]{}, handle: a.listUsers},
		{method: "POST", path: "/users", status: 201, access: adminOnly, tag: "users", summary: "Create a user", body: model.NewUser{}, resp: userView{}, handle: a.createUser},
		{method: "GET", path: "/users/:id", access: adminOnly, tag: "users", summary: "One user", resp: userView{}, handle: a.getUser},
		{method: "PATCH", path: "/users/:id", access: adminOnly, tag: "users", summary: "Change role, regions, disabled flag or reset the password", body: model.UserPatch{}, resp: userView{}, handle: a.updateUser},

		// Reference data.
		{method: "GET", path: "/regions", tag: "reference", summary: "Peru's regions by ubigeo code plus NAC", resp: list[model.Region]{}, handle: a.listRegions},
		{method: "GET", path: "/enums", tag: "reference", summary: "Valid values of every enum", resp: map[string][]string{}, handle: a.enums},

		// Audit (admin).
		{method: "GET", path: "/audit", access: adminOnly, tag: "audit", summary: "Audit trail, newest first", query: []string{"limit", "cursor", "entity", "entity_id", "actor_id", "from", "to"}, resp: list[model.AuditEntry]{}, handle: a.listAudit},

		// API description.
		{method: "GET", path: "/openapi.json", public: true, tag: "meta", summary: "This API's OpenAPI 3.1 document", handle: a.openAPI},
	}
	// Each resource keeps its rows beside its handlers.
	return slices.Concat(rs, a.stakeholderRoutes(), a.searchRoutes(), a.meetingRoutes(), a.commitmentRoutes(), a.initiativeRoutes(), a.taskRoutes(),
		a.everydayRoutes(), a.reportRoutes(), a.indicatorRoutes(), a.messageRoutes(), a.mailboxRoutes(), a.notifyRoutes(), a.calendarRoutes(),
		a.adminDataRoutes(), a.personalDataRoutes(), a.totpRoutes(), a.unsubscribeRoutes())
}

// register adds the table to app, plus health checks and the SPA.
func (a *API) register(app *fiber.App) {
	authn := auth.Middleware(a.tokens, a.store)
	app.Get("/healthz", a.healthz)
	app.Get("/readyz", a.readyz)
	v1 := app.Group("/api/v1", a.auditGuard)
	for _, r := range a.routes() {
		var hs []fiber.Handler
		hs = append(hs, r.extra...)
		if !r.public {
			hs = append(hs, authn)
			if len(a.opts.RequireTwoFactor) > 0 {
				hs = append(hs, a.enrolmentGate)
			}
			if r.access != nil {
				hs = append(hs, auth.Require(r.access...))
			}
			if r.everyRegion {
				hs = append(hs, requireEveryRegion)
			}
		}
		if usesIdempotency(r) {
			hs = append(hs, a.idempotent)
		}
		hs = append(hs, r.handle)
		v1.Add(r.method, r.path, hs...)
		if r.method == fiber.MethodGet {
			// HEAD answers like GET without the body (calendar apps check
			// feeds with it), as Fiber's own app.Get would register.
			v1.Add(fiber.MethodHead, r.path, hs...)
		}
	}
	v1.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	a.registerSPA(app)
}

// openAPIPath turns /users/:id into /users/{id}.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			// A suffix after the parameter (":token.ics") stays outside it.
			name, suffix, _ := strings.Cut(strings.TrimPrefix(s, ":"), ".")
			if suffix != "" {
				suffix = "." + suffix
			}
			parts[i] = "{" + name + "}" + suffix
		}
	}
	return strings.Join(parts, "/")
}
