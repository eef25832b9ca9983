package store

import (
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
)

// Month views of the counter documents.
//
// A family's month document ("g3/2026-03") keys its counts by day, so it
// holds up to one key per day and region and whatever else the key carries:
// its size, and the time a dashboard spends reading it, grew with the data
// (at the reference scale 1 a year of meetings was about 3,000 keys, of
// trainings 2,800). Next to it a view document ("g3/2026-03/v") keeps the
// same month's counts without the day, one field per view, each keyed only
// by what one dashboard reads (the others fields left blank so the key
// keeps its layout): a month of meetings is at most one key per region. A
// dashboard reads the views of the months its period covers whole, and the
// day keys only of the (at most two) months it cuts. The write hooks and the
// rebuild keep both documents; the engine's fallback path reads the day
// keys only, so the differential test compares the two.

// counterView is one field of a family's view documents.
type counterView struct {
	name string
	// keep says which fields after day and region the view's key keeps;
	// the others are blank. Fields past the end of keep are dropped.
	keep []bool
	// when picks the day keys the view counts (nil: all), by their fields
	// after day and region.
	when func(rest []string) bool
}

func kindIs(kind string) func([]string) bool {
	return func(rest []string) bool { return len(rest) >= 3 && rest[1] == kind }
}

func audienceIsSessions(sessions bool) func([]string) bool {
	return func(rest []string) bool { return len(rest) >= 2 && (rest[1] == trainingSessions) == sessions }
}

// counterViews are each family's views, by the name a dashboard asks for.
var counterViews = map[string]map[string]counterView{
	"m": {"r": {name: "r"}},                     // region
	"p": {"r": {name: "r", keep: []bool{true}}}, // region|committee
	"d": {"r": {name: "r", keep: []bool{true}}}, // region|owner
	"c": {
		"s": {name: "s", keep: []bool{true}},                                                          // region|status
		"l": {name: "l", keep: []bool{false, true, true}, when: kindIs(model.KindLegislator)},         // region||legislator|id
		"k": {name: "k", keep: []bool{false, true, true}, when: kindIs(model.KindOversightCommittee)}, // region||oversight_committee|id
	},
	"t": {
		"s": {name: "s", keep: []bool{true, true}, when: audienceIsSessions(true)},   // region|modality|*
		"a": {name: "a", keep: []bool{false, true}, when: audienceIsSessions(false)}, // region||audience
	},
}

// viewKey is the view's key of a day key's region and later fields; ok is
// false when the view does not count that key.
func (v counterView) key(region string, rest []string) (string, bool) {
	if v.when != nil && !v.when(rest) {
		return "", false
	}
	var b strings.Builder
	b.WriteString(region)
	for i, k := range v.keep {
		b.WriteByte('|')
		if k && i < len(rest) {
			b.WriteString(rest[i])
		}
	}
	return b.String(), true
}

// viewDelta turns one family's day-key counts of a month into the view
// document's counts: view name -> view key -> n.
func viewDelta(family string, keys map[string]int) map[string]map[string]int {
	out := map[string]map[string]int{}
	for k, n := range keys {
		parts := strings.Split(k, "|")
		if n == 0 || len(parts) < 2 {
			continue
		}
		for _, v := range counterViews[family] {
			if vk, ok := v.key(parts[1], parts[2:]); ok {
				if out[v.name] == nil {
					out[v.name] = map[string]int{}
				}
				out[v.name][vk] += n
			}
		}
	}
	return out
}

// viewDocID is the id of a month's view document.
func viewDocID(gen int, month string) string { return genID(gen, month+"/v") }

// wholeMonth tells whether the period covers every day of month (YYYY-MM).
func (p Period) wholeMonth(month string) bool {
	first, err := time.Parse(time.DateOnly, month+"-01")
	if err != nil {
		return false
	}
	last := first.AddDate(0, 1, -1).Format(time.DateOnly)
	return p.From <= month+"-01" && last <= p.To
}

// views returns the named views of a family; a name it lacks panics, as a
// programming error.
func views(family string, names []string) []counterView {
	out := make([]counterView, len(names))
	for i, n := range names {
		v, ok := counterViews[family][n]
		if !ok {
			panic("store: no counter view " + family + "/" + n)
		}
		out[i] = v
	}
	return out
}

// anyView tells whether one of vs counts a day key's fields after day and region.
func anyView(vs []counterView, rest []string) bool {
	for _, v := range vs {
		if v.when == nil || v.when(rest) {
			return true
		}
	}
	return false
}
