package store

import (
	"context"
	"errors"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// DeleteMeetingRecords deletes the commitments and tasks that were created
// with meeting id (their origin or link is the meeting) and are in scope,
// after checking the meeting's guard and each record's, so that a refusal
// deletes nothing. One $in read per kind authorises, one DeleteMany per
// kind deletes; each deletion is audited on its own and the dashboard
// counters follow. The meeting itself is left to DeleteMeeting.
func (s *Store) DeleteMeetingRecords(ctx context.Context, actor model.Actor, scope model.Scope, id bson.ObjectID,
	guard Guard[model.Meeting], commitmentGuard Guard[model.Commitment], taskGuard Guard[model.Task]) error {
	m, err := s.MeetingByID(ctx, scope, id)
	if err != nil {
		return err
	}
	if err := guard.allow(m); err != nil {
		return err
	}
	var cms []model.Commitment
	if len(m.CommitmentIDs) > 0 {
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: m.CommitmentIDs}}}, {Key: "origin.id", Value: m.ID}}
		if err := s.findAll(ctx, colCommitments, filter, nil, &cms); err != nil {
			return wrap("find meeting commitments", err)
		}
	}
	var tks []model.Task
	if len(m.TaskIDs) > 0 {
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: m.TaskIDs}}}, {Key: "links.meeting_id", Value: m.ID}}
		if err := s.findAll(ctx, colTasks, filter, nil, &tks); err != nil {
			return wrap("find meeting tasks", err)
		}
	}
	// Records outside the scope are not the caller's to see: left alone.
	var effects error
	var cmIDs, tkIDs []bson.ObjectID
	var cmDel []*model.Commitment
	var tkDel []*model.Task
	for i := range cms {
		if !scope.Allows(cms[i].Region) {
			continue
		}
		if err := commitmentGuard.allow(&cms[i]); err != nil {
			return err
		}
		cmIDs, cmDel = append(cmIDs, cms[i].ID), append(cmDel, &cms[i])
	}
	for i := range tks {
		if !scope.Allows(tks[i].Region) {
			continue
		}
		if err := taskGuard.allow(&tks[i]); err != nil {
			return err
		}
		tkIDs, tkDel = append(tkIDs, tks[i].ID), append(tkDel, &tks[i])
	}
	if len(cmIDs) > 0 {
		if _, err := s.c(colCommitments).DeleteMany(ctx, idsIn(cmIDs)); err != nil {
			return wrap("delete meeting commitments", err)
		}
		for _, c := range cmDel {
			effects = errors.Join(effects, s.changed(ctx, Change{Actor: actor, Action: model.ActionDelete, Entity: "commitment",
				ID: c.ID.Hex(), Regions: []string{c.Region}, Fields: diff(c, &model.Commitment{}), Before: c}))
		}
	}
	if len(tkIDs) > 0 {
		if _, err := s.c(colTasks).DeleteMany(ctx, idsIn(tkIDs)); err != nil {
			return wrap("delete meeting tasks", err)
		}
		for _, t := range tkDel {
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
	_, err = s.c(colMeetings).UpdateOne(ctx, bson.D{{Key: "_id", Value: m.ID}}, bson.D{{Key: "$pullAll", Value: pull}})
	return errors.Join(effects, wrap("unlink from meeting", err))
}
