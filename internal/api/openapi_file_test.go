package api

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
)

// openAPIFile is the committed copy of the document that the web app lints
// (npm run lint:api) and generates its TypeScript types from (npm run gen:api,
// which sets UPDATE_OPENAPI to rewrite it).
const openAPIFile = "../../ui/openapi.json"

// TestOpenAPIFileUpToDate keeps ui/openapi.json equal to the document the
// server builds, so the linter and the generated types see today's API.
// UPDATE_OPENAPI=1 rewrites the file.
func TestOpenAPIFileUpToDate(t *testing.T) {
	a := &API{log: discardLogger(), opts: Options{Version: "dev"}}
	want, err := json.MarshalIndent(a.openAPIDoc(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	upToDate(t, openAPIFile, want, "run npm run gen:api in ui/ (it rewrites the file and the TypeScript types)")
}

// upToDate fails when the committed file path differs from want (plus a
// final newline); UPDATE_OPENAPI=1 rewrites it instead.
func upToDate(t *testing.T, path string, want []byte, fix string) {
	t.Helper()
	want = append(want, '\n')
	if os.Getenv("UPDATE_OPENAPI") != "" {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date: %s", path, fix)
	}
}

// limitsFile is the committed copy of model.TextLimits the web app limits
// and counts its text fields by (ui/src/limits.ts reads it).
const limitsFile = "../../ui/src/limits.json"

// TestLimitsFileUpToDate keeps ui/src/limits.json equal to model.TextLimits,
// so a form refuses while typing what the server would refuse on save.
// UPDATE_OPENAPI=1 (npm run gen:api) rewrites it.
func TestLimitsFileUpToDate(t *testing.T) {
	want, err := json.MarshalIndent(model.TextLimits, "", "  ") // keys sorted
	if err != nil {
		t.Fatal(err)
	}
	upToDate(t, limitsFile, want, "run npm run gen:api in ui/")
}

// TestOpenAPIEnumFieldsExist catches an enumByField row whose field was
// renamed or moved: it would silently stop restricting the schema.
func TestOpenAPIEnumFieldsExist(t *testing.T) {
	for typ, fields := range enumByField {
		for name := range fields {
			found := false
			for i := 0; i < typ.NumField(); i++ {
				tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
				found = found || tag == name
			}
			if !found {
				t.Errorf("%s has no JSON field %q", typ, name)
			}
		}
	}
}

// TestOpenAPIMaxLengths: each request field limitByField names exists and
// the document gives it its model.TextLimits as maxLength.
func TestOpenAPIMaxLengths(t *testing.T) {
	a := &API{log: discardLogger(), opts: Options{Version: "dev"}}
	schemas := a.openAPIDoc()["components"].(map[string]any)["schemas"].(map[string]any)
	seen := 0
	for typ, fields := range limitByField {
		s, ok := schemas[schemaName(typ)].(map[string]any)
		if !ok {
			t.Errorf("%s: no schema", typ)
			continue
		}
		props, _ := s["properties"].(map[string]any)
		for name, n := range fields {
			p, _ := props[name].(map[string]any)
			if got, _ := p["maxLength"].(int); got != n {
				t.Errorf("%s.%s: maxLength %v, want %d", typ, name, p["maxLength"], n)
			}
			seen++
		}
	}
	if seen < 20 {
		t.Fatalf("only %d limited fields checked", seen)
	}
}
