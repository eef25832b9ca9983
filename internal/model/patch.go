package model

import "strings"

// setIf applies one field of a patch: a nil v leaves *dst as it is.
func setIf[T any](dst, v *T) {
	if v != nil {
		*dst = *v
	}
}

// setCopy is setIf for a list; the record gets its own copy, so later
// changes to the patch's slice do not reach it.
func setCopy[T any](dst, v *[]T) {
	if v != nil {
		*dst = append([]T(nil), (*v)...)
	}
}

// copyOf is a copy of the struct v points to, or nil, so a record does not
// share an optional part with the input it was built from.
func copyOf[T any](v *T) *T {
	if v == nil {
		return nil
	}
	c := *v
	return &c
}

// setPtr is setIf for an optional part: the record gets its own copy.
func setPtr[T any](dst **T, v *T) {
	if v != nil {
		*dst = copyOf(v)
	}
}

// patchTrimmed is setIf for a text field, trimmed like the inputs are.
func patchTrimmed(dst, v *string) {
	if v != nil {
		*dst = strings.TrimSpace(*v)
	}
}

// trimSpace trims the surrounding spaces of each text field in place.
func trimSpace(fields ...*string) {
	for _, f := range fields {
		*f = strings.TrimSpace(*f)
	}
}
