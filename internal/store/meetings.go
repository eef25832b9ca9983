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
// and tasks made at it (their ids listed in m) and the audit entries of
// all of them, all or nothing: in one transaction where the database has
// them. Without, commitments and tasks are inserted first and the meeting
// last (lists of a meeting's records start from the meeting), and a failed
// insert (or audit entry) deletes what was already inserted before the
// error is returned.
func (s *Store) InsertMeeting(ctx context.Context, actor model.Actor, m *model.Meeting, cs []model.Commitment, ts []model.Task) error {
	var undo []func(context.Context) error
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
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
				return nil, fmt.Errorf("store: create meeting: %w", err)
			}
		}
		err := failAt("meeting")
		if err == nil {
			_, err = s.col(colMeetings).Insert(ctx, []any{m}, coll.InsertOptions{})
		}
		undo = append(undo, s.deleteIDs(colMeetings, []bson.ObjectID{m.ID}))
		if err != nil {
			return nil, wrap("create meeting", err)
		}
		changes := []Change{createdChange(actor, record{colMeetings, "meeting", m.ID, []string{m.Region}}, m)}
		for i := range cs {
			changes = append(changes, createdChange(actor, commitmentRecord(&cs[i]), &cs[i]))
		}
		for i := range ts {
			changes = append(changes, createdChange(actor, taskRecord(&ts[i]), &ts[i]))
		}
		return changes, nil
	}, func(ctx context.Context, err error) error {
		for i := len(undo) - 1; i >= 0; i-- {
			if uerr := undo[i](ctx); uerr != nil {
				err = errors.Join(err, fmt.Errorf("store: undo partial meeting create: %w", uerr))
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	return s.effects(ctx, done...)
}

// StakeholderRefs returns the stakeholders among ids with only the fields
// other records copy or check (name, kind, regions, archived).
func (s *Store) StakeholderRefs(ctx context.Context, ids []bson.ObjectID) (map[bson.ObjectID]model.Stakeholder, error) {
	ids = distinctIDs(ids)
	out := make(map[bson.ObjectID]model.Stakeholder, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var found []bson.Raw
	opts := coll.FindOptions{Projection: bson.D{{Key: "name", Value: 1}, {Key: "kind", Value: 1}, {Key: "regions", Value: 1}, {Key: "archived", Value: 1}}}
	if err := s.col(colStakeholders).Find(ctx, idsIn(ids), opts, &found); err != nil {
		return nil, wrap("find stakeholders", err)
	}
	for _, raw := range found {
		st, err := stakeholderRef(raw)
		if err != nil {
			return nil, err
		}
		out[st.ID] = st
	}
	return out, nil
}

// stakeholderRef reads the fields of StakeholderRefs from a stored
// stakeholder as bson.Unmarshal would (a missing or null one stays zero),
// by looking them up: a page's references are dozens of stakeholders, and
// decoding each into the whole model.Stakeholder was most of their cost.
func stakeholderRef(raw bson.Raw) (model.Stakeholder, error) {
	var st model.Stakeholder
	ok := true
	field := func(key string, read func(v bson.RawValue) bool) {
		if v, err := raw.LookupErr(key); err == nil && v.Type != bson.TypeNull && !read(v) {
			ok = false
		}
	}
	field("_id", func(v bson.RawValue) (ok bool) { st.ID, ok = v.ObjectIDOK(); return ok })
	field("name", func(v bson.RawValue) (ok bool) { st.Name, ok = v.StringValueOK(); return ok })
	field("kind", func(v bson.RawValue) (ok bool) { st.Kind, ok = v.StringValueOK(); return ok })
	field("archived", func(v bson.RawValue) (ok bool) { st.Archived, ok = v.BooleanOK(); return ok })
	field("regions", func(v bson.RawValue) bool {
		arr, ok := v.ArrayOK()
		if !ok {
			return false
		}
		vals, err := arr.Values()
		if err != nil {
			return false
		}
		st.Regions = make([]string, len(vals))
		for i, r := range vals {
			if st.Regions[i], ok = r.StringValueOK(); !ok {
				return false
			}
		}
		return true
	})
	if !ok {
		return st, fmt.Errorf("store: read stakeholder %s: a field of another type", st.ID.Hex())
	}
	return st, nil
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
