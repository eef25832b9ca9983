package store

import (
	"context"
	"slices"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// MaxFunderRows bounds each list of the funder report.
const MaxFunderRows = 500

// StakeholderAgreements is a legislator or committee counted by the
// agreement rule, under Group (the district a legislator represents, a
// committee's region), with the commitments that make them count.
type StakeholderAgreements struct {
	StakeholderID bson.ObjectID               `json:"stakeholder_id"`
	Name          string                      `json:"name"`
	Kind          string                      `json:"kind"`
	Group         string                      `json:"group"`
	Agreements    []model.AgreementCommitment `json:"agreements"`
}

// Fulfilment is a commitment made in the period and fulfilled (wholly or
// in part) so far, with the evidence recorded with its status change.
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
	// Legislators is the agreement rule's count the legislators of the
	// list come from, for the funder line.
	Legislators *model.Agreements `json:"-"`
}

// FunderLists reads, in scope, the legislators and oversight committees the
// agreement rule counts in the period (Agreements, with their commitments),
// and the commitments made in the period that are fulfilled so far, with
// the evidence recorded with their status.
func (s *Store) FunderLists(ctx context.Context, scope model.Scope, p Period) (*FunderLists, error) {
	out := &FunderLists{Stakeholders: []StakeholderAgreements{}, Fulfilled: []Fulfilment{}}
	// Legislators first, then committees; by name.
	for _, kind := range []string{model.KindLegislator, model.KindOversightCommittee} {
		a, err := s.Agreements(ctx, scope, p, kind)
		if err != nil {
			return nil, err
		}
		if kind == model.KindLegislator {
			out.Legislators = a
		}
		for _, m := range a.List {
			out.Stakeholders = append(out.Stakeholders, StakeholderAgreements{StakeholderID: m.ID, Name: m.Name, Kind: kind, Group: m.Group, Agreements: m.Commitments})
		}
	}
	if len(out.Stakeholders) > MaxFunderRows {
		out.Stakeholders, out.Truncated = out.Stakeholders[:MaxFunderRows], true
	}

	// The commitments made in the period and fulfilled (wholly or in part)
	// so far, the rule of the commitments_fulfilled indicator: a filter on
	// the row table's status and made_on, where the time of the fulfilment
	// (in the history) would make every query read every commitment.
	var done []model.Commitment
	err := s.col(colCommitments).Find(ctx, scoped(bson.D{
		{Key: "status", Value: bson.D{{Key: "$in", Value: []string{model.StatusFulfilled, model.StatusPartiallyFulfilled}}}},
		{Key: "made_on", Value: p.dateRange()},
	}, scope, "region"), coll.FindOptions{Projection: bson.D{{Key: "search", Value: 0}}}, &done)
	if err != nil {
		return nil, wrap("funder report fulfilments", err)
	}
	for _, c := range done {
		// The latest entry that set the current status, with its evidence.
		f := Fulfilment{ID: c.ID, StakeholderName: c.StakeholderName, Text: c.Text, Region: c.Region, Status: c.Status, At: c.UpdatedAt}
		for i := len(c.History) - 1; i >= 0; i-- {
			if h := c.History[i]; h.Status == c.Status {
				f.At, f.Evidence, f.Note = h.At, h.Evidence, h.Note
				break
			}
		}
		out.Fulfilled = append(out.Fulfilled, f)
	}
	slices.SortFunc(out.Fulfilled, func(a, b Fulfilment) int { return a.At.Compare(b.At) })
	if len(out.Fulfilled) > MaxFunderRows {
		out.Fulfilled, out.Truncated = out.Fulfilled[:MaxFunderRows], true
	}
	return out, nil
}
