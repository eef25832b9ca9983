package words

import (
	"fmt"
	"strings"
)

// Field is the stable code and the people's wording of one English
// validation format used by model, store and api. The English formats stay
// in the code (logs, tests); clients get the code and the text.
type Field struct {
	Code   string
	ES, EN string
}

// fields is keyed by the English format given to Problems.Add or
// invalid. TestFieldsCoverEveryFormat reads the sources and fails when
// a format is missing here.
var fields = map[string]Field{
	"is required":                                              {"required", "Este dato es obligatorio.", "This is required."},
	"must not be empty":                                        {"required", "No puede quedar vacío.", "This cannot be empty."},
	"must be one of %s":                                        {"not_in_list", "Elige un valor de la lista.", "Choose a value from the list."},
	"must be a known region code":                              {"unknown_region", "Elige una región de la lista.", "Choose a region from the list."},
	"unknown region code %q":                                   {"unknown_region", "La región %q no existe.", "There is no region %q."},
	"must be a date (YYYY-MM-DD)":                              {"invalid_date", "Escribe una fecha válida (año-mes-día).", "Enter a valid date (year-month-day)."},
	"must be a date (YYYY-MM-DD) or an RFC 3339 time":          {"invalid_date", "Escribe una fecha válida (año-mes-día).", "Enter a valid date (year-month-day)."},
	"must be an RFC 3339 time, e.g. 2026-03-05T15:00:00Z":      {"invalid_time", "Escribe una fecha y hora válidas.", "Enter a valid date and time."},
	"must be a valid email address":                            {"invalid_email", "Escribe un correo válido, como nombre@dominio.pe.", "Enter a valid email address, like name@domain.pe."},
	"must be a 24-character hexadecimal id":                    {"invalid_id", "El enlace a este registro no es válido.", "The link to this record is not valid."},
	"must be an id":                                            {"invalid_id", "El enlace a este registro no es válido.", "The link to this record is not valid."},
	"must be a stakeholder id":                                 {"invalid_id", "Elige un actor de la lista.", "Choose a stakeholder from the list."},
	"must be true or false":                                    {"invalid_bool", "Debe ser sí o no.", "Must be yes or no."},
	"is too long":                                              {"too_long", "El texto es demasiado largo.", "The text is too long."},
	"must be at most %d characters":                            {"too_long", "Usa como máximo %d caracteres.", "Use at most %d characters."},
	"must be at most 20000 bytes":                              {"too_long", "El texto es demasiado largo.", "The text is too long."},
	"must be at least %d characters":                           {"too_short", "Usa al menos %d caracteres.", "Use at least %d characters."},
	"must list at most %d values":                              {"too_many", "Como máximo %d valores.", "At most %d values."},
	"must list at most %d messages":                            {"too_many", "Elige como máximo %d mensajes.", "Choose at most %d messages."},
	"must list at most 500 members":                            {"too_many", "Como máximo 500 integrantes.", "At most 500 members."},
	"must list at least one message":                           {"required", "Elige al menos un mensaje.", "Choose at least one message."},
	"must list at least one region code":                       {"required", "Elige al menos una región.", "Choose at least one region."},
	`must list at least one region code or "all"`:              {"required", "Elige al menos una región o «todas».", `Choose at least one region or "all".`},
	`"all" cannot be combined with region codes`:               {"all_with_regions", "«Todas» no se combina con regiones sueltas.", `"All" cannot be combined with single regions.`},
	"must be from 1 to %d minutes":                             {"out_of_range", "La duración debe ser de 1 a %d minutos.", "The duration must be from 1 to %d minutes."},
	"must be between 1 and 65535":                              {"out_of_range", "El puerto va de 1 a 65535.", "The port goes from 1 to 65535."},
	"must be a whole number from 1 to %d":                      {"out_of_range", "Debe ser un número entero de 1 a %d.", "Must be a whole number from 1 to %d."},
	"must look like 2021-2026":                                 {"invalid_period", "Escribe el periodo como 2021-2026.", "Write the period like 2021-2026."},
	"must not be before made_on":                               {"before_made_on", "La fecha límite no puede ser anterior a la reunión.", "The due date cannot be before the meeting."},
	"must not be before since":                                 {"before_since", "La fecha final no puede ser anterior a la inicial.", "The end date cannot be before the start date."},
	"must not be before from":                                  {"before_from", "La fecha final no puede ser anterior a la inicial.", "The end date cannot be before the start date."},
	"is listed twice":                                          {"duplicate", "Esta persona ya está en la lista.", "This person is already on the list."},
	"is set from the meeting; leave it out":                    {"set_by_meeting", "Se toma de la reunión; no lo indiques.", "It comes from the meeting; leave it out."},
	"is only for legislators":                                  {"only_legislators", "Solo corresponde a congresistas.", "Only for legislators."},
	"is only for oversight committees":                         {"only_committees", "Solo corresponde a comités de vigilancia.", "Only for oversight committees."},
	"must be one of the stakeholder's regions":                 {"region_not_listed", "Debe ser una de las regiones del actor.", "Must be one of the stakeholder's regions."},
	"must be another stakeholder":                              {"same_stakeholder", "Elige a otro actor.", "Choose another stakeholder."},
	"is outside your regions":                                  {"out_of_scope", "Esa región no está entre las tuyas.", "That region is not one of yours."},
	"region %s is outside your regions":                        {"out_of_scope", "La región %s no está entre las tuyas.", "Region %s is not one of yours."},
	"is required when no linked record gives one":              {"region_required", "Elige la región.", "Choose the region."},
	"is required: the stakeholder has no region in your scope": {"region_required", "Elige la región: el actor no tiene ninguna de las tuyas.", "Choose the region: the stakeholder has none of yours."},
	"no such stakeholder in your regions":                      {"not_found", "No hay ese actor en tus regiones.", "There is no such stakeholder in your regions."},
	"no such meeting in your regions":                          {"not_found", "No hay esa reunión en tus regiones.", "There is no such meeting in your regions."},
	"no such commitment in your regions":                       {"not_found", "No hay ese compromiso en tus regiones.", "There is no such commitment in your regions."},
	"no such message in your regions":                          {"not_found", "No hay ese mensaje en tus regiones.", "There is no such message in your regions."},
	"belongs to a stakeholder outside your regions; ask someone with access to both regions to add it": {"address_out_of_scope", "Pertenece a un actor de otra región; pide que la agregue alguien con acceso a ambas regiones.", "It belongs to a stakeholder in another region; ask someone with access to both regions to add it."},
	"no such user":                                  {"not_found", "Esa persona del equipo no existe.", "There is no such team member."},
	"is not a user":                                 {"not_found", "Esa persona del equipo no existe.", "There is no such team member."},
	"is not a stakeholder you can see":              {"not_found", "No hay ese actor en tus regiones.", "There is no such stakeholder in your regions."},
	"the stakeholder is archived":                   {"archived", "El actor está archivado.", "The stakeholder is archived."},
	"cannot be combined with mine=true":             {"conflicting_filters", "No se combina con «mis tareas».", `Cannot be combined with "my tasks".`},
	"give either stakeholder_id or new_stakeholder": {"choose_one", "Elige un actor existente o crea uno nuevo, no ambos.", "Choose an existing stakeholder or create a new one, not both."},
	"is one of the team's own addresses":            {"team_address", "Es una dirección del propio equipo.", "It is one of the team's own addresses."},
	"appears in correspondence outside your regions; ask an administrator to add it": {"address_out_of_scope",
		"Aparece en correos de otras regiones; pide a un administrador que la añada.", "It appears in mail from other regions; ask an administrator to add it."},
	"duplicates a stakeholder you may not edit; ask its owner or a manager": {"duplicate", "Repite un actor que no puedes editar; pide ayuda a su responsable o a un gestor.",
		"It repeats a stakeholder you may not edit; ask its owner or a manager."},
	"you cannot demote or disable your own account": {"own_account", "No puedes quitarte el rol ni desactivar tu propia cuenta.", "You cannot demote or disable your own account."},
	"none is only allowed to a loopback host (127.0.0.1, ::1, localhost)": {"tls_required",
		"Sin cifrado solo se permite hacia este mismo equipo (localhost).", "No encryption is only allowed to this same machine (localhost)."},
	"must not be empty (leave it out to keep the current one)": {"required", "No puede quedar vacía; déjala en blanco para conservar la actual.", "It cannot be empty; leave it blank to keep the current one."},
	"this mailbox is configured by environment (ALIANZA_IMAP_*) and cannot be changed here": {"env_mailbox",
		"Este buzón se configura en el servidor y no se cambia aquí.", "This mailbox is configured on the server and cannot be changed here."},
	"is required: paste the CSV with a header row": {"required", "Pega el CSV con una fila de encabezados.", "Paste the CSV with a header row."},
	"has more than %d rows; split the file":        {"too_many", "Tiene más de %d filas; divide el archivo.", "It has more than %d rows; split the file."},
	"has a header but no rows":                     {"empty_csv", "El CSV solo tiene encabezados, sin filas.", "The CSV has a header but no rows."},
	"no column is mapped to name":                  {"name_unmapped", "Indica qué columna tiene el nombre.", "Say which column holds the name."},
	"no such column in the header":                 {"unknown_column", "Esa columna no está en el encabezado.", "That column is not in the header."},
	"unknown field %q":                             {"unknown_field", "El campo %q no existe.", "There is no field %q."},

	// Text checks of every body, trainings, task links, erasure.
	"must be valid UTF-8 text":                              {"invalid_text", "El texto tiene caracteres no válidos.", "The text has invalid characters."},
	"must not contain control characters":                   {"control_characters", "El texto no puede llevar caracteres de control.", "The text cannot contain control characters."},
	"is only for meetings of kind training":                 {"only_trainings", "Solo corresponde a reuniones de tipo capacitación.", "Only for meetings of kind training."},
	"is required for a training: its audience and modality": {"training_required", "Indica el público y la modalidad de la capacitación.", "Give the training's audience and modality."},
	"must count at least one audience type":                 {"required", "Indica cuántas personas de al menos un público asistieron.", "Say how many people of at least one audience attended."},
	"must be from 1 to %d people":                           {"out_of_range", "Debe ser de 1 a %d personas.", "Must be from 1 to %d people."},
	"must list at most %d topics":                           {"too_many", "Como máximo %d temas.", "At most %d topics."},
	"must be a message id":                                  {"invalid_id", "El enlace al correo no es válido.", "The link to the message is not valid."},
	"type the stakeholder's name exactly as shown to confirm the erasure": {"confirm_name",
		"Escribe el nombre del actor tal como aparece para confirmar el borrado.", "Type the stakeholder's name exactly as shown to confirm the erasure."},
	// Password rules (model.PasswordProblem, passed as "%s").
	"must not be only spaces":                           {"password_blank", "La contraseña no puede ser solo espacios.", "The password cannot be only spaces."},
	"must be at least 12 characters (too short)":        {"password_too_short", "La contraseña debe tener al menos 12 caracteres.", "The password must have at least 12 characters."},
	"must be at most 256 characters":                    {"password_too_long", "La contraseña puede tener como máximo 256 caracteres.", "The password can have at most 256 characters."},
	"is too common; choose a less guessable passphrase": {"password_too_common", "Esa contraseña es demasiado común; elige una frase más difícil de adivinar.", "That password is too common; choose a less guessable passphrase."},
}

// Problems are the codes and wording of problems that are not about
// one input field (idempotency, throttles).
var Problems = Table{
	"idempotency_key_reused":  {"Esta clave de reintento ya se usó con otros datos; vuelve a guardar.", "This retry key was already used with different data; save again."},
	"idempotency_in_flight":   {"El primer intento todavía se está guardando; espera un momento.", "The first attempt is still being saved; wait a moment."},
	"idempotency_key_invalid": {"La clave de reintento es demasiado larga.", "The retry key is too long."},
	"validation":              {"Revisa los campos marcados.", "Check the marked fields."},
	"login_throttled":         {"Demasiados intentos fallidos de ingreso. Espera antes de volver a intentarlo.", "Too many failed sign-in attempts. Wait before trying again."},
	"login_unavailable": {"El ingreso no está disponible por un momento porque no se pueden contar los intentos. Inténtalo de nuevo en breve.",
		"Sign-in is unavailable for a moment because attempts cannot be counted. Try again shortly."},
}

// StatusDetails explain the statuses of sentinel errors.
var StatusDetails = map[int]Text{
	400: {"El enlace de la página ya no vale; vuelve a la primera página.", "The cursor parameter is not valid; start again from the first page."},
	401: {"Ingresa de nuevo: la sesión terminó.", "Sign in to continue: the access token is missing, invalid or expired."},
	403: {"Tu rol no permite esta acción.", "Your role does not allow this action."},
	404: {"El registro no existe o está fuera de tus regiones.", "The record does not exist or is outside your regions."},
	409: {"Otra persona cambió este registro; vuelve a cargarlo e inténtalo de nuevo.", "Someone else changed this record; reload it and try again."},
	500: {"Algo falló de nuestro lado; el error quedó registrado.", "Something went wrong on our side; the error was logged."},
}

// Duplicate explains a unique-key conflict.
var Duplicate = Text{"Ya existe un registro con ese mismo dato único.", "A record with the same unique value already exists."}

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
