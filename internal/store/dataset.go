// Loading built datasets (the demo, the reference data of the benchmarks):
// many records with fixed ids, stored in batches.

package store

import (
	"context"
	"errors"
	"iter"
	"math"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Dataset is a set of built records that a loader stores in one go.
// Messages are stored as they come (filed, with search words and replied
// set; workflow.ImportHistory files them by the matching rule first).
type Dataset struct {
	Users        []model.User
	Stakeholders []model.Stakeholder
	Meetings     []model.Meeting
	Commitments  []model.Commitment
	Tasks        []model.Task
	Messages     []model.IncomingMessage
	Initiatives  []model.Initiative
	// MessageBatches, when set, yields more messages after Messages, a
	// batch at a time, so that a mailbox too large to hold (the reference
	// dataset's at scale 10) is stored as it is built; an error stops the
	// load there, with the batches before it stored.
	MessageBatches iter.Seq2[[]model.IncomingMessage, error]
	// MessageTotal is how many messages Messages and MessageBatches hold
	// together, when the producer knows (0: unknown). It lets a load that
	// finds them all stored skip the bulk path, which rebuilds the
	// messages' indexes (a minute of CPU at 500,000 messages).
	MessageTotal int
}

// DatasetCounts are how many records of each kind a load stored.
type DatasetCounts struct {
	Users, Stakeholders, Meetings, Commitments, Tasks, Messages, Initiatives int
}

// LoadDataset stores the records whose _id is not stored yet, so loading the
// same dataset twice adds nothing and loading it after an interrupted load
// adds the rest. Users whose email is taken are skipped. It checks nothing:
// workflow.ImportHistory checks the records first. One audit entry per
// collection records the load, and the dashboard counters are marked stale.
// A collection that receives more documents than it holds is loaded with
// its indexes built at the end (bulk).
func (s *Store) LoadDataset(ctx context.Context, actor model.Actor, d Dataset) (DatasetCounts, error) {
	var n DatasetCounts
	load := func(ctx context.Context) error {
		var err error
		if n.Users, err = loadNew(ctx, s, colUsers, d.Users, func(u model.User) bson.ObjectID { return u.ID }); err != nil {
			return err
		}
		if n.Stakeholders, err = loadNew(ctx, s, colStakeholders, d.Stakeholders, func(x model.Stakeholder) bson.ObjectID { return x.ID }); err != nil {
			return err
		}
		if n.Meetings, err = loadNew(ctx, s, colMeetings, d.Meetings, func(x model.Meeting) bson.ObjectID { return x.ID }); err != nil {
			return err
		}
		if n.Commitments, err = loadNew(ctx, s, colCommitments, d.Commitments, func(x model.Commitment) bson.ObjectID { return x.ID }); err != nil {
			return err
		}
		if n.Tasks, err = loadNew(ctx, s, colTasks, d.Tasks, func(x model.Task) bson.ObjectID { return x.ID }); err != nil {
			return err
		}
		if n.Initiatives, err = loadNew(ctx, s, colInitiatives, d.Initiatives, func(x model.Initiative) bson.ObjectID { return x.ID }); err != nil {
			return err
		}
		size := len(d.Messages)
		if d.MessageBatches != nil {
			size = math.MaxInt // as many as it yields
			if d.MessageTotal > 0 {
				size = d.MessageTotal
			}
		}
		return s.bulk(ctx, colMessages, size, func(ctx context.Context) error {
			k, err := s.loadMessages(ctx, d.Messages)
			n.Messages += k
			if err != nil || d.MessageBatches == nil {
				return err
			}
			for batch, err := range d.MessageBatches {
				if err != nil {
					return err
				}
				k, err := s.loadMessages(ctx, batch)
				n.Messages += k
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	err := load(ctx)
	if n != (DatasetCounts{}) {
		err = errors.Join(err, s.InvalidateReportCounters(ctx))
	}
	// The load is not one transaction (it skips the records another writer
	// stored, which aborts a MongoDB transaction, and an interrupted load
	// is resumed by loading again), so its entries follow it.
	var changes []Change
	for col, c := range map[string]int{colUsers: n.Users, colStakeholders: n.Stakeholders, colMeetings: n.Meetings,
		colCommitments: n.Commitments, colTasks: n.Tasks, colMessages: n.Messages, colInitiatives: n.Initiatives} {
		if c > 0 {
			changes = append(changes, Change{Actor: actor, Action: model.ActionCreate, Entity: "dataset", ID: col, Fields: []model.Change{{Field: col, New: c}}})
		}
	}
	return n, errors.Join(err, s.apply(ctx, func(context.Context) ([]Change, error) { return changes, nil }))
}

// loadNew stores the docs whose id is not in col yet (bulk) and returns
// how many it stored.
func loadNew[T any](ctx context.Context, s *Store, col string, docs []T, id func(T) bson.ObjectID) (int, error) {
	docs, err := missing(ctx, s, col, docs, id)
	if err != nil {
		return 0, err
	}
	var stored int
	err = s.bulk(ctx, col, len(docs), func(ctx context.Context) error {
		stored, err = insertNew(ctx, s, col, docs)
		return err
	})
	return stored, err
}

// loadMessages stores the messages whose id is not stored yet, with their
// bodies, and returns how many it stored.
func (s *Store) loadMessages(ctx context.Context, msgs []model.IncomingMessage) (int, error) {
	msgs, err := missing(ctx, s, colMessages, msgs, func(x model.IncomingMessage) bson.ObjectID { return x.Message.ID })
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	return s.insertMessages(ctx, msgs, true)
}

// bulkMin is the smallest load that sets a collection's indexes aside.
// Smaller ones are quick anyway, and a running process's readers see the
// schema change and reload the planner's statistics, which turns the
// lookups of a tiny table into scans (the tests' plan check flags them).
const bulkMin = 10000

// bulk runs load, which adds about n documents to col, through the
// embedded store's BulkLoad when col holds fewer than that: building its
// indexes once at the end then costs a fraction of keeping them document
// by document. Small loads, and MongoDB, run load as it is.
func (s *Store) bulk(ctx context.Context, col string, n int, load func(context.Context) error) error {
	if s.embedded == nil || n < bulkMin {
		return load(ctx)
	}
	stored, err := s.col(col).Count(ctx, bson.D{}, int64(n))
	if err != nil {
		return wrap("count "+col, err)
	}
	if stored >= int64(n) {
		return load(ctx)
	}
	return s.embedded.BulkLoad(ctx, []string{col}, load)
}

// missing returns the docs whose id is not in col yet.
func missing[T any](ctx context.Context, s *Store, col string, docs []T, id func(T) bson.ObjectID) ([]T, error) {
	if len(docs) == 0 {
		return nil, nil
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
		err := s.col(col).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
			coll.FindOptions{Projection: bson.D{{Key: "_id", Value: 1}}}, &found)
		if err != nil {
			return nil, wrap("load "+col, err)
		}
		for _, f := range found {
			existing[f.ID] = true
		}
	}
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		if !existing[id(d)] {
			out = append(out, d)
		}
	}
	return out, nil
}

// insertNew inserts docs in batches; a document that still collides (a
// user's email taken by another id, a record another writer stored
// meanwhile) is skipped. It returns how many were stored.
func insertNew[T any](ctx context.Context, s *Store, col string, docs []T) (int, error) {
	dups, err := insertBatches(ctx, s, col, docs, true)
	return len(docs) - len(dups), err
}

// HasMessages tells whether any message is stored.
func (s *Store) HasMessages(ctx context.Context) (bool, error) {
	var found []struct {
		ID bson.ObjectID `bson:"_id"`
	}
	// The latest, by the date index (an unsorted find would scan on MongoDB).
	opts := coll.FindOptions{Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, Limit: 1, Projection: bson.D{{Key: "_id", Value: 1}}}
	err := s.col(colMessages).Find(ctx, bson.D{}, opts, &found)
	return len(found) > 0, wrap("find a message", err)
}
