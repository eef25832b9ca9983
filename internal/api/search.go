package api

// searchRoutes lists the routes of this resource (filled in as it is built).
func (a *API) searchRoutes() []route { return nil }
