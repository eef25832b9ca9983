package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const colInitiatives = "initiatives"

func init() {
	registerIndexes(
		indexSpec{colInitiatives, "region", bson.D{{Key: "region", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colInitiatives, "kind", bson.D{{Key: "kind", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colInitiatives, "stage", bson.D{{Key: "stage", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colInitiatives, "stage_on", bson.D{{Key: "stage_on", Value: 1}, {Key: "_id", Value: 1}}, false},
		// A regional manager's initiatives moved since a day.
		indexSpec{colInitiatives, "region_stage_on", bson.D{{Key: "region", Value: 1}, {Key: "stage_on", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colInitiatives, "stakeholders", bson.D{{Key: "stakeholder_ids", Value: 1}}, false},
		indexSpec{colInitiatives, "owner", bson.D{{Key: "owner_id", Value: 1}}, false},
		indexSpec{colCommitments, "initiative", bson.D{{Key: "initiative_id", Value: 1}}, false},
		indexSpec{colMeetings, "initiatives", bson.D{{Key: "initiative_ids", Value: 1}}, false},
		// The followers' meetings (FollowedInitiatives): a $or on who logged
		// or attended, unsorted, so each branch needs its index.
		indexSpec{colMeetings, "owner", bson.D{{Key: "owner_id", Value: 1}}, false},
		indexSpec{colMeetings, "staff", bson.D{{Key: "staff_ids", Value: 1}}, false},
	)
}

// ErrStageMoved is returned when a stage change finds the initiative at
// another stage than the one it was decided on (a concurrent change
// without a version): the caller reloads, as for ErrConflict.
var ErrStageMoved = fmt.Errorf("initiative stage changed meanwhile: %w", ErrConflict)

// InitiativeFilter selects initiatives. MovedSince (YYYY-MM-DD) keeps those
// whose current stage was reached on or after it, newest move first.
type InitiativeFilter struct {
	Kind, Stage, Region string
	StakeholderID       bson.ObjectID
	MovedSince          string
	Q                   string
}

// ListInitiatives returns the initiatives in scope matching f, newest
// first (by stage date with MovedSince), without their history and
// StakeholderIDs (their Stakeholders hold the same ids).
func (s *Store) ListInitiatives(ctx context.Context, scope model.Scope, f InitiativeFilter, p Page) ([]model.Initiative, string, error) {
	filter, ok := scopedRegion(bson.D{}, scope, f.Region)
	if !ok {
		return []model.Initiative{}, "", nil
	}
	if f.Kind != "" {
		filter = append(filter, bson.E{Key: "kind", Value: f.Kind})
	}
	if f.Stage != "" {
		filter = append(filter, bson.E{Key: "stage", Value: f.Stage})
	}
	filter = withID(filter, "stakeholder_ids", f.StakeholderID)
	if f.MovedSince != "" {
		filter = append(filter, bson.E{Key: "stage_on", Value: bson.D{{Key: "$gte", Value: f.MovedSince}}})
		return pagedFindProjected(ctx, s, colInitiatives, filter, f.Q, p, "stage_on", true, initiativeListFields, func(it model.Initiative) (any, bson.ObjectID) { return it.StageOn, it.ID })
	}
	return pagedFindProjected(ctx, s, colInitiatives, filter, f.Q, p, "_id", true, initiativeListFields, func(it model.Initiative) (any, bson.ObjectID) { return nil, it.ID })
}

// initiativeListFields leaves out of a list what it never shows: the stage
// history (the page shows it), the search words, and the stakeholders' ids
// again. Decoding them was most of a listed initiative's cost.
var initiativeListFields = bson.D{{Key: "history", Value: 0}, {Key: "search", Value: 0}, {Key: "stakeholder_ids", Value: 0}}

// InitiativeByID returns one initiative; ErrNotFound when missing or out of scope.
func (s *Store) InitiativeByID(ctx context.Context, scope model.Scope, id bson.ObjectID) (*model.Initiative, error) {
	return findInScope(ctx, s, colInitiatives, "initiative", id, func(it *model.Initiative) bool { return scope.Allows(it.Region) })
}

// InitiativesByIDs returns the initiatives among ids that scope sees, by id.
func (s *Store) InitiativesByIDs(ctx context.Context, scope model.Scope, ids []bson.ObjectID) (map[bson.ObjectID]model.Initiative, error) {
	out := map[bson.ObjectID]model.Initiative{}
	ids = distinctIDs(ids)
	if len(ids) == 0 {
		return out, nil
	}
	var found []model.Initiative
	if err := s.col(colInitiatives).Find(ctx, scoped(idsIn(ids), scope, "region"), coll.FindOptions{}, &found); err != nil {
		return nil, wrap("find initiatives", err)
	}
	for _, it := range found {
		out[it.ID] = it
	}
	return out, nil
}

// StakeholderInitiatives returns the initiatives in scope that link the
// stakeholder id, for the stakeholder's timeline.
func (s *Store) StakeholderInitiatives(ctx context.Context, scope model.Scope, id bson.ObjectID) ([]model.Initiative, error) {
	var out []model.Initiative
	err := s.col(colInitiatives).Find(ctx, scoped(bson.D{{Key: "stakeholder_ids", Value: id}}, scope, "region"), coll.FindOptions{}, &out)
	return out, wrap("find stakeholder initiatives", err)
}

// FollowedInitiatives returns the initiatives in scope that user follows
// and that changed since: those they own, those a commitment of theirs is
// about (also, the ids in linked), and those a meeting they logged or
// attended discussed. The reminders show their stage changes.
func (s *Store) FollowedInitiatives(ctx context.Context, scope model.Scope, user bson.ObjectID, linked []bson.ObjectID, since time.Time) ([]model.Initiative, error) {
	var ms []model.Meeting
	err := s.col(colMeetings).Find(ctx, scoped(bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "owner_id", Value: user}}, bson.D{{Key: "staff_ids", Value: user}}}}}, scope, "region"),
		coll.FindOptions{Projection: bson.D{{Key: "initiative_ids", Value: 1}}}, &ms)
	if err != nil {
		return nil, wrap("find followed meetings", err)
	}
	ids := slices.Clone(linked)
	for _, m := range ms {
		ids = append(ids, m.InitiativeIDs...)
	}
	filter := scoped(bson.D{
		{Key: "$or", Value: bson.A{bson.D{{Key: "owner_id", Value: user}}, idsIn(distinctIDs(ids))}},
		{Key: "updated_at", Value: bson.D{{Key: "$gte", Value: since}}},
	}, scope, "region")
	var out []model.Initiative
	err = s.col(colInitiatives).Find(ctx, filter, coll.FindOptions{}, &out)
	return out, wrap("find followed initiatives", err)
}

// InitiativeCommitments returns the commitments in scope about initiative
// id, oldest first, with the fields its page lists. They are few: sorted here, so the engine reads them
// through the initiative_id index rather than walking every commitment in
// _id order.
func (s *Store) InitiativeCommitments(ctx context.Context, scope model.Scope, id bson.ObjectID) ([]model.Commitment, error) {
	var out []model.Commitment
	err := s.col(colCommitments).Find(ctx, scoped(bson.D{{Key: "initiative_id", Value: id}}, scope, "region"), coll.FindOptions{Projection: bson.D{
		{Key: "text", Value: 1}, {Key: "status", Value: 1}, {Key: "stakeholder_name", Value: 1}, {Key: "made_on", Value: 1}, {Key: "due_on", Value: 1}, {Key: "region", Value: 1}}}, &out)
	slices.SortFunc(out, func(a, b model.Commitment) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return out, wrap("find initiative commitments", err)
}

// InitiativeMeetings returns the meetings in scope that discussed
// initiative id, oldest first (sorted here, as InitiativeCommitments),
// with their day and summary only.
func (s *Store) InitiativeMeetings(ctx context.Context, scope model.Scope, id bson.ObjectID) ([]model.Meeting, error) {
	var out []model.Meeting
	err := s.col(colMeetings).Find(ctx, scoped(bson.D{{Key: "initiative_ids", Value: id}}, scope, "region"), coll.FindOptions{Projection: bson.D{
		{Key: "starts_at", Value: 1}, {Key: "summary", Value: 1}, {Key: "region", Value: 1}}}, &out)
	slices.SortFunc(out, func(a, b model.Meeting) int { return a.StartsAt.Compare(b.StartsAt) })
	return out, wrap("find initiative meetings", err)
}

// initiativeRecord names it, in its region, for the effects of a write.
func initiativeRecord(it *model.Initiative) record {
	return record{colInitiatives, model.EntityInitiative, it.ID, []string{it.Region}}
}

// InsertInitiative stores a new, already decided initiative.
func (s *Store) InsertInitiative(ctx context.Context, actor model.Actor, it *model.Initiative) error {
	return s.insertRecord(ctx, actor, initiativeRecord(it), it)
}

// InsertInitiatives stores already built initiatives in batches, with no
// validation and no audit entries: for the dataset loaders and tests.
func (s *Store) InsertInitiatives(ctx context.Context, list []model.Initiative) error {
	return insertBulk(ctx, s, colInitiatives, list)
}

// ReplaceInitiative stores cur (old with decided changes, not the stage)
// when old's version is still the stored one; ErrConflict otherwise.
func (s *Store) ReplaceInitiative(ctx context.Context, actor model.Actor, old, cur *model.Initiative) (*model.Initiative, error) {
	cur.Search = model.InitiativeSearchWords(cur)
	return replaceRecord(ctx, s, actor, initiativeRecord(old), old.Version, old, cur, bson.E{Key: "search", Value: cur.Search})
}

// UpdateInitiativeStage sets the stage of old and appends entry to its
// history in one FindOneAndUpdate, so concurrent changes neither lose nor
// double entries. The filter carries the version when given (stale:
// ErrConflict) and otherwise the stage old was read at (ErrStageMoved).
func (s *Store) UpdateInitiativeStage(ctx context.Context, actor model.Actor, old *model.Initiative, entry model.StageChange, version *int) (*model.Initiative, error) {
	filter := bson.D{{Key: "_id", Value: old.ID}}
	missed := ErrStageMoved
	if version != nil {
		filter, missed = append(filter, bson.E{Key: "version", Value: *version}), ErrConflict
	} else {
		filter = append(filter, bson.E{Key: "stage", Value: old.Stage})
	}
	var it model.Initiative
	err := s.apply(ctx, func(ctx context.Context) ([]Change, error) {
		err := s.col(colInitiatives).FindOneAndUpdate(ctx, filter, bson.D{
			{Key: "$set", Value: bson.D{{Key: "stage", Value: entry.Stage}, {Key: "stage_on", Value: entry.On}, {Key: "updated_at", Value: entry.At}}},
			{Key: "$push", Value: bson.D{{Key: "history", Value: entry}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
		}, coll.UpdateOptions{}, &it)
		if errors.Is(err, coll.ErrNotFound) {
			if _, rerr := findByID[model.Initiative](ctx, s, colInitiatives, "initiative", old.ID); rerr != nil {
				return nil, rerr
			}
			return nil, fmt.Errorf("store: change initiative stage: %w", missed)
		}
		if err != nil {
			return nil, wrap("change initiative stage", err)
		}
		prev := it.History[len(it.History)-2]
		changes := []model.Change{{Field: "stage", Old: prev.Stage, New: entry.Stage}, {Field: "stage_on", Old: prev.On, New: entry.On}}
		if entry.Note != "" {
			changes = append(changes, model.Change{Field: "history.note", New: entry.Note})
		}
		before := it
		before.Stage, before.StageOn, before.History = prev.Stage, prev.On, it.History[:len(it.History)-1]
		return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: model.EntityInitiative, ID: it.ID.Hex(),
			Regions: []string{it.Region}, Fields: changes, Before: &before, After: &it}}, nil
	})
	if err != nil && it.ID.IsZero() {
		return nil, err
	}
	return &it, err
}

// RemoveInitiative deletes old, audited with the whole record; the
// commitments and meetings that named it stop naming it.
func (s *Store) RemoveInitiative(ctx context.Context, actor model.Actor, old *model.Initiative) error {
	return removeRecord(ctx, s, actor, initiativeRecord(old), old, func(ctx context.Context) error {
		_, err := s.col(colCommitments).Update(ctx, bson.D{{Key: "initiative_id", Value: old.ID}},
			bson.D{{Key: "$unset", Value: bson.D{{Key: "initiative_id", Value: ""}}}}, coll.UpdateOptions{Many: true})
		if err != nil {
			return wrap("unlink initiative from commitments", err)
		}
		_, err = s.col(colMeetings).Update(ctx, bson.D{{Key: "initiative_ids", Value: old.ID}},
			bson.D{{Key: "$pull", Value: bson.D{{Key: "initiative_ids", Value: old.ID}}}}, coll.UpdateOptions{Many: true})
		return wrap("unlink initiative from meetings", err)
	})
}

// renameInInitiatives rewrites a renamed stakeholder's copied name in the
// initiatives that link them (their version stays: their content did not change).
func (s *Store) renameInInitiatives(ctx context.Context, id bson.ObjectID, name string) error {
	var list []model.Initiative
	if err := s.col(colInitiatives).Find(ctx, bson.D{{Key: "stakeholder_ids", Value: id}}, coll.FindOptions{}, &list); err != nil {
		return wrap("rename: find initiatives", err)
	}
	for i := range list {
		for j := range list[i].Stakeholders {
			if list[i].Stakeholders[j].StakeholderID == id {
				list[i].Stakeholders[j].Name = name
			}
		}
		if _, err := s.col(colInitiatives).Update(ctx, bson.D{{Key: "_id", Value: list[i].ID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "stakeholders", Value: list[i].Stakeholders}}}}, coll.UpdateOptions{}); err != nil {
			return wrap("rename: update initiative", err)
		}
	}
	return nil
}
