package model

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Task is a follow-up with a due date and an assignee.
type Task struct {
	ID         bson.ObjectID `bson:"_id" json:"id"`
	Title      string        `bson:"title" json:"title"`
	DueOn      string        `bson:"due_on,omitempty" json:"due_on,omitempty"` // YYYY-MM-DD
	AssigneeID bson.ObjectID `bson:"assignee_id,omitempty" json:"assignee_id,omitempty"`
	Links      TaskLinks     `bson:"links" json:"links"`
	Region     string        `bson:"region" json:"region"`
	Done       bool          `bson:"done" json:"done"`
	DoneAt     *time.Time    `bson:"done_at,omitempty" json:"done_at,omitempty"`
	Notes      string        `bson:"notes" json:"notes"`
	CreatedBy  bson.ObjectID `bson:"created_by" json:"created_by"`
	Version    int           `bson:"version" json:"version"`
	CreatedAt  time.Time     `bson:"created_at" json:"created_at"`
	UpdatedAt  time.Time     `bson:"updated_at" json:"updated_at"`
}

// TaskLinks are the records a task follows up on.
type TaskLinks struct {
	MeetingID     bson.ObjectID `bson:"meeting_id,omitempty" json:"meeting_id,omitempty"`
	CommitmentID  bson.ObjectID `bson:"commitment_id,omitempty" json:"commitment_id,omitempty"`
	StakeholderID bson.ObjectID `bson:"stakeholder_id,omitempty" json:"stakeholder_id,omitempty"`
	MessageID     string        `bson:"message_id,omitempty" json:"message_id,omitempty"`
}
