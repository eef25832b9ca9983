package api

import (
	"fmt"
	"mime"
	"reflect"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/gofiber/fiber/v2"
)

// jsonContentType reports whether a Content-Type is application/json
// exactly, parameters (charset) allowed: "application/jsonx" or
// "text/plain; application/json" are not JSON bodies.
func jsonContentType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

// textProblems lists, by JSON field path, the strings of a decoded body
// that model.TextProblem refuses (invalid UTF-8, control characters,
// bidirectional controls). Every body passes through decode, so
// this is the one place text is checked whatever record it lands in.
func textProblems(v any) model.Problems {
	var p model.Problems
	walkText(reflect.ValueOf(v), "", &p)
	return p
}

func walkText(v reflect.Value, path string, p *model.Problems) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), path, p)
		}
	case reflect.String:
		model.CheckText(p, strings.TrimPrefix(path, "."), v.String())
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			sub := path
			if !f.Anonymous {
				if name == "" {
					name = f.Name
				}
				sub = path + "." + name
			}
			walkText(v.Field(i), sub, p)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // ids and other byte arrays are not text
		}
		for i := 0; i < v.Len(); i++ {
			walkText(v.Index(i), fmt.Sprintf("%s[%d]", path, i), p)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := fmt.Sprint(iter.Key().Interface())
			model.CheckText(p, strings.TrimPrefix(path, "."), k)
			walkText(iter.Value(), path+"."+k, p)
		}
	}
}
