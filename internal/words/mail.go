package words

// Digest is the wording of the email digest.
var Digest = Table{
	"overdue":    {"Vencido", "Overdue"},
	"due_today":  {"Vence hoy", "Due today"},
	"due_soon":   {"Por vencer", "Coming due"},
	"commitment": {"Compromiso", "Commitment"},
	"task":       {"Tarea", "Task"},
	"due":        {"vence", "due"},
	"intro":      {"Hola, %s: estos son sus compromisos y tareas vencidos y por vencer.", "Hello %s, these are your overdue and upcoming commitments and tasks."},
	"footer":     {"Recibe este resumen porque lo pidió en Alianza. Puede cambiarlo en su perfil: %s", "You receive this summary because you asked for it in Alianza. Change it in your profile: %s"},
	"no_region":  {"Sin región", "No region"},
}

// Calendar is the wording of event titles in calendar feeds.
var Calendar = Table{
	"meeting":    {"Reunión", "Meeting"},
	"commitment": {"Vence compromiso", "Commitment due"},
	"task":       {"Vence tarea", "Task due"},
	"training":   {"Capacitación", "Training"},
}
