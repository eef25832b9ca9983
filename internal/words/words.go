// Package words is the one home of the Spanish and English wording the
// server writes: API problem messages, CSV headers and values, the
// personal-data page, the email digest, calendar titles and the funder
// sentences' vocabulary. The screens' own labels stay in ui/src/i18n (this
// package reads them for coded CSV cells), so a value reads the same in an
// export as on screen.
package words

import "github.com/alianza-pe/alianza/internal/model"

// Lang is a language of the wording: Spanish (the default) or English.
type Lang string

// The languages, Spanish first: it is the default.
const (
	ES Lang = "es"
	EN Lang = "en"
)

// Langs are the languages a user may choose (model.Languages, the enum
// their saved preference is checked against), Spanish first.
var Langs = []string(model.Languages)

// Parse is the language named by s, ok false when s names none.
func Parse(s string) (Lang, bool) {
	switch Lang(s) {
	case ES, EN:
		return Lang(s), true
	}
	return "", false
}

// Choose is the one rule for picking a language: the first of names (a
// ?lang query, the match of an Accept-Language header, a user's saved
// preference, a fallback) that is a language, else Spanish. Callers list
// their sources from strongest to weakest.
func Choose(names ...string) Lang {
	for _, n := range names {
		if l, ok := Parse(n); ok {
			return l
		}
	}
	return ES
}

// Text is one wording in both languages.
type Text struct {
	ES string `json:"es"`
	EN string `json:"en"`
}

// In is the wording in l.
func (t Text) In(l Lang) string {
	if l == EN {
		return t.EN
	}
	return t.ES
}

// Table is wording by key.
type Table map[string]Text

// In is key's wording in l; a key without wording stays as it is, so a
// new code shows up as itself rather than blank.
func (t Table) In(key string, l Lang) string {
	w, ok := t[key]
	if !ok {
		return key
	}
	return w.In(l)
}
