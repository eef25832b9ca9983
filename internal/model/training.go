package model

import (
	"strings"
)

// Enums of trainings.
var (
	AudienceTypes = registerEnum("audience_types", Enum{"public_defenders", "judges", "prosecutors", "police",
		"regional_officials", "civil_society", "other"})
	TrainingModalities = registerEnum("training_modalities", Enum{"in_person", "virtual", "hybrid"})
)

// KindTraining is the meeting kind that records a training.
const KindTraining = "training"

// Limits on training fields.
const (
	MaxAudienceCount  = 100000
	maxTrainingTopics = 20
)

// Training is what a meeting of kind training records about its audience:
// how many people of each audience type attended (there is no stakeholder
// record per attendee), its modality and its topics in free text.
type Training struct {
	Modality string          `bson:"modality" json:"modality"`
	Audience []AudienceCount `bson:"audience" json:"audience"`
	Topics   []string        `bson:"topics" json:"topics"`
}

// AudienceCount is how many people of one audience type a training reached
// and, where the team records them, how many of them were women and men
// (optional; nil when not recorded).
type AudienceCount struct {
	Type  string `bson:"type" json:"type"`
	Count int    `bson:"count" json:"count"`
	Women *int   `bson:"women,omitempty" json:"women,omitempty"`
	Men   *int   `bson:"men,omitempty" json:"men,omitempty"`
}

// People is the number of people trained, all audiences together.
func (t *Training) People() int {
	n := 0
	for _, a := range t.Audience {
		n += a.Count
	}
	return n
}

// normalize trims the text fields and drops empty topics.
func (t *Training) normalize() {
	t.Modality = strings.TrimSpace(t.Modality)
	for i := range t.Audience {
		t.Audience[i].Type = strings.TrimSpace(t.Audience[i].Type)
	}
	t.Topics = cleanList(t.Topics, strings.TrimSpace)
}

// validateTraining checks the training against the meeting's kind: a
// training must say who attended; other kinds must not carry one.
func validateTraining(p *Problems, kind string, t *Training) {
	if kind != KindTraining {
		if t != nil {
			p.Add("training", "is only for meetings of kind training")
		}
		return
	}
	if t == nil {
		p.Add("training", "is required for a training: its audience and modality")
		return
	}
	if !TrainingModalities.Valid(t.Modality) {
		p.Add("training.modality", "must be one of %s", TrainingModalities)
	}
	if len(t.Audience) == 0 {
		p.Add("training.audience", "must count at least one audience type")
	}
	seen := map[string]bool{}
	for i, a := range t.Audience {
		f := "training.audience[" + itoa(i) + "]."
		switch {
		case !AudienceTypes.Valid(a.Type):
			p.Add(f+"type", "must be one of %s", AudienceTypes)
		case seen[a.Type]:
			p.Add(f+"type", "is listed twice")
		}
		seen[a.Type] = true
		if a.Count < 1 || a.Count > MaxAudienceCount {
			p.Add(f+"count", "must be from 1 to %d people", MaxAudienceCount)
		}
		validateSexCounts(p, f, a)
	}
	if len(t.Topics) > maxTrainingTopics {
		p.Add("training.topics", "must list at most %d topics", maxTrainingTopics)
	}
	for i, s := range t.Topics {
		checkLen(p, "training.topics["+itoa(i)+"]", s, textLimit("training.topic"))
	}
}

// validateSexCounts checks the optional women and men counts of one
// audience: each within the audience's count, and both together too.
func validateSexCounts(p *Problems, f string, a AudienceCount) {
	for _, x := range []struct {
		field string
		n     *int
	}{{"women", a.Women}, {"men", a.Men}} {
		if x.n != nil && (*x.n < 0 || *x.n > a.Count) {
			p.Add(f+x.field, "must be from 0 to the audience's count")
		}
	}
	if a.Women != nil && a.Men != nil && *a.Women+*a.Men > a.Count {
		p.Add(f+"men", "women and men together must not exceed the audience's count")
	}
}
