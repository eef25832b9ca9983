// Package model holds Alianza's domain types, their enums and validation.
package model

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError names one invalid input field.
type FieldError struct {
	Field string `json:"field"`
	// Code is stable for clients; the API sets it, with Message in the
	// caller's language, from the English format (see api/i18n.go).
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`

	format string // the English format Add was given
	args   []any
}

// Format returns the English format and its arguments; for errors built
// without Add, the message itself and none.
func (f FieldError) Format() (string, []any) {
	if f.format == "" {
		return f.Message, nil
	}
	return f.format, f.args
}

// ValidationError lists every invalid field of one input; the API answers it with 422.
type ValidationError struct {
	Errors []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, f := range e.Errors {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Problems collects field errors while validating.
type Problems []FieldError

// Add records a problem with field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...), format: format, args: args})
}

// Prefix returns the problems with each field prefixed, e.g. "commitments[1]." .
func (p Problems) Prefix(prefix string) Problems {
	out := make(Problems, len(p))
	for i, f := range p {
		out[i] = f
		out[i].Field = prefix + f.Field
	}
	return out
}

// Err returns a *ValidationError when there are problems, else nil.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Errors: p}
}

// ProblemsOf returns the field problems of a validation error, so a caller
// can add its own before answering; any other error comes back as is.
func ProblemsOf(err error) (Problems, error) {
	var ve *ValidationError
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &ve):
		return ve.Errors, nil
	default:
		return nil, err
	}
}

// Enum is an ordered list of the valid values of one string enum.
type Enum []string

// Valid reports whether v is one of the values.
func (e Enum) Valid(v string) bool {
	for _, x := range e {
		if x == v {
			return true
		}
	}
	return false
}

// String lists the values for error messages.
func (e Enum) String() string { return strings.Join(e, ", ") }

// enumRegistry lists every enum by the name the API and UI use; files add theirs in init.
var enumRegistry = map[string]Enum{}

func registerEnum(name string, e Enum) Enum {
	enumRegistry[name] = e
	return e
}

// Enums returns every registered enum, for the UI's option lists and OpenAPI.
func Enums() map[string]Enum { return enumRegistry }
