package words

// personalPage is the wording of the personal-data page (Ley 29733).
var personalPage = Table{
	"title":       {"Datos personales que guarda Alianza", "Personal data held by Alianza"},
	"record":      {"Ficha", "Record"},
	"meetings":    {"Reuniones", "Meetings"},
	"commitments": {"Compromisos", "Commitments"},
	"tasks":       {"Tareas", "Tasks"},
	"messages":    {"Correspondencia", "Correspondence"},
	"audit":       {"Historial de cambios", "Change history"},
	"none":        {"Ninguno", "None"},
	"name":        {"Nombre", "Name"},
	"kind":        {"Tipo", "Kind"},
	"emails":      {"Correos", "Email addresses"},
	"phones":      {"Teléfonos", "Phones"},
	"regions":     {"Regiones", "Regions"},
	"tags":        {"Etiquetas", "Tags"},
	"notes":       {"Notas", "Notes"},
	"stance":      {"Postura", "Stance"},
	"influence":   {"Influencia", "Influence"},
	"when":        {"Fecha", "When"},
	"what":        {"Qué", "What"},
	"status":      {"Estado", "Status"},
	"from":        {"De", "From"},
	"to":          {"Para", "To"},
	"subject":     {"Asunto", "Subject"},
	"by":          {"Por", "By"},
	"fields":      {"Campos cambiados", "Fields changed"},
}

// PersonalPage is the personal-data page's wording in l by key, with its
// language under "lang", for the page's template.
func PersonalPage(l Lang) map[string]string {
	out := map[string]string{"lang": string(l)}
	for k, w := range personalPage {
		out[k] = w.In(l)
	}
	return out
}
