package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// renameStakeholder rewrites the stakeholder's name where lists keep a copy
// of it (commitments, meeting participants) and the search words built from
// it. Renames are rare, so one update per record is fine; the records keep
// their version, as their own content did not change.
func (s *Store) renameStakeholder(ctx context.Context, id bson.ObjectID, name string) error {
	var cs []model.Commitment
	if err := s.col(colCommitments).Find(ctx, bson.D{{Key: "stakeholder_id", Value: id}}, coll.FindOptions{}, &cs); err != nil {
		return wrap("rename: find commitments", err)
	}
	for i := range cs {
		cs[i].StakeholderName = name
		if _, err := s.col(colCommitments).Update(ctx, bson.D{{Key: "_id", Value: cs[i].ID}}, bson.D{{Key: "$set", Value: bson.D{
			{Key: "stakeholder_name", Value: name}, {Key: "search", Value: model.CommitmentSearchWords(&cs[i])}}}}, coll.UpdateOptions{}); err != nil {
			return wrap("rename: update commitment", err)
		}
	}
	var ms []model.Meeting
	if err := s.col(colMeetings).Find(ctx, bson.D{{Key: "participants.stakeholder_id", Value: id}}, coll.FindOptions{}, &ms); err != nil {
		return wrap("rename: find meetings", err)
	}
	for i := range ms {
		for j := range ms[i].Participants {
			if ms[i].Participants[j].StakeholderID == id {
				ms[i].Participants[j].Name = name
			}
		}
		if _, err := s.col(colMeetings).Update(ctx, bson.D{{Key: "_id", Value: ms[i].ID}}, bson.D{{Key: "$set", Value: bson.D{
			{Key: "participants", Value: ms[i].Participants}, {Key: "search", Value: model.MeetingSearchWords(&ms[i])}}}}, coll.UpdateOptions{}); err != nil {
			return wrap("rename: update meeting", err)
		}
	}
	return s.renameInInitiatives(ctx, id, name)
}
