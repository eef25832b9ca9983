// Package i18n gives Go code the UI's own wording of enum values (the
// es.json and en.json beside this file), so exports say "Cumplido" exactly
// as the screens do, from one source.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"
)

//go:embed es.json en.json
var files embed.FS

var (
	once   sync.Once
	tables map[string]map[string]string
	err    error
)

func load() {
	tables = map[string]map[string]string{}
	for _, lang := range []string{"es", "en"} {
		b, rerr := files.ReadFile(lang + ".json")
		if rerr != nil {
			err = fmt.Errorf("i18n: read %s: %w", lang, rerr)
			return
		}
		t := map[string]string{}
		if jerr := json.Unmarshal(b, &t); jerr != nil {
			err = fmt.Errorf("i18n: parse %s: %w", lang, jerr)
			return
		}
		tables[lang] = t
	}
}

// Label is the UI's text for key ("status.fulfilled") in lang (es or en),
// falling back to Spanish, then to ok=false.
func Label(lang, key string) (string, bool) {
	once.Do(load)
	if err != nil {
		return "", false
	}
	if s, ok := tables[lang][key]; ok {
		return s, true
	}
	s, ok := tables["es"][key]
	return s, ok
}
