package model

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Commitment statuses.
const (
	StatusPending            = "pending"
	StatusInProgress         = "in_progress"
	StatusFulfilled          = "fulfilled"
	StatusPartiallyFulfilled = "partially_fulfilled"
	StatusNotFulfilled       = "not_fulfilled"
	StatusWithdrawn          = "withdrawn"
)

// Enums of commitments.
var (
	CommitmentTypes    = registerEnum("commitment_types", Enum{"legislative", "budget", "public_statement", "oversight", "coordination", "other"})
	CommitmentStatuses = registerEnum("commitment_statuses", Enum{StatusPending, StatusInProgress, StatusFulfilled, StatusPartiallyFulfilled, StatusNotFulfilled, StatusWithdrawn})
	FinalStatuses      = registerEnum("final_statuses", Enum{StatusFulfilled, StatusPartiallyFulfilled, StatusNotFulfilled, StatusWithdrawn})
	OriginKinds        = registerEnum("origin_kinds", Enum{"meeting", "message"})
)

// Commitment is what a stakeholder committed to. The stakeholder's name and
// kind are copied in so lists, filters and reports need no join.
type Commitment struct {
	ID              bson.ObjectID  `bson:"_id" json:"id"`
	StakeholderID   bson.ObjectID  `bson:"stakeholder_id" json:"stakeholder_id"`
	StakeholderName string         `bson:"stakeholder_name" json:"stakeholder_name"`
	StakeholderKind string         `bson:"stakeholder_kind" json:"stakeholder_kind"`
	Text            string         `bson:"text" json:"text"`
	Type            string         `bson:"type" json:"type"`
	Region          string         `bson:"region" json:"region"`
	Origin          *Origin        `bson:"origin,omitempty" json:"origin,omitempty"`
	MadeOn          string         `bson:"made_on" json:"made_on"` // YYYY-MM-DD
	DueOn           string         `bson:"due_on,omitempty" json:"due_on,omitempty"`
	Status          string         `bson:"status" json:"status"`
	History         []StatusChange `bson:"history" json:"history"`
	OwnerID         bson.ObjectID  `bson:"owner_id" json:"owner_id"`
	NextFollowUpOn  string         `bson:"next_follow_up_on,omitempty" json:"next_follow_up_on,omitempty"`
	Search          string         `bson:"search" json:"-"`
	Version         int            `bson:"version" json:"version"`
	CreatedAt       time.Time      `bson:"created_at" json:"created_at"`
	UpdatedAt       time.Time      `bson:"updated_at" json:"updated_at"`
}

// Origin is where a commitment was made.
type Origin struct {
	Kind string        `bson:"kind" json:"kind"` // meeting | message
	ID   bson.ObjectID `bson:"id" json:"id"`
}

// StatusChange is one entry of a commitment's history, appended in the same
// update that changes the status.
type StatusChange struct {
	Status   string        `bson:"status" json:"status"`
	At       time.Time     `bson:"at" json:"at"`
	Note     string        `bson:"note,omitempty" json:"note,omitempty"`
	Evidence string        `bson:"evidence,omitempty" json:"evidence,omitempty"`
	By       bson.ObjectID `bson:"by,omitempty" json:"by,omitempty"`
	ByEmail  string        `bson:"by_email,omitempty" json:"by_email,omitempty"`
}

// IsFinal reports whether a status ends the commitment.
func IsFinal(status string) bool { return FinalStatuses.Valid(status) }

// Overdue reports whether the due date has passed (today is YYYY-MM-DD in
// Lima) and the status is not final.
func (c *Commitment) Overdue(today string) bool {
	return c.DueOn != "" && c.DueOn < today && !IsFinal(c.Status)
}
