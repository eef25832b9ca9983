package model

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Audit actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionLogin  = "login"
)

// Change is one field's old and new value.
type Change struct {
	Field string `bson:"field" json:"field"`
	Old   any    `bson:"old,omitempty" json:"old,omitempty"`
	New   any    `bson:"new,omitempty" json:"new,omitempty"`
}

// AuditEntry records who changed what and when. It is never updated or deleted.
type AuditEntry struct {
	ID         bson.ObjectID `bson:"_id" json:"id"`
	At         time.Time     `bson:"at" json:"at"`
	ActorID    bson.ObjectID `bson:"actor_id,omitempty" json:"actor_id,omitempty"`
	ActorEmail string        `bson:"actor_email" json:"actor_email"`
	Action     string        `bson:"action" json:"action"`
	Entity     string        `bson:"entity" json:"entity"`
	EntityID   string        `bson:"entity_id" json:"entity_id"`
	Regions    []string      `bson:"regions,omitempty" json:"regions,omitempty"`
	Changes    []Change      `bson:"changes,omitempty" json:"changes,omitempty"`
}

// Actor is who makes a change: a user, or the system (zero ID) for seeding and sync.
type Actor struct {
	ID    bson.ObjectID
	Email string
	Name  string
}

// SystemActor is used for changes made by the binary itself.
var SystemActor = Actor{Email: "system"}
