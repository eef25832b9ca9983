package api

// meetingRoutes lists the routes of this resource (filled in as it is built).
func (a *API) meetingRoutes() []route { return nil }
