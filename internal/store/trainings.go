package store

import (
	"context"
	"slices"
	"strconv"

	"github.com/alianza-pe/alianza/internal/model"
)

// trainingSessions is the audience slot of the counter key that counts
// trainings rather than people.
const trainingSessions = "*"

// trainingCounts adds a training's people per audience, and the training
// itself, to the "t" counter family.
func trainingCounts(d counterDelta, month, day string, m *model.Meeting, n int) {
	if m.Kind != model.KindTraining || m.Training == nil {
		return
	}
	prefix := day + "|" + m.Region + "|" + m.Training.Modality + "|"
	d.add("t", month, prefix+trainingSessions, n)
	for _, a := range m.Training.Audience {
		d.add("t", month, prefix+a.Type, n*a.Count)
	}
}

// TrainingRow is the number of people of one audience trained in one region
// in one quarter ("2026-Q1").
type TrainingRow struct {
	Quarter  string `json:"quarter"`
	Region   string `json:"region"`
	Audience string `json:"audience"`
	People   int    `json:"people"`
}

// AudienceTotal is the number of people of one audience trained in the period.
type AudienceTotal struct {
	Audience string `json:"audience"`
	People   int    `json:"people"`
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
}

// quarterOf turns a YYYY-MM-DD date into "YYYY-Qn".
func quarterOf(date string) string {
	m, _ := strconv.Atoi(date[5:7])
	return date[:4] + "-Q" + strconv.Itoa((m+2)/3)
}

// Trainings counts the trainings that started in the period, in scope, from
// the counter documents.
func (s *Store) Trainings(ctx context.Context, scope model.Scope, p Period) (*TrainingCounts, error) {
	gen, err := s.freshCounters(ctx)
	if err != nil {
		return nil, err
	}
	out := &TrainingCounts{Modalities: []string{}, Audiences: []AudienceTotal{}, Items: []TrainingRow{}}
	rows := map[TrainingRow]int{}
	audiences := map[string]int{}
	modalities := map[string]int{}
	err = s.readCounters(ctx, gen, "t", []string{"s", "a"}, scope, p, func(date, region string, rest []string, n int) {
		if len(rest) < 2 || n == 0 {
			return
		}
		if rest[1] == trainingSessions {
			out.Trainings += n
			modalities[rest[0]] += n
			return
		}
		out.People += n
		audiences[rest[1]] += n
		rows[TrainingRow{Quarter: quarterOf(date), Region: region, Audience: rest[1]}] += n
	})
	if err != nil {
		return nil, err
	}
	for _, m := range model.TrainingModalities {
		if modalities[m] > 0 {
			out.Modalities = append(out.Modalities, m)
		}
	}
	for a, n := range audiences {
		if n > 0 {
			out.Audiences = append(out.Audiences, AudienceTotal{Audience: a, People: n})
		}
	}
	slices.SortFunc(out.Audiences, func(a, b AudienceTotal) int {
		if a.People != b.People {
			return b.People - a.People
		}
		return slices.Index(model.AudienceTypes, a.Audience) - slices.Index(model.AudienceTypes, b.Audience)
	})
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
