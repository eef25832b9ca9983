package api

// messageRoutes lists the routes of this resource (filled in as it is built).
func (a *API) messageRoutes() []route { return nil }
