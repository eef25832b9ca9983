package api

import (
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/workflow"
	"testing"
	"time"
)

// TestAddressesCannotPullForeignMail: a user without every region cannot
// give a stakeholder an address whose correspondence they cannot see (it
// would re-match that mail into their regions), nor the team's own address.
func TestAddressesCannotPullForeignMail(t *testing.T) {
	ta, f := appWith(t, mailApp, insertMail)
	cuscoMsg := "/api/v1/messages/" + f.cusco.Message.ID.Hex()
	if r := ta.do("loreto_manager", "GET", cuscoMsg, nil); r.status != 404 {
		t.Fatalf("precondition: Loreto sees the Cusco message: %d", r.status)
	}
	newSt := func(emails ...string) map[string]any {
		return map[string]any{"kind": "person", "name": "Contacto", "regions": []string{"16"}, "emails": emails}
	}
	ta.run(t, []scenario{
		{name: "cusco sender on a loreto stakeholder", as: "loreto_manager", method: "POST", path: "/api/v1/stakeholders",
			body: newSt("rosa@congreso.gob.pe"), status: 422, want: map[string]any{"errors.0.field": "emails[0]"}},
		{name: "unmatched sender", as: "loreto_manager", method: "POST", path: "/api/v1/stakeholders",
			body: newSt("nadie@gmail.com"), status: 422},
		{name: "team address", as: "admin", method: "POST", path: "/api/v1/stakeholders",
			body: newSt("equipo@alianza.org.pe"), status: 422, want: map[string]any{"errors.0.code": "team_address"}},
	})
	ta.steps(t, []scenario{
		{name: "own region's sender is fine", as: "loreto_manager", method: "POST", path: "/api/v1/stakeholders",
			body: newSt("asoc@amazonia.org"), status: 201},
		{name: "a fresh address is fine", as: "loreto_manager", method: "POST", path: "/api/v1/stakeholders",
			body: newSt("nuevo@loreto.gob.pe"), status: 201},
		{name: "link-address to foreign mail", as: "loreto_manager", method: "POST", path: "/api/v1/messages/link-address",
			body: map[string]any{"address": "rosa@congreso.gob.pe", "stakeholder_id": f.asoc.ID.Hex()}, status: 422},
		{name: "admins may link anything external", as: "admin", method: "POST", path: "/api/v1/messages/link-address",
			body: map[string]any{"address": "nadie@gmail.com", "stakeholder_id": f.asoc.ID.Hex()}, status: 200},
	})
	if r := ta.do("loreto_manager", "GET", cuscoMsg, nil); r.status != 404 {
		t.Fatalf("after the attempts Loreto sees the Cusco message: %d", r.status)
	}
	// Import applies the same rules per row.
	r := ta.do("loreto_manager", "POST", "/api/v1/stakeholders/import", map[string]any{
		"csv": "name,kind,regions,emails\nContacto,person,16,rosa@congreso.gob.pe\n", "dry_run": true})
	if r.status != 200 {
		t.Fatalf("import dry run: %d %s", r.status, r.body)
	}
	if errs := r.json(t)["errors"].([]any); len(errs) != 1 {
		t.Fatalf("import dry run errors: %v", errs)
	}
}

// TestImportCannotMergeIntoOthersRecords: a row duplicating a stakeholder
// the caller may not edit is a row error, not a silent merge.
func TestImportCannotMergeIntoOthersRecords(t *testing.T) {
	ta := newTestApp(t)
	r := ta.do("cusco_manager", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Rosa Huamán", "regions": []string{"08"}, "emails": []string{"rosa@congreso.gob.pe"}})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r = ta.do("cusco_officer", "POST", "/api/v1/stakeholders/import", map[string]any{
		"csv": "name,kind,regions,emails,phones\nRosa Huamán,person,08,rosa@congreso.gob.pe,+51 900 000 001\n"})
	if r.status != 422 {
		t.Fatalf("merge into someone else's record: %d %s", r.status, r.body)
	}
}

// TestTimelineHidesFailedMessages and date-only "to" filters that include the day.
func TestTimelineHidesFailedMessagesAndDayFilters(t *testing.T) {
	ta, f := appWith(t, mailApp, insertMail)
	f.failed.Message.ID[1] = 0x55
	f.failed.Message.MessageID = "failed-rosa@test"
	f.failed.Message.From.Address = "rosa@congreso.gob.pe"
	f.failed.Body.ID = f.failed.Message.ID
	if _, err := ta.store.SaveMessages(t.Context(), []model.IncomingMessage{f.failed}, workflow.MatchMail(ta.store)); err != nil {
		t.Fatal(err)
	}
	r := ta.do("cusco_officer", "GET", "/api/v1/stakeholders/"+f.rosa.ID.Hex()+"/timeline", nil)
	if r.status != 200 {
		t.Fatalf("timeline: %d", r.status)
	}
	for _, it := range r.json(t)["items"].([]any) {
		if it.(map[string]any)["status"] == "failed" {
			t.Fatalf("a failed message shows on a non-admin's timeline: %v", it)
		}
	}
	day := f.cusco.Message.Date.In(lima).Format(time.DateOnly)
	r = ta.do("admin", "GET", "/api/v1/messages?from="+day+"&to="+day, nil)
	if r.status != 200 || len(r.json(t)["items"].([]any)) == 0 {
		t.Fatalf("from=to=%s found nothing: %d %s", day, r.status, r.body)
	}
}

// TestMessageShowsOnlyVisibleStakeholders: a message matched to Cusco and
// Loreto stakeholders shows a Loreto user only the Loreto side.
func TestMessageShowsOnlyVisibleStakeholders(t *testing.T) {
	ta, f := appWith(t, mailApp, insertMail)
	both := mkMessage(9, "rosa@congreso.gob.pe", []string{"asoc@amazonia.org"}, "Coordinación Cusco Loreto", ta.store.Now().Add(-time.Hour))
	if _, err := ta.store.SaveMessages(t.Context(), []model.IncomingMessage{both}, workflow.MatchMail(ta.store)); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/messages/" + both.Message.ID.Hex()
	ta.run(t, []scenario{
		{name: "admin sees both", as: "admin", method: "GET", path: path, status: 200,
			want: map[string]any{"regions": []string{"08", "16"}, "stakeholder_ids": []string{f.rosa.ID.Hex(), f.asoc.ID.Hex()}}},
		{name: "loreto sees its side", as: "loreto_manager", method: "GET", path: path, status: 200,
			want: map[string]any{"regions": []string{"16"}, "stakeholder_ids": []string{f.asoc.ID.Hex()}}},
		{name: "loreto list too", as: "loreto_manager", method: "GET", path: "/api/v1/messages?q=coordinacion", status: 200,
			want: map[string]any{"items.0.regions": []string{"16"}, "items.0.stakeholder_ids": []string{f.asoc.ID.Hex()}}},
	})
}
