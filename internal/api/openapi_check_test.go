package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// Every answer the API tests receive through testApp.do is checked against
// the OpenAPI document the server serves, so the document stays true: the
// status must be one the operation lists (only 5xx, 413 and 415 may fall
// to "default"), and the body must match the schema of its status and
// content type. libopenapi-validator reads OpenAPI 3.1 (JSON Schema
// 2020-12), which the document declares.

// openAPICheck is the validator of the served document, built once.
var openAPICheck = sync.OnceValues(func() (*openAPIChecker, error) {
	a := &API{log: discardLogger(), opts: Options{Version: "dev"}}
	raw, err := json.Marshal(a.openAPIDoc())
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, err
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi validator: %v", errs)
	}
	var parsed struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &parsed); err != nil {
		return nil, err
	}
	return &openAPIChecker{v: v, paths: parsed.Paths}, nil
})

type openAPIChecker struct {
	mu    sync.Mutex // the validator's caches are not documented as safe for concurrent use
	v     validator.Validator
	paths map[string]map[string]struct {
		Responses map[string]any `json:"responses"`
	}
}

// mayDefault are the statuses any operation may answer through its
// "default" problem response without listing them.
func mayDefault(status int) bool {
	return status >= 500 || status == http.StatusRequestEntityTooLarge || status == http.StatusUnsupportedMediaType
}

// checkOpenAPI reports where the answer to method path breaks the document.
func (ta *testApp) checkOpenAPI(method, path string, status int, header http.Header, body []byte) {
	ta.t.Helper()
	problems, err := openAPIProblems(method, path, status, header, body)
	if err != nil {
		ta.t.Fatal(err)
	}
	for _, p := range problems {
		ta.t.Errorf("OpenAPI: %s %s answered %d, which the document does not describe: %s\nbody: %.300s", method, path, status, p, body)
	}
}

// openAPIProblems lists how an answer breaks the document. Paths outside
// /api/v1 (the app, health checks) and paths no route serves (the router's
// 404 and 405) are not the document's.
func openAPIProblems(method, path string, status int, header http.Header, body []byte) ([]string, error) {
	if !strings.HasPrefix(path, "/api/v1/") {
		return nil, nil
	}
	chk, err := openAPICheck()
	if err != nil {
		return nil, err
	}
	req := httptest.NewRequest(method, path, nil)
	res := &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)), Request: req}
	chk.mu.Lock()
	_, errs := chk.v.ValidateHttpResponse(req, res)
	chk.mu.Unlock()
	spec := chk.operationPath(req)
	if spec == "" {
		return nil, nil
	}
	var problems []string
	for _, e := range errs {
		p := e.Message
		if e.Reason != "" {
			p += ": " + e.Reason
		}
		for _, f := range e.SchemaValidationErrors {
			p += fmt.Sprintf(" [%s: %s]", f.FieldPath, f.Reason)
		}
		problems = append(problems, p)
	}
	if _, listed := chk.paths[spec][strings.ToLower(method)].Responses[strconv.Itoa(status)]; !listed && !mayDefault(status) {
		problems = append(problems, fmt.Sprintf("status %d is not listed for %s %s", status, method, spec))
	}
	return problems, nil
}

// operationPath is the document's path template of req's operation, ""
// when the document has none; a template with more literal segments wins
// (/messages/counts over /messages/{id}), as in the router.
func (chk *openAPIChecker) operationPath(req *http.Request) string {
	parts := strings.Split(req.URL.Path, "/")
	best, bestLiterals := "", -1
	for tmpl, ops := range chk.paths {
		if _, ok := ops[strings.ToLower(req.Method)]; !ok {
			continue
		}
		tp := strings.Split(tmpl, "/")
		if len(tp) != len(parts) {
			continue
		}
		match, literals := true, 0
		for i := range tp {
			if name, suffix, isParam := strings.Cut(strings.TrimPrefix(tp[i], "{"), "}"); isParam && strings.HasPrefix(tp[i], "{") {
				// "{token}.ics": the suffix must match too.
				match = match && name != "" && strings.HasSuffix(parts[i], suffix) && len(parts[i]) > len(suffix)
			} else {
				match = match && tp[i] == parts[i]
				literals++
			}
		}
		if match && literals > bestLiterals {
			best, bestLiterals = tmpl, literals
		}
	}
	return best
}

// TestOpenAPIProblemsDescribed: every status a route lists has its
// description, so no response object is documented without one.
func TestOpenAPIProblemsDescribed(t *testing.T) {
	for _, r := range (&API{}).routes() {
		for _, s := range problemStatuses(r) {
			if problemAnswers[s] == "" {
				t.Errorf("%s %s answers %s, which problemAnswers does not describe", r.method, r.path, s)
			}
		}
	}
}

// TestOpenAPICheckCatchesLies makes sure the check is not vacuous: bodies
// that break the schema and statuses the operation does not list are
// reported, and a true answer is not.
func TestOpenAPICheckCatchesLies(t *testing.T) {
	me := `{"id":"x","email":"a@b.c","name":"n","role":"admin","regions":["all"],"disabled":false,"two_factor":false,"version":1,` +
		`"created_at":"2026-01-01T00:00:00Z","digest":"off","lang":"es","calendar_feed":false,"calendar_alarm_min":0,"two_factor_required":false}`
	for _, tc := range []struct {
		name         string
		method, path string
		status       int
		body         string
		bad          bool
	}{
		{"true", "GET", "/api/v1/me", 200, me, false},
		{"wrong type", "GET", "/api/v1/me", 200, strings.Replace(me, `["all"]`, `"all"`, 1), true},
		{"not an enum value", "GET", "/api/v1/me", 200, strings.Replace(me, `"admin"`, `"boss"`, 1), true},
		{"a required field missing", "GET", "/api/v1/me", 200, strings.Replace(me, `"two_factor":false,`, ``, 1), true},
		{"created where OK is documented", "GET", "/api/v1/me", 201, me, true},
		{"a problem with an unlisted status", "GET", "/api/v1/me", 409, `{"type":"about:blank","title":"Conflict","status":409}`, true},
		{"not a route", "GET", "/api/v1/nothing-here", 404, `{}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctype := "application/json"
			if tc.status >= 400 {
				ctype = "application/problem+json"
			}
			problems, err := openAPIProblems(tc.method, tc.path, tc.status, http.Header{"Content-Type": {ctype}}, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.bad != (len(problems) > 0) {
				t.Fatalf("problems %q, want some: %v", problems, tc.bad)
			}
		})
	}
}
