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
	out := &TrainingCounts{Modalities: []string{}, Audiences: []AudienceTotal{}, Items: []TrainingRow{}, ByModality: []ModalityCounts{}}
	rows := map[TrainingRow]int{}
	type key struct{ modality, audience, sex string }
	people := map[key]int{} // modality "" for all modalities together
	modalities := map[string]int{}
	regions, sessions := map[string]int{}, map[string]int{}
	quarters := map[string]string{} // date -> quarter: one string per month, not per count
	err := r.read("t", []string{"s", "a"}, scope, p, func(date, region string, rest []string, n int) {
		if len(rest) < 2 || n == 0 {
			return
		}
		if rest[1] == trainingSessions {
			out.Trainings += n
			modalities[rest[0]] += n
			sessions[region] += n
			return
		}
		a, mod, sex := audienceSlot(rest[1])
		people[key{"", a, sex}] += n
		if mod != "" {
			people[key{mod, a, sex}] += n
		}
		if sex != "" {
			return
		}
		out.People += n
		regions[region] += n
		if !items {
			return
		}
		q, ok := quarters[date]
		if !ok {
			q = quarterOf(date)
			quarters[date] = q
		}
		rows[TrainingRow{Quarter: q, Region: region, Audience: a}] += n
	})
	if err != nil {
		return nil, err
	}
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
	return out, nil
}
