package api

// reportRoutes lists the routes of this resource (filled in as it is built).
func (a *API) reportRoutes() []route { return nil }
