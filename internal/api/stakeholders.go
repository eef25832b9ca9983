package api

// stakeholderRoutes lists the routes of this resource (filled in as it is built).
func (a *API) stakeholderRoutes() []route { return nil }
