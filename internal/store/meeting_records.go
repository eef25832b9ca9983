package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// MeetingRecords returns the commitments and tasks that were created with
// meeting m (listed by it, and their origin or link is still m), whatever
// their region: the caller decides which it may touch. One $in read per kind.
func (s *Store) MeetingRecords(ctx context.Context, m *model.Meeting) ([]model.Commitment, []model.Task, error) {
	var cms []model.Commitment
	if len(m.CommitmentIDs) > 0 {
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: m.CommitmentIDs}}}, {Key: "origin.id", Value: m.ID}}
		if err := s.col(colCommitments).Find(ctx, filter, coll.FindOptions{}, &cms); err != nil {
			return nil, nil, wrap("find meeting commitments", err)
		}
	}
	var tks []model.Task
	if len(m.TaskIDs) > 0 {
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: m.TaskIDs}}}, {Key: "links.meeting_id", Value: m.ID}}
		if err := s.col(colTasks).Find(ctx, filter, coll.FindOptions{}, &tks); err != nil {
			return nil, nil, wrap("find meeting tasks", err)
		}
	}
	return cms, tks, nil
}

// RemoveMeetingRecords deletes the given commitments and tasks of meeting m
// (already authorised by the caller), one delete per kind, with an audit
// entry for each deletion, and makes the meeting stop listing them, all in
// one transaction; the dashboard counters follow. The meeting itself is
// left to RemoveMeeting.
func (s *Store) RemoveMeetingRecords(ctx context.Context, actor model.Actor, m *model.Meeting, cms []*model.Commitment, tks []*model.Task) error {
	return s.apply(ctx, func(ctx context.Context) ([]Change, error) {
		cmIDs, changes, err := removeMeetingRecords(ctx, s, actor, cms, commitmentRecord, nil)
		if err != nil {
			return nil, err
		}
		tkIDs, changes, err := removeMeetingRecords(ctx, s, actor, tks, taskRecord, changes)
		if err != nil {
			return nil, err
		}
		if len(cmIDs)+len(tkIDs) == 0 {
			return nil, nil
		}
		pull := bson.D{}
		if len(cmIDs) > 0 {
			pull = append(pull, bson.E{Key: "commitment_ids", Value: cmIDs})
		}
		if len(tkIDs) > 0 {
			pull = append(pull, bson.E{Key: "task_ids", Value: tkIDs})
		}
		_, err = s.col(colMeetings).Update(ctx, bson.D{{Key: "_id", Value: m.ID}}, bson.D{{Key: "$pullAll", Value: pull}}, coll.UpdateOptions{})
		if err != nil {
			return nil, wrap("unlink from meeting", err)
		}
		return changes, nil
	})
}

// removeMeetingRecords deletes docs, a meeting's records of one kind, in
// one delete, and appends the change of each deletion to changes.
func removeMeetingRecords[T any](ctx context.Context, s *Store, actor model.Actor, docs []*T, rec func(*T) record, changes []Change) ([]bson.ObjectID, []Change, error) {
	if len(docs) == 0 {
		return nil, changes, nil
	}
	rs := make([]record, len(docs))
	ids := make([]bson.ObjectID, len(docs))
	for i, d := range docs {
		rs[i] = rec(d)
		ids[i] = rs[i].id
	}
	if _, err := s.col(rs[0].col).Delete(ctx, idsIn(ids), true); err != nil {
		return nil, nil, wrap("delete meeting "+rs[0].entity+"s", err)
	}
	for i, d := range docs {
		changes = append(changes, deletedChange(actor, rs[i], d))
	}
	return ids, changes, nil
}
