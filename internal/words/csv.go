package words

import (
	"strings"

	ui "github.com/alianza-pe/alianza/ui/src/i18n"
)

// csvHeaders are the people's headers of export columns, by the column's
// field name; a column not listed keeps its own Spanish or English name.
var csvHeaders = Table{
	"id":                  {"ID", "ID"},
	"starts_at":           {"Inicio", "Start"},
	"duration_min":        {"Duración (min)", "Duration (min)"},
	"kind":                {"Tipo", "Kind"},
	"type":                {"Tipo", "Type"},
	"region":              {"Región", "Region"},
	"regions":             {"Regiones", "Regions"},
	"region_name":         {"Nombre de la región", "Region name"},
	"place":               {"Lugar", "Place"},
	"participants":        {"Participantes", "Participants"},
	"topics":              {"Temas", "Topics"},
	"summary":             {"Resumen", "Summary"},
	"agreements":          {"Acuerdos", "Agreements"},
	"next_steps":          {"Próximos pasos", "Next steps"},
	"stakeholder":         {"Actor", "Stakeholder"},
	"stakeholders":        {"Actores", "Stakeholders"},
	"stakeholder_kind":    {"Tipo de actor", "Stakeholder kind"},
	"text":                {"Compromiso", "Commitment"},
	"made_on":             {"Fecha del compromiso", "Made on"},
	"due_on":              {"Fecha límite", "Due on"},
	"status":              {"Estado", "Status"},
	"status_label":        {"Estado (texto)", "Status (text)"},
	"overdue":             {"Vencido", "Overdue"},
	"next_follow_up_on":   {"Próximo seguimiento", "Next follow-up"},
	"title":               {"Tarea", "Task"},
	"assignee":            {"Responsable", "Assignee"},
	"done":                {"Hecha", "Done"},
	"notes":               {"Notas", "Notes"},
	"name":                {"Nombre", "Name"},
	"emails":              {"Correos", "Emails"},
	"phones":              {"Teléfonos", "Phones"},
	"tags":                {"Etiquetas", "Tags"},
	"stance":              {"Postura", "Stance"},
	"influence":           {"Influencia", "Influence"},
	"party":               {"Partido", "Party"},
	"parliamentary_group": {"Bancada", "Parliamentary group"},
	"owner":               {"Responsable", "Owner"},
	"owner_id":            {"ID del responsable", "Owner ID"},
	"owner_name":          {"Responsable", "Owner"},
	"archived":            {"Archivado", "Archived"},
	"updated_at":          {"Actualizado", "Updated"},
	"date":                {"Fecha", "Date"},
	"from":                {"De", "From"},
	"subject":             {"Asunto", "Subject"},
	"direction":           {"Dirección", "Direction"},
	"unmatched":           {"Sin actor", "Unmatched"},
	"awaiting_reply":      {"Espera respuesta", "Awaiting reply"},
	"month":               {"Mes", "Month"},
	"count":               {"Cantidad", "Count"},
	"quarter":             {"Trimestre", "Quarter"},
	"audience":            {"Público", "Audience"},
	"audience_label":      {"Público (texto)", "Audience (text)"},
	"people":              {"Personas", "People"},
}

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

// csvFlags are the yes/no columns.
var csvFlags = map[string]bool{"overdue": true, "done": true, "archived": true, "unmatched": true, "awaiting_reply": true}

// CSVHeader is the people's header in l of an export column named own
// (its field name in EN, its Spanish name in ES).
func CSVHeader(own Text, l Lang) string {
	if h, ok := csvHeaders[own.EN]; ok {
		return h.In(l)
	}
	return own.In(l)
}

// yes is the wording of a true flag; a false one reads "No" in both.
var yes = Text{"Sí", "Yes"}

// CSVValue is the people's wording in l of a coded cell of an export's
// field, as the screens show it, or v itself.
func CSVValue(export, field, v string, l Lang) string {
	if csvFlags[field] && (v == "true" || v == "false") {
		if v == "false" {
			return "No"
		}
		return yes.In(l)
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
