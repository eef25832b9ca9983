package api

// commitmentRoutes lists the routes of this resource (filled in as it is built).
func (a *API) commitmentRoutes() []route { return nil }
