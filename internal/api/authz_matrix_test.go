package api

// authzRows is the authorization matrix: one row per route of the route
// table. Columns: an admin of every region, then an admin, a manager, an
// officer and a viewer who hold Loreto (16) only, each {in region, out of
// region}; "in" calls use records in Loreto, "out" ones records in Cusco
// (08). Officers own the records. The region-limited admin is limited like
// everyone else; organisation-wide routes are for the admin of every region. A route added without a row here fails TestAuthorizationMatrixByRegion.
var authzRows = []authzRow{
	// Auth and reference data.
	{route: "POST /auth/login", path: "/auth/login", body: `{"email":"nobody{n}@alianza.test","password":"wrong password!!"}`, want: authzAll(401)},
	{route: "POST /auth/refresh", path: "/auth/refresh", want: authzAll(401)},
	{route: "POST /auth/logout", path: "/auth/logout", want: authzAll(204)},
	{route: "GET /me", path: "/me", want: authzAll(200)},
	{route: "PATCH /me", path: "/me", body: `{"digest":"off","lang":"en"}`, want: authzAll(200)},
	{route: "GET /regions", path: "/regions", want: authzAll(200)},
	{route: "GET /enums", path: "/enums", want: authzAll(200)},
	{route: "GET /openapi.json", path: "/openapi.json", want: authzAll(200)},

	// Users and audit: admins only, within their regions: the Loreto admin
	// grants Loreto only ("out" asks for Cusco).
	{route: "GET /users", path: "/users", want: authzByRole(200, 403, 403, 403)},
	{route: "POST /users", path: "/users", body: `{"email":"new{n}@alianza.test","name":"Nuevo","role":"viewer","regions":["{region}"],"password":"una clave bastante larga {n}"}`,
		want: authzWant{{201, 201}, {201, 422}, {403, 403}, {403, 403}, {403, 403}}},
	{route: "GET /users/:id", path: "/users/{user}", want: authzByRole(200, 403, 403, 403)},
	{route: "PATCH /users/:id", path: "/users/{user}", body: `{"name":"Otro nombre {n}"}`, want: authzByRole(200, 403, 403, 403)},
	{route: "GET /audit", path: "/audit", want: authzByRole(200, 403, 403, 403)},
	// Second factor: each user's own enrolment (confirming with none
	// pending is refused); the matrix viewer has none, so an admin's reset
	// finds nothing (TestTOTPAdminReset covers a real one and regions).
	{route: "POST /me/totp", path: "/me/totp", body: `{}`, want: authzAll(200)},
	{route: "POST /me/totp/confirm", path: "/me/totp/confirm", body: `{"code":"123456"}`, want: authzAll(422)},
	{route: "DELETE /users/:id/totp", path: "/users/{user}/totp", want: authzByRole(404, 403, 403, 403)},
	// The team: users sharing a region with the caller, for everyone.
	{route: "GET /team", path: "/team", want: authzAll(200)},

	// Stakeholders.
	{route: "GET /stakeholders", path: "/stakeholders?region={region}", want: authzAll(200)},
	{route: "POST /stakeholders", path: "/stakeholders", body: `{"kind":"person","name":"Nuevo {n}","regions":["{region}"]}`, want: authzEditors(201, 422)},
	{route: "POST /stakeholders/import", path: "/stakeholders/import", body: `{"csv":"name,kind,regions\nNuevo {n},person,{region}\n"}`, want: authzEditors(200, 422)},
	{route: "GET /stakeholders/:id", path: "/stakeholders/{stakeholder}", want: authzScoped(200)},
	{route: "PATCH /stakeholders/:id", path: "/stakeholders/{stakeholder}", body: `{"notes":"nota {n}","version":2}`, want: authzEditors(200, 404)},
	{route: "DELETE /stakeholders/:id", path: "/stakeholders/{stakeholder2}", want: authzWant{{200, 200}, {200, 404}, {200, 404}, {403, 403}, {403, 403}}},
	{route: "POST /stakeholders/:id/relationships", path: "/stakeholders/{stakeholder2}/relationships", body: `{"stakeholder_id":"{stakeholder}","kind":"works_for"}`,
		want: authzEditors(201, 404)},
	{route: "DELETE /stakeholders/:id/relationships/:other_id", path: "/stakeholders/{stakeholder}/relationships/{stakeholder2}", want: authzEditors(200, 404)},
	{route: "GET /stakeholders/:id/timeline", path: "/stakeholders/{stakeholder}/timeline", want: authzScoped(200)},
	{route: "GET /search", path: "/search?q=uno", want: authzAll(200)},

	// Meetings.
	{route: "GET /meetings", path: "/meetings?region={region}", want: authzAll(200)},
	{route: "POST /meetings", path: "/meetings", body: `{"starts_at":"2026-03-06T10:00:00-05:00","duration_min":30,"kind":"call","region":"{region}","participants":[{"stakeholder_id":"{stakeholder}","role":""}],"staff_ids":[],"topics":[],"summary":"s","agreements":"","next_steps":"","place":""}`,
		want: authzEditors(201, 422)},
	{route: "GET /meetings/:id", path: "/meetings/{meeting}", want: authzScoped(200)},
	{route: "PATCH /meetings/:id", path: "/meetings/{meeting}", body: `{"summary":"otra {n}","version":1}`, want: authzEditors(200, 404)},
	{route: "DELETE /meetings/:id", path: "/meetings/{meeting}", want: authzEditors(204, 404)},
	{route: "GET /meetings/:id/calendar.ics", path: "/meetings/{meeting}/calendar.ics", want: authzScoped(200)},

	// Commitments.
	{route: "GET /commitments", path: "/commitments?region={region}", want: authzAll(200)},
	{route: "POST /commitments", path: "/commitments", body: `{"stakeholder_id":"{stakeholder}","text":"t {n}","type":"budget","region":"{region}"}`,
		want: authzEditors(201, 422)},
	{route: "GET /commitments/:id", path: "/commitments/{commitment}", want: authzScoped(200)},
	{route: "PATCH /commitments/:id", path: "/commitments/{commitment}", body: `{"text":"otro {n}","version":1}`, want: authzEditors(200, 404)},
	{route: "POST /commitments/:id/status", path: "/commitments/{commitment}/status", body: `{"status":"in_progress"}`, want: authzEditors(200, 404)},
	// The Loreto admin holds Loreto only, so a Cusco commitment is out of
	// their scope like any other record; the officer owns both.
	{route: "DELETE /commitments/:id", path: "/commitments/{commitment}", want: authzEditors(204, 404)},

	// Initiatives: as stakeholders; removing one is for managers and admins.
	{route: "GET /initiatives", path: "/initiatives?region={region}", want: authzAll(200)},
	{route: "GET /initiatives/meta", path: "/initiatives/meta", want: authzAll(200)},
	{route: "POST /initiatives", path: "/initiatives", body: `{"kind":"bill","title":"t {n}","region":"{region}","stage":"presented","stakeholders":[{"stakeholder_id":"{stakeholder}","role":"author"}]}`,
		want: authzEditors(201, 422)},
	{route: "GET /initiatives/:id", path: "/initiatives/{initiative}", want: authzScoped(200)},
	{route: "PATCH /initiatives/:id", path: "/initiatives/{initiative}", body: `{"summary":"otro {n}","version":1}`, want: authzEditors(200, 404)},
	{route: "POST /initiatives/:id/stage", path: "/initiatives/{initiative}/stage", body: `{"stage":"in_committee","note":"n {n}","version":1}`, want: authzEditors(200, 404)},
	{route: "DELETE /initiatives/:id", path: "/initiatives/{initiative}", want: authzWant{{204, 204}, {204, 404}, {204, 404}, {403, 403}, {403, 403}}},

	// Tasks.
	{route: "GET /tasks", path: "/tasks", want: authzAll(200)},
	{route: "POST /tasks", path: "/tasks", body: `{"title":"t {n}","links":{"stakeholder_id":"{stakeholder}"}}`, want: authzEditors(201, 422)},
	{route: "GET /tasks/:id", path: "/tasks/{task}", want: authzScoped(200)},
	{route: "PATCH /tasks/:id", path: "/tasks/{task}", body: `{"done":true}`, want: authzEditors(200, 404)},
	{route: "DELETE /tasks/:id", path: "/tasks/{task}", want: authzEditors(204, 404)},

	// Reports: managers and admins, over their regions.
	{route: "GET /reports/commitments-by-region", path: "/reports/commitments-by-region", want: authzByRole(200, 200, 403, 200)},
	{route: "GET /reports/overdue", path: "/reports/overdue", want: authzByRole(200, 200, 403, 200)},
	{route: "GET /reports/meetings-per-month", path: "/reports/meetings-per-month", want: authzByRole(200, 200, 403, 200)},
	{route: "GET /reports/legislators-with-commitments", path: "/reports/legislators-with-commitments", want: authzByRole(200, 200, 403, 200)},
	{route: "GET /reports/active-committees", path: "/reports/active-committees", want: authzByRole(200, 200, 403, 200)},
	{route: "GET /reports/trainings", path: "/reports/trainings", want: authzByRole(200, 200, 403, 200)},
	{route: "GET /reports/funder", path: "/reports/funder", want: authzByRole(200, 200, 403, 200)},
	{route: "GET /reports/funder/fulfilled", path: "/reports/funder/fulfilled", want: authzByRole(200, 200, 403, 200)},

	// Indicators: everyone reads their regions' figures (another region is a
	// 422 on ?region=); targets count every region, so a manager or admin
	// limited to some regions (as every matrix user is) may not set them.
	{route: "GET /indicators", path: "/indicators?region={region}", want: authzWant{{200, 200}, {200, 422}, {200, 422}, {200, 422}, {200, 422}}},
	{route: "GET /indicators/:code/records", path: "/indicators/meetings_held/records?region={region}", want: authzWant{{200, 200}, {200, 422}, {200, 422}, {200, 422}, {200, 422}}},
	{route: "PUT /indicators/:code/targets/:year", path: "/indicators/people_trained/targets/2026", body: `{"value":{n}}`, want: authzAll(403).everyRegion(200, 200)},

	// Correspondence: by region for everyone, admins included; unmatched
	// mail (no region) only with every region.
	{route: "GET /messages", path: "/messages?region={region}", want: authzAll(200)},
	{route: "GET /messages/counts", path: "/messages/counts?region={region}", want: authzAll(200)},
	{route: "GET /messages/unmatched-addresses", path: "/messages/unmatched-addresses", want: authzAll(200)},
	{route: "POST /messages/link-address", path: "/messages/link-address", body: `{"address":"nuevo{n}@ong.pe","stakeholder_id":"{stakeholder}"}`,
		want: authzEditors(200, 422)},
	{route: "POST /messages/bulk-status", path: "/messages/bulk-status", body: `{"ids":["{message}"],"status":"done"}`, want: authzEditors(200, 200)},
	{route: "GET /messages/:id", path: "/messages/{message}", want: authzScoped(200)},
	{route: "PATCH /messages/:id", path: "/messages/{message}", body: `{"status":"done","version":1}`,
		want: authzEditors(200, 404)},
	{route: "POST /messages/:id/task", path: "/messages/{message}/task", body: `{"title":"responder {n}"}`,
		want: authzEditors(201, 404)},
	{route: "POST /messages/:id/commitment", path: "/messages/{message}/commitment", body: `{"stakeholder_id":"{stakeholder}","text":"t","type":"budget"}`,
		want: authzEditors(201, 404)},
	{route: "GET /messages/:id/attachments/:index", path: "/messages/{message}/attachments/7", want: authzEditors(404, 404)},
	{route: "GET /threads/:id", path: "/threads/{thread}", want: authzScoped(200)},

	// Mailboxes: admins of every region only (every region's mail and the
	// team's passwords); each cell has its own mailbox.
	{route: "GET /mailboxes", path: "/mailboxes", want: authzAll(403).everyRegion(200, 200)},
	{route: "POST /mailboxes", path: "/mailboxes", body: `{"name":"Otra {n}","host":"127.0.0.1","port":1,"tls":"none","username":"otra{n}@alianza.org.pe","password":"x"}`,
		want: authzAll(403).everyRegion(201, 201)},
	{route: "PATCH /mailboxes/:id", path: "/mailboxes/{mailbox}", body: `{"name":"Equipo {n}","version":1}`, want: authzAll(403).everyRegion(200, 200)},
	{route: "DELETE /mailboxes/:id", path: "/mailboxes/{mailbox}", want: authzAll(403).everyRegion(204, 204)},

	// Notifications and calendar feeds: each user's own.
	{route: "GET /notifications", path: "/notifications", want: authzAll(200)},
	{route: "POST /notifications/seen", path: "/notifications/seen", want: authzAll(204)},
	{route: "GET /admin/reminders", path: "/admin/reminders", want: authzAll(403).everyRegion(200, 200)},
	{route: "POST /me/calendar", path: "/me/calendar", want: authzAll(201)},
	{route: "DELETE /me/calendar", path: "/me/calendar", want: authzAll(204)},
	// Public by its secret link: each role reads its own feed, which shows
	// its Loreto meeting and nothing from Cusco (see {calendar}).
	{route: "GET /calendar/:token.ics", path: "/calendar/{calendar}.ics", want: authzAll(200), show: "Loreto Agenda"},
	// Public by its signed link in each digest: each role's own.
	{route: "GET /unsubscribe/:token", path: "/unsubscribe/{unsubscribe}", want: authzAll(200)},
	{route: "POST /unsubscribe/:token", path: "/unsubscribe/{unsubscribe}", want: authzAll(200)},

	// Organisation data: the storage report (engine, sizes, counts, last
	// backup), the export and personal-data requests concern every region,
	// so only the admin of every region may (erasing the Cusco one needs
	// its own name).
	{route: "GET /admin/storage", path: "/admin/storage", want: authzAll(403).everyRegion(200, 200)},
	{route: "GET /admin/export", path: "/admin/export", want: authzAll(403).everyRegion(200, 200)},
	// The test app has no embedded data folder: the admin of every region gets past the gate to the 409.
	{route: "POST /admin/backup", path: "/admin/backup", want: authzAll(403).everyRegion(409, 409)},
	{route: "GET /admin/stakeholders/:id/personal-data", path: "/admin/stakeholders/{stakeholder}/personal-data", want: authzAll(403).everyRegion(200, 200)},
	{route: "POST /admin/stakeholders/:id/erase", path: "/admin/stakeholders/{stakeholder}/erase", body: `{"confirm_name":"Loreto Uno"}`, want: authzAll(403).everyRegion(200, 422)},
}
