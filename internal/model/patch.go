package model

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
