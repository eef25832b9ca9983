package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const colCommitments = "commitments"

// ErrFinalStatus is returned when a status change would leave a final status
// and the caller did not allow reopening (see model.User.MayLeaveStatus).
var ErrFinalStatus = errors.New("commitment status is final")

func init() {
	registerIndexes(
		indexSpec{colCommitments, "stakeholder", bson.D{{Key: "stakeholder_id", Value: 1}}, false},
		indexSpec{colCommitments, "region_status", bson.D{{Key: "region", Value: 1}, {Key: "status", Value: 1}}, false},
		indexSpec{colCommitments, "due", bson.D{{Key: "due_on", Value: 1}, {Key: "_id", Value: 1}}, false},
	)
}

// InsertCommitments stores already built commitments in batches of 1000, with
// no validation and no audit entries. It exists for the dataset loaders and
// tests; workflows store one commitment with InsertCommitment.
func (s *Store) InsertCommitments(ctx context.Context, cs []model.Commitment) error {
	return insertBulk(ctx, s, colCommitments, cs)
}

// CommitmentFilter selects commitments. Dates are YYYY-MM-DD; DueFrom and
// DueTo are inclusive. Overdue uses today in Lima by the store's clock.
type CommitmentFilter struct {
	Region          string
	Status          string
	StakeholderID   bson.ObjectID
	OwnerID         bson.ObjectID
	Overdue         bool
	DueFrom, DueTo  string
	StakeholderKind string
	Q               string
}

// ListCommitments returns the commitments in scope matching f, newest first;
// overdue ones in due-date order, the oldest first.
func (s *Store) ListCommitments(ctx context.Context, scope model.Scope, f CommitmentFilter, p Page) ([]model.Commitment, string, error) {
	filter, ok := scopedRegion(bson.D{}, scope, f.Region)
	if !ok {
		return []model.Commitment{}, "", nil
	}
	filter = withID(filter, "stakeholder_id", f.StakeholderID)
	filter = withID(filter, "owner_id", f.OwnerID)
	add := func(k string, v any) { filter = append(filter, bson.E{Key: k, Value: v}) }
	if f.StakeholderKind != "" {
		add("stakeholder_kind", f.StakeholderKind)
	}
	switch {
	case f.Overdue && f.Status != "":
		if model.IsFinal(f.Status) {
			return []model.Commitment{}, "", nil // a final commitment is never overdue
		}
		add("status", f.Status)
	case f.Overdue:
		add("status", bson.D{{Key: "$nin", Value: []string(model.FinalStatuses)}})
	case f.Status != "":
		add("status", f.Status)
	}
	due := bson.D{}
	if f.Overdue {
		due = append(due, s.overdueDue()...)
	}
	if f.DueFrom != "" {
		due = append(due, bson.E{Key: "$gte", Value: f.DueFrom})
	}
	if f.DueTo != "" {
		due = append(due, bson.E{Key: "$lte", Value: f.DueTo})
	}
	if len(due) > 0 {
		add("due_on", due)
	}
	if f.Overdue && f.Q == "" {
		return pagedFindOrder(ctx, s, colCommitments, filter, "", p, "due_on", false, func(c model.Commitment) (any, bson.ObjectID) { return c.DueOn, c.ID })
	}
	return pagedFind(ctx, s, colCommitments, filter, f.Q, p, "_id", func(c model.Commitment) (any, bson.ObjectID) { return nil, c.ID })
}

// CommitmentByID returns one commitment; ErrNotFound when missing or out of scope.
func (s *Store) CommitmentByID(ctx context.Context, scope model.Scope, id bson.ObjectID) (*model.Commitment, error) {
	return findInScope(ctx, s, colCommitments, "commitment", id, func(c *model.Commitment) bool { return scope.Allows(c.Region) })
}

// MessageRegions returns the regions of message id (ErrNotFound when
// missing), for records that point at a message to check their scope.
func (s *Store) MessageRegions(ctx context.Context, id bson.ObjectID) ([]string, error) {
	var msg struct {
		Regions []string `bson:"regions"`
	}
	err := s.col(colMessages).FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		coll.FindOptions{Projection: bson.D{{Key: "regions", Value: 1}}}, &msg)
	return msg.Regions, wrap("find message", err)
}

// commitmentRecord names c, in its region, for the effects of a write.
func commitmentRecord(c *model.Commitment) record {
	return record{colCommitments, "commitment", c.ID, []string{c.Region}}
}

// InsertCommitment stores a new, already decided commitment.
func (s *Store) InsertCommitment(ctx context.Context, actor model.Actor, c *model.Commitment) error {
	return s.insertRecord(ctx, actor, commitmentRecord(c), c)
}

// ReplaceCommitment stores cur (old with decided changes, not the status)
// when old's version is still the stored one; ErrConflict otherwise. It
// answers old when nothing changed.
func (s *Store) ReplaceCommitment(ctx context.Context, actor model.Actor, old, cur *model.Commitment) (*model.Commitment, error) {
	cur.Search = model.CommitmentSearchWords(cur)
	return replaceRecord(ctx, s, actor, record{colCommitments, "commitment", old.ID, regionsOf(old.Region, cur.Region)}, old.Version, old, cur,
		bson.E{Key: "search", Value: cur.Search})
}

// UpdateCommitmentStatus sets the status of old and appends entry to its
// history in one FindOneAndUpdate, so concurrent changes cannot lose or
// duplicate entries. The filter carries version when set (a stale one
// gives ErrConflict) and, unless reopen, a status that is not final
// (leaving a final status gives ErrFinalStatus): the rule is decided by
// the caller, the store only makes it atomic.
func (s *Store) UpdateCommitmentStatus(ctx context.Context, actor model.Actor, old *model.Commitment, entry model.StatusChange, version *int, reopen bool) (*model.Commitment, error) {
	id := old.ID
	filter := bson.D{{Key: "_id", Value: id}}
	if version != nil {
		filter = append(filter, bson.E{Key: "version", Value: *version})
	}
	if !reopen {
		filter = append(filter, bson.E{Key: "status", Value: bson.D{{Key: "$nin", Value: []string(model.FinalStatuses)}}})
	}
	var c model.Commitment
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
		err := s.col(colCommitments).FindOneAndUpdate(ctx, filter, bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: entry.Status}, {Key: "updated_at", Value: entry.At}}},
			{Key: "$push", Value: bson.D{{Key: "history", Value: entry}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
		}, coll.UpdateOptions{}, &c)
		if err != nil {
			return nil, s.statusMiss(ctx, id, wrap("change commitment status", err), version, reopen)
		}
		prev := old.Status
		if n := len(c.History); n >= 2 {
			prev = c.History[n-2].Status
		}
		changes := []model.Change{{Field: "status", Old: prev, New: entry.Status}}
		if entry.Note != "" {
			changes = append(changes, model.Change{Field: "history.note", New: entry.Note})
		}
		if entry.Evidence != "" {
			changes = append(changes, model.Change{Field: "history.evidence", New: entry.Evidence})
		}
		// The document before this update is c minus the pushed entry.
		before := c
		before.Status, before.History = prev, c.History[:len(c.History)-1]
		return []Change{{Actor: actor, Action: model.ActionUpdate, Entity: "commitment", ID: id.Hex(),
			Regions: []string{c.Region}, Fields: changes, Before: &before, After: &c}}, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return &c, s.effects(ctx, done...)
}

// statusMiss tells which guard of UpdateCommitmentStatus stopped it, since
// something changed after the caller's read.
func (s *Store) statusMiss(ctx context.Context, id bson.ObjectID, err error, version *int, reopen bool) error {
	if !isNotFound(err) {
		return err
	}
	cur, rerr := findByID[model.Commitment](ctx, s, colCommitments, "commitment", id)
	if rerr != nil {
		return rerr
	}
	if !reopen && model.IsFinal(cur.Status) && (version == nil || *version == cur.Version) {
		return fmt.Errorf("store: change commitment status: %w", ErrFinalStatus)
	}
	return fmt.Errorf("store: change commitment status: %w", ErrConflict)
}

// RemoveCommitment deletes old; the removal is audited with the whole
// record, so it can be read back from the trail, and its meeting stops
// listing it. Tasks that follow it up stay (work someone may still do).
func (s *Store) RemoveCommitment(ctx context.Context, actor model.Actor, old *model.Commitment) error {
	return removeRecord(ctx, s, actor, commitmentRecord(old), old, func(ctx context.Context) error {
		if old.Origin != nil && old.Origin.Kind == "meeting" {
			return s.unlinkFromMeeting(ctx, old.Origin.ID, "commitment_ids", old.ID)
		}
		return nil
	})
}
