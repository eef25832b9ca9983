package api

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/words"
)

func TestValidationCodesAndLanguage(t *testing.T) {
	ta, f := appWith(t, newTestApp, insertStakeholders)
	body := meetingBody(f, map[string]any{
		"commitments": []map[string]any{{"stakeholder_id": f.cusco.ID.Hex(), "text": "Presentar", "type": "legislative", "due_on": "2026-01-01"}},
	})
	cases := []struct {
		lang, detail, due string
	}{
		{"", "Revisa los campos marcados.", "La fecha límite no puede ser anterior a la reunión."},
		{"es-PE,es;q=0.9", "Revisa los campos marcados.", "La fecha límite no puede ser anterior a la reunión."},
		{"en-GB,en;q=0.8", "Check the marked fields.", "The due date cannot be before the meeting."},
	}
	for _, tc := range cases {
		var hs []string
		if tc.lang != "" {
			hs = []string{"Accept-Language", tc.lang}
		}
		r := ta.do("cusco_officer", "POST", "/api/v1/meetings", body, hs...)
		if r.status != 422 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var p Problem
		r.decode(t, &p)
		if p.Code != "validation" || p.Detail != tc.detail {
			t.Errorf("%q: problem %+v", tc.lang, p)
		}
		got := map[string][2]string{}
		for _, e := range p.Errors {
			got[e.Field] = [2]string{e.Code, e.Message}
		}
		if got["commitments[0].due_on"] != [2]string{"before_made_on", tc.due} {
			t.Errorf("%q: due_on %v in %s", tc.lang, got["commitments[0].due_on"], r.body)
		}
	}
	r := ta.do("cusco_officer", "POST", "/api/v1/meetings", meetingBody(f, map[string]any{"kind": "telepathy"}))
	if code, _ := jsonPath(r.json(t), "errors.0.code"); code != "not_in_list" {
		t.Errorf("kind: %s", r.body)
	}
	// Formats with arguments keep them.
	r = ta.do("admin", "GET", "/api/v1/meetings?limit=0", nil, "Accept-Language", "en")
	if msg, _ := jsonPath(r.json(t), "errors.0.message"); r.status != 422 || msg != "Must be a whole number from 1 to 200." {
		t.Errorf("limit: %d %s", r.status, r.body)
	}
}

func TestProblemDetailsInTheCallersLanguage(t *testing.T) {
	ta := newTestApp(t)
	path := "/api/v1/meetings/" + strings.Repeat("a", 24)
	es := ta.do("admin", "GET", path, nil)
	en := ta.do("admin", "GET", path, nil, "Accept-Language", "en-US")
	if es.status != 404 || es.json(t)["detail"] != "El registro no existe o está fuera de tus regiones." {
		t.Errorf("es: %d %s", es.status, es.body)
	}
	if en.status != 404 || en.json(t)["detail"] != "The record does not exist or is outside your regions." {
		t.Errorf("en: %d %s", en.status, en.body)
	}
}

// TestPasswordAndThrottleTextsLocalised: the password rules and the login
// throttle's answers were English only; they carry a code and the caller's
// language.
func TestPasswordAndThrottleTextsLocalised(t *testing.T) {
	ta := newTestApp(t)
	body := map[string]any{"email": "x@ong.pe", "name": "X", "role": "viewer", "regions": []string{"08"}, "password": "short"}
	r := ta.do("admin", "POST", "/api/v1/users", body)
	var p struct {
		Errors []struct{ Field, Code, Message string } `json:"errors"`
	}
	r.decode(t, &p)
	if len(p.Errors) != 1 || p.Errors[0].Code != "password_too_short" || p.Errors[0].Message != "La contraseña debe tener al menos 12 caracteres." {
		t.Fatalf("short password, es: %d %s", r.status, r.body)
	}
	// A stopped clock: on a slow machine the first wait (1 s) could pass
	// between the fifth failure and the next attempt.
	now := ta.store.Now()
	ta.store.SetClock(func() time.Time { return now })
	for range 5 {
		login(ta, "viewer@alianza.test", "wrong password!!")
	}
	for lng, want := range map[string]string{"es": "Demasiados intentos fallidos", "en": "Too many failed sign-in attempts"} {
		r := login(ta, "viewer@alianza.test", "wrong password!!", "Accept-Language", lng)
		if r.status != 429 || !strings.Contains(string(r.body), want) || !strings.Contains(string(r.body), `"login_throttled"`) {
			t.Fatalf("throttled, %s: %d %s", lng, r.status, r.body)
		}
	}
}

func TestBodyProblemsHaveACodeInTheCallersLanguage(t *testing.T) {
	ta := newTestApp(t)
	cases := []struct {
		name, body, lang, code, detail string
	}{
		{"unknown field, Spanish by default", `{"version": 3}`, "", "unknown_field", "El campo «version» no existe aquí; quizás la aplicación está desactualizada: recarga la página."},
		{"unknown field, English", `{"version": 3}`, "en", "unknown_field", `Unknown field "version": the app may be out of date; reload the page.`},
		{"wrong type", `{"digest": 3}`, "es", "field_type", "El campo «digest» tiene un tipo de dato que no corresponde."},
		{"not JSON", `{"digest": `, "en", "body_not_json_plain", "The body is not valid JSON."},
		{"two values", `{} {}`, "es", "body_one_value", "Los datos deben ser un solo valor JSON."},
		{"not UTF-8", "{\"digest\": \"\xff\"}", "es", "body_not_utf8", "Los datos enviados no son UTF-8 válido."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hs []string
			if tc.lang != "" {
				hs = []string{"Accept-Language", tc.lang}
			}
			r := ta.do("viewer", "PATCH", "/api/v1/me", tc.body, hs...)
			j := r.json(t)
			if r.status != 400 || j["code"] != tc.code || j["detail"] != tc.detail {
				t.Errorf("%d %s", r.status, r.body)
			}
		})
	}
}

// checkProblemCodes reports a problem answer without a code, or whose code
// (its own or a field's) has no wording in both languages: every answer the
// API tests receive goes through it, so every message the API answers
// reaches the caller in their language.
func (ta *testApp) checkProblemCodes(method, path string, header http.Header, body []byte) {
	ta.t.Helper()
	if header.Get("Content-Type") != "application/problem+json" || method == "HEAD" {
		return
	}
	var p Problem
	if err := json.Unmarshal(body, &p); err != nil {
		ta.t.Errorf("%s %s: problem is not JSON: %s", method, path, body)
		return
	}
	if !words.Known(p.Code) {
		ta.t.Errorf("%s %s: problem code %q has no Spanish and English wording (internal/words/catalog.json): %s", method, path, p.Code, body)
	}
	for _, fe := range p.Errors {
		if !words.Known(fe.Code) {
			ta.t.Errorf("%s %s: field %s: code %q has no Spanish and English wording (internal/words/catalog.json): %s", method, path, fe.Field, fe.Code, body)
		}
	}
}

// codedCall finds the literal codes the API's sources give coded and the
// helpers built on it.
var codedCall = regexp.MustCompile(`\bcoded(?:Status|Problem|BadRequest)?\(c,\s*(?:[\w.]+,\s*)?"([a-z_0-9]+)"`)

// TestProblemCodesHaveBothLanguages: every problem code the API's sources
// answer with has wording in Spanish and English, and the answers the
// router, a sentinel error and a handler's own refusal give come in the
// caller's language with their code (the runtime side is checkProblemCodes,
// run on every answer the API tests receive).
func TestProblemCodesHaveBothLanguages(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range codedCall.FindAllStringSubmatch(string(src), -1) {
			seen++
			if !words.Known(m[1]) {
				t.Errorf("%s: code %q has no Spanish and English wording", f, m[1])
			}
		}
		// A handler's English sentence given straight to problem() would
		// reach every caller in English.
		if f != "errors.go" && regexp.MustCompile(`\bproblem\([^)]*"`).Match(src) {
			t.Errorf("%s: problem() with a literal message; give it a code (coded)", f)
		}
	}
	if seen < 20 {
		t.Fatalf("found only %d coded answers; the scan is broken", seen)
	}

	ta := newTestApp(t)
	cases := []struct {
		name, as, method, path string
		body                   any
		status                 int
		code, es, en           string
	}{
		{"no route", "admin", "GET", "/api/v1/nothing-here", nil, 404, "no_route", "Esa dirección no existe.", "No such route."},
		{"missing record", "admin", "GET", "/api/v1/tasks/" + strings.Repeat("a", 24), nil, 404, "not_found", "El registro no existe o está fuera de tus regiones.", "The record does not exist or is outside your regions."},
		{"bad id", "admin", "GET", "/api/v1/tasks/zz", nil, 404, "not_found", "El registro no existe o está fuera de tus regiones.", "The record does not exist or is outside your regions."},
		{"wrong password", "", "POST", "/api/v1/auth/login", map[string]any{"email": "nadie@ong.pe", "password": "no es la clave correcta"}, 401, "login_failed", "Correo o contraseña incorrectos.", "Wrong email or password."},
		{"viewer writes", "viewer", "POST", "/api/v1/tasks", map[string]any{"title": "x"}, 403, "forbidden", "Tu rol no permite esta acción.", "Your role does not allow this action."},
		{"bad cursor", "admin", "GET", "/api/v1/tasks?cursor=abc", nil, 400, "bad_cursor", "El enlace de la página ya no vale; vuelve a la primera página.", "The cursor parameter is not valid; start again from the first page."},
		{"unknown field", "admin", "POST", "/api/v1/tasks", map[string]any{"title": "x", "version": 1}, 400, "unknown_field", "El campo «version» no existe aquí; quizás la aplicación está desactualizada: recarga la página.", "Unknown field \"version\": the app may be out of date; reload the page."},
		{"bad unsubscribe link", "", "GET", "/api/v1/unsubscribe/abc", nil, 404, "unsubscribe_invalid", "Este enlace para dejar de recibir correos no es válido.", "This unsubscribe link is not valid."},
	}
	for _, tc := range cases {
		for _, l := range []struct{ header, want string }{{"es-PE", tc.es}, {"en-US,en;q=0.9", tc.en}} {
			r := ta.do(tc.as, tc.method, tc.path, tc.body, "Accept-Language", l.header)
			var p Problem
			r.decode(t, &p)
			if r.status != tc.status || p.Code != tc.code || p.Detail != l.want {
				t.Errorf("%s in %s: %d %s, want %d %s %q", tc.name, l.header, r.status, r.body, tc.status, tc.code, l.want)
			}
		}
	}
}
