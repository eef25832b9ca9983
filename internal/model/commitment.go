package model

import (
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/search"
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
	InitiativeID    bson.ObjectID  `bson:"initiative_id,omitempty" json:"initiative_id,omitzero"` // the initiative it is about
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
	By       bson.ObjectID `bson:"by,omitempty" json:"by,omitzero"`
	ByEmail  string        `bson:"by_email,omitempty" json:"by_email,omitempty"`
	ByName   string        `bson:"by_name,omitempty" json:"by_name,omitempty"` // kept so non-admins see who, without reading users
}

// IsFinal reports whether a status ends the commitment.
func IsFinal(status string) bool { return FinalStatuses.Valid(status) }

// Overdue reports whether the due date has passed (today is YYYY-MM-DD in
// Lima) and the status is not final.
func (c *Commitment) Overdue(today string) bool {
	return c.DueOn != "" && c.DueOn < today && !IsFinal(c.Status)
}

// CommitmentInput is the body of POST /commitments, and of each item of a
// meeting's "commitments". Region defaults to the meeting's (nested) or the
// stakeholder's first visible region; made_on to today (or the meeting's
// day); owner to the creator.
type CommitmentInput struct {
	StakeholderID  bson.ObjectID `json:"stakeholder_id"`
	Text           string        `json:"text"`
	Type           string        `json:"type"`
	Region         string        `json:"region,omitempty"`
	Origin         *Origin       `json:"origin,omitempty"`
	MadeOn         string        `json:"made_on,omitempty"`
	DueOn          string        `json:"due_on,omitempty"`
	OwnerID        bson.ObjectID `json:"owner_id,omitzero"`
	NextFollowUpOn string        `json:"next_follow_up_on,omitempty"`
	InitiativeID   bson.ObjectID `json:"initiative_id,omitzero"`
}

// Normalize trims text fields and uppercases the region.
func (in *CommitmentInput) Normalize() {
	trimSpace(&in.Text, &in.Type, &in.MadeOn, &in.DueOn, &in.NextFollowUpOn)
	in.Region = strings.ToUpper(strings.TrimSpace(in.Region))
}

// Validate checks the fields; existence of the stakeholder, owner and origin
// is checked by the store.
func (in *CommitmentInput) Validate() error {
	var p Problems
	in.validate(&p, false)
	return p.Err()
}

func (in *CommitmentInput) validate(p *Problems, nested bool) {
	if in.StakeholderID.IsZero() {
		p.Add("stakeholder_id", "is required")
	}
	validateCommitmentFields(p, in.Text, in.Type, in.Region, in.MadeOn, in.DueOn, in.NextFollowUpOn)
	if !nested && in.Origin != nil {
		if !OriginKinds.Valid(in.Origin.Kind) {
			p.Add("origin.kind", "must be one of %s", OriginKinds)
		}
		if in.Origin.ID.IsZero() {
			p.Add("origin.id", "is required")
		}
	}
}

func validateCommitmentFields(p *Problems, text, typ, region, madeOn, dueOn, followUp string) {
	if text == "" {
		p.Add("text", "is required")
	}
	checkLen(p, "text", text, textLimit("commitment.text"))
	if !CommitmentTypes.Valid(typ) {
		p.Add("type", "must be one of %s", CommitmentTypes)
	}
	if region != "" && !ValidRegion(region) {
		p.Add("region", "must be a known region code")
	}
	for _, d := range []struct{ field, v string }{{"made_on", madeOn}, {"due_on", dueOn}, {"next_follow_up_on", followUp}} {
		if d.v != "" && !ValidDate(d.v) {
			p.Add(d.field, "must be a date (YYYY-MM-DD)")
		}
	}
	if madeOn != "" && dueOn != "" && ValidDate(madeOn) && ValidDate(dueOn) && dueOn < madeOn {
		p.Add("due_on", "must not be before made_on")
	}
}

// CommitmentPatch changes some fields of a commitment; nil fields stay as
// they are, and an empty due_on or next_follow_up_on clears it. The status
// changes only through POST /commitments/{id}/status.
type CommitmentPatch struct {
	Text           *string        `json:"text,omitempty"`
	Type           *string        `json:"type,omitempty"`
	Region         *string        `json:"region,omitempty"`
	DueOn          *string        `json:"due_on,omitempty"`
	OwnerID        *bson.ObjectID `json:"owner_id,omitempty"`
	NextFollowUpOn *string        `json:"next_follow_up_on,omitempty"`
	// InitiativeID links the initiative; an empty string unlinks it.
	InitiativeID *bson.ObjectID `json:"initiative_id,omitempty"`
	Version      *int           `json:"version,omitempty"`
}

// Apply returns c with the patch applied and validates the result.
func (cp *CommitmentPatch) Apply(c Commitment) (Commitment, error) {
	patchTrimmed(&c.Text, cp.Text)
	patchTrimmed(&c.Type, cp.Type)
	patchTrimmed(&c.DueOn, cp.DueOn)
	patchTrimmed(&c.NextFollowUpOn, cp.NextFollowUpOn)
	setIf(&c.InitiativeID, cp.InitiativeID)
	if cp.Region != nil {
		c.Region = strings.ToUpper(strings.TrimSpace(*cp.Region))
	}
	var p Problems
	if cp.OwnerID != nil {
		c.OwnerID = *cp.OwnerID
		if c.OwnerID.IsZero() {
			p.Add("owner_id", "is required")
		}
	}
	if c.Region == "" {
		p.Add("region", "is required")
	}
	validateCommitmentFields(&p, c.Text, c.Type, c.Region, c.MadeOn, c.DueOn, c.NextFollowUpOn)
	return c, p.Err()
}

// StatusChangeInput is the body of POST /commitments/{id}/status.
type StatusChangeInput struct {
	Status   string `json:"status"`
	Note     string `json:"note,omitempty"`
	Evidence string `json:"evidence,omitempty"`
	Version  *int   `json:"version,omitempty"`
}

// Validate checks the status and the lengths of note and evidence.
func (in *StatusChangeInput) Validate() error {
	var p Problems
	trimSpace(&in.Status, &in.Note, &in.Evidence)
	if !CommitmentStatuses.Valid(in.Status) {
		p.Add("status", "must be one of %s", CommitmentStatuses)
	}
	checkLen(&p, "note", in.Note, textLimit("commitment.status_note"))
	checkLen(&p, "evidence", in.Evidence, textLimit("commitment.status_evidence"))
	return p.Err()
}

// CommitmentSearchWords builds a commitment's normalised search field.
func CommitmentSearchWords(c *Commitment) string {
	return search.Words(c.Text, c.StakeholderName)
}

// NewCommitment makes the record of a valid input for stakeholder st, with
// the defaults: region the input's or the stakeholder's first in scope,
// made_on today in Lima, owner the author, status pending with its first
// history entry. The caller has checked st, the owner and the origin.
func NewCommitment(in CommitmentInput, st Stakeholder, scope Scope, by Actor, now time.Time) *Commitment {
	region := in.Region
	if region == "" {
		region = scope.First(st.Regions)
	}
	owner := in.OwnerID
	if owner.IsZero() {
		owner = by.ID
	}
	madeOn := in.MadeOn
	if madeOn == "" {
		madeOn = Today(now)
	}
	c := &Commitment{
		ID: bson.NewObjectID(), StakeholderID: st.ID, StakeholderName: st.Name, StakeholderKind: st.Kind,
		Text: in.Text, Type: in.Type, Region: region, Origin: in.Origin, MadeOn: madeOn, DueOn: in.DueOn,
		Status: StatusPending, OwnerID: owner, NextFollowUpOn: in.NextFollowUpOn, InitiativeID: in.InitiativeID,
		History: []StatusChange{NewStatusChange(StatusChangeInput{Status: StatusPending}, by, now)},
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	c.Search = CommitmentSearchWords(c)
	return c
}

// NewStatusChange is the history entry of a status change by an author.
func NewStatusChange(in StatusChangeInput, by Actor, now time.Time) StatusChange {
	return StatusChange{Status: in.Status, At: now, Note: in.Note, Evidence: in.Evidence, By: by.ID, ByEmail: by.Email, ByName: by.Name}
}

// NestedCommitment is a commitment input made at meeting m, with the
// meeting's defaults: its region, its day in Lima, and the meeting as origin.
func NestedCommitment(in CommitmentInput, m *Meeting) CommitmentInput {
	if in.Region == "" {
		in.Region = m.Region
	}
	if in.MadeOn == "" {
		in.MadeOn = Today(m.StartsAt)
	}
	in.Origin = &Origin{Kind: "meeting", ID: m.ID}
	return in
}
