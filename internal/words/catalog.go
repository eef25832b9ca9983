package words

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// catalogJSON holds every wording table, both languages side by side, so a
// translator or reviewer reads and edits one file (as the screens' wording
// is ui/src/i18n's es.json and en.json).
//
//go:embed catalog.json
var catalogJSON []byte

// The wording tables, filled from catalog.json when the program starts.
var (
	// Problems are the codes and wording of problems that are not about
	// one input field (idempotency, throttles, validation as a whole).
	Problems Table
	// StatusDetails are the codes and wording of the statuses of sentinel
	// errors (not found, conflict, ...).
	StatusDetails map[int]Field
	// Digest is the wording of the email digest.
	Digest Table
	// Calendar is the wording of event titles in calendar feeds.
	Calendar Table
	// Statuses are the commitment statuses as reports and CSV exports show them.
	Statuses Table
	// Audiences are the training audience types in plural words.
	Audiences Table
	// Modalities qualify "capacitación" (after it) and "training" (before it).
	Modalities Table
	// Phrases are short wording code puts together: "yes" of a flag,
	// "national" (the national level in running text).
	Phrases Table
	// Indicators are the names of the results framework's indicators and
	// IndicatorRules the rule each counts by, as reports show it.
	Indicators, IndicatorRules Table
	// InitiativeKinds are the kinds of initiative in plural words for
	// running text ("bill"), and with "approved" ("bill.approved").
	InitiativeKinds Table

	// fields is keyed by the English format given to Problems.Add or
	// invalid; TestFieldsCoverEveryFormat reads the sources and fails when
	// a format is missing.
	fields map[string]Field
	// csvHeaders are the people's headers of export columns, by field name.
	csvHeaders Table
	// personalPage is the wording of the personal-data page (Ley 29733).
	personalPage Table
	// numbers are 0..10 in words; months are January..December.
	numbers, months []Text
)

func init() {
	if err := load(catalogJSON, map[string]any{"fields": &fields, "problems": &Problems, "status_details": &StatusDetails,
		"csv_headers": &csvHeaders, "personal_page": &personalPage, "digest": &Digest, "calendar": &Calendar,
		"statuses": &Statuses, "audiences": &Audiences, "modalities": &Modalities, "phrases": &Phrases,
		"numbers": &numbers, "months": &months, "indicators": &Indicators, "indicator_rules": &IndicatorRules,
		"initiative_kinds": &InitiativeKinds}); err != nil {
		// A broken catalog is a build mistake every test of the package shows.
		panic(err)
	}
}

// load fills each group of the catalog b into its table; the file and the
// tables must name the same groups.
func load(b []byte, groups map[string]any) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("words: catalog.json: %w", err)
	}
	if len(raw) != len(groups) {
		return fmt.Errorf("words: catalog.json has %d groups, the code reads %d", len(raw), len(groups))
	}
	for name, table := range groups {
		if err := json.Unmarshal(raw[name], table); err != nil {
			return fmt.Errorf("words: catalog.json group %s: %w", name, err)
		}
	}
	return nil
}
