package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const colMeetings = "meetings"

// bulkBatch is how many documents one InsertMany carries in the bulk loaders.
const bulkBatch = 1000

func init() {
	registerIndexes(
		indexSpec{colMeetings, "starts_at", bson.D{{Key: "starts_at", Value: -1}}, false},
		indexSpec{colMeetings, "participants", bson.D{{Key: "participants.stakeholder_id", Value: 1}}, false},
	)
}

// InsertMeetings stores already built meetings in batches of 1000, with no
// validation and no audit entries. It exists for the demo and reference
// dataset loaders only; the API creates meetings with CreateMeeting.
func (s *Store) InsertMeetings(ctx context.Context, ms []model.Meeting) error {
	return insertBulk(ctx, s, colMeetings, ms)
}

// MeetingSearchWords builds a meeting's normalised search field.
func MeetingSearchWords(m *model.Meeting) string {
	parts := []string{m.Summary, m.Agreements, m.NextSteps, m.Place}
	for _, p := range m.Participants {
		parts = append(parts, p.Name)
	}
	parts = append(parts, m.Topics...)
	if m.Training != nil {
		parts = append(parts, m.Training.Topics...)
	}
	return search.Words(parts...)
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
	return findInScope(ctx, s, colMeetings, "meeting", scope, id, func(m *model.Meeting) string { return m.Region })
}

// MeetingCreated is what CreateMeeting stored.
type MeetingCreated struct {
	Meeting     *model.Meeting
	Commitments []model.Commitment
	Tasks       []model.Task
}

// CreateMeeting validates the meeting with its nested commitments and tasks
// (fields, and that every referenced stakeholder, user and record exists
// and is in scope) and stores them all, or nothing. There are no
// multi-document transactions, so ids are made up front, commitments and
// tasks are inserted first and the meeting last (lists of a meeting's
// records start from the meeting), and a failed insert deletes what was
// already inserted before the error is returned.
func (s *Store) CreateMeeting(ctx context.Context, actor model.Actor, scope model.Scope, in model.MeetingInput) (*MeetingCreated, error) {
	in.Normalize()
	p, err := problemsOf(in.Validate())
	if err != nil {
		return nil, err
	}
	if in.Region != "" && model.ValidRegion(in.Region) && !scope.Allows(in.Region) {
		p.Add("region", "is outside your regions")
	}
	now := s.Now()
	m := &model.Meeting{
		ID: bson.NewObjectID(), StartsAt: in.StartTime(), DurationMin: in.DurationMin, Kind: in.Kind,
		Region: in.Region, Place: in.Place, StaffIDs: nonNilIDs(in.StaffIDs), Topics: in.Topics,
		Summary: in.Summary, Agreements: in.Agreements, NextSteps: in.NextSteps, Training: in.Training, OwnerID: actor.ID,
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	m.Participants = make([]model.Participant, len(in.Participants))
	for i, x := range in.Participants {
		m.Participants[i] = model.Participant{StakeholderID: x.StakeholderID, Role: x.Role}
	}
	if err := s.fillParticipants(ctx, scope, m, &p); err != nil {
		return nil, err
	}
	if err := s.checkUsers(ctx, &p, m.StaffIDs, indexed("staff_ids")); err != nil {
		return nil, err
	}
	meetingDay := model.Today(m.StartsAt)
	cs := make([]model.Commitment, len(in.Commitments))
	for i, ci := range in.Commitments {
		if ci.Region == "" {
			ci.Region = in.Region
		}
		if ci.MadeOn == "" {
			ci.MadeOn = meetingDay
		}
		ci.Origin = &model.Origin{Kind: "meeting", ID: m.ID}
		c, cp, err := s.buildCommitment(ctx, actor, scope, ci, now)
		if err != nil {
			return nil, err
		}
		p = append(p, cp.Prefix(fmt.Sprintf("commitments[%d].", i))...)
		if c != nil {
			cs[i] = *c
		}
	}
	ts := make([]model.Task, len(in.Tasks))
	for i, ti := range in.Tasks {
		ti.Links.MeetingID = m.ID
		if ti.Region == "" {
			ti.Region = in.Region
		}
		t, tp, err := s.buildTask(ctx, actor, scope, ti, now, m)
		if err != nil {
			return nil, err
		}
		p = append(p, tp.Prefix(fmt.Sprintf("tasks[%d].", i))...)
		if t != nil {
			ts[i] = *t
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	for _, c := range cs {
		m.CommitmentIDs = append(m.CommitmentIDs, c.ID)
	}
	for _, t := range ts {
		m.TaskIDs = append(m.TaskIDs, t.ID)
	}
	m.CommitmentIDs, m.TaskIDs = nonNilIDs(m.CommitmentIDs), nonNilIDs(m.TaskIDs)
	m.Search = MeetingSearchWords(m)

	if err := s.insertMeetingRecords(ctx, m, cs, ts); err != nil {
		return nil, err
	}
	err = s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: "meeting", ID: m.ID.Hex(),
		Regions: []string{m.Region}, Fields: created(m), After: m})
	for i := range cs {
		err = errors.Join(err, s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: "commitment",
			ID: cs[i].ID.Hex(), Regions: []string{cs[i].Region}, Fields: created(&cs[i]), After: &cs[i]}))
	}
	for i := range ts {
		err = errors.Join(err, s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: "task",
			ID: ts[i].ID.Hex(), Regions: []string{ts[i].Region}, Fields: created(&ts[i]), After: &ts[i]}))
	}
	return &MeetingCreated{Meeting: m, Commitments: cs, Tasks: ts}, err
}

// insertMeetingRecords inserts commitments, tasks, then the meeting, and
// undoes the earlier inserts when a later one fails.
func (s *Store) insertMeetingRecords(ctx context.Context, m *model.Meeting, cs []model.Commitment, ts []model.Task) (err error) {
	var undo []func(context.Context) error
	defer func() {
		if err == nil {
			return
		}
		cctx := context.WithoutCancel(ctx)
		for i := len(undo) - 1; i >= 0; i-- {
			if uerr := undo[i](cctx); uerr != nil {
				err = errors.Join(err, fmt.Errorf("store: undo partial meeting create: %w", uerr))
			}
		}
	}()
	if len(cs) > 0 {
		if err = failAt("commitments"); err == nil {
			err = insertBulk(ctx, s, colCommitments, cs)
		}
		// Even a failed InsertMany may have stored some documents.
		undo = append(undo, s.deleteIDs(colCommitments, m.CommitmentIDs))
		if err != nil {
			return fmt.Errorf("store: create meeting: %w", err)
		}
	}
	if len(ts) > 0 {
		if err = failAt("tasks"); err == nil {
			err = insertBulk(ctx, s, colTasks, ts)
		}
		undo = append(undo, s.deleteIDs(colTasks, m.TaskIDs))
		if err != nil {
			return fmt.Errorf("store: create meeting: %w", err)
		}
	}
	if err = failAt("meeting"); err == nil {
		_, err = s.c(colMeetings).InsertOne(ctx, m)
	}
	if err != nil {
		return wrap("create meeting", err)
	}
	return nil
}

// fillParticipants copies names from the stakeholders, reports missing or
// out-of-scope ones as field problems and keeps stakeholder_ids in sync.
func (s *Store) fillParticipants(ctx context.Context, scope model.Scope, m *model.Meeting, p *model.Problems) error {
	ids := make([]bson.ObjectID, 0, len(m.Participants))
	for _, x := range m.Participants {
		ids = append(ids, x.StakeholderID)
	}
	refs, err := s.stakeholderRefs(ctx, ids)
	if err != nil {
		return err
	}
	for i := range m.Participants {
		x := &m.Participants[i]
		if x.StakeholderID.IsZero() {
			continue
		}
		st, ok := refs[x.StakeholderID]
		if !ok || !scope.Allows(st.Regions...) {
			p.Add(fmt.Sprintf("participants[%d].stakeholder_id", i), "no such stakeholder in your regions")
			continue
		}
		x.Name = st.Name
	}
	m.StakeholderIDs = ids
	return nil
}

// stakeholderRefs returns the stakeholders among ids with only the fields
// other records copy or check (name, kind, regions, archived).
func (s *Store) stakeholderRefs(ctx context.Context, ids []bson.ObjectID) (map[bson.ObjectID]model.Stakeholder, error) {
	out := map[bson.ObjectID]model.Stakeholder{}
	ids = distinctIDs(ids)
	if len(ids) == 0 {
		return out, nil
	}
	var found []model.Stakeholder
	opts := options.Find().SetProjection(bson.D{{Key: "name", Value: 1}, {Key: "kind", Value: 1}, {Key: "regions", Value: 1}, {Key: "archived", Value: 1}})
	if err := s.findAll(ctx, colStakeholders, idsIn(ids), opts, &found); err != nil {
		return nil, wrap("find stakeholders", err)
	}
	for _, st := range found {
		out[st.ID] = st
	}
	return out, nil
}

// UpdateMeeting applies a patch guarded by the version (the given one, or
// the one read) after guard allows it. Participants' names are copied again.
func (s *Store) UpdateMeeting(ctx context.Context, actor model.Actor, scope model.Scope, id bson.ObjectID, mp model.MeetingPatch, guard Guard[model.Meeting]) (*model.Meeting, error) {
	old, err := s.MeetingByID(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	if err := guard.allow(old); err != nil {
		return nil, err
	}
	if mp.Version != nil && *mp.Version != old.Version {
		return nil, fmt.Errorf("store: update meeting: %w", ErrConflict)
	}
	cur, err := mp.Apply(*old)
	p, err := problemsOf(err)
	if err != nil {
		return nil, err
	}
	if cur.Region != old.Region && model.ValidRegion(cur.Region) && !scope.Allows(cur.Region) {
		p.Add("region", "is outside your regions")
	}
	if mp.Participants != nil {
		if err := s.fillParticipants(ctx, scope, &cur, &p); err != nil {
			return nil, err
		}
	}
	if mp.StaffIDs != nil {
		cur.StaffIDs = nonNilIDs(cur.StaffIDs)
		if err := s.checkUsers(ctx, &p, cur.StaffIDs, indexed("staff_ids")); err != nil {
			return nil, err
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	cur.Search = MeetingSearchWords(&cur)
	changes := diff(old, &cur)
	if len(changes) == 0 {
		return old, nil
	}
	set := setOf(changes)
	set = append(set, bson.E{Key: "search", Value: cur.Search}, bson.E{Key: "updated_at", Value: s.Now()})
	var m model.Meeting
	if err := s.updateVersioned(ctx, colMeetings, id, old.Version, set, &m); err != nil {
		return nil, fmt.Errorf("store: update meeting: %w", err)
	}
	return &m, s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "meeting", ID: id.Hex(),
		Regions: regionsOf(old.Region, m.Region), Fields: changes, Before: old, After: &m})
}

// DeleteMeeting removes a meeting after guard allows it. Its commitments and
// tasks stay: they stand on their own and keep the origin for the record.
func (s *Store) DeleteMeeting(ctx context.Context, actor model.Actor, scope model.Scope, id bson.ObjectID, guard Guard[model.Meeting]) error {
	old, err := s.MeetingByID(ctx, scope, id)
	if err != nil {
		return err
	}
	if err := guard.allow(old); err != nil {
		return err
	}
	if err := s.deleteByID(ctx, colMeetings, "meeting", id); err != nil {
		return err
	}
	return s.changed(ctx, Change{Actor: actor, Action: model.ActionDelete, Entity: "meeting", ID: id.Hex(),
		Regions: []string{old.Region}, Fields: diff(old, &model.Meeting{}), Before: old})
}

// ParticipantNames returns the current names of the stakeholders at a
// meeting, keyed by id, for views that show renamed stakeholders right.
func (s *Store) ParticipantNames(ctx context.Context, m *model.Meeting) (map[bson.ObjectID]string, error) {
	ids := make([]bson.ObjectID, len(m.Participants))
	for i, x := range m.Participants {
		ids[i] = x.StakeholderID
	}
	refs, err := s.stakeholderRefs(ctx, ids)
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
	unlock := lockDoc(meetingID)
	defer unlock()
	_, err := s.c(colMeetings).UpdateOne(ctx, bson.D{{Key: "_id", Value: meetingID}},
		bson.D{{Key: "$pull", Value: bson.D{{Key: field, Value: id}}}})
	return wrap("unlink from meeting", err)
}
