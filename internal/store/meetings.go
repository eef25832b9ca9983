package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const colMeetings = "meetings"

func init() {
	registerIndexes(
		indexSpec{colMeetings, "starts_at", bson.D{{Key: "starts_at", Value: -1}}, false},
		indexSpec{colMeetings, "participants", bson.D{{Key: "participants.stakeholder_id", Value: 1}}, false},
	)
}

// InsertMeetings stores already built meetings in batches of 1000, with no
// validation and no audit entries. It exists for the demo and reference
// dataset loaders only; everything else goes through workflow.CreateMeeting.
func (s *Store) InsertMeetings(ctx context.Context, ms []model.Meeting) error {
	return insertBulk(ctx, s, colMeetings, ms)
}

// MeetingFilter selects meetings. From and To bound starts_at (To exclusive).
type MeetingFilter struct {
	Region        string
	From, To      time.Time
	StakeholderID bson.ObjectID
	Kind          string
	Q             string
	StaffID       bson.ObjectID // who logged it or was at it for the team
}

// ListMeetings returns the meetings in scope matching f, newest first.
func (s *Store) ListMeetings(ctx context.Context, scope model.Scope, f MeetingFilter, p Page) ([]model.Meeting, string, error) {
	filter, ok := scopedRegion(bson.D{}, scope, f.Region)
	if !ok {
		return []model.Meeting{}, "", nil
	}
	filter = timeRange(filter, "starts_at", f.From, f.To)
	filter = withID(filter, "participants.stakeholder_id", f.StakeholderID)
	if f.Kind != "" {
		filter = append(filter, bson.E{Key: "kind", Value: f.Kind})
	}
	if !f.StaffID.IsZero() {
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "owner_id", Value: f.StaffID}}, bson.D{{Key: "staff_ids", Value: f.StaffID}}}})
	}
	return pagedFind(ctx, s, colMeetings, filter, f.Q, p, "starts_at", func(m model.Meeting) (any, bson.ObjectID) { return m.StartsAt, m.ID })
}

// MeetingByID returns one meeting; ErrNotFound when missing or out of scope.
func (s *Store) MeetingByID(ctx context.Context, scope model.Scope, id bson.ObjectID) (*model.Meeting, error) {
	return findInScope(ctx, s, colMeetings, "meeting", id, func(m *model.Meeting) bool { return scope.Allows(m.Region) })
}

// InsertMeeting stores a new, already decided meeting with the commitments
// and tasks made at it (their ids listed in m), all or nothing: in one
// transaction with their audit entries and counters where the database
// has them. Without, commitments and tasks
// are inserted first and the meeting last (lists of a meeting's records
// start from the meeting), and a failed insert deletes what was already
// inserted before the error is returned.
func (s *Store) InsertMeeting(ctx context.Context, actor model.Actor, m *model.Meeting, cs []model.Commitment, ts []model.Task) error {
	return s.insertMeetingRecords(ctx, m, cs, ts, func(ctx context.Context) error {
		err := s.recordCreated(ctx, actor, record{colMeetings, "meeting", m.ID, []string{m.Region}}, m)
		for i := range cs {
			err = errors.Join(err, s.recordCreated(ctx, actor, commitmentRecord(&cs[i]), &cs[i]))
		}
		for i := range ts {
			err = errors.Join(err, s.recordCreated(ctx, actor, taskRecord(&ts[i]), &ts[i]))
		}
		return err
	})
}

// insertMeetingRecords inserts commitments, tasks, then the meeting, and
// runs effects, in one transaction; without transactions it undoes the
// earlier inserts when a later one fails.
func (s *Store) insertMeetingRecords(ctx context.Context, m *model.Meeting, cs []model.Commitment, ts []model.Task, effects func(context.Context) error) error {
	var undo []func(context.Context) error
	return s.inTx(ctx, func(ctx context.Context) error {
		undo = undo[:0] // a retried transaction starts again
		for _, step := range []struct {
			name, col string
			n         int
			ids       []bson.ObjectID
			insert    func() error
		}{
			{"commitments", colCommitments, len(cs), m.CommitmentIDs, func() error { return insertBulk(ctx, s, colCommitments, cs) }},
			{"tasks", colTasks, len(ts), m.TaskIDs, func() error { return insertBulk(ctx, s, colTasks, ts) }},
		} {
			if step.n == 0 {
				continue
			}
			err := failAt(step.name)
			if err == nil {
				err = step.insert()
			}
			// Even a failed batch insert may have stored some documents.
			undo = append(undo, s.deleteIDs(step.col, step.ids))
			if err != nil {
				return fmt.Errorf("store: create meeting: %w", err)
			}
		}
		err := failAt("meeting")
		if err == nil {
			_, err = s.col(colMeetings).Insert(ctx, []any{m}, coll.InsertOptions{})
		}
		return wrap("create meeting", err)
	}, effects, func(ctx context.Context, err error) error {
		for i := len(undo) - 1; i >= 0; i-- {
			if uerr := undo[i](ctx); uerr != nil {
				err = errors.Join(err, fmt.Errorf("store: undo partial meeting create: %w", uerr))
			}
		}
		return err
	})
}

// StakeholderRefs returns the stakeholders among ids with only the fields
// other records copy or check (name, kind, regions, archived).
func (s *Store) StakeholderRefs(ctx context.Context, ids []bson.ObjectID) (map[bson.ObjectID]model.Stakeholder, error) {
	out := map[bson.ObjectID]model.Stakeholder{}
	ids = distinctIDs(ids)
	if len(ids) == 0 {
		return out, nil
	}
	var found []model.Stakeholder
	opts := coll.FindOptions{Projection: bson.D{{Key: "name", Value: 1}, {Key: "kind", Value: 1}, {Key: "regions", Value: 1}, {Key: "archived", Value: 1}}}
	if err := s.col(colStakeholders).Find(ctx, idsIn(ids), opts, &found); err != nil {
		return nil, wrap("find stakeholders", err)
	}
	for _, st := range found {
		out[st.ID] = st
	}
	return out, nil
}

// ReplaceMeeting stores cur (old with decided changes) when old's version
// is still the stored one; ErrConflict otherwise. It answers old when
// nothing changed.
func (s *Store) ReplaceMeeting(ctx context.Context, actor model.Actor, old, cur *model.Meeting) (*model.Meeting, error) {
	cur.Search = model.MeetingSearchWords(cur)
	return replaceRecord(ctx, s, actor, record{colMeetings, "meeting", old.ID, regionsOf(old.Region, cur.Region)}, old.Version, old, cur,
		bson.E{Key: "search", Value: cur.Search})
}

// RemoveMeeting deletes old. Its commitments and tasks stay: they stand on
// their own and keep the origin for the record (RemoveMeetingRecords
// deletes them when asked).
func (s *Store) RemoveMeeting(ctx context.Context, actor model.Actor, old *model.Meeting) error {
	return removeRecord(ctx, s, actor, record{colMeetings, "meeting", old.ID, []string{old.Region}}, old, nil)
}

// ParticipantNames returns the current names of the stakeholders at a
// meeting, keyed by id, for views that show renamed stakeholders right.
func (s *Store) ParticipantNames(ctx context.Context, m *model.Meeting) (map[bson.ObjectID]string, error) {
	ids := make([]bson.ObjectID, len(m.Participants))
	for i, x := range m.Participants {
		ids[i] = x.StakeholderID
	}
	refs, err := s.StakeholderRefs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[bson.ObjectID]string, len(refs))
	for id, st := range refs {
		out[id] = st.Name
	}
	return out, nil
}

// unlinkFromMeeting drops a deleted record's id from its meeting's list
// (field), so the meeting does not point at nothing.
func (s *Store) unlinkFromMeeting(ctx context.Context, meetingID bson.ObjectID, field string, id bson.ObjectID) error {
	if meetingID.IsZero() {
		return nil
	}
	_, err := s.col(colMeetings).Update(ctx, bson.D{{Key: "_id", Value: meetingID}},
		bson.D{{Key: "$pull", Value: bson.D{{Key: field, Value: id}}}}, coll.UpdateOptions{})
	return wrap("unlink from meeting", err)
}
