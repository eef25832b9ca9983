package api

// mailboxRoutes lists the routes of this resource (filled in as it is built).
func (a *API) mailboxRoutes() []route { return nil }
