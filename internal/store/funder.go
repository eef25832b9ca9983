package store

import (
	"context"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The funder report's records: its lines count from the counters (the
// agreements by Agreements, the rule the indicators count by, the
// trainings by Trainings), and the members behind them are the records of
// the agreement indicators (IndicatorRecords). What only the report lists
// is the evidence of the fulfilled commitments, a page at a time here.

// Fulfilment is a commitment made in the period and fulfilled (wholly or
// in part) so far, with the evidence recorded with its status change.
type Fulfilment struct {
	ID              bson.ObjectID `json:"id"`
	StakeholderName string        `json:"stakeholder_name"`
	Text            string        `json:"text"`
	Region          string        `json:"region"`
	Status          string        `json:"status"`
	MadeOn          string        `json:"made_on"`
	At              time.Time     `json:"at"`
	Evidence        string        `json:"evidence"`
	Note            string        `json:"note"`
}

// FunderFulfilled reads a page of the commitments in scope made in the
// period and fulfilled (wholly or in part) so far, newest made first, each
// with the evidence of the latest status change that set its status: a
// filter on the row table's status and made_on, where the time of the
// fulfilment (in the history) would make every query read every commitment.
func (s *Store) FunderFulfilled(ctx context.Context, scope model.Scope, p Period, pg Page) ([]Fulfilment, string, error) {
	filter := scoped(bson.D{
		{Key: "status", Value: bson.D{{Key: "$in", Value: []string{model.StatusFulfilled, model.StatusPartiallyFulfilled}}}},
		{Key: "made_on", Value: p.dateRange()},
	}, scope, "region")
	proj := bson.D{{Key: "stakeholder_name", Value: 1}, {Key: "text", Value: 1}, {Key: "region", Value: 1}, {Key: "status", Value: 1},
		{Key: "made_on", Value: 1}, {Key: "updated_at", Value: 1}, {Key: "history", Value: 1}}
	done, next, err := pagedFindProjected(ctx, s, colCommitments, filter, "", pg, "made_on", true, proj,
		func(c model.Commitment) (any, bson.ObjectID) { return c.MadeOn, c.ID })
	if err != nil {
		return nil, "", wrap("funder report fulfilments", err)
	}
	out := make([]Fulfilment, len(done))
	for i, c := range done {
		f := Fulfilment{ID: c.ID, StakeholderName: c.StakeholderName, Text: c.Text, Region: c.Region, Status: c.Status, MadeOn: c.MadeOn, At: c.UpdatedAt}
		for j := len(c.History) - 1; j >= 0; j-- {
			if h := c.History[j]; h.Status == c.Status {
				f.At, f.Evidence, f.Note = h.At, h.Evidence, h.Note
				break
			}
		}
		out[i] = f
	}
	return out, next, nil
}
