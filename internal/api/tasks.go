package api

// taskRoutes lists the routes of this resource (filled in as it is built).
func (a *API) taskRoutes() []route { return nil }
