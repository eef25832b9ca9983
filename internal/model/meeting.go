package model

import (
	"time"

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
