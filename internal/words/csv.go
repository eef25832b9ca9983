package words

import (
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
	ui "github.com/alianza-pe/alianza/ui/src/i18n"
)

// csvEnums names the UI label group of coded columns, by export and field;
// each cell is looked up as group.value. Lists ("; "-joined) are split.
var csvEnums = map[string]string{
	"reuniones.kind":               "meeting_kind",
	"reuniones.topics":             "topic",
	"compromisos.type":             "ctype",
	"compromisos.status":           "status",
	"compromisos.stakeholder_kind": "kind",
	"stakeholders.kind":            "kind",
	"stakeholders.stance":          "stance",
	"stakeholders.influence":       "influence",
	"correos.status":               "mstatus",
}

// csvNamed are the coded columns whose names model keeps (the
// initiatives' kinds and stages, which the app reads from the API).
var csvNamed = map[string]func(code, lang string) string{
	"iniciativas.kind":  model.KindName,
	"iniciativas.stage": model.StageName,
}

// csvFlags are the yes/no columns.
var csvFlags = map[string]bool{"overdue": true, "done": true, "archived": true, "unmatched": true, "awaiting_reply": true}

// CSVHeader is the people's header in l of an export column named own
// (its field name in EN, its Spanish name in ES); a column the catalog does
// not list keeps its own name.
func CSVHeader(own Text, l Lang) string {
	if h, ok := csvHeaders[own.EN]; ok {
		return h.In(l)
	}
	return own.In(l)
}

// CSVValue is the people's wording in l of a coded cell of an export's
// field, as the screens show it, or v itself.
func CSVValue(export, field, v string, l Lang) string {
	if csvFlags[field] && (v == "true" || v == "false") {
		if v == "false" {
			return "No" // the same word in both languages
		}
		return Phrases.In("yes", l)
	}
	if name, ok := csvNamed[export+"."+field]; ok && v != "" {
		return name(v, string(l))
	}
	group, ok := csvEnums[export+"."+field]
	if !ok || v == "" {
		return v
	}
	parts := strings.Split(v, "; ")
	for i, p := range parts {
		if w, ok := ui.Label(string(l), group+"."+p); ok {
			parts[i] = w
		}
	}
	return strings.Join(parts, "; ")
}
