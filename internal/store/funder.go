package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// MaxFunderRows bounds each list of the funder report.
const MaxFunderRows = 500

// Agreement is a commitment as the funder report lists it.
type Agreement struct {
	ID     bson.ObjectID `json:"id"`
	Text   string        `json:"text"`
	Region string        `json:"region"`
	MadeOn string        `json:"made_on"`
	Status string        `json:"status"`
}

// StakeholderAgreements is a legislator or committee with the commitments
// made with them in the period.
type StakeholderAgreements struct {
	StakeholderID bson.ObjectID `json:"stakeholder_id"`
	Name          string        `json:"name"`
	Kind          string        `json:"kind"`
	Agreements    []Agreement   `json:"agreements"`
}

// Fulfilment is a commitment fulfilled (wholly or in part) in the period,
// with the evidence recorded with its status change.
type Fulfilment struct {
	ID              bson.ObjectID `json:"id"`
	StakeholderName string        `json:"stakeholder_name"`
	Text            string        `json:"text"`
	Region          string        `json:"region"`
	Status          string        `json:"status"`
	At              time.Time     `json:"at"`
	Evidence        string        `json:"evidence"`
	Note            string        `json:"note"`
}

// FunderLists are the funder report's lists; Truncated says a list was cut at MaxFunderRows.
type FunderLists struct {
	Stakeholders []StakeholderAgreements `json:"stakeholders"`
	Fulfilled    []Fulfilment            `json:"fulfilled"`
	Truncated    bool                    `json:"truncated"`
}

// FunderLists reads, in scope, the legislators and oversight committees with
// commitments made in the period (with those commitments), and the
// commitments whose fulfilment was recorded in the period. Two queries,
// projected to the fields shown.
func (s *Store) FunderLists(ctx context.Context, scope model.Scope, p Period) (*FunderLists, error) {
	out := &FunderLists{Stakeholders: []StakeholderAgreements{}, Fulfilled: []Fulfilment{}}
	var made []model.Commitment
	err := s.col(colCommitments).Find(ctx, scoped(bson.D{
		{Key: "stakeholder_kind", Value: bson.D{{Key: "$in", Value: []string{model.KindLegislator, model.KindOversightCommittee}}}},
		{Key: "made_on", Value: p.dateRange()},
	}, scope, "region"), coll.FindOptions{Projection: bson.D{{Key: "history", Value: 0}, {Key: "search", Value: 0}}}, &made)
	if err != nil {
		return nil, wrap("funder report agreements", err)
	}
	by := map[bson.ObjectID]*StakeholderAgreements{}
	for _, c := range made {
		st := by[c.StakeholderID]
		if st == nil {
			st = &StakeholderAgreements{StakeholderID: c.StakeholderID, Name: c.StakeholderName, Kind: c.StakeholderKind}
			by[c.StakeholderID] = st
		}
		st.Agreements = append(st.Agreements, Agreement{ID: c.ID, Text: c.Text, Region: c.Region, MadeOn: c.MadeOn, Status: c.Status})
	}
	for _, st := range by {
		slices.SortFunc(st.Agreements, func(a, b Agreement) int { return strings.Compare(a.MadeOn, b.MadeOn) })
		out.Stakeholders = append(out.Stakeholders, *st)
	}
	// Legislators first, then committees; by name.
	slices.SortFunc(out.Stakeholders, func(a, b StakeholderAgreements) int {
		if a.Kind != b.Kind {
			return strings.Compare(b.Kind, a.Kind)
		}
		return strings.Compare(a.Name, b.Name)
	})
	if len(out.Stakeholders) > MaxFunderRows {
		out.Stakeholders, out.Truncated = out.Stakeholders[:MaxFunderRows], true
	}

	from, to := p.instants()
	var done []model.Commitment
	err = s.col(colCommitments).Find(ctx, scoped(bson.D{
		{Key: "status", Value: bson.D{{Key: "$in", Value: []string{model.StatusFulfilled, model.StatusPartiallyFulfilled}}}},
		{Key: "updated_at", Value: bson.D{{Key: "$gte", Value: from}}},
	}, scope, "region"), coll.FindOptions{Projection: bson.D{{Key: "search", Value: 0}}}, &done)
	if err != nil {
		return nil, wrap("funder report fulfilments", err)
	}
	for _, c := range done {
		// The latest entry that set the current status, if it falls in the period.
		for i := len(c.History) - 1; i >= 0; i-- {
			h := c.History[i]
			if h.Status != c.Status {
				continue
			}
			if !h.At.Before(from) && h.At.Before(to) {
				out.Fulfilled = append(out.Fulfilled, Fulfilment{ID: c.ID, StakeholderName: c.StakeholderName, Text: c.Text, Region: c.Region,
					Status: c.Status, At: h.At, Evidence: h.Evidence, Note: h.Note})
			}
			break
		}
	}
	slices.SortFunc(out.Fulfilled, func(a, b Fulfilment) int { return a.At.Compare(b.At) })
	if len(out.Fulfilled) > MaxFunderRows {
		out.Fulfilled, out.Truncated = out.Fulfilled[:MaxFunderRows], true
	}
	return out, nil
}
