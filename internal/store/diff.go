package store

import (
	"reflect"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
)

// skipInDiff are bookkeeping fields that audit entries leave out.
var skipInDiff = map[string]bool{"_id": true, "search": true, "version": true, "created_at": true, "updated_at": true, "history": true}

// diff lists the fields (by bson name) whose values differ between two
// values of the same struct type, for audit entries. Nested structs are
// compared whole.
func diff(old, cur any) []model.Change {
	ov, cv := reflect.Indirect(reflect.ValueOf(old)), reflect.Indirect(reflect.ValueOf(cur))
	if ov.Type() != cv.Type() || ov.Kind() != reflect.Struct {
		return nil
	}
	var out []model.Change
	t := ov.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("bson"), ",")
		if name == "" || name == "-" || skipInDiff[name] || !f.IsExported() {
			continue
		}
		a, b := ov.Field(i).Interface(), cv.Field(i).Interface()
		if isEmpty(ov.Field(i)) && isEmpty(cv.Field(i)) {
			continue
		}
		if !reflect.DeepEqual(a, b) {
			out = append(out, model.Change{Field: name, Old: a, New: b})
		}
	}
	return out
}

// created lists the non-empty fields of a new record.
func created(cur any) []model.Change {
	v := reflect.Indirect(reflect.ValueOf(cur))
	zero := reflect.New(v.Type()).Elem().Interface()
	changes := diff(zero, cur)
	for i := range changes {
		changes[i].Old = nil
	}
	return changes
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return v.IsZero()
}
