package api

import (
	"strings"

	"github.com/alianza-pe/alianza/ui/src/i18n"
)

// csvHeaders are the people's headers of export columns, by the column's
// field name; a column not listed keeps its own Spanish or English name.
var csvHeaders = map[string][2]string{
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

func csvHeader[T any](col column[T], lng string) string {
	h, ok := csvHeaders[col.en]
	switch {
	case !ok && lng == "es":
		return col.es
	case !ok:
		return col.en
	case lng == "en":
		return h[1]
	}
	return h[0]
}

// csvValue is the people's wording of a coded cell, or v itself.
func csvValue(export, field, v, lng string) string {
	if csvFlags[field] && (v == "true" || v == "false") {
		if v == "false" {
			return "No"
		}
		if lng == "en" {
			return "Yes"
		}
		return "Sí"
	}
	group, ok := csvEnums[export+"."+field]
	if !ok || v == "" {
		return v
	}
	parts := strings.Split(v, "; ")
	for i, p := range parts {
		if l, ok := i18n.Label(lng, group+"."+p); ok {
			parts[i] = l
		}
	}
	return strings.Join(parts, "; ")
}
