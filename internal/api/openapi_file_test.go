package api

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
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
	want = append(want, '\n')
	if os.Getenv("UPDATE_OPENAPI") != "" {
		if err := os.WriteFile(openAPIFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(openAPIFile)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date: run npm run gen:api in ui/ (it rewrites the file and the TypeScript types)", openAPIFile)
	}
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
