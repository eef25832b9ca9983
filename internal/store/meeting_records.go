package store

import (
	"context"
	"errors"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// MeetingRecords returns the commitments and tasks that were created with
// meeting m (listed by it, and their origin or link is still m), whatever
// their region: the caller decides which it may touch. One $in read per kind.
func (s *Store) MeetingRecords(ctx context.Context, m *model.Meeting) ([]model.Commitment, []model.Task, error) {
	var cms []model.Commitment
	if len(m.CommitmentIDs) > 0 {
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: m.CommitmentIDs}}}, {Key: "origin.id", Value: m.ID}}
		if err := s.findAll(ctx, colCommitments, filter, nil, &cms); err != nil {
			return nil, nil, wrap("find meeting commitments", err)
		}
	}
	var tks []model.Task
	if len(m.TaskIDs) > 0 {
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: m.TaskIDs}}}, {Key: "links.meeting_id", Value: m.ID}}
		if err := s.findAll(ctx, colTasks, filter, nil, &tks); err != nil {
			return nil, nil, wrap("find meeting tasks", err)
		}
	}
	return cms, tks, nil
}

// RemoveMeetingRecords deletes the given commitments and tasks of meeting m
// (already authorised by the caller), one DeleteMany per kind; each
// deletion is audited on its own and the dashboard counters follow. The
// meeting stops listing them; the meeting itself is left to RemoveMeeting.
func (s *Store) RemoveMeetingRecords(ctx context.Context, actor model.Actor, m *model.Meeting, cms []*model.Commitment, tks []*model.Task) error {
	var effects error
	cmIDs := make([]bson.ObjectID, len(cms))
	for i, c := range cms {
		cmIDs[i] = c.ID
	}
	tkIDs := make([]bson.ObjectID, len(tks))
	for i, t := range tks {
		tkIDs[i] = t.ID
	}
	if len(cmIDs) > 0 {
		if _, err := s.c(colCommitments).DeleteMany(ctx, idsIn(cmIDs)); err != nil {
			return wrap("delete meeting commitments", err)
		}
		for _, c := range cms {
			effects = errors.Join(effects, s.changed(ctx, Change{Actor: actor, Action: model.ActionDelete, Entity: "commitment",
				ID: c.ID.Hex(), Regions: []string{c.Region}, Fields: diff(c, &model.Commitment{}), Before: c}))
		}
	}
	if len(tkIDs) > 0 {
		if _, err := s.c(colTasks).DeleteMany(ctx, idsIn(tkIDs)); err != nil {
			return wrap("delete meeting tasks", err)
		}
		for _, t := range tks {
			effects = errors.Join(effects, s.changed(ctx, Change{Actor: actor, Action: model.ActionDelete, Entity: "task",
				ID: t.ID.Hex(), Regions: []string{t.Region}, Fields: diff(t, &model.Task{}), Before: t}))
		}
	}
	if len(cmIDs)+len(tkIDs) == 0 {
		return effects
	}
	// The meeting stops pointing at what was deleted (it may outlive this
	// call if its own deletion then fails).
	unlock := lockDoc(m.ID)
	defer unlock()
	pull := bson.D{}
	if len(cmIDs) > 0 {
		pull = append(pull, bson.E{Key: "commitment_ids", Value: cmIDs})
	}
	if len(tkIDs) > 0 {
		pull = append(pull, bson.E{Key: "task_ids", Value: tkIDs})
	}
	_, err := s.c(colMeetings).UpdateOne(ctx, bson.D{{Key: "_id", Value: m.ID}}, bson.D{{Key: "$pullAll", Value: pull}})
	return errors.Join(effects, wrap("unlink from meeting", err))
}
