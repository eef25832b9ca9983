package model

// TextLimits are the most characters each text field takes, keyed by
// record and field: the one list validation checks (through textLimit) and
// the web app limits and counts its fields by, from ui/src/limits.json,
// which is generated from it (TestLimitsFileUpToDate in internal/api).
var TextLimits = map[string]int{
	"meeting.place":              500,
	"meeting.summary":            20000,
	"meeting.agreements":         20000,
	"meeting.next_steps":         20000,
	"meeting.participant_role":   500,
	"commitment.text":            20000,
	"commitment.status_note":     20000,
	"commitment.status_evidence": 2000,
	"task.title":                 500,
	"task.notes":                 20000,
	"stakeholder.name":           200,
	"stakeholder.notes":          20000,
	"stakeholder.phone":          50,
	"stakeholder.tag":            50,
	"stakeholder.relation_role":  200,
	"legislator.party":           200,
	"legislator.group":           200,
	"legislator.committee":       200,
	"training.topic":             200,
	"message.notes":              20000,
	"initiative.title":           300,
	"initiative.number":          100,
	"initiative.url":             2000,
	"initiative.summary":         20000,
	"initiative.stage_note":      20000,
}

// textLimit is TextLimits[key]; a key missing from the list is a
// programming mistake every validation test shows.
func textLimit(key string) int {
	n, ok := TextLimits[key]
	if !ok {
		panic("model: no text limit " + key)
	}
	return n
}
