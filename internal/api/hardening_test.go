package api

import (
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// mkStakeholderAs posts a stakeholder as key and returns its id and version.
func (ta *testApp) mkStakeholderAs(key string, body map[string]any) (string, float64) {
	ta.t.Helper()
	r := ta.do(key, "POST", "/api/v1/stakeholders", body)
	if r.status != 201 {
		ta.t.Fatalf("create stakeholder as %s: %d %s", key, r.status, r.body)
	}
	m := r.json(ta.t)
	return m["id"].(string), m["version"].(float64)
}

// TestAddressOfInvisibleStakeholderRefused is the cross-region read of
// issue 8: a Loreto user gave their stakeholder the address of a Cusco
// stakeholder (no mail stored yet), and mail from it then showed in
// Loreto. Every path that adds an address must refuse it, naming the field.
func TestAddressOfInvisibleStakeholderRefused(t *testing.T) {
	ta := mailApp(t)
	const cuscoAddr = "victima@cusco.pe"
	ta.mkStakeholderAs("cusco_manager", map[string]any{"kind": "person", "name": "Persona Cusco", "regions": []string{"08"}, "emails": []string{cuscoAddr}})
	shared := "compartida@ong.pe"
	ta.mkStakeholderAs("admin", map[string]any{"kind": "organization", "name": "ONG Compartida", "regions": []string{"08", "16"}, "emails": []string{shared}})
	loretoID, v := ta.mkStakeholderAs("loreto_manager", map[string]any{"kind": "person", "name": "Contacto Loreto", "regions": []string{"16"}})
	path := "/api/v1/stakeholders/" + loretoID
	ta.run(t, []scenario{
		{name: "patch", as: "loreto_manager", method: "PATCH", path: path,
			body: map[string]any{"emails": []string{"ok@loreto.pe", cuscoAddr}, "version": v}, status: 422,
			want: map[string]any{"errors.0.field": "emails[1]"}},
		{name: "create", as: "loreto_manager", method: "POST", path: "/api/v1/stakeholders",
			body: map[string]any{"kind": "person", "name": "Otro", "regions": []string{"16"}, "emails": []string{cuscoAddr}}, status: 422,
			want: map[string]any{"errors.0.field": "emails[0]"}},
		{name: "link-address to existing", as: "loreto_manager", method: "POST", path: "/api/v1/messages/link-address",
			body: map[string]any{"address": cuscoAddr, "stakeholder_id": loretoID}, status: 422, want: map[string]any{"errors.0.field": "address"}},
		{name: "link-address to new", as: "loreto_manager", method: "POST", path: "/api/v1/messages/link-address",
			body:   map[string]any{"address": cuscoAddr, "new_stakeholder": map[string]any{"kind": "person", "name": "N", "regions": []string{"16"}}},
			status: 422, want: map[string]any{"errors.0.field": "address"}},
		{name: "import row", as: "loreto_manager", method: "POST", path: "/api/v1/stakeholders/import",
			body: map[string]any{"csv": "name,kind,regions,emails\nNuevo,person,16,ok2@loreto.pe\nOtra,person,16," + cuscoAddr + "\n"}, status: 422,
			want: map[string]any{"errors.0.field": "rows[3].emails[0]"}},
		{name: "import merge into own stakeholder", as: "loreto_manager", method: "POST", path: "/api/v1/stakeholders/import",
			body: map[string]any{"csv": "name,kind,regions,emails\nContacto Loreto,person,16," + cuscoAddr + "\n"}, status: 422,
			want: map[string]any{"errors.0.field": "rows[2].emails[0]"}},
		{name: "team mailbox domain", as: "loreto_manager", method: "PATCH", path: path,
			body: map[string]any{"emails": []string{"coordinacion@alianza.org.pe"}, "version": v}, status: 422,
			want: map[string]any{"errors.0.field": "emails[0]"}},
	})
	ta.steps(t, []scenario{
		{name: "a visible shared stakeholder's address is fine", as: "loreto_manager", method: "PATCH", path: path,
			body: map[string]any{"emails": []string{shared}, "version": v}, status: 200},
	})
	// Nothing reached Loreto's stakeholder or created one.
	r := ta.do("admin", "GET", "/api/v1/stakeholders?q=victima", nil)
	if n := len(r.json(t)["items"].([]any)); n != 1 {
		t.Fatalf("%d stakeholders hold the Cusco address, want 1: %s", n, r.body)
	}
	// Mail from the address stays in Cusco.
	msg := mkMessage(40, cuscoAddr, []string{"equipo@alianza.org.pe"}, "Caso reservado", ta.store.Now().Add(-time.Hour))
	if _, err := ta.store.SaveMessages(t.Context(), []model.IncomingMessage{msg}, workflow.MatchMail(ta.store)); err != nil {
		t.Fatal(err)
	}
	if r := ta.do("loreto_manager", "GET", "/api/v1/messages/"+msg.Message.ID.Hex(), nil); r.status != 404 {
		t.Fatalf("Loreto reads the Cusco message: %d %s", r.status, r.body)
	}
	// Someone with both regions may join them knowingly.
	if r := ta.do("admin", "PATCH", path, map[string]any{"emails": []string{shared, cuscoAddr}, "version": v + 1}); r.status != 200 {
		t.Fatalf("admin adds the address: %d %s", r.status, r.body)
	}
}

// TestPatchKeepsRegionsOutsideScope: a Loreto manager narrowing a record
// shared with Madre de Dios to Loreto only must not take it away from
// Madre de Dios; only the caller's own regions can be added or removed.
func TestPatchKeepsRegionsOutsideScope(t *testing.T) {
	ta := newTestApp(t)
	id, v := ta.mkStakeholderAs("admin", map[string]any{"kind": "institution", "name": "Defensoría", "regions": []string{"16", "17"}})
	path := "/api/v1/stakeholders/" + id
	ta.steps(t, []scenario{
		{name: "narrow to loreto", as: "loreto_manager", method: "PATCH", path: path,
			body: map[string]any{"regions": []string{"16"}, "version": v}, status: 200,
			want: map[string]any{"regions": []string{"16", "17"}}},
		{name: "drop own region keeps the other", as: "loreto_manager", method: "PATCH", path: path,
			body: map[string]any{"regions": []string{}, "version": v}, status: 200,
			want: map[string]any{"regions": []string{"17"}}},
		{name: "now out of loreto's sight", as: "loreto_manager", method: "GET", path: path, status: 404},
		{name: "admin may narrow", as: "admin", method: "PATCH", path: path,
			body: map[string]any{"regions": []string{"16"}, "version": v + 1}, status: 200,
			want: map[string]any{"regions": []string{"16"}}},
	})
}

// TestTaskLinksChecked: POST /tasks accepted any links.message_id. Every
// link must be a record the caller sees.
func TestTaskLinksChecked(t *testing.T) {
	ta, f := appWith(t, mailApp, insertMail)
	cusco := f.cusco.Message.ID.Hex()
	ta.run(t, []scenario{
		{name: "not an id", as: "loreto_manager", method: "POST", path: "/api/v1/tasks",
			body: map[string]any{"title": "Seguir", "region": "16", "links": map[string]any{"message_id": "zzz"}}, status: 422,
			want: map[string]any{"errors.0.field": "links.message_id"}},
		{name: "missing message", as: "loreto_manager", method: "POST", path: "/api/v1/tasks",
			body: map[string]any{"title": "Seguir", "region": "16", "links": map[string]any{"message_id": "0123456789abcdef01234567"}}, status: 422,
			want: map[string]any{"errors.0.field": "links.message_id"}},
		{name: "message out of region", as: "loreto_manager", method: "POST", path: "/api/v1/tasks",
			body: map[string]any{"title": "Seguir", "region": "16", "links": map[string]any{"message_id": cusco}}, status: 422,
			want: map[string]any{"errors.0.field": "links.message_id"}},
	})
	ta.steps(t, []scenario{
		{name: "message in region gives the region", as: "cusco_officer", method: "POST", path: "/api/v1/tasks",
			body: map[string]any{"title": "Seguir", "links": map[string]any{"message_id": cusco}}, status: 201,
			want: map[string]any{"region": "08", "links.message_id": cusco}},
	})
}

// TestOfficersCannotArchive: officers archived their stakeholders through
// PATCH although archiving is for managers.
func TestOfficersCannotArchive(t *testing.T) {
	ta := newTestApp(t)
	id, v := ta.mkStakeholderAs("cusco_officer", map[string]any{"kind": "person", "name": "Propio", "regions": []string{"08"}})
	path := "/api/v1/stakeholders/" + id
	ta.run(t, []scenario{
		{name: "officer archives", as: "cusco_officer", method: "PATCH", path: path, body: map[string]any{"archived": true, "version": v}, status: 403},
	})
	ta.steps(t, []scenario{
		{name: "officer edits", as: "cusco_officer", method: "PATCH", path: path, body: map[string]any{"notes": "n", "archived": false, "version": v}, status: 200},
		{name: "manager archives", as: "cusco_manager", method: "PATCH", path: path, body: map[string]any{"archived": true, "version": v + 1}, status: 200},
		{name: "officer restores", as: "cusco_officer", method: "PATCH", path: path, body: map[string]any{"archived": false, "version": v + 2}, status: 403},
	})
}

// TestPasswordRules: passwords need a maximum length and must not be
// whitespace or a very common one.
func TestPasswordRules(t *testing.T) {
	ta := newTestApp(t)
	user := func(pw string) map[string]any {
		return map[string]any{"email": "nuevo@alianza.test", "name": "Nuevo", "role": "viewer", "regions": []string{"08"}, "password": pw}
	}
	long := strings.Repeat("largo ", 50)
	var sc []scenario
	for name, pw := range map[string]string{"spaces": strings.Repeat(" ", 14), "too long": long, "common": "Password1234",
		"common with spaces": "contraseña 123", "one character": strings.Repeat("z", 16), "control": "buena clave\x00 larga",
		// Judged without repeats and padding (issue 20, point 10).
		"repeated digits": "123456123456", "repeated word": "alianzaalianza", "padded letter": strings.Repeat(" ", 12) + "a"} {
		sc = append(sc, scenario{name: name, as: "admin", method: "POST", path: "/api/v1/users", body: user(pw), status: 422,
			want: map[string]any{"errors.0.field": "password"}})
	}
	ta.run(t, sc)
	ta.steps(t, []scenario{{name: "a passphrase", as: "admin", method: "POST", path: "/api/v1/users", body: user("tres gatos en Iquitos"), status: 201}})
	if r := login(ta, "admin@alianza.test", long+long); r.status != 401 {
		t.Fatalf("over-long password at login: %d", r.status)
	}
}

// TestBodiesAreCheckedText: NUL, other control characters and invalid
// UTF-8 were stored as sent; bodies must be JSON by their exact type.
func TestBodiesAreCheckedText(t *testing.T) {
	ta := newTestApp(t)
	post := func(body string, ct string) resp {
		return ta.do("manager", "POST", "/api/v1/stakeholders", body, "Content-Type", ct)
	}
	const json = "application/json"
	if r := post(`{"kind":"person","name":"Ana\u0000","regions":["08"]}`, json); r.status != 422 || !strings.Contains(string(r.body), `"field":"name","code":"control_characters"`) {
		t.Fatalf("NUL in a name: %d %s", r.status, r.body)
	}
	if r := post(`{"kind":"person","name":"Ana","notes":"a\u001bb","regions":["08"]}`, json); r.status != 422 || !strings.Contains(string(r.body), `"field":"notes"`) {
		t.Fatalf("ESC in notes: %d %s", r.status, r.body)
	}
	if r := post(`{"kind":"person","name":"Ana","tags":["ok","x`+"\u0007"+`"],"regions":["08"]}`, json); r.status != 400 && r.status != 422 {
		t.Fatalf("raw control character: %d %s", r.status, r.body)
	}
	if r := post("{\"kind\":\"person\",\"name\":\"Ana \xff\",\"regions\":[\"08\"]}", json); r.status != 400 {
		t.Fatalf("invalid UTF-8: %d %s", r.status, r.body)
	}
	for _, ct := range []string{"application/jsonx", "text/plain", "application/json-patch+json", "application/json; charset=latin1"} {
		if r := post(`{"kind":"person","name":"Ana","regions":["08"]}`, ct); r.status != 415 {
			t.Fatalf("Content-Type %q: %d", ct, r.status)
		}
	}
	// Bidirectional controls reorder what is shown (issue 20, point 10):
	// refused in names and every other field.
	for _, r := range []string{"\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u200e", "\u061c"} {
		if res := post(`{"kind":"person","name":"Ana`+r+`gnaR","regions":["08"]}`, json); res.status != 422 || !strings.Contains(string(res.body), `"field":"name","code":"bidi_control"`) {
			t.Fatalf("%s in a name: %d %s", r, res.status, res.body)
		}
		if res := post(`{"kind":"person","name":"Ana","phones":["+51 `+r+`999"],"regions":["08"]}`, json); res.status != 422 || !strings.Contains(string(res.body), `"code":"bidi_control"`) {
			t.Fatalf("%s in a phone: %d %s", r, res.status, res.body)
		}
	}
	if r := ta.do("admin", "PATCH", "/api/v1/users/"+ta.users["viewer"].ID.Hex(), `{"name":"Eva\u202egnaR"}`); r.status != 422 {
		t.Fatalf("bidi control in a user's name: %d %s", r.status, r.body)
	}
	if r := post(`{"kind":"person","name":"Ana","notes":"línea\nlínea\ttab","regions":["08"]}`, "application/json; charset=UTF-8"); r.status != 201 {
		t.Fatalf("newlines, tabs and a charset: %d %s", r.status, r.body)
	}
}

// TestRequestIDValidated: a client X-Request-Id went into every log line
// and back as sent; only short plain tokens are kept.
func TestRequestIDValidated(t *testing.T) {
	ta := newTestApp(t)
	for id, keep := range map[string]bool{"abc-123_x.y": true, strings.Repeat("a", 65): false, "a b": false, "x\"}{": false, "évil": false} {
		r := ta.do("", "GET", "/api/v1/regions", nil, "X-Request-Id", id)
		got := r.header.Get("X-Request-Id")
		if (got == id) != keep || got == "" {
			t.Errorf("X-Request-Id %q answered as %q", id, got)
		}
	}
}
