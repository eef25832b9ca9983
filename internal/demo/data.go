// Package demo holds the embedded demo dataset (obviously fictional people
// and institutions in Spanish, across the six program regions and the
// national level), its idempotent loader, and the scaled reference dataset
// generator the benchmarks use.
package demo

import (
	"crypto/sha256"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Password is every demo user's password.
const Password = "alianza-demo-2026"

// ID derives a fixed ObjectID from a stable key, so loading the dataset twice
// finds the same records instead of adding copies.
func ID(key string) bson.ObjectID {
	h := sha256.Sum256([]byte("alianza-demo/" + key))
	var id bson.ObjectID
	copy(id[:], h[:12])
	return id
}

// User is a demo account.
type User struct {
	Key, Email, Name, Role string
	Regions                []string
}

// Users are the demo accounts; all share Password.
var Users = []User{
	{"manager_cusco", "manager.cusco@alianza.test", "Gestora Demo Inés Choque (ficticia)", model.RoleManager, []string{"08"}},
	{"officer_loreto", "officer.loreto@alianza.test", "Oficial Demo Raúl Pinedo (ficticio)", model.RoleOfficer, []string{"16"}},
	{"viewer", "viewer@alianza.test", "Lectora Demo Marta Salas (ficticia)", model.RoleViewer, []string{model.AllRegions}},
	// Owners of the records of the other regions, so every record has a plausible owner.
	{"manager_lima", "manager.lima@alianza.test", "Gestor Demo Óscar Benavides (ficticio)", model.RoleManager, []string{"15", model.National}},
	{"officer_sur", "officer.sur@alianza.test", "Oficial Demo Julia Mendoza (ficticia)", model.RoleOfficer, []string{"04", "17", "21"}},
}

// ownerByRegion is which demo user owns a region's records.
var ownerByRegion = map[string]string{
	"08": "manager_cusco", "16": "officer_loreto", "15": "manager_lima", model.National: "manager_lima",
	"04": "officer_sur", "17": "officer_sur", "21": "officer_sur", "11": "manager_lima",
}

// ProgramRegions are the regions the demo covers, national level last.
var ProgramRegions = []string{"08", "15", "16", "17", "21", "04", model.National}

type rel struct{ to, kind, role, since string }

// actor is one demo stakeholder.
type actor struct {
	key, kind, name string
	regions         []string
	stance, infl    string
	tags            []string
	notes           string
	// legislators
	chamber, period, group, party, district string
	committees                              []string
	// oversight committees
	committeeRegion, coordinator string
	members                      []string
	rels                         []rel
	archived                     bool
}

const (
	leg = model.KindLegislator
	com = model.KindOversightCommittee
	ins = model.KindInstitution
	org = model.KindOrganization
	per = model.KindPerson
)

// actors is the demo's cast. Every name says "Demo" and "(ficticio/a)".
var actors = []actor{
	// Legislators of the 2021-2026 Congress.
	{key: "leg-rosa-quispe", kind: leg, name: "Congresista Demo Rosa Quispe (ficticia)", regions: []string{"08"}, stance: "champion", infl: "high", tags: []string{"trata", "presupuesto"},
		chamber: "congress", period: "2021-2026", group: "Bancada Demo Andina", party: "Partido Demo Solidario", district: "08", committees: []string{"Mujer y Familia", "Presupuesto"}},
	{key: "leg-julio-huaman", kind: leg, name: "Congresista Demo Julio Huamán (ficticio)", regions: []string{"08"}, stance: "supporter", infl: "medium", tags: []string{"trata"},
		chamber: "congress", period: "2021-2026", group: "Bancada Demo Progreso", party: "Partido Demo Progreso", district: "08", committees: []string{"Justicia"}},
	{key: "leg-carmen-vargas", kind: leg, name: "Congresista Demo Carmen Vargas (ficticia)", regions: []string{"15"}, stance: "supporter", infl: "high", tags: []string{"legislación"},
		chamber: "congress", period: "2021-2026", group: "Bancada Demo Costa", party: "Partido Demo Ciudadano", district: "15", committees: []string{"Justicia", "Mujer y Familia"}},
	{key: "leg-luis-paredes", kind: leg, name: "Congresista Demo Luis Paredes (ficticio)", regions: []string{"15"}, stance: "neutral", infl: "medium",
		chamber: "congress", period: "2021-2026", group: "Bancada Demo Costa", party: "Partido Demo Ciudadano", district: "15", committees: []string{"Presupuesto"}},
	{key: "leg-ana-tapia", kind: leg, name: "Congresista Demo Ana Tapia (ficticia)", regions: []string{"16"}, stance: "champion", infl: "high", tags: []string{"trata", "amazonía"},
		chamber: "congress", period: "2021-2026", group: "Bancada Demo Amazónica", party: "Partido Demo Selva", district: "16", committees: []string{"Mujer y Familia"}},
	{key: "leg-pedro-shuna", kind: leg, name: "Congresista Demo Pedro Shuña (ficticio)", regions: []string{"16"}, stance: "unknown", infl: "low",
		chamber: "congress", period: "2021-2026", group: "Bancada Demo Amazónica", party: "Partido Demo Selva", district: "16"},
	{key: "leg-elena-cardenas", kind: leg, name: "Congresista Demo Elena Cárdenas (ficticia)", regions: []string{"17"}, stance: "supporter", infl: "medium", tags: []string{"minería ilegal"},
		chamber: "congress", period: "2021-2026", group: "Bancada Demo Sur", party: "Partido Demo Regional", district: "17", committees: []string{"Energía y Minas"}},
	{key: "leg-mario-condori", kind: leg, name: "Congresista Demo Mario Condori (ficticio)", regions: []string{"21"}, stance: "neutral", infl: "medium",
		chamber: "congress", period: "2021-2026", group: "Bancada Demo Altiplano", party: "Partido Demo Regional", district: "21", committees: []string{"Justicia"}},
	{key: "leg-sonia-mamani", kind: leg, name: "Congresista Demo Sonia Mamani (ficticia)", regions: []string{"21"}, stance: "opponent", infl: "low",
		chamber: "congress", period: "2021-2026", group: "Bancada Demo Altiplano", party: "Partido Demo Altiplano", district: "21"},
	{key: "leg-jorge-zegarra", kind: leg, name: "Congresista Demo Jorge Zegarra (ficticio)", regions: []string{"04"}, stance: "supporter", infl: "high", tags: []string{"presupuesto"},
		chamber: "congress", period: "2021-2026", group: "Bancada Demo Sur", party: "Partido Demo Regional", district: "04", committees: []string{"Presupuesto"}},
	// The bicameral Congress from July 2026.
	{key: "sen-patricia-rios", kind: leg, name: "Senadora Demo Patricia Ríos (ficticia)", regions: []string{"15", model.National}, stance: "champion", infl: "high", tags: []string{"trata", "legislación"},
		chamber: "senate", period: "2026-2031", group: "Bancada Demo Ciudadana", party: "Partido Demo Ciudadano", district: model.National, committees: []string{"Mujer y Familia"}},
	{key: "dip-walter-ccori", kind: leg, name: "Diputado Demo Walter Ccori (ficticio)", regions: []string{"08"}, stance: "unknown", infl: "medium",
		chamber: "deputies", period: "2026-2031", group: "Bancada Demo Andina", party: "Partido Demo Solidario", district: "08"},

	// Institutions.
	{key: "ins-fiscalia-cusco", kind: ins, name: "Fiscalía Demo Especializada de Cusco (ficticia)", regions: []string{"08"}, stance: "supporter", infl: "high", tags: []string{"persecución"}},
	{key: "ins-gore-puno", kind: ins, name: "Gobierno Regional Demo de Puno (ficticio)", regions: []string{"21"}, stance: "neutral", infl: "high", tags: []string{"plan regional"}},
	{key: "ins-defensoria-loreto", kind: ins, name: "Defensoría Demo de Loreto (ficticia)", regions: []string{"16"}, stance: "supporter", infl: "medium"},
	{key: "ins-policia-mdd", kind: ins, name: "Policía Demo de Madre de Dios (ficticia)", regions: []string{"17"}, stance: "neutral", infl: "medium", tags: []string{"persecución"}},
	{key: "ins-ministerio-mujer", kind: ins, name: "Ministerio Demo de la Mujer (ficticio)", regions: []string{model.National}, stance: "supporter", infl: "high", tags: []string{"política nacional"}},
	{key: "ins-gore-arequipa", kind: ins, name: "Gobierno Regional Demo de Arequipa (ficticio)", regions: []string{"04"}, stance: "neutral", infl: "medium"},

	// Organizations.
	{key: "org-warmi", kind: org, name: "Asociación Demo Warmi Kallpa (ficticia)", regions: []string{"08", "21"}, stance: "champion", infl: "medium", tags: []string{"protección de víctimas"}},
	{key: "org-red-amazonica", kind: org, name: "Red Demo Amazónica contra la Trata (ficticia)", regions: []string{"16", "17"}, stance: "champion", infl: "medium"},
	{key: "org-colegio-abogados", kind: org, name: "Colegio Demo de Abogados de Lima (ficticio)", regions: []string{"15"}, stance: "neutral", infl: "low"},

	// People.
	{key: "per-lucia-ccahuana", kind: per, name: "Lucía Ccahuana Demo (ficticia)", regions: []string{"08"}, stance: "supporter", infl: "medium",
		rels: []rel{{"leg-rosa-quispe", "advises", "Asesora legislativa", "2023-03-01"}}},
	{key: "per-nelida-apaza", kind: per, name: "Nélida Apaza Demo (ficticia)", regions: []string{"21"}, stance: "champion", infl: "medium",
		rels: []rel{{"com-puno", "coordinates", "Coordinadora", "2024-01-15"}, {"org-warmi", "works_for", "Promotora", "2022-06-01"}}},
	{key: "per-hector-ramos", kind: per, name: "Héctor Ramos Demo (ficticio)", regions: []string{"08"}, stance: "supporter", infl: "low",
		rels: []rel{{"com-cusco", "coordinates", "Coordinador", "2024-02-01"}}},
	{key: "per-rita-sangama", kind: per, name: "Rita Sangama Demo (ficticia)", regions: []string{"16"}, stance: "champion", infl: "medium",
		rels: []rel{{"com-loreto", "coordinates", "Coordinadora", "2023-09-10"}, {"org-red-amazonica", "works_for", "Coordinadora de proyectos", "2021-05-01"}}},
	{key: "per-david-huarcaya", kind: per, name: "David Huarcaya Demo (ficticio)", regions: []string{"15"}, stance: "neutral", infl: "low",
		rels: []rel{{"com-lima", "coordinates", "Coordinador", "2024-04-01"}}},
	{key: "per-gloria-aguirre", kind: per, name: "Gloria Aguirre Demo (ficticia)", regions: []string{"17"}, stance: "supporter", infl: "low",
		rels: []rel{{"com-mdd", "coordinates", "Coordinadora", "2024-05-20"}}},
	{key: "per-tomas-pari", kind: per, name: "Tomás Pari Demo (ficticio)", regions: []string{"04"}, stance: "supporter", infl: "low",
		rels: []rel{{"com-arequipa", "coordinates", "Coordinador", "2024-03-03"}}},
	{key: "per-sara-villanueva", kind: per, name: "Sara Villanueva Demo (ficticia)", regions: []string{"15", model.National}, stance: "supporter", infl: "medium",
		rels: []rel{{"sen-patricia-rios", "advises", "Jefa de despacho", "2026-07-28"}}},
	{key: "per-ivan-tello", kind: per, name: "Iván Tello Demo (ficticio)", regions: []string{"16"}, stance: "neutral", infl: "low",
		rels: []rel{{"ins-defensoria-loreto", "works_for", "Comisionado", "2020-01-01"}, {"com-loreto", "member_of", "Integrante", "2023-09-10"}}},
	{key: "per-carla-mamani", kind: per, name: "Carla Mamani Demo (ficticia)", regions: []string{"21"}, stance: "supporter", infl: "low",
		rels: []rel{{"com-puno", "member_of", "Integrante", "2024-01-15"}}},
	{key: "per-fredy-quispe", kind: per, name: "Fredy Quispe Demo (ficticio)", regions: []string{"08"}, stance: "unknown", infl: "low",
		rels: []rel{{"ins-fiscalia-cusco", "works_for", "Fiscal adjunto", "2019-04-01"}, {"com-cusco", "member_of", "Integrante", "2024-02-01"}}},

	// Civil-society oversight committees, one per program region, and an archived one.
	{key: "com-cusco", kind: com, name: "Comité Demo de Vigilancia de Cusco (ficticio)", regions: []string{"08"}, stance: "champion", infl: "medium",
		committeeRegion: "08", coordinator: "per-hector-ramos", members: []string{"per-hector-ramos", "per-fredy-quispe", "per-lucia-ccahuana"}},
	{key: "com-lima", kind: com, name: "Comité Demo de Vigilancia de Lima (ficticio)", regions: []string{"15"}, stance: "supporter", infl: "medium",
		committeeRegion: "15", coordinator: "per-david-huarcaya", members: []string{"per-david-huarcaya"}},
	{key: "com-loreto", kind: com, name: "Comité Demo de Vigilancia de Loreto (ficticio)", regions: []string{"16"}, stance: "champion", infl: "high",
		committeeRegion: "16", coordinator: "per-rita-sangama", members: []string{"per-rita-sangama", "per-ivan-tello"}},
	{key: "com-mdd", kind: com, name: "Comité Demo de Vigilancia de Madre de Dios (ficticio)", regions: []string{"17"}, stance: "supporter", infl: "medium",
		committeeRegion: "17", coordinator: "per-gloria-aguirre", members: []string{"per-gloria-aguirre"}},
	{key: "com-puno", kind: com, name: "Comité Demo de Vigilancia de Puno (ficticio)", regions: []string{"21"}, stance: "champion", infl: "medium",
		committeeRegion: "21", coordinator: "per-nelida-apaza", members: []string{"per-nelida-apaza", "per-carla-mamani"}},
	{key: "com-arequipa", kind: com, name: "Comité Demo de Vigilancia de Arequipa (ficticio)", regions: []string{"04"}, stance: "neutral", infl: "low",
		committeeRegion: "04", coordinator: "per-tomas-pari", members: []string{"per-tomas-pari"}},
	{key: "com-ica-archivado", kind: com, name: "Comité Demo de Vigilancia de Ica (archivado, ficticio)", regions: []string{"11"}, stance: "unknown", infl: "low",
		committeeRegion: "11", archived: true, notes: "Dejó de reunirse en 2025."},
}

// Who takes part in a region's meetings, most frequent first.
var regionCast = map[string][]string{
	"08":           {"leg-rosa-quispe", "com-cusco", "ins-fiscalia-cusco", "leg-julio-huaman", "org-warmi", "per-lucia-ccahuana", "dip-walter-ccori", "sen-patricia-rios"},
	"15":           {"leg-carmen-vargas", "com-lima", "sen-patricia-rios", "leg-luis-paredes", "org-colegio-abogados", "per-sara-villanueva"},
	"16":           {"leg-ana-tapia", "com-loreto", "ins-defensoria-loreto", "org-red-amazonica", "leg-pedro-shuna", "per-ivan-tello"},
	"17":           {"com-mdd", "leg-elena-cardenas", "ins-policia-mdd", "org-red-amazonica", "per-gloria-aguirre"},
	"21":           {"ins-gore-puno", "com-puno", "leg-mario-condori", "org-warmi", "leg-sonia-mamani", "per-carla-mamani"},
	"04":           {"leg-jorge-zegarra", "com-arequipa", "ins-gore-arequipa", "per-tomas-pari"},
	model.National: {"ins-ministerio-mujer", "sen-patricia-rios", "leg-carmen-vargas", "per-sara-villanueva"},
	"11":           {"com-ica-archivado"},
}

// meetingPlan is one demo meeting: days before today, region, kind, who (keys
// from regionCast), topics and what was said.
type meetingPlan struct {
	daysAgo int
	region  string
	kind    string
	cast    []string
	topics  []string
	summary string
}

// meetings are the demo's ~40 meetings over the last six months.
var meetings = []meetingPlan{
	{3, "08", "in_person", []string{"leg-rosa-quispe", "per-lucia-ccahuana"}, []string{"legislation", "budget"}, "Revisión del proyecto de ley de presupuesto para la protección de víctimas."},
	{5, "16", "virtual", []string{"com-loreto", "per-ivan-tello"}, []string{"victim_protection"}, "El comité presentó su informe de vigilancia del albergue temporal."},
	{6, "15", "in_person", []string{"sen-patricia-rios", "per-sara-villanueva"}, []string{"legislation"}, "Presentación de la agenda legislativa del Senado sobre trata de personas."},
	{8, "21", "event", []string{"ins-gore-puno", "com-puno", "org-warmi"}, []string{"regional_plan", "coordination"}, "Mesa regional de lucha contra la trata en Puno."},
	{10, "17", "in_person", []string{"ins-policia-mdd", "com-mdd"}, []string{"prosecution"}, "Coordinación de operativos y derivación de casos."},
	{12, "08", "call", []string{"ins-fiscalia-cusco"}, []string{"prosecution", "data_reporting"}, "Seguimiento de casos fiscales y registro de datos."},
	{14, "04", "in_person", []string{"leg-jorge-zegarra", "com-arequipa"}, []string{"budget"}, "Propuesta de enmienda presupuestal para Arequipa."},
	{17, model.National, "virtual", []string{"ins-ministerio-mujer", "sen-patricia-rios"}, []string{"coordination", "legislation"}, "Coordinación con el Ministerio sobre el reglamento de la ley."},
	{19, "16", "training", []string{"org-red-amazonica", "ins-defensoria-loreto"}, []string{"training", "prevention"}, "Taller de prevención para docentes en Iquitos."},
	{22, "08", "in_person", []string{"com-cusco", "leg-julio-huaman"}, []string{"victim_protection"}, "Visita del comité de vigilancia al centro de atención residencial."},
	{25, "15", "in_person", []string{"leg-carmen-vargas", "org-colegio-abogados"}, []string{"legislation"}, "Comentarios técnicos al dictamen de la Comisión de Justicia."},
	{28, "21", "in_person", []string{"leg-mario-condori", "per-carla-mamani"}, []string{"regional_plan"}, "Reunión sobre el plan regional de Puno."},
	{31, "17", "virtual", []string{"leg-elena-cardenas"}, []string{"prevention", "budget"}, "Prevención de trata en zonas de minería ilegal."},
	{35, "16", "in_person", []string{"leg-ana-tapia", "com-loreto"}, []string{"legislation", "victim_protection"}, "Audiencia pública con la congresista y el comité."},
	{38, "08", "event", []string{"org-warmi", "com-cusco", "dip-walter-ccori"}, []string{"prevention"}, "Feria informativa en la plaza de armas."},
	{42, "04", "call", []string{"ins-gore-arequipa"}, []string{"regional_plan"}, "Llamada sobre la ordenanza regional."},
	{46, "15", "virtual", []string{"com-lima", "leg-luis-paredes"}, []string{"budget"}, "El comité pidió información sobre la ejecución presupuestal."},
	{50, model.National, "in_person", []string{"ins-ministerio-mujer"}, []string{"data_reporting"}, "Revisión de indicadores nacionales."},
	{55, "21", "training", []string{"com-puno", "org-warmi"}, []string{"training"}, "Capacitación a integrantes del comité de vigilancia."},
	{60, "08", "in_person", []string{"leg-rosa-quispe", "ins-fiscalia-cusco"}, []string{"prosecution", "legislation"}, "Reunión sobre la especialización fiscal en trata."},
	{64, "16", "call", []string{"leg-pedro-shuna"}, []string{"coordination"}, "Primera llamada con el despacho del congresista."},
	{68, "17", "in_person", []string{"com-mdd", "org-red-amazonica"}, []string{"victim_protection"}, "Seguimiento a la ruta de atención a víctimas."},
	{72, "15", "in_person", []string{"sen-patricia-rios"}, []string{"legislation"}, "Reunión con la entonces candidata sobre prioridades legislativas."},
	{77, "04", "in_person", []string{"leg-jorge-zegarra", "per-tomas-pari"}, []string{"budget", "regional_plan"}, "Presupuesto participativo y comité de vigilancia."},
	{82, "21", "virtual", []string{"leg-sonia-mamani"}, []string{"legislation"}, "Diálogo sobre las objeciones al proyecto de ley."},
	{88, "08", "virtual", []string{"com-cusco", "per-hector-ramos"}, []string{"data_reporting"}, "Informe trimestral del comité de Cusco."},
	{93, "16", "event", []string{"ins-defensoria-loreto", "com-loreto", "leg-ana-tapia"}, []string{"prevention", "coordination"}, "Foro regional amazónico contra la trata."},
	{99, model.National, "virtual", []string{"ins-ministerio-mujer", "leg-carmen-vargas"}, []string{"budget"}, "Presupuesto del programa nacional de protección."},
	{105, "17", "call", []string{"ins-policia-mdd"}, []string{"prosecution"}, "Llamada sobre la unidad especializada de la policía."},
	{111, "15", "in_person", []string{"leg-carmen-vargas", "com-lima"}, []string{"legislation"}, "Presentación del comité de vigilancia de Lima a la congresista."},
	{118, "21", "in_person", []string{"ins-gore-puno", "leg-mario-condori"}, []string{"budget", "regional_plan"}, "Financiamiento del plan regional de Puno."},
	{125, "08", "in_person", []string{"leg-rosa-quispe", "com-cusco"}, []string{"legislation"}, "Audiencia descentralizada en Cusco."},
	{131, "04", "virtual", []string{"com-arequipa"}, []string{"training"}, "Sesión de inducción del comité de Arequipa."},
	{138, "16", "in_person", []string{"leg-ana-tapia", "org-red-amazonica"}, []string{"legislation", "prevention"}, "Propuesta de ley sobre trata en zonas de frontera."},
	{145, "15", "event", []string{"org-colegio-abogados", "leg-luis-paredes"}, []string{"prosecution"}, "Conversatorio sobre la tipificación del delito."},
	{152, "17", "in_person", []string{"leg-elena-cardenas", "com-mdd"}, []string{"coordination"}, "Reunión de coordinación en Puerto Maldonado."},
	{160, "08", "in_person", []string{"leg-julio-huaman", "ins-fiscalia-cusco"}, []string{"prosecution"}, "Revisión de la carga fiscal en Cusco."},
	{167, "21", "call", []string{"com-puno"}, []string{"victim_protection"}, "Llamada de seguimiento a casos derivados."},
	{172, "11", "in_person", []string{"com-ica-archivado"}, []string{"coordination"}, "Última reunión del comité de Ica antes de archivarse."},
	{176, model.National, "in_person", []string{"sen-patricia-rios", "ins-ministerio-mujer"}, []string{"legislation"}, "Mesa técnica sobre la política nacional."},
}

// commitmentPlan is one demo commitment: which meeting it came from (index in
// meetings), who committed, what, its status path, and when it falls due
// (days after it was made).
type commitmentPlan struct {
	meeting     int
	stakeholder string
	kind        string
	text        string
	path        []string // statuses after pending, in order
	dueIn       int
}

// commitments cover every status; with the meetings' dates some are overdue.
var commitments = []commitmentPlan{
	{0, "leg-rosa-quispe", "budget", "Presentar una enmienda para financiar la casa refugio de Cusco.", nil, 30},
	{2, "sen-patricia-rios", "legislative", "Impulsar el dictamen del proyecto de ley en la comisión.", []string{model.StatusInProgress}, 45},
	{3, "ins-gore-puno", "coordination", "Convocar la mesa regional cada dos meses.", []string{model.StatusInProgress, model.StatusFulfilled}, 20},
	{3, "com-puno", "oversight", "Vigilar la ejecución del plan regional en Juliaca.", nil, 60},
	{4, "ins-policia-mdd", "coordination", "Compartir el protocolo de derivación con la fiscalía.", nil, 7},
	{6, "leg-jorge-zegarra", "budget", "Pedir información al gobierno regional sobre el presupuesto.", []string{model.StatusInProgress}, 10},
	{7, "ins-ministerio-mujer", "coordination", "Enviar el borrador del reglamento para comentarios.", []string{model.StatusFulfilled}, 15},
	{9, "com-cusco", "oversight", "Entregar el informe de la visita en un mes.", []string{model.StatusInProgress}, 14},
	{10, "leg-carmen-vargas", "legislative", "Incluir los comentarios en el texto sustitutorio.", []string{model.StatusPartiallyFulfilled}, 20},
	{11, "leg-mario-condori", "public_statement", "Pronunciarse públicamente a favor del plan regional.", nil, 14},
	{12, "leg-elena-cardenas", "legislative", "Presentar un pedido de información al Ministerio de Energía y Minas.", []string{model.StatusInProgress}, 21},
	{13, "leg-ana-tapia", "legislative", "Presentar el proyecto de ley de protección en zonas de frontera.", []string{model.StatusInProgress, model.StatusFulfilled}, 30},
	{13, "com-loreto", "oversight", "Publicar el informe de vigilancia del albergue.", nil, 15},
	{16, "com-lima", "oversight", "Solicitar por escrito la información presupuestal.", []string{model.StatusFulfilled}, 10},
	{16, "leg-luis-paredes", "public_statement", "Declarar en el pleno sobre el presupuesto del programa.", []string{model.StatusWithdrawn}, 30},
	{19, "leg-rosa-quispe", "legislative", "Pedir la creación de una fiscalía especializada en Cusco.", []string{model.StatusInProgress, model.StatusFulfilled}, 40},
	{19, "ins-fiscalia-cusco", "coordination", "Designar un enlace para el comité de vigilancia.", []string{model.StatusFulfilled}, 10},
	{20, "leg-pedro-shuna", "other", "Recibir al comité de Loreto en su despacho.", []string{model.StatusNotFulfilled}, 30},
	{22, "sen-patricia-rios", "public_statement", "Incluir la trata en su plan de trabajo como senadora.", []string{model.StatusFulfilled}, 60},
	{23, "leg-jorge-zegarra", "budget", "Gestionar recursos para el comité de Arequipa.", []string{model.StatusInProgress, model.StatusPartiallyFulfilled}, 45},
	{24, "leg-sonia-mamani", "other", "Revisar la exposición de motivos.", []string{model.StatusNotFulfilled}, 20},
	{26, "leg-ana-tapia", "public_statement", "Intervenir en el foro con una propuesta concreta.", []string{model.StatusFulfilled}, 1},
	{27, "leg-carmen-vargas", "budget", "Defender el presupuesto en la Comisión de Presupuesto.", []string{model.StatusInProgress}, 60},
	{29, "com-lima", "oversight", "Hacer seguimiento trimestral al dictamen.", nil, 90},
	{30, "leg-mario-condori", "budget", "Pedir una ampliación presupuestal para el plan regional.", []string{model.StatusInProgress, model.StatusNotFulfilled}, 60},
	{31, "leg-rosa-quispe", "oversight", "Citar a la fiscalía a la comisión.", []string{model.StatusPartiallyFulfilled}, 30},
	{33, "leg-ana-tapia", "legislative", "Coordinar con la Cancillería la parte de frontera.", []string{model.StatusWithdrawn}, 30},
	{35, "leg-elena-cardenas", "coordination", "Visitar Puerto Maldonado con el comité.", []string{model.StatusFulfilled}, 30},
	{36, "leg-julio-huaman", "oversight", "Solicitar el informe de carga fiscal.", []string{model.StatusInProgress}, 60},
	{38, "com-ica-archivado", "oversight", "Enviar el acta de cierre.", []string{model.StatusFulfilled}, 10},
	// The senator also committed at the national level: she counts once in the
	// total of legislators and in both regions (Lima and NAC).
	{39, "sen-patricia-rios", "legislative", "Presentar la política nacional en una audiencia pública.", []string{model.StatusInProgress}, 200},
}

// taskPlan is one demo follow-up: which commitment it follows (index in
// commitments, -1 none) or meeting, its title, due date relative to today,
// and whether it is done.
type taskPlan struct {
	commitment, meeting int
	title               string
	dueFromToday        int
	done                bool
}

var tasks = []taskPlan{
	{0, 0, "Enviar a la congresista la propuesta de enmienda.", 3, false},
	{1, 2, "Preparar nota técnica para el dictamen.", -2, false},
	{4, 4, "Llamar a la policía por el protocolo.", -5, false},
	{5, 6, "Pedir al gobierno regional la ejecución presupuestal.", 7, false},
	{7, 9, "Recordar al comité el plazo del informe.", -1, false},
	{8, 10, "Revisar el texto sustitutorio.", -10, true},
	{9, 11, "Coordinar la conferencia de prensa.", -3, false},
	{11, 13, "Compartir la propuesta con la red amazónica.", -20, true},
	{12, 13, "Pedir el borrador del informe de vigilancia.", 5, false},
	{13, 16, "Archivar la respuesta escrita.", -30, true},
	{-1, 18, "Enviar certificados del taller.", -40, true},
	{-1, 1, "Subir el informe del comité a la carpeta compartida.", 2, false},
	{22, 27, "Preparar datos para la Comisión de Presupuesto.", 14, false},
	{24, 30, "Reunión de cierre con el despacho.", -15, false},
	{28, 36, "Pedir cita para revisar el informe de carga fiscal.", -7, false},
	{-1, 8, "Enviar materiales del taller a los docentes.", -50, true},
	{2, 3, "Preparar la agenda de la próxima mesa regional.", 20, false},
	{-1, 14, "Fotos y nota de prensa de la feria.", -35, true},
	{30, 39, "Confirmar fecha de la audiencia en Cusco.", 30, false},
	{3, 3, "Pedir al comité de Puno su plan de vigilancia.", -4, false},
}
