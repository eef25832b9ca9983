package model

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Stakeholder kinds.
const (
	KindLegislator         = "legislator"
	KindOversightCommittee = "oversight_committee"
	KindInstitution        = "institution"
	KindOrganization       = "organization"
	KindPerson             = "person"
)

// Enums of stakeholders.
var (
	StakeholderKinds  = registerEnum("stakeholder_kinds", Enum{KindLegislator, KindOversightCommittee, KindInstitution, KindOrganization, KindPerson})
	Stances           = registerEnum("stances", Enum{"champion", "supporter", "neutral", "unknown", "opponent"})
	Influences        = registerEnum("influences", Enum{"high", "medium", "low"})
	Chambers          = registerEnum("chambers", Enum{"congress", "senate", "deputies"})
	RelationshipKinds = registerEnum("relationship_kinds", Enum{"works_for", "advises", "coordinates", "member_of"})
)

// Stakeholder is anyone the team works with. Regions scope who sees it.
type Stakeholder struct {
	ID            bson.ObjectID  `bson:"_id" json:"id"`
	Kind          string         `bson:"kind" json:"kind"`
	Name          string         `bson:"name" json:"name"`
	Emails        []string       `bson:"emails" json:"emails"` // normalised lowercase
	Phones        []string       `bson:"phones" json:"phones"`
	Regions       []string       `bson:"regions" json:"regions"`
	Tags          []string       `bson:"tags" json:"tags"`
	Stance        string         `bson:"stance" json:"stance"`
	Influence     string         `bson:"influence" json:"influence"`
	OwnerID       bson.ObjectID  `bson:"owner_id,omitempty" json:"owner_id,omitempty"`
	Notes         string         `bson:"notes" json:"notes"`
	Archived      bool           `bson:"archived" json:"archived"`
	Legislator    *Legislator    `bson:"legislator,omitempty" json:"legislator,omitempty"`
	Committee     *Committee     `bson:"committee,omitempty" json:"committee,omitempty"`
	Relationships []Relationship `bson:"relationships" json:"relationships"`
	Search        string         `bson:"search" json:"-"` // normalised words for search
	Version       int            `bson:"version" json:"version"`
	CreatedAt     time.Time      `bson:"created_at" json:"created_at"`
	UpdatedAt     time.Time      `bson:"updated_at" json:"updated_at"`
}

// Legislator holds a member of Congress's fields. Chamber is congress until
// July 2026, senate or deputies after.
type Legislator struct {
	Chamber            string   `bson:"chamber" json:"chamber"`
	Period             string   `bson:"period" json:"period"` // e.g. 2021-2026
	ParliamentaryGroup string   `bson:"parliamentary_group" json:"parliamentary_group"`
	Party              string   `bson:"party" json:"party"`
	ElectoralDistrict  string   `bson:"electoral_district" json:"electoral_district"` // region code
	Committees         []string `bson:"committees" json:"committees"`
}

// Committee holds a civil-society oversight committee's fields.
type Committee struct {
	Region        string          `bson:"region" json:"region"`
	CoordinatorID bson.ObjectID   `bson:"coordinator_id,omitempty" json:"coordinator_id,omitempty"`
	MemberIDs     []bson.ObjectID `bson:"member_ids" json:"member_ids"`
}

// Relationship links this stakeholder to another (a person advises a
// legislator). It is stored on the source; the other side finds it by
// querying relationships.stakeholder_id.
type Relationship struct {
	StakeholderID bson.ObjectID `bson:"stakeholder_id" json:"stakeholder_id"`
	Kind          string        `bson:"kind" json:"kind"`
	Role          string        `bson:"role" json:"role"`
	Since         string        `bson:"since,omitempty" json:"since,omitempty"` // YYYY-MM-DD
	Until         string        `bson:"until,omitempty" json:"until,omitempty"`
}
