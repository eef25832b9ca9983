package api

import (
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// openAPI serves the OpenAPI 3.1 document built from the route table and the
// Go types of requests and responses, so it cannot drift from the code.
func (a *API) openAPI(c *fiber.Ctx) error { return c.JSON(a.openAPIDoc()) }

func (a *API) openAPIDoc() map[string]any {
	schemas := map[string]any{}
	paths := map[string]map[string]any{}
	problem := map[string]any{"application/problem+json": map[string]any{
		"schema": schemaOf(reflect.TypeOf(Problem{}), schemas)}}
	for _, r := range a.routes() {
		p := "/api/v1" + openAPIPath(r.path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		op := map[string]any{"summary": r.summary, "tags": []string{r.tag}, "operationId": operationID(r)}
		var params []any
		for _, name := range pathParams(r.path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
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
		code, ok := successOf(r)
		content := map[string]any{}
		if r.resp != nil && code != "204" {
			content["application/json"] = map[string]any{"schema": schemaOf(reflect.TypeOf(r.resp), schemas)}
		}
		for _, f := range formatsOf(r) {
			content[f] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		if len(content) > 0 {
			ok["content"] = content
		}
		responses := map[string]any{code: ok, "default": map[string]any{"description": "Problem (RFC 9457)", "content": problem}}
		for _, status := range problemStatuses(r) {
			responses[status] = map[string]any{"description": problemAnswers[status], "content": problem}
		}
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

// successOf is the status a route answers when it succeeds, and its
// response object (without content).
func successOf(r route) (string, map[string]any) {
	switch r.status {
	case fiber.StatusCreated:
		return "201", map[string]any{"description": "Created"}
	case fiber.StatusNoContent:
		return "204", map[string]any{"description": "No Content"}
	}
	return "200", map[string]any{"description": "OK"}
}

// formatsOf lists the content types r answers with ?format=.
func formatsOf(r route) []string {
	if r.formats != nil || !slices.Contains(r.query, "format") {
		return r.formats
	}
	return []string{"text/csv"}
}

// problemTexts describes the problem+json answers a route can give.
var problemAnswers = map[string]string{
	"400": "Malformed request: the body is not JSON or a parameter cannot be read",
	"401": "Not signed in, the access token expired, or (sign-in) the email or password is wrong",
	"403": "The signed-in user's role or regions do not allow this, or their role must enrol a second factor first (code totp_enrolment_required)",
	"404": "No such record (or it is outside the user's regions)",
	"410": "Gone: it is no longer on the mail server",
	"409": "Someone else changed the record, a unique value is taken, or the same Idempotency-Key is still running",
	"422": "The input (body or query parameter) breaks a rule; errors lists each field",
	"429": "Too many attempts; Retry-After says when to try again",
}

// problemStatuses lists the 4xx answers of r, from what the route table says
// about it: who may call it, whether it names a record, reads a body or
// writes.
func problemStatuses(r route) []string {
	var out []string
	write := r.method != fiber.MethodGet
	if r.body != nil || len(r.query) > 0 {
		out = append(out, "400")
	}
	if !r.public || r.path == "/auth/login" || r.path == "/auth/refresh" {
		out = append(out, "401")
	}
	if !r.public {
		out = append(out, "403") // the role, or ALIANZA_REQUIRE_2FA before enrolment
	}
	if len(pathParams(r.path)) > 0 {
		out = append(out, "404")
	}
	if write && !r.public {
		out = append(out, "409")
	}
	if r.body != nil || len(r.query) > 0 {
		out = append(out, "422") // a body or a query parameter breaks a rule
	}
	if len(r.extra) > 0 {
		out = append(out, "429")
	}
	for _, s := range r.more {
		out = append(out, strconv.Itoa(s))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// pathParams names the parameters of a Fiber path, cut the way openAPIPath
// cuts them (":token.ics" is the parameter "token").
func pathParams(p string) []string {
	var names []string
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, ":") {
			name, _, _ := strings.Cut(seg[1:], ".")
			names = append(names, name)
		}
	}
	return names
}

// operationID names an operation in camel case from its method and path, so
// it holds only letters and digits: GET /users/:id is getUsersById.
func operationID(r route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.method))
	for _, seg := range strings.Split(r.path, "/") {
		if strings.HasPrefix(seg, ":") {
			b.WriteString("By")
			seg = seg[1:]
		}
		for _, w := range strings.FieldsFunc(seg, func(c rune) bool {
			return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
		}) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// enumFields says which string fields hold one of the model's enums: by JSON
// name where the name means one thing everywhere, else by the struct that
// declares the field. The values come from the model's lists, never copied.
var (
	enumByName = map[string]model.Enum{
		"stance":           model.Stances,
		"influence":        model.Influences,
		"chamber":          model.Chambers,
		"digest":           model.DigestFrequencies,
		"lang":             model.Languages,
		"tls":              model.TLSModes,
		"modality":         model.TrainingModalities,
		"stakeholder_kind": model.StakeholderKinds,
	}
	enumByField = enumFields(
		enumField{model.Stakeholder{}, "kind", model.StakeholderKinds},
		enumField{model.StakeholderInput{}, "kind", model.StakeholderKinds},
		enumField{model.StakeholderPatch{}, "kind", model.StakeholderKinds},
		enumField{newStakeholderRequest{}, "kind", model.StakeholderKinds},
		enumField{store.StakeholderHit{}, "kind", model.StakeholderKinds},
		enumField{model.Meeting{}, "kind", model.MeetingKinds},
		enumField{model.MeetingInput{}, "kind", model.MeetingKinds},
		enumField{model.MeetingPatch{}, "kind", model.MeetingKinds},
		enumField{model.Meeting{}, "topics", model.Topics},
		enumField{model.MeetingInput{}, "topics", model.Topics},
		enumField{model.MeetingPatch{}, "topics", model.Topics},
		enumField{model.Relationship{}, "kind", model.RelationshipKinds},
		enumField{model.RelationshipInput{}, "kind", model.RelationshipKinds},
		enumField{relationshipView{}, "kind", model.RelationshipKinds},
		enumField{model.Origin{}, "kind", model.OriginKinds},
		enumField{model.Commitment{}, "status", model.CommitmentStatuses},
		enumField{model.StatusChange{}, "status", model.CommitmentStatuses},
		enumField{model.StatusChangeInput{}, "status", model.CommitmentStatuses},
		enumField{model.AgreementCommitment{}, "status", model.CommitmentStatuses},
		enumField{store.IndicatorRecord{}, "modality", model.TrainingModalities},
		enumField{store.Fulfilment{}, "status", model.CommitmentStatuses},
		enumField{store.CommitmentHit{}, "status", model.CommitmentStatuses},
		enumField{model.Commitment{}, "type", model.CommitmentTypes},
		enumField{model.CommitmentInput{}, "type", model.CommitmentTypes},
		enumField{model.CommitmentPatch{}, "type", model.CommitmentTypes},
		enumField{messageCommitmentRequest{}, "type", model.CommitmentTypes},
		enumField{model.AudienceCount{}, "type", model.AudienceTypes},
		enumField{model.Message{}, "status", model.MessageStatuses},
		enumField{model.Message{}, "direction", model.Directions},
		enumField{model.MessagePatch{}, "status", model.ReviewStatuses},
		enumField{bulkStatusRequest{}, "status", model.ReviewStatuses},
		enumField{userView{}, "role", model.Roles},
		enumField{model.NewUser{}, "role", model.Roles},
		enumField{model.UserPatch{}, "role", model.Roles},
		enumField{store.TeamMember{}, "role", model.Roles},
	)
)

// limitByField gives the request fields their model.TextLimits as
// maxLength (characters, as JSON Schema counts them): the same limits the
// validation checks and the web app counts by. Answers carry no maxLength.
var limitByField = func() map[reflect.Type]map[string]int {
	rows := []struct {
		in     any
		fields map[string]string // JSON field -> TextLimits key
	}{
		{model.MeetingInput{}, map[string]string{"place": "meeting.place", "summary": "meeting.summary", "agreements": "meeting.agreements", "next_steps": "meeting.next_steps"}},
		{model.MeetingPatch{}, map[string]string{"place": "meeting.place", "summary": "meeting.summary", "agreements": "meeting.agreements", "next_steps": "meeting.next_steps"}},
		{model.ParticipantInput{}, map[string]string{"role": "meeting.participant_role"}},
		{model.CommitmentInput{}, map[string]string{"text": "commitment.text"}},
		{model.CommitmentPatch{}, map[string]string{"text": "commitment.text"}},
		{model.StatusChangeInput{}, map[string]string{"note": "commitment.status_note", "evidence": "commitment.status_evidence"}},
		{model.TaskInput{}, map[string]string{"title": "task.title", "notes": "task.notes"}},
		{model.TaskPatch{}, map[string]string{"title": "task.title", "notes": "task.notes"}},
		{model.StakeholderInput{}, map[string]string{"name": "stakeholder.name", "notes": "stakeholder.notes"}},
		{model.StakeholderPatch{}, map[string]string{"name": "stakeholder.name", "notes": "stakeholder.notes"}},
		{model.RelationshipInput{}, map[string]string{"role": "stakeholder.relation_role"}},
		{model.MessagePatch{}, map[string]string{"notes": "message.notes"}},
	}
	out := map[reflect.Type]map[string]int{}
	for _, r := range rows {
		m := map[string]int{}
		for f, key := range r.fields {
			n, ok := model.TextLimits[key]
			if !ok {
				panic("api: no text limit " + key)
			}
			m[f] = n
		}
		out[reflect.TypeOf(r.in)] = m
	}
	return out
}()

type enumField struct {
	in    any // the struct that declares the field
	field string
	enum  model.Enum
}

func enumFields(fs ...enumField) map[reflect.Type]map[string]model.Enum {
	out := map[reflect.Type]map[string]model.Enum{}
	for _, f := range fs {
		t := reflect.TypeOf(f.in)
		if out[t] == nil {
			out[t] = map[string]model.Enum{}
		}
		out[t][f.field] = f.enum
	}
	return out
}

// withEnum restricts a string (or string array) schema to e.
func withEnum(s map[string]any, e model.Enum) map[string]any {
	if s["type"] == "array" {
		return map[string]any{"type": "array", "items": withEnum(s["items"].(map[string]any), e)}
	}
	if s["type"] != "string" {
		return s
	}
	return map[string]any{"type": "string", "enum": []string(e)}
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
		schemas[name] = structSchema(t, schemas)
		return ref
	}
	return map[string]any{}
}

// structSchema describes a struct. Embedded structs whose fields the outer
// one does not shadow become allOf references, so a view that embeds a model
// type does not repeat it.
func structSchema(t reflect.Type, schemas map[string]any) map[string]any {
	var parts []any
	own := map[string]bool{}
	for _, f := range jsonFields(t) {
		own[f.name] = true
	}
	var flat []reflect.Type
	for _, e := range embedded(t) {
		shadowed := false
		for _, f := range jsonFields(e) {
			shadowed = shadowed || own[f.name]
		}
		if shadowed {
			flat = append(flat, e)
		} else {
			parts = append(parts, schemaOf(e, schemas))
		}
	}
	// The outer struct's own fields come last: they shadow the embedded ones.
	props := map[string]any{}
	req := map[string]bool{}
	for _, ft := range append(flat, t) {
		for _, f := range jsonFields(ft) {
			props[f.name] = f.schema(schemas)
			req[f.name] = f.required
		}
	}
	var required []string
	for name, r := range req {
		if r {
			required = append(required, name)
		}
	}
	sort.Strings(required)
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	if parts == nil {
		return s
	}
	if len(props) == 0 && len(parts) == 1 {
		return parts[0].(map[string]any)
	}
	return map[string]any{"allOf": append(parts, s)}
}

// jsonField is one field that t itself declares, as encoding/json writes it.
type jsonField struct {
	in       reflect.Type // the declaring struct
	field    reflect.StructField
	name     string
	required bool // no omitempty or omitzero: the server always writes it
}

// schema is the field's schema with the enum of the model list it holds; a
// required pointer may be null.
func (f jsonField) schema(schemas map[string]any) map[string]any {
	s := schemaOf(f.field.Type, schemas)
	if e, ok := enumByField[f.in][f.name]; ok {
		s = withEnum(s, e)
	} else if e, ok := enumByName[f.name]; ok {
		s = withEnum(s, e)
	}
	if n, ok := limitByField[f.in][f.name]; ok && s["type"] == "string" {
		s = map[string]any{"type": "string", "maxLength": n}
	}
	if f.required && f.field.Type.Kind() == reflect.Pointer {
		s = map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
	}
	return s
}

// jsonFields lists the fields t declares itself, leaving out embedded
// structs (see embedded).
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() || isEmbeddedStruct(f, name) {
			continue
		}
		if name == "" {
			name = f.Name
		}
		opts = "," + opts + ","
		optional := strings.Contains(opts, ",omitempty,") || strings.Contains(opts, ",omitzero,")
		out = append(out, jsonField{in: t, field: f, name: name, required: !optional})
	}
	return out
}

// embedded lists the structs t embeds without a JSON name; encoding/json
// promotes their fields even when the struct type is unexported.
func embedded(t reflect.Type) []reflect.Type {
	var out []reflect.Type
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if isEmbeddedStruct(f, name) {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			out = append(out, ft)
		}
	}
	return out
}

func isEmbeddedStruct(f reflect.StructField, jsonName string) bool {
	ft := f.Type
	if ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	return f.Anonymous && jsonName == "" && ft.Kind() == reflect.Struct
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
