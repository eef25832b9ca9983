package model

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alianza-pe/alianza/internal/search"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Enums of meetings.
var (
	MeetingKinds = registerEnum("meeting_kinds", Enum{"in_person", "virtual", "call", "event", "training"})
	Topics       = registerEnum("topics", Enum{"prevention", "prosecution", "victim_protection", "budget", "legislation",
		"regional_plan", "coordination", "training", "data_reporting"})
)

// Meeting is one logged meeting. StartsAt is UTC; the UI shows America/Lima.
type Meeting struct {
	ID             bson.ObjectID   `bson:"_id" json:"id"`
	StartsAt       time.Time       `bson:"starts_at" json:"starts_at"`
	DurationMin    int             `bson:"duration_min" json:"duration_min"`
	Kind           string          `bson:"kind" json:"kind"`
	Region         string          `bson:"region" json:"region"`
	Place          string          `bson:"place" json:"place"`
	Participants   []Participant   `bson:"participants" json:"participants"`
	StakeholderIDs []bson.ObjectID `bson:"stakeholder_ids" json:"-"` // participants' ids, for filters
	StaffIDs       []bson.ObjectID `bson:"staff_ids" json:"staff_ids"`
	Topics         []string        `bson:"topics" json:"topics"`
	Summary        string          `bson:"summary" json:"summary"`
	Agreements     string          `bson:"agreements" json:"agreements"`
	NextSteps      string          `bson:"next_steps" json:"next_steps"`
	CommitmentIDs  []bson.ObjectID `bson:"commitment_ids" json:"commitment_ids"`
	TaskIDs        []bson.ObjectID `bson:"task_ids" json:"task_ids"`
	InitiativeIDs  []bson.ObjectID `bson:"initiative_ids,omitempty" json:"initiative_ids,omitempty"` // the initiatives discussed
	Training       *Training       `bson:"training,omitempty" json:"training,omitempty"`             // kind training only
	OwnerID        bson.ObjectID   `bson:"owner_id" json:"owner_id"`
	Search         string          `bson:"search" json:"-"`
	Version        int             `bson:"version" json:"version"`
	CreatedAt      time.Time       `bson:"created_at" json:"created_at"`
	UpdatedAt      time.Time       `bson:"updated_at" json:"updated_at"`
}

// Participant is a stakeholder at a meeting, with their name kept for lists.
type Participant struct {
	StakeholderID bson.ObjectID `bson:"stakeholder_id" json:"stakeholder_id"`
	Name          string        `bson:"name" json:"name"`
	Role          string        `bson:"role" json:"role"`
}

// MaxMeetingMinutes bounds a meeting's duration (its texts: TextLimits).
const MaxMeetingMinutes = 1440

// ParticipantInput names a stakeholder at a meeting; the name is copied from
// the stakeholder by the store.
type ParticipantInput struct {
	StakeholderID bson.ObjectID `json:"stakeholder_id"`
	Role          string        `json:"role"`
}

// MeetingInput is the body of POST /meetings. Commitments and tasks listed
// here are created with the meeting, all or nothing.
type MeetingInput struct {
	StartsAt     string             `json:"starts_at"` // RFC 3339
	DurationMin  int                `json:"duration_min"`
	Kind         string             `json:"kind"`
	Region       string             `json:"region"`
	Place        string             `json:"place"`
	Participants []ParticipantInput `json:"participants"`
	StaffIDs     []bson.ObjectID    `json:"staff_ids"`
	Topics       []string           `json:"topics"`
	Summary      string             `json:"summary"`
	Agreements   string             `json:"agreements"`
	NextSteps    string             `json:"next_steps"`
	Training     *Training          `json:"training,omitempty"`
	Commitments  []CommitmentInput  `json:"commitments,omitempty"`
	Tasks        []TaskInput        `json:"tasks,omitempty"`
	// InitiativeIDs are the initiatives discussed, visible to the author.
	InitiativeIDs []bson.ObjectID `json:"initiative_ids,omitempty"`
}

// Normalize trims text fields, uppercases the region and drops duplicate topics.
func (in *MeetingInput) Normalize() {
	trimSpace(&in.StartsAt, &in.Kind, &in.Place, &in.Summary, &in.Agreements, &in.NextSteps)
	in.Region = strings.ToUpper(strings.TrimSpace(in.Region))
	in.Topics = cleanList(in.Topics, strings.TrimSpace)
	if in.Training != nil {
		in.Training.normalize()
	}
	for i := range in.Participants {
		in.Participants[i].Role = strings.TrimSpace(in.Participants[i].Role)
	}
	for i := range in.Commitments {
		in.Commitments[i].Normalize()
	}
	for i := range in.Tasks {
		in.Tasks[i].Normalize()
	}
}

// StartTime parses StartsAt; call it after Validate.
func (in *MeetingInput) StartTime() time.Time {
	t, _ := time.Parse(time.RFC3339, in.StartsAt)
	return t.UTC()
}

// Validate checks the meeting and every nested commitment and task; nested
// field names carry their index, e.g. "commitments[1].due_on". Existence of
// the referenced records is checked by the store.
func (in *MeetingInput) Validate() error {
	var p Problems
	validateMeetingFields(&p, in.StartsAt, in.DurationMin, in.Kind, in.Region, in.Place, in.Topics,
		in.Summary, in.Agreements, in.NextSteps)
	validateParticipants(&p, in.Participants)
	validateIDList(&p, "staff_ids", in.StaffIDs)
	validateIDList(&p, "initiative_ids", in.InitiativeIDs)
	validateTraining(&p, in.Kind, in.Training)
	for i := range in.Commitments {
		c := &in.Commitments[i]
		var cp Problems
		c.validate(&cp, true)
		// Made at the meeting unless said otherwise: due no earlier.
		if t, err := time.Parse(time.RFC3339, in.StartsAt); err == nil && c.MadeOn == "" && ValidDate(c.DueOn) && c.DueOn < Today(t) {
			cp.Add("due_on", "must not be before made_on")
		}
		if c.Origin != nil {
			cp.Add("origin", "is set from the meeting; leave it out")
		}
		p = append(p, cp.Prefix("commitments["+itoa(i)+"].")...)
	}
	for i := range in.Tasks {
		t := &in.Tasks[i]
		var tp Problems
		t.validate(&tp)
		if !t.Links.MeetingID.IsZero() {
			tp.Add("links.meeting_id", "is set from the meeting; leave it out")
		}
		p = append(p, tp.Prefix("tasks["+itoa(i)+"].")...)
	}
	return p.Err()
}

func validateMeetingFields(p *Problems, startsAt string, duration int, kind, region, place string, topics []string, summary, agreements, nextSteps string) {
	if startsAt == "" {
		p.Add("starts_at", "is required")
	} else if _, err := time.Parse(time.RFC3339, startsAt); err != nil {
		p.Add("starts_at", "must be an RFC 3339 time, e.g. 2026-03-05T15:00:00Z")
	}
	if duration < 1 || duration > MaxMeetingMinutes {
		p.Add("duration_min", "must be from 1 to %d minutes", MaxMeetingMinutes)
	}
	if !MeetingKinds.Valid(kind) {
		p.Add("kind", "must be one of %s", MeetingKinds)
	}
	if !ValidRegion(region) {
		p.Add("region", "must be a known region code")
	}
	checkLen(p, "place", place, textLimit("meeting.place"))
	for i, t := range topics {
		if !Topics.Valid(t) {
			p.Add("topics["+itoa(i)+"]", "must be one of %s", Topics)
		}
	}
	checkLen(p, "summary", summary, textLimit("meeting.summary"))
	checkLen(p, "agreements", agreements, textLimit("meeting.agreements"))
	checkLen(p, "next_steps", nextSteps, textLimit("meeting.next_steps"))
}

func validateParticipants(p *Problems, ps []ParticipantInput) {
	seen := map[bson.ObjectID]bool{}
	for i, x := range ps {
		f := "participants[" + itoa(i) + "]."
		switch {
		case x.StakeholderID.IsZero():
			p.Add(f+"stakeholder_id", "is required")
		case seen[x.StakeholderID]:
			p.Add(f+"stakeholder_id", "is listed twice")
		}
		seen[x.StakeholderID] = true
		checkLen(p, f+"role", x.Role, textLimit("meeting.participant_role"))
	}
}

func validateIDList(p *Problems, field string, ids []bson.ObjectID) {
	for i, id := range ids {
		if id.IsZero() {
			p.Add(field+"["+itoa(i)+"]", "must be an id")
		}
	}
}

// MeetingPatch changes some fields of a meeting; nil fields stay as they are.
type MeetingPatch struct {
	StartsAt     *string             `json:"starts_at,omitempty"`
	DurationMin  *int                `json:"duration_min,omitempty"`
	Kind         *string             `json:"kind,omitempty"`
	Region       *string             `json:"region,omitempty"`
	Place        *string             `json:"place,omitempty"`
	Participants *[]ParticipantInput `json:"participants,omitempty"`
	StaffIDs     *[]bson.ObjectID    `json:"staff_ids,omitempty"`
	Topics       *[]string           `json:"topics,omitempty"`
	Summary      *string             `json:"summary,omitempty"`
	Agreements   *string             `json:"agreements,omitempty"`
	NextSteps    *string             `json:"next_steps,omitempty"`
	Training     *Training           `json:"training,omitempty"`
	// InitiativeIDs replaces the initiatives discussed (those the editor
	// cannot see stay).
	InitiativeIDs *[]bson.ObjectID `json:"initiative_ids,omitempty"`
	Version       *int             `json:"version,omitempty"`
}

// Apply returns m with the patch applied (participants' names are left
// empty for the store to fill) and validates the result.
func (mp *MeetingPatch) Apply(m Meeting) (Meeting, error) {
	var p Problems
	startsAt := m.StartsAt.Format(time.RFC3339)
	if mp.StartsAt != nil {
		startsAt = strings.TrimSpace(*mp.StartsAt)
	}
	patchTrimmed(&m.Kind, mp.Kind)
	if mp.Region != nil {
		m.Region = strings.ToUpper(strings.TrimSpace(*mp.Region))
	}
	patchTrimmed(&m.Place, mp.Place)
	patchTrimmed(&m.Summary, mp.Summary)
	patchTrimmed(&m.Agreements, mp.Agreements)
	patchTrimmed(&m.NextSteps, mp.NextSteps)
	if mp.DurationMin != nil {
		m.DurationMin = *mp.DurationMin
	}
	if mp.Topics != nil {
		m.Topics = cleanList(*mp.Topics, strings.TrimSpace)
	}
	if mp.StaffIDs != nil {
		m.StaffIDs = *mp.StaffIDs
		validateIDList(&p, "staff_ids", m.StaffIDs)
	}
	if mp.InitiativeIDs != nil {
		m.InitiativeIDs = distinct(*mp.InitiativeIDs)
		validateIDList(&p, "initiative_ids", m.InitiativeIDs)
	}
	if mp.Participants != nil {
		validateParticipants(&p, *mp.Participants)
		m.Participants = make([]Participant, len(*mp.Participants))
		for i, x := range *mp.Participants {
			m.Participants[i] = Participant{StakeholderID: x.StakeholderID, Role: strings.TrimSpace(x.Role)}
		}
	}
	if mp.Training != nil {
		t := *mp.Training
		t.normalize()
		m.Training = &t
	}
	if m.Kind != KindTraining && mp.Training == nil {
		// A meeting that stops being a training drops its audience counts.
		m.Training = nil
	}
	validateMeetingFields(&p, startsAt, m.DurationMin, m.Kind, m.Region, m.Place, m.Topics, m.Summary, m.Agreements, m.NextSteps)
	if mp.Kind != nil || mp.Training != nil || m.Training != nil {
		// Trainings logged before audiences were counted stay editable.
		validateTraining(&p, m.Kind, m.Training)
	}
	if t, err := time.Parse(time.RFC3339, startsAt); err == nil {
		m.StartsAt = t.UTC()
	}
	return m, p.Err()
}

// checkLen reports a text longer than max characters.
func checkLen(p *Problems, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		p.Add(field, "must be at most %d characters", max)
	}
}

// MeetingSearchWords builds a meeting's normalised search field.
func MeetingSearchWords(m *Meeting) string {
	parts := []string{m.Summary, m.Agreements, m.NextSteps, m.Place}
	for _, p := range m.Participants {
		parts = append(parts, p.Name)
	}
	parts = append(parts, m.Topics...)
	if m.Training != nil {
		parts = append(parts, m.Training.Topics...)
	}
	return search.Words(parts...)
}

// NewMeeting makes the record of a valid input logged by an author (its
// owner). Participants' names, commitment and task ids and the search
// field are filled by the caller once they are known.
func NewMeeting(in MeetingInput, by Actor, now time.Time) *Meeting {
	m := &Meeting{
		ID: bson.NewObjectID(), StartsAt: in.StartTime(), DurationMin: in.DurationMin, Kind: in.Kind,
		Region: in.Region, Place: in.Place, StaffIDs: NonNilIDs(in.StaffIDs), Topics: in.Topics,
		Summary: in.Summary, Agreements: in.Agreements, NextSteps: in.NextSteps, Training: in.Training, OwnerID: by.ID,
		CommitmentIDs: []bson.ObjectID{}, TaskIDs: []bson.ObjectID{}, InitiativeIDs: distinct(in.InitiativeIDs),
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	m.Participants = make([]Participant, len(in.Participants))
	m.StakeholderIDs = make([]bson.ObjectID, len(in.Participants))
	for i, x := range in.Participants {
		m.Participants[i] = Participant{StakeholderID: x.StakeholderID, Role: x.Role}
		m.StakeholderIDs[i] = x.StakeholderID
	}
	return m
}

// NonNilIDs returns ids, or an empty list for nil, so a stored list is
// never null.
func NonNilIDs(ids []bson.ObjectID) []bson.ObjectID {
	if ids == nil {
		return []bson.ObjectID{}
	}
	return ids
}
