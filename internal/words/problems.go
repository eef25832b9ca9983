package words

import (
	"fmt"
	"strings"
)

// Field is the stable code and the people's wording of one English
// validation format used by model, store and api. The English formats stay
// in the code (logs, tests); clients get the code and the text.
type Field struct {
	Code string `json:"code"`
	ES   string `json:"es"`
	EN   string `json:"en"`
}

// FieldMessage is the code and the wording in l of a validation format
// with its arguments; ok is false for a format without wording (e.g. a
// parser's own message). A "%s" format whose one argument is itself a
// known format (a message chosen by the store) gets that format's wording.
func FieldMessage(format string, args []any, l Lang) (code, msg string, ok bool) {
	if format == "%s" && len(args) == 1 {
		if s, isStr := args[0].(string); isStr {
			if _, known := fields[s]; known {
				format, args = s, nil
			}
		}
	}
	f, ok := fields[format]
	if !ok {
		return "", "", false
	}
	tmpl := Text{f.ES, f.EN}.In(l)
	if strings.Contains(tmpl, "%") {
		return f.Code, fmt.Sprintf(tmpl, args...), true
	}
	return f.Code, tmpl, true
}

// In is the field's wording in l.
func (f Field) In(l Lang) string { return Text{f.ES, f.EN}.In(l) }

// Known reports whether code is a problem code the API answers with wording
// in both languages: a problem, a sentinel status or a field's code.
func Known(code string) bool {
	if w, ok := Problems[code]; ok {
		return w.ES != "" && w.EN != ""
	}
	for _, f := range StatusDetails {
		if f.Code == code {
			return f.ES != "" && f.EN != ""
		}
	}
	for _, f := range fields {
		if f.Code == code && f.ES != "" && f.EN != "" {
			return true
		}
	}
	return false
}
