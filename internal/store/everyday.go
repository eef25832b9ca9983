package store

import (
	"context"
	"errors"
	"sort"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TeamMember is a colleague as others see them: enough to assign work and
// show who did it, nothing more (no email, no password state).
type TeamMember struct {
	ID      bson.ObjectID `json:"id"`
	Name    string        `json:"name"`
	Role    string        `json:"role"`
	Regions []string      `json:"regions"`
}

// Team returns the enabled users who share a region with scope (users with
// every region included), by name.
func (s *Store) Team(ctx context.Context, scope model.Scope) ([]TeamMember, error) {
	filter := bson.D{{Key: "disabled", Value: bson.D{{Key: "$ne", Value: true}}}}
	if !scope.All {
		filter = append(filter, bson.E{Key: "regions", Value: bson.D{{Key: "$in", Value: append([]string{model.AllRegions}, scope.Regions...)}}})
	}
	var users []model.User
	if err := s.findAll(ctx, colUsers, filter, nil, &users); err != nil {
		return nil, wrap("list team", err)
	}
	out := make([]TeamMember, 0, len(users))
	for _, u := range users {
		name := u.Name
		if name == "" {
			name = u.Email
		}
		out = append(out, TeamMember{ID: u.ID, Name: name, Role: u.Role, Regions: u.Regions})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// DeleteCommitment removes a commitment after guard allows it; the removal
// is audited with the whole record, so it can be read back from the trail.
// Tasks that follow it up stay (they are work someone may still do).
func (s *Store) DeleteCommitment(ctx context.Context, actor model.Actor, scope model.Scope, id bson.ObjectID, guard Guard[model.Commitment]) error {
	old, err := s.CommitmentByID(ctx, scope, id)
	if err != nil {
		return err
	}
	if err := guard.allow(old); err != nil {
		return err
	}
	if err := s.deleteByID(ctx, colCommitments, "commitment", id); err != nil {
		return err
	}
	err = s.changed(ctx, Change{Actor: actor, Action: model.ActionDelete, Entity: "commitment", ID: id.Hex(),
		Regions: []string{old.Region}, Fields: diff(old, &model.Commitment{}), Before: old})
	if old.Origin != nil && old.Origin.Kind == "meeting" {
		err = errors.Join(err, s.unlinkFromMeeting(ctx, old.Origin.ID, "commitment_ids", id))
	}
	return err
}

// unlinkFromMeeting drops a deleted record's id from its meeting's list
// (field), so the meeting does not point at nothing.
func (s *Store) unlinkFromMeeting(ctx context.Context, meetingID bson.ObjectID, field string, id bson.ObjectID) error {
	if meetingID.IsZero() {
		return nil
	}
	unlock := lockDoc(meetingID)
	defer unlock()
	_, err := s.c(colMeetings).UpdateOne(ctx, bson.D{{Key: "_id", Value: meetingID}},
		bson.D{{Key: "$pull", Value: bson.D{{Key: field, Value: id}}}})
	return wrap("unlink from meeting", err)
}

// CountMessages counts the messages in scope matching f (for queue tabs).
func (s *Store) CountMessages(ctx context.Context, scope model.Scope, f MessageFilter) (int64, error) {
	filter, ok := s.messageFilter(scope, f)
	if !ok {
		return 0, nil
	}
	opts := options.Count()
	if len(filter) == 0 {
		// Every message: counted along the _id index, since MongoDB refusing
		// collection scans (notablescan) accepts an index walk. The embedded
		// engine ignores the hint.
		opts.SetHint(bson.D{{Key: "_id", Value: 1}})
	}
	n, err := s.countDocs(ctx, colMessages, filter, opts)
	return n, wrap("count messages", err)
}
