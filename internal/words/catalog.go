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

// catalogFile is catalog.json's shape: a group of wording per use.
type catalogFile struct {
	// Fields is keyed by the English format given to Problems.Add or
	// invalid; TestFieldsCoverEveryFormat reads the sources and fails when
	// a format is missing.
	Fields        map[string]Field `json:"fields"`
	Problems      Table            `json:"problems"`
	StatusDetails map[int]Text     `json:"status_details"`
	CSVHeaders    Table            `json:"csv_headers"`
	PersonalPage  Table            `json:"personal_page"`
	Digest        Table            `json:"digest"`
	Calendar      Table            `json:"calendar"`
	Statuses      Table            `json:"statuses"`
	Audiences     Table            `json:"audiences"`
	Modalities    Table            `json:"modalities"`
}

var catalog = mustLoad(catalogJSON)

// mustLoad reads the embedded catalog; a broken one is a build mistake
// every test of the package shows, so it stops the program at start.
func mustLoad(b []byte) catalogFile {
	var c catalogFile
	if err := json.Unmarshal(b, &c); err != nil {
		panic(fmt.Sprintf("words: catalog.json: %v", err))
	}
	return c
}

// The wording tables other packages read.
var (
	// Problems are the codes and wording of problems that are not about
	// one input field (idempotency, throttles, validation as a whole).
	Problems = catalog.Problems
	// StatusDetails explain the statuses of sentinel errors.
	StatusDetails = catalog.StatusDetails
	// Digest is the wording of the email digest.
	Digest = catalog.Digest
	// Calendar is the wording of event titles in calendar feeds.
	Calendar = catalog.Calendar
	// Statuses are the commitment statuses as reports and CSV exports show them.
	Statuses = catalog.Statuses
	// Audiences are the training audience types in plural words.
	Audiences = catalog.Audiences
	// Modalities qualify "capacitación" (after it) and "training" (before it).
	Modalities = catalog.Modalities
)
