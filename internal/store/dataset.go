// Loading built datasets (the demo, the reference data of the benchmarks):
// many records with fixed ids, stored in batches.

package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Dataset is a set of built records that a loader stores in one go.
type Dataset struct {
	Users        []model.User
	Stakeholders []model.Stakeholder
	Meetings     []model.Meeting
	Commitments  []model.Commitment
	Tasks        []model.Task
}

// DatasetCounts are how many records of each kind a load stored.
type DatasetCounts struct {
	Users, Stakeholders, Meetings, Commitments, Tasks, Messages int
}

// LoadDataset stores the records whose _id is not stored yet, so loading the
// same dataset twice adds nothing. Users whose email is taken are skipped.
// One audit entry per collection records the load.
func (s *Store) LoadDataset(ctx context.Context, actor model.Actor, d Dataset) (DatasetCounts, error) {
	var n DatasetCounts
	var err error
	if n.Users, err = loadMissing(ctx, s, colUsers, d.Users, func(u model.User) bson.ObjectID { return u.ID }); err != nil {
		return n, err
	}
	if n.Stakeholders, err = loadMissing(ctx, s, colStakeholders, d.Stakeholders, func(x model.Stakeholder) bson.ObjectID { return x.ID }); err != nil {
		return n, err
	}
	if n.Meetings, err = loadMissing(ctx, s, colMeetings, d.Meetings, func(x model.Meeting) bson.ObjectID { return x.ID }); err != nil {
		return n, err
	}
	if n.Commitments, err = loadMissing(ctx, s, colCommitments, d.Commitments, func(x model.Commitment) bson.ObjectID { return x.ID }); err != nil {
		return n, err
	}
	if n.Tasks, err = loadMissing(ctx, s, colTasks, d.Tasks, func(x model.Task) bson.ObjectID { return x.ID }); err != nil {
		return n, err
	}
	if n != (DatasetCounts{}) {
		if err := s.InvalidateReportCounters(ctx); err != nil {
			return n, err
		}
	}
	for col, c := range map[string]int{colUsers: n.Users, colStakeholders: n.Stakeholders, colMeetings: n.Meetings, colCommitments: n.Commitments, colTasks: n.Tasks} {
		if c > 0 {
			s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: "dataset", ID: col, Fields: []model.Change{{Field: col, New: c}}})
		}
	}
	return n, nil
}

// loadMissing inserts the docs whose id is not in col yet. A document that
// still collides (a user's email taken by another id) is skipped.
func loadMissing[T any](ctx context.Context, s *Store, col string, docs []T, id func(T) bson.ObjectID) (int, error) {
	if len(docs) == 0 {
		return 0, nil
	}
	existing := map[bson.ObjectID]bool{}
	for start := 0; start < len(docs); start += bulkBatch {
		ids := make([]bson.ObjectID, 0, bulkBatch)
		for _, d := range docs[start:min(start+bulkBatch, len(docs))] {
			ids = append(ids, id(d))
		}
		var found []struct {
			ID bson.ObjectID `bson:"_id"`
		}
		err := s.findAll(ctx, col, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
			options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}), &found)
		if err != nil {
			return 0, wrap("load "+col, err)
		}
		for _, f := range found {
			existing[f.ID] = true
		}
	}
	missing := make([]T, 0, len(docs))
	for _, d := range docs {
		if !existing[id(d)] {
			missing = append(missing, d)
		}
	}
	dups, err := insertBatches(ctx, s, col, missing, true)
	return len(missing) - len(dups), err
}
