package model

import (
	"fmt"
	"slices"
	"strings"
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
	OwnerID       bson.ObjectID  `bson:"owner_id,omitempty" json:"owner_id,omitzero"`
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
	CoordinatorID bson.ObjectID   `bson:"coordinator_id,omitempty" json:"coordinator_id,omitzero"`
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

// Stakeholder defaults and limits.
const (
	DefaultStance    = "unknown"
	DefaultInfluence = "medium"

	maxStakeholderList = 50
)

// StakeholderInput is the body of POST /stakeholders (and one imported row).
type StakeholderInput struct {
	Kind       string        `json:"kind"`
	Name       string        `json:"name"`
	Emails     []string      `json:"emails"`
	Phones     []string      `json:"phones"`
	Regions    []string      `json:"regions"`
	Tags       []string      `json:"tags"`
	Stance     string        `json:"stance"`
	Influence  string        `json:"influence"`
	OwnerID    bson.ObjectID `json:"owner_id,omitzero"`
	Notes      string        `json:"notes"`
	Legislator *Legislator   `json:"legislator,omitempty"`
	Committee  *Committee    `json:"committee,omitempty"`
}

// Stakeholder returns the record the input describes (no id, times or
// version), normalised; check it with Stakeholder.Validate.
func (in StakeholderInput) Stakeholder() Stakeholder {
	s := Stakeholder{
		Kind: in.Kind, Name: in.Name, Emails: in.Emails, Phones: in.Phones, Regions: in.Regions,
		Tags: in.Tags, Stance: in.Stance, Influence: in.Influence, OwnerID: in.OwnerID, Notes: in.Notes,
	}
	s.Legislator, s.Committee = copyOf(in.Legislator), copyOf(in.Committee)
	s.Normalize()
	return s
}

// StakeholderPatch changes some fields of a stakeholder; nil fields stay as
// they are. Version is required: it guards against lost updates.
type StakeholderPatch struct {
	Kind       *string        `json:"kind,omitempty"`
	Name       *string        `json:"name,omitempty"`
	Emails     *[]string      `json:"emails,omitempty"`
	Phones     *[]string      `json:"phones,omitempty"`
	Regions    *[]string      `json:"regions,omitempty"`
	Tags       *[]string      `json:"tags,omitempty"`
	Stance     *string        `json:"stance,omitempty"`
	Influence  *string        `json:"influence,omitempty"`
	OwnerID    *bson.ObjectID `json:"owner_id,omitempty"`
	Notes      *string        `json:"notes,omitempty"`
	Legislator *Legislator    `json:"legislator,omitempty"`
	Committee  *Committee     `json:"committee,omitempty"`
	Archived   *bool          `json:"archived,omitempty"`
	Version    *int           `json:"version,omitempty"`
}

// Apply returns s with the patch applied and normalised; check the result
// with Validate. Changing the kind drops the fields of the old kind.
func (p StakeholderPatch) Apply(s Stakeholder) (Stakeholder, error) {
	if p.Version == nil {
		return s, Problems{{Field: "version", Message: "is required"}}.Err()
	}
	s = s.clone()
	setIf(&s.Kind, p.Kind)
	setIf(&s.Name, p.Name)
	setCopy(&s.Emails, p.Emails)
	setCopy(&s.Phones, p.Phones)
	setCopy(&s.Regions, p.Regions)
	setCopy(&s.Tags, p.Tags)
	setIf(&s.Stance, p.Stance)
	setIf(&s.Influence, p.Influence)
	setIf(&s.Notes, p.Notes)
	setIf(&s.OwnerID, p.OwnerID)
	setIf(&s.Archived, p.Archived)
	setPtr(&s.Legislator, p.Legislator)
	setPtr(&s.Committee, p.Committee)
	if s.Kind != KindLegislator && p.Legislator == nil {
		s.Legislator = nil
	}
	if s.Kind != KindOversightCommittee && p.Committee == nil {
		s.Committee = nil
	}
	s.Normalize()
	return s, nil
}

// Normalize trims text, lowercases and deduplicates emails and tags,
// uppercases region codes and fills the stance and influence defaults.
func (s *Stakeholder) Normalize() {
	s.Kind = strings.TrimSpace(s.Kind)
	s.Name = strings.Join(strings.Fields(s.Name), " ")
	s.Notes = strings.TrimSpace(s.Notes)
	s.Emails = cleanList(s.Emails, NormalizeEmail)
	s.Phones = cleanList(s.Phones, strings.TrimSpace)
	s.Tags = cleanList(s.Tags, func(t string) string { return strings.ToLower(strings.Join(strings.Fields(t), " ")) })
	s.Regions = cleanList(s.Regions, NormalizeRegionCode)
	s.Stance = strings.ToLower(strings.TrimSpace(s.Stance))
	if s.Stance == "" {
		s.Stance = DefaultStance
	}
	s.Influence = strings.ToLower(strings.TrimSpace(s.Influence))
	if s.Influence == "" {
		s.Influence = DefaultInfluence
	}
	if l := s.Legislator; l != nil {
		l.Chamber = strings.ToLower(strings.TrimSpace(l.Chamber))
		trimSpace(&l.Period, &l.ParliamentaryGroup, &l.Party)
		l.ElectoralDistrict = NormalizeRegionCode(l.ElectoralDistrict)
		l.Committees = cleanList(l.Committees, strings.TrimSpace)
	}
	if c := s.Committee; c != nil {
		c.Region = NormalizeRegionCode(c.Region)
		c.MemberIDs = distinct(c.MemberIDs)
	}
	if s.Relationships == nil {
		s.Relationships = []Relationship{}
	}
}

// Validate checks every field of a normalised stakeholder. That referenced
// users and stakeholders exist and are visible is checked by the store.
func (s *Stakeholder) Validate() error {
	var p Problems
	if !StakeholderKinds.Valid(s.Kind) {
		p.Add("kind", "must be one of %s", StakeholderKinds)
	}
	if s.Name == "" {
		p.Add("name", "is required")
	}
	checkLen(&p, "name", s.Name, textLimit("stakeholder.name"))
	CheckText(&p, "name", s.Name)
	checkLen(&p, "notes", s.Notes, textLimit("stakeholder.notes"))
	for i, e := range s.Emails {
		if !ValidEmail(e) {
			p.Add("emails["+itoa(i)+"]", "must be a valid email address")
		}
	}
	for i, ph := range s.Phones {
		checkLen(&p, "phones["+itoa(i)+"]", ph, textLimit("stakeholder.phone"))
	}
	for i, t := range s.Tags {
		checkLen(&p, "tags["+itoa(i)+"]", t, textLimit("stakeholder.tag"))
	}
	for _, l := range []struct {
		field string
		n     int
	}{{"emails", len(s.Emails)}, {"phones", len(s.Phones)}, {"tags", len(s.Tags)}, {"regions", len(s.Regions)}} {
		if l.n > maxStakeholderList {
			p.Add(l.field, "must list at most %d values", maxStakeholderList)
		}
	}
	if len(s.Regions) == 0 {
		p.Add("regions", "must list at least one region code")
	}
	for i, r := range s.Regions {
		if !ValidRegion(r) {
			p.Add("regions["+itoa(i)+"]", "unknown region code %q", r)
		}
	}
	if !Stances.Valid(s.Stance) {
		p.Add("stance", "must be one of %s", Stances)
	}
	if !Influences.Valid(s.Influence) {
		p.Add("influence", "must be one of %s", Influences)
	}
	s.validateKindFields(&p)
	return p.Err()
}

func (s *Stakeholder) validateKindFields(p *Problems) {
	if s.Kind == KindLegislator {
		l := s.Legislator
		if l == nil {
			l = &Legislator{}
		}
		if !Chambers.Valid(l.Chamber) {
			p.Add("legislator.chamber", "must be one of %s", Chambers)
		}
		if l.Period != "" && !shValidPeriod(l.Period) {
			p.Add("legislator.period", "must look like 2021-2026")
		}
		if l.ElectoralDistrict != "" && !ValidRegion(l.ElectoralDistrict) {
			p.Add("legislator.electoral_district", "must be a known region code")
		}
		checkLen(p, "legislator.parliamentary_group", l.ParliamentaryGroup, textLimit("legislator.group"))
		checkLen(p, "legislator.party", l.Party, textLimit("legislator.party"))
		if len(l.Committees) > maxStakeholderList {
			p.Add("legislator.committees", "must list at most %d values", maxStakeholderList)
		}
		for i, c := range l.Committees {
			checkLen(p, "legislator.committees["+itoa(i)+"]", c, textLimit("legislator.committee"))
		}
	} else if s.Legislator != nil {
		p.Add("legislator", "is only for legislators")
	}
	if s.Kind == KindOversightCommittee {
		c := s.Committee
		if c == nil {
			c = &Committee{}
		}
		switch {
		case !ValidRegion(c.Region):
			p.Add("committee.region", "must be a known region code")
		case !slices.Contains(s.Regions, c.Region):
			p.Add("committee.region", "must be one of the stakeholder's regions")
		}
		if len(c.MemberIDs) > 500 {
			p.Add("committee.member_ids", "must list at most 500 members")
		}
		for i, id := range c.MemberIDs {
			if id.IsZero() {
				p.Add("committee.member_ids["+itoa(i)+"]", "must be a stakeholder id")
			}
		}
	} else if s.Committee != nil {
		p.Add("committee", "is only for oversight committees")
	}
}

// SearchParts are the texts a stakeholder is found by (store them with
// search.Words): name, emails, tags, notes and a legislator's party and group.
func (s *Stakeholder) SearchParts() []string {
	parts := make([]string, 0, 4+len(s.Emails)+len(s.Tags))
	parts = append(parts, s.Name)
	parts = append(parts, s.Emails...)
	parts = append(parts, s.Tags...)
	if l := s.Legislator; l != nil {
		parts = append(parts, l.Party, l.ParliamentaryGroup)
	}
	return append(parts, s.Notes)
}

// RelationshipInput is the body of POST /stakeholders/{id}/relationships.
type RelationshipInput struct {
	StakeholderID bson.ObjectID `json:"stakeholder_id"`
	Kind          string        `json:"kind"`
	Role          string        `json:"role"`
	Since         string        `json:"since,omitempty"`
	Until         string        `json:"until,omitempty"`
}

// Validate normalises and checks the relationship of stakeholder from.
func (in *RelationshipInput) Validate(from bson.ObjectID) error {
	var p Problems
	trimSpace(&in.Kind, &in.Role, &in.Since, &in.Until)
	switch {
	case in.StakeholderID.IsZero():
		p.Add("stakeholder_id", "is required")
	case in.StakeholderID == from:
		p.Add("stakeholder_id", "must be another stakeholder")
	}
	if !RelationshipKinds.Valid(in.Kind) {
		p.Add("kind", "must be one of %s", RelationshipKinds)
	}
	checkLen(&p, "role", in.Role, textLimit("stakeholder.relation_role"))
	if in.Since != "" && !ValidDate(in.Since) {
		p.Add("since", "must be a date (YYYY-MM-DD)")
	}
	if in.Until != "" && !ValidDate(in.Until) {
		p.Add("until", "must be a date (YYYY-MM-DD)")
	}
	if ValidDate(in.Since) && ValidDate(in.Until) && in.Until < in.Since {
		p.Add("until", "must not be before since")
	}
	return p.Err()
}

// Relationship returns the stored form of the input.
func (in RelationshipInput) Relationship() Relationship {
	return Relationship{StakeholderID: in.StakeholderID, Kind: in.Kind, Role: in.Role, Since: in.Since, Until: in.Until}
}

// NormalizeRegionCode trims and uppercases a code, padding "8" to "08".
func NormalizeRegionCode(r string) string {
	r = strings.ToUpper(strings.TrimSpace(r))
	if len(r) == 1 && r[0] >= '1' && r[0] <= '9' {
		r = "0" + r
	}
	return r
}

// shValidPeriod accepts a legislative period like 2021-2026.
func shValidPeriod(s string) bool {
	a, b, ok := strings.Cut(s, "-")
	return ok && len(a) == 4 && len(b) == 4 && shIsDigits(a) && shIsDigits(b) && a < b
}

func shIsDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// clone copies s deeply enough that changing the copy never changes s.
func (s Stakeholder) clone() Stakeholder {
	s.Emails = slices.Clone(s.Emails)
	s.Phones = slices.Clone(s.Phones)
	s.Regions = slices.Clone(s.Regions)
	s.Tags = slices.Clone(s.Tags)
	s.Relationships = slices.Clone(s.Relationships)
	if s.Legislator != nil {
		l := *s.Legislator
		l.Committees = slices.Clone(l.Committees)
		s.Legislator = &l
	}
	if s.Committee != nil {
		c := *s.Committee
		c.MemberIDs = slices.Clone(c.MemberIDs)
		s.Committee = &c
	}
	return s
}

// EntityStakeholder names stakeholders in the audit trail and in store.Change.
const EntityStakeholder = "stakeholder"

// CheckAddedRegions refuses, under regions[i], each region of after that is
// not in before and that s does not allow: nobody hands a record to a
// region they cannot see.
func (s Scope) CheckAddedRegions(p *Problems, before, after []string) {
	if s.All {
		return
	}
	for i, r := range after {
		if !slices.Contains(before, r) && !s.Allows(r) {
			p.Add(fmt.Sprintf("regions[%d]", i), "region %s is outside your regions", r)
		}
	}
}

// KeepHidden returns after plus the regions of before that s does not
// hold: a user adds or removes only their own regions, so a record shared
// with a region they cannot see never vanishes from it.
func (s Scope) KeepHidden(before, after []string) []string {
	if s.All {
		return after
	}
	out := slices.Clone(after)
	for _, r := range before {
		if !s.Allows(r) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// Added lists the coordinator and members of c that before (nil for a new
// committee) did not have: the people a write adds, which must be visible
// to its author.
func (c *Committee) Added(before *Committee) []bson.ObjectID {
	var b Committee
	if before != nil {
		b = *before
	}
	var out []bson.ObjectID
	for _, id := range append([]bson.ObjectID{c.CoordinatorID}, c.MemberIDs...) {
		if !id.IsZero() && id != b.CoordinatorID && !slices.Contains(b.MemberIDs, id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
