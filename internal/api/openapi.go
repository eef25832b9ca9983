package api

import (
	"reflect"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// openAPI serves the OpenAPI 3.1 document built from the route table and the
// Go types of requests and responses, so it cannot drift from the code.
func (a *API) openAPI(c *fiber.Ctx) error { return c.JSON(a.openAPIDoc()) }

func (a *API) openAPIDoc() map[string]any {
	schemas := map[string]any{}
	paths := map[string]map[string]any{}
	problemRef := map[string]any{"content": map[string]any{"application/problem+json": map[string]any{
		"schema": schemaOf(reflect.TypeOf(Problem{}), schemas)}}}
	for _, r := range a.routes() {
		p := "/api/v1" + openAPIPath(r.path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		op := map[string]any{"summary": r.summary, "tags": []string{r.tag},
			"operationId": strings.ToLower(r.method) + strings.ReplaceAll(strings.ReplaceAll(openAPIPath(r.path), "/", "_"), "{", "by_")}
		var params []any
		for _, seg := range strings.Split(r.path, "/") {
			if strings.HasPrefix(seg, ":") {
				params = append(params, map[string]any{"name": seg[1:], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		for _, q := range r.query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if usesIdempotency(r) {
			params = append(params, map[string]any{"name": IdempotencyHeader, "in": "header", "schema": map[string]any{"type": "string", "maxLength": idemMaxKey},
				"description": "Run this write at most once: a repeat within 24 h gets the first answer"})
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.body), schemas)}}}
		}
		ok := map[string]any{"description": "OK"}
		if r.resp != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.resp), schemas)}}
		}
		responses := map[string]any{"200": ok, "default": withDesc(problemRef, "Problem (RFC 9457)")}
		if !r.public {
			op["security"] = []any{map[string]any{"bearer": []string{}}}
		} else {
			op["security"] = []any{}
		}
		op["responses"] = responses
		if r.access != nil {
			op["x-roles"] = r.access
		}
		paths[p][strings.ToLower(r.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Alianza API", "version": a.opts.Version,
			"description": "Stakeholder and advocacy CRM. Errors are application/problem+json (RFC 9457)."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
		},
	}
}

func withDesc(m map[string]any, d string) map[string]any {
	out := map[string]any{"description": d}
	for k, v := range m {
		out[k] = v
	}
	return out
}

var (
	timeType = reflect.TypeOf(time.Time{})
	oidType  = reflect.TypeOf(bson.ObjectID{})
)

// schemaOf returns a JSON Schema for t, adding named structs to schemas and
// referring to them.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == oidType:
		return map[string]any{"type": "string", "pattern": "^[0-9a-f]{24}$"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := schemaName(t)
		ref := map[string]any{"$ref": "#/components/schemas/" + name}
		if _, seen := schemas[name]; seen {
			return ref
		}
		schemas[name] = map[string]any{} // placeholder breaks recursion
		props := map[string]any{}
		addFields(t, props, schemas)
		schemas[name] = map[string]any{"type": "object", "properties": props}
		return ref
	}
	return map[string]any{}
}

func addFields(t reflect.Type, props map[string]any, schemas map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(ft, props, schemas)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type, schemas)
	}
}

func schemaName(t reflect.Type) string {
	n := t.Name()
	if i := strings.IndexByte(n, '['); i >= 0 { // generic: list[api.userView]
		inner := n[i+1 : len(n)-1]
		inner = inner[strings.LastIndexAny(inner, "./")+1:]
		n = n[:i] + "_" + inner
	}
	return t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:] + "." + n
}
