package model

import (
	"bytes"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// The counting rules of the results a funder reads. The funder report, the
// indicators and the records behind each figure all count through these
// functions, so a figure and the list an auditor checks it against cannot
// disagree.

// CountsAsAgreement is the agreement rule for one commitment: it counts when
// it was made in the period (the caller's query) and is not withdrawn.
func CountsAsAgreement(status string) bool { return status != StatusWithdrawn }

// AgreementGroup is where a stakeholder counts in an agreements breakdown:
// a member of Congress under the district they represent, an oversight
// committee under its region; an unknown or national one under National.
func AgreementGroup(s *Stakeholder) string {
	g := ""
	switch {
	case s == nil:
	case s.Legislator != nil:
		g = s.Legislator.ElectoralDistrict
	case s.Committee != nil:
		g = s.Committee.Region
	}
	if !ValidRegion(g) {
		return National
	}
	return g
}

// AgreementCommitment is one commitment as the agreement rule reads it.
type AgreementCommitment struct {
	ID            bson.ObjectID `bson:"_id" json:"id"`
	StakeholderID bson.ObjectID `bson:"stakeholder_id" json:"-"`
	Text          string        `bson:"text" json:"text"`
	Region        string        `bson:"region" json:"region"`
	MadeOn        string        `bson:"made_on" json:"made_on"`
	Status        string        `bson:"status" json:"status"`
}

// AgreementMember is one stakeholder counted once, under Group, with the
// commitments that make them count.
type AgreementMember struct {
	ID          bson.ObjectID         `json:"id"`
	Name        string                `json:"name"`
	Group       string                `json:"group"` // district (legislators) or region (committees)
	Commitments []AgreementCommitment `json:"commitments"`
}

// GroupCount is one group's number in a breakdown.
type GroupCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// Agreements is the result of the agreement rule: Members counted once
// each, Groups adding up to Members, Commitments their counted commitments
// and Fulfilled those of them fulfilled so far.
type Agreements struct {
	Members     int               `json:"members"`
	Commitments int               `json:"commitments"`
	Fulfilled   int               `json:"fulfilled"`
	Groups      []GroupCount      `json:"groups"` // largest first, then by code
	List        []AgreementMember `json:"list"`   // by name
}

// CountAgreements applies the agreement rule to the commitments made in a
// period with stakeholders of one kind: withdrawn ones are left out, each
// stakeholder with at least one left counts once under the group group
// gives it (AgreementGroup of the stakeholder), and name names it.
func CountAgreements(made []AgreementCommitment, group, name func(bson.ObjectID) string) Agreements {
	out := Agreements{Groups: []GroupCount{}, List: []AgreementMember{}}
	by := map[bson.ObjectID]int{}
	for _, c := range made {
		if !CountsAsAgreement(c.Status) {
			continue
		}
		i, ok := by[c.StakeholderID]
		if !ok {
			i = len(out.List)
			by[c.StakeholderID] = i
			out.List = append(out.List, AgreementMember{ID: c.StakeholderID, Name: name(c.StakeholderID), Group: group(c.StakeholderID)})
		}
		out.List[i].Commitments = append(out.List[i].Commitments, c)
		out.Commitments++
		if c.Status == StatusFulfilled {
			out.Fulfilled++
		}
	}
	counts := map[string]int{}
	for i := range out.List {
		m := &out.List[i]
		slices.SortFunc(m.Commitments, func(a, b AgreementCommitment) int {
			return CompareKeys(a.MadeOn, a.ID, b.MadeOn, b.ID, "")
		})
		counts[m.Group]++
	}
	out.Members = len(out.List)
	out.Groups = SortedCounts(counts)
	slices.SortFunc(out.List, func(a, b AgreementMember) int {
		return CompareKeys(a.Name, a.ID, b.Name, b.ID, "")
	})
	return out
}

// CompareKeys compares the keys s+sep+id's hex of a and b, as
// strings.Compare(sa+sep+ida.Hex(), sb+sep+idb.Hex()) does, in buffers on
// the stack: at scale 10 building those strings was most of the work of
// the sorts that order members and records by such keys.
func CompareKeys(sa string, ida bson.ObjectID, sb string, idb bson.ObjectID, sep string) int {
	// Mostly the strings decide, or are equal and the ids' bytes (in the
	// order of their hex) do.
	n := min(len(sa), len(sb))
	if c := strings.Compare(sa[:n], sb[:n]); c != 0 {
		return c
	}
	if len(sa) == len(sb) {
		return bytes.Compare(ida[:], idb[:])
	}
	var bufA, bufB [96]byte
	a := hex.AppendEncode(append(append(bufA[:0], sa...), sep...), ida[:])
	b := hex.AppendEncode(append(append(bufB[:0], sb...), sep...), idb[:])
	return bytes.Compare(a, b)
}

// SortedCounts turns a map of counts into a breakdown, largest first, then
// by key; zero counts are left out.
func SortedCounts(m map[string]int) []GroupCount {
	out := make([]GroupCount, 0, len(m))
	for k, n := range m {
		if n != 0 {
			out = append(out, GroupCount{Key: k, Count: n})
		}
	}
	slices.SortFunc(out, func(a, b GroupCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// Limits of an indicator's yearly target.
const (
	MinTargetYear = 2000
	MaxTargetYear = 2100
	MaxTarget     = 10000000
)

// IndicatorTarget is what the organisation aims for an indicator to reach
// in one calendar year, for every region together.
type IndicatorTarget struct {
	ID        string    `bson:"_id" json:"-"` // code/year
	Code      string    `bson:"code" json:"code"`
	Year      int       `bson:"year" json:"year"`
	Value     int       `bson:"value" json:"value"`
	UpdatedAt time.Time `bson:"updated_at" json:"updated_at"`
	UpdatedBy Actor     `bson:"updated_by" json:"updated_by"`
}

// TargetID is the stored id of a code's target for year.
func TargetID(code string, year int) string { return code + "/" + itoa(year) }

// TargetInput is the body of a target change.
type TargetInput struct {
	Value *int `json:"value"`
}

// Validate checks the year (from the path) and the value.
func (in TargetInput) Validate(year int) error {
	var p Problems
	if year < MinTargetYear || year > MaxTargetYear {
		p.Add("year", "must be a year from %d to %d", MinTargetYear, MaxTargetYear)
	}
	switch {
	case in.Value == nil:
		p.Add("value", "is required")
	case *in.Value < 0 || *in.Value > MaxTarget:
		p.Add("value", "must be from 0 to %d", MaxTarget)
	}
	return p.Err()
}

// CanSetTargets reports whether u may change the organisation's targets:
// managers and admins of every region, since a target counts them all.
func (u *User) CanSetTargets() bool {
	return (u.Role == RoleAdmin || u.Role == RoleManager) && u.Scope().All
}

// InitiativeMoves is what an initiative's history says of a period: the
// rules of the indicators initiatives_advanced and initiatives_approved.
// Advanced: a stage change dated in the period moved it forward along its
// kind's chain (a side stage such as archived, or a step back, is not an
// advance). Approved: it reached the approved stage on a day of the period
// (its first entry too: recorded as approved that day). The dates and
// stages are those of the last such entry.
type InitiativeMoves struct {
	Advanced, Approved     bool
	AdvancedOn, AdvancedTo string
	ApprovedOn             string
}

// MovesIn applies the rules to it over from..to (YYYY-MM-DD, inclusive).
func MovesIn(it *Initiative, from, to string) InitiativeMoves {
	var m InitiativeMoves
	for i, h := range it.History {
		if h.On < from || h.On > to {
			continue
		}
		advanced, approved := EntryMoves(it, i)
		if advanced {
			m.Advanced, m.AdvancedOn, m.AdvancedTo = true, h.On, h.Stage
		}
		if approved {
			m.Approved, m.ApprovedOn = true, h.On
		}
	}
	return m
}

// EntryMoves says what history entry i of it counts for, whatever the
// period: an advance (a later stage than the entry before) and an approval.
func EntryMoves(it *Initiative, i int) (advanced, approved bool) {
	h := it.History[i]
	return i > 0 && Advances(it.Kind, it.History[i-1].Stage, h.Stage), h.Stage == StageApproved
}
