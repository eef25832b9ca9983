package store

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
)

// trainingSessions is the audience slot of the counter key that counts
// trainings rather than people.
const trainingSessions = "*"

// trainingCounts adds a training's people per audience, and the training
// itself, to the "t" counter family. The audience slot also names the
// modality ("judges@virtual"), because the month views keep the audience
// but not the modality field, and the women and men counted among them
// ("judges@virtual#w", "#m").
func trainingCounts(d counterDelta, month, day string, m *model.Meeting, n int) {
	if m.Kind != model.KindTraining || m.Training == nil {
		return
	}
	mod := m.Training.Modality
	prefix := day + "|" + m.Region + "|" + mod + "|"
	d.add("t", month, prefix+trainingSessions, n)
	for _, a := range m.Training.Audience {
		slot := prefix + a.Type + "@" + mod
		d.add("t", month, slot, n*a.Count)
		if a.Women != nil {
			d.add("t", month, slot+"#w", n**a.Women)
		}
		if a.Men != nil {
			d.add("t", month, slot+"#m", n**a.Men)
		}
	}
}

// audienceSlot reads the audience slot of a "t" counter key: the audience,
// the modality, and "w" or "m" for the women or men among them ("" for
// everyone).
func audienceSlot(slot string) (audience, modality, sex string) {
	slot, sex, _ = strings.Cut(slot, "#")
	audience, modality, _ = strings.Cut(slot, "@")
	return audience, modality, sex
}

// TrainingRow is the number of people of one audience trained in one region
// in one quarter ("2026-Q1").
type TrainingRow struct {
	Quarter  string `json:"quarter"`
	Region   string `json:"region"`
	Audience string `json:"audience"`
	People   int    `json:"people"`
}

// AudienceTotal is the number of people of one audience trained in the
// period, with the women and men among them where they were recorded.
type AudienceTotal struct {
	Audience string `json:"audience"`
	People   int    `json:"people"`
	Women    int    `json:"women"`
	Men      int    `json:"men"`
}

// ModalityCounts are the trainings of one modality in the period: sessions,
// people, and people per audience (largest first).
type ModalityCounts struct {
	Modality  string          `json:"modality"`
	Trainings int             `json:"trainings"`
	People    int             `json:"people"`
	Audiences []AudienceTotal `json:"audiences"`
}

// TrainingCounts answers the trainings report for a period: how many
// trainings and people, by modality, by audience, and per quarter, region
// and audience.
type TrainingCounts struct {
	Trainings  int             `json:"trainings"`
	People     int             `json:"people"`
	Modalities []string        `json:"modalities"` // the modalities used, in the enum's order
	Audiences  []AudienceTotal `json:"audiences"`  // largest first
	Items      []TrainingRow   `json:"items"`
	// ByModality has one entry per modality used, in the enum's order.
	ByModality []ModalityCounts `json:"by_modality"`
	// Regions are the people trained per region, SessionRegions the
	// trainings.
	Regions        []model.GroupCount `json:"regions"`
	SessionRegions []model.GroupCount `json:"session_regions"`
}

// quarterOf turns a YYYY-MM-DD date into "YYYY-Qn".
func quarterOf(date string) string {
	m, _ := strconv.Atoi(date[5:7])
	return date[:4] + "-Q" + strconv.Itoa((m+2)/3)
}

// Trainings counts the trainings that started in the period, in scope, from
// the counter documents.
func (s *Store) Trainings(ctx context.Context, scope model.Scope, p Period) (*TrainingCounts, error) {
	r, err := s.counters(ctx)
	if err != nil {
		return nil, err
	}
	return r.trainings(scope, p, true)
}

// trainings counts the trainings, with the rows by quarter (Items) only
// when items: the figures and the funder lines do without them.
func (r *counterReader) trainings(scope model.Scope, p Period, items bool) (*TrainingCounts, error) {
	t := newTrainingTally()
	var err error
	if items {
		err = r.read("t", []string{"s", "a"}, scope, p, func(date, region string, rest []string, n int) {
			if len(rest) >= 2 && n != 0 {
				t.add(date, region, rest[0], rest[1], n, true)
			}
		})
	} else {
		err = r.trainingSums(scope, p, t)
	}
	if err != nil {
		return nil, err
	}
	return t.counts(), nil
}

// trainingTally adds up the trainings' counts for TrainingCounts.
type trainingTally struct {
	out  *TrainingCounts
	rows map[TrainingRow]int
	// people by modality ("" for all together), audience and sex.
	people     map[trainingKey]int
	modalities map[string]int
	// regions are the people per region, sessions the trainings.
	regions, sessions map[string]int
	quarters          map[string]string // date -> quarter: one string per month, not per count
}

type trainingKey struct{ modality, audience, sex string }

func newTrainingTally() *trainingTally {
	return &trainingTally{
		out:  &TrainingCounts{Modalities: []string{}, Audiences: []AudienceTotal{}, Items: []TrainingRow{}, ByModality: []ModalityCounts{}},
		rows: map[TrainingRow]int{}, people: map[trainingKey]int{}, modalities: map[string]int{},
		regions: map[string]int{}, sessions: map[string]int{}, quarters: map[string]string{},
	}
}

// add counts n of a key's modality and audience slot (the sessions' slot
// or "audience@modality#sex"); the counts per region (and the rows, with
// items) only when region is not "": trainingSums adds those itself.
func (t *trainingTally) add(date, region, modality, slot string, n int, items bool) {
	if slot == trainingSessions {
		t.out.Trainings += n
		t.modalities[modality] += n
		if region != "" {
			t.sessions[region] += n
		}
		return
	}
	a, mod, sex := audienceSlot(slot)
	t.people[trainingKey{"", a, sex}] += n
	if mod != "" {
		t.people[trainingKey{mod, a, sex}] += n
	}
	if sex != "" {
		return
	}
	t.out.People += n
	if region == "" {
		return
	}
	t.regions[region] += n
	if !items {
		return
	}
	q, ok := t.quarters[date]
	if !ok {
		q = quarterOf(date)
		t.quarters[date] = q
	}
	t.rows[TrainingRow{Quarter: q, Region: region, Audience: a}] += n
}

// trainingSlot is one modality and audience slot of a trainings' document.
type trainingSlot struct {
	modality, slot string
	session        bool // the slot counts trainings
	people         bool // the slot counts people (no sex)
}

// trainingEntry is one count of a trainings' document: its day (0 in a
// month view), region and slot (indexes into trainingEntries' tables).
type trainingEntry struct {
	day    uint8
	region int32
	slot   int32
	n      int
}

type trainingEntries struct {
	regions []string
	slots   []trainingSlot
	list    []trainingEntry
}

// trainingSums is trainings without items: each document's counts are
// summed per slot and per region in arrays first, over entries derived
// once per version of the document (counterCache), so a request makes a
// few map updates per document instead of several per key (a month's view
// holds some 2,000 keys at scale 10, one per region and slot).
func (r *counterReader) trainingSums(scope model.Scope, p Period, t *trainingTally) error {
	if err := r.load("t", p); err != nil {
		return err
	}
	have := r.docs["t"]
	for month, id := range r.docIDs(p, false, "") {
		whole, lo, hi := p.dayRange(month)
		v, err := have[id].derive("trainings", func(doc *counterRaw) (any, error) { return trainingEntriesOf(doc, whole) })
		if err != nil {
			return err
		}
		es := v.(*trainingEntries)
		allowed := allowedRegions(scope, es.regions)
		slots := make([]int, len(es.slots))
		people, sessions := make([]int, len(es.regions)), make([]int, len(es.regions))
		for _, e := range es.list {
			if e.day < lo || e.day > hi || !allowed[e.region] {
				continue
			}
			slots[e.slot] += e.n
			switch sl := &es.slots[e.slot]; {
			case sl.session:
				sessions[e.region] += e.n
			case sl.people:
				people[e.region] += e.n
			}
		}
		for i, n := range slots {
			if n != 0 {
				t.add("", "", es.slots[i].modality, es.slots[i].slot, n, false)
			}
		}
		for i, reg := range es.regions {
			t.regions[reg] += people[i]
			t.sessions[reg] += sessions[i]
		}
	}
	return nil
}

// trainingEntriesOf derives a trainings' document's entries: of its views
// "s" and "a" when view, else of its day keys.
func trainingEntriesOf(doc *counterRaw, view bool) (*trainingEntries, error) {
	out := &trainingEntries{}
	regions, slots := map[string]int32{}, map[[2]string]int32{}
	add := func(day uint8, parts []string, n int) {
		if len(parts) < 3 {
			return
		}
		r := intern(regions, &out.regions, parts[0])
		k := [2]string{parts[1], parts[2]}
		sl, ok := slots[k]
		if !ok {
			sl = int32(len(out.slots))
			slots[k] = sl
			_, _, sex := audienceSlot(parts[2])
			out.slots = append(out.slots, trainingSlot{modality: parts[1], slot: parts[2], session: parts[2] == trainingSessions,
				people: parts[2] != trainingSessions && sex == ""})
		}
		out.list = append(out.list, trainingEntry{day: day, region: r, slot: sl, n: n})
	}
	if view {
		for _, name := range []string{"s", "a"} {
			if err := eachDayKey(doc, name, false, add); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return out, eachDayKey(doc, "c", true, add)
}

// counts is the TrainingCounts of what was added.
func (t *trainingTally) counts() *TrainingCounts {
	out, rows, people, modalities, regions, sessions := t.out, t.rows, t.people, t.modalities, t.regions, t.sessions
	type key = trainingKey
	audiences := func(mod string) ([]AudienceTotal, int) {
		list, total := []AudienceTotal{}, 0
		for _, a := range model.AudienceTypes {
			if n := people[key{mod, a, ""}]; n > 0 {
				list = append(list, AudienceTotal{Audience: a, People: n, Women: people[key{mod, a, "w"}], Men: people[key{mod, a, "m"}]})
				total += n
			}
		}
		slices.SortStableFunc(list, func(a, b AudienceTotal) int { return b.People - a.People })
		return list, total
	}
	out.Audiences, _ = audiences("")
	out.Regions, out.SessionRegions = model.SortedCounts(regions), model.SortedCounts(sessions)
	for _, m := range model.TrainingModalities {
		if modalities[m] > 0 {
			out.Modalities = append(out.Modalities, m)
			list, total := audiences(m)
			out.ByModality = append(out.ByModality, ModalityCounts{Modality: m, Trainings: modalities[m], People: total, Audiences: list})
		}
	}
	for r, n := range rows {
		if n > 0 {
			r.People = n
			out.Items = append(out.Items, r)
		}
	}
	slices.SortFunc(out.Items, func(a, b TrainingRow) int {
		if a.Quarter != b.Quarter {
			return compareStrings(a.Quarter, b.Quarter)
		}
		if a.Region != b.Region {
			return compareStrings(a.Region, b.Region)
		}
		return slices.Index(model.AudienceTypes, a.Audience) - slices.Index(model.AudienceTypes, b.Audience)
	})
	return out
}
