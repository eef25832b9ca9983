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

const colCommitments = "commitments"

// ErrFinalStatus is returned when a status change would leave a final status
// and the caller may not reopen commitments (only managers and admins may).
var ErrFinalStatus = errors.New("commitment status is final")

func init() {
	registerIndexes(
		indexSpec{colCommitments, "stakeholder", bson.D{{Key: "stakeholder_id", Value: 1}}, false},
		indexSpec{colCommitments, "region_status", bson.D{{Key: "region", Value: 1}, {Key: "status", Value: 1}}, false},
	)
}

// InsertCommitments stores already built commitments in batches of 1000, with
// no validation and no audit entries. It exists for the demo and reference
// dataset loaders only; the API uses CreateCommitment.
func (s *Store) InsertCommitments(ctx context.Context, cs []model.Commitment) error {
	return insertBulk(ctx, s, colCommitments, cs)
}

// CommitmentSearchWords builds a commitment's normalised search field.
func CommitmentSearchWords(c *model.Commitment) string {
	return search.Words(c.Text, c.StakeholderName)
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

// ListCommitments returns the commitments in scope matching f, newest first.
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
	return pagedFind(ctx, s, colCommitments, filter, f.Q, p, "_id", func(c model.Commitment) (any, bson.ObjectID) { return nil, c.ID })
}

// CommitmentByID returns one commitment; ErrNotFound when missing or out of scope.
func (s *Store) CommitmentByID(ctx context.Context, scope model.Scope, id bson.ObjectID) (*model.Commitment, error) {
	return findInScope(ctx, s, colCommitments, "commitment", scope, id, func(c *model.Commitment) string { return c.Region })
}

// CreateCommitment validates and stores a commitment with its first history
// entry (pending). The stakeholder must exist and be in scope; its name and
// kind are copied.
func (s *Store) CreateCommitment(ctx context.Context, actor model.Actor, scope model.Scope, in model.CommitmentInput) (*model.Commitment, error) {
	in.Normalize()
	p, err := problemsOf(in.Validate())
	if err != nil {
		return nil, err
	}
	c, cp, err := s.buildCommitment(ctx, actor, scope, in, s.Now())
	if err != nil {
		return nil, err
	}
	p = append(p, cp...)
	if in.Origin != nil && !in.Origin.ID.IsZero() && model.OriginKinds.Valid(in.Origin.Kind) {
		if err := s.checkOrigin(ctx, scope, &p, *in.Origin); err != nil {
			return nil, err
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if _, err := s.c(colCommitments).InsertOne(ctx, c); err != nil {
		return nil, wrap("insert commitment", err)
	}
	err = s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: "commitment", ID: c.ID.Hex(),
		Regions: []string{c.Region}, Fields: created(c), After: c})
	return c, err
}

// buildCommitment makes the record for an input whose own fields are valid
// (problems found there are not repeated), checking the stakeholder, region
// and owner. It returns a nil commitment when there are problems.
func (s *Store) buildCommitment(ctx context.Context, actor model.Actor, scope model.Scope, in model.CommitmentInput, now time.Time) (*model.Commitment, model.Problems, error) {
	var p model.Problems
	var st model.Stakeholder
	if !in.StakeholderID.IsZero() {
		refs, err := s.stakeholderRefs(ctx, []bson.ObjectID{in.StakeholderID})
		if err != nil {
			return nil, nil, err
		}
		var ok bool
		st, ok = refs[in.StakeholderID]
		switch {
		case !ok || !scope.Allows(st.Regions...):
			p.Add("stakeholder_id", "no such stakeholder in your regions")
		case st.Archived:
			p.Add("stakeholder_id", "the stakeholder is archived")
		}
	}
	region := in.Region
	if region == "" {
		for _, r := range st.Regions {
			if scope.Allows(r) {
				region = r
				break
			}
		}
		if region == "" && !in.StakeholderID.IsZero() && len(p) == 0 {
			p.Add("region", "is required: the stakeholder has no region in your scope")
		}
	} else if model.ValidRegion(region) && !scope.Allows(region) {
		p.Add("region", "is outside your regions")
	}
	owner := in.OwnerID
	if owner.IsZero() {
		owner = actor.ID
	} else if err := s.checkUser(ctx, &p, "owner_id", owner); err != nil {
		return nil, nil, err
	}
	if len(p) > 0 {
		return nil, p, nil
	}
	madeOn := in.MadeOn
	if madeOn == "" {
		madeOn = model.Today(now)
	}
	c := &model.Commitment{
		ID: bson.NewObjectID(), StakeholderID: st.ID, StakeholderName: st.Name, StakeholderKind: st.Kind,
		Text: in.Text, Type: in.Type, Region: region, Origin: in.Origin, MadeOn: madeOn, DueOn: in.DueOn,
		Status: model.StatusPending, OwnerID: owner, NextFollowUpOn: in.NextFollowUpOn,
		History: []model.StatusChange{{Status: model.StatusPending, At: now, By: actor.ID, ByEmail: actor.Email, ByName: actor.Name}},
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	c.Search = CommitmentSearchWords(c)
	return c, nil, nil
}

// checkOrigin reports an origin meeting or message that does not exist or
// is out of scope.
func (s *Store) checkOrigin(ctx context.Context, scope model.Scope, p *model.Problems, o model.Origin) error {
	switch o.Kind {
	case "meeting":
		if _, err := s.MeetingByID(ctx, scope, o.ID); err != nil {
			if !isNotFound(err) {
				return err
			}
			p.Add("origin.id", "no such meeting in your regions")
		}
	case "message":
		var msg struct {
			Regions []string `bson:"regions"`
		}
		err := s.c(colMessages).FindOne(ctx, bson.D{{Key: "_id", Value: o.ID}},
			options.FindOne().SetProjection(bson.D{{Key: "regions", Value: 1}})).Decode(&msg)
		if err = wrap("find message", err); err != nil && !isNotFound(err) {
			return err
		}
		if err != nil || !scope.Allows(msg.Regions...) {
			p.Add("origin.id", "no such message in your regions")
		}
	}
	return nil
}

// UpdateCommitment applies a patch (not the status: see
// ChangeCommitmentStatus) after guard allows it, guarded by the version.
func (s *Store) UpdateCommitment(ctx context.Context, actor model.Actor, scope model.Scope, id bson.ObjectID, cp model.CommitmentPatch, guard Guard[model.Commitment]) (*model.Commitment, error) {
	old, err := s.CommitmentByID(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	if err := guard.allow(old); err != nil {
		return nil, err
	}
	if cp.Version != nil && *cp.Version != old.Version {
		return nil, fmt.Errorf("store: update commitment: %w", ErrConflict)
	}
	cur, err := cp.Apply(*old)
	p, err := problemsOf(err)
	if err != nil {
		return nil, err
	}
	if cur.Region != old.Region && model.ValidRegion(cur.Region) && !scope.Allows(cur.Region) {
		p.Add("region", "is outside your regions")
	}
	if cur.OwnerID != old.OwnerID && !cur.OwnerID.IsZero() {
		if err := s.checkUser(ctx, &p, "owner_id", cur.OwnerID); err != nil {
			return nil, err
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	cur.Search = CommitmentSearchWords(&cur)
	changes := diff(old, &cur)
	if len(changes) == 0 {
		return old, nil
	}
	set := append(setOf(changes), bson.E{Key: "search", Value: cur.Search}, bson.E{Key: "updated_at", Value: s.Now()})
	var c model.Commitment
	if err := s.updateVersioned(ctx, colCommitments, id, old.Version, set, &c); err != nil {
		return nil, fmt.Errorf("store: update commitment: %w", err)
	}
	return &c, s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "commitment", ID: id.Hex(),
		Regions: regionsOf(old.Region, c.Region), Fields: changes, Before: old, After: &c})
}

// ChangeCommitmentStatus sets the status and appends the history entry in
// one FindOneAndUpdate, so concurrent changes cannot lose or duplicate
// entries. The filter carries the version when in has one (a stale one
// gives ErrConflict) and, unless reopen is allowed, a status that is not
// final (leaving a final status gives ErrFinalStatus).
func (s *Store) ChangeCommitmentStatus(ctx context.Context, actor model.Actor, scope model.Scope, id bson.ObjectID, in model.StatusChangeInput, reopen bool, guard Guard[model.Commitment]) (*model.Commitment, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	old, err := s.CommitmentByID(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	if err := guard.allow(old); err != nil {
		return nil, err
	}
	// A stale version is reported first: the caller must reload either way.
	if in.Version != nil && *in.Version != old.Version {
		return nil, fmt.Errorf("store: change commitment status: %w", ErrConflict)
	}
	if !reopen && model.IsFinal(old.Status) {
		return nil, fmt.Errorf("store: change commitment status: %w", ErrFinalStatus)
	}
	now := s.Now()
	entry := model.StatusChange{Status: in.Status, At: now, Note: in.Note, Evidence: in.Evidence, By: actor.ID, ByEmail: actor.Email, ByName: actor.Name}
	filter := bson.D{{Key: "_id", Value: id}}
	if in.Version != nil {
		filter = append(filter, bson.E{Key: "version", Value: *in.Version})
	}
	if !reopen {
		filter = append(filter, bson.E{Key: "status", Value: bson.D{{Key: "$nin", Value: []string(model.FinalStatuses)}}})
	}
	var c model.Commitment
	unlock := lockDoc(id)
	if filter, err = s.byIDWhen(ctx, colCommitments, filter); err == nil {
		err = s.c(colCommitments).FindOneAndUpdate(ctx, filter, bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: in.Status}, {Key: "updated_at", Value: now}}},
			{Key: "$push", Value: bson.D{{Key: "history", Value: entry}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
		}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&c)
	}
	unlock()
	if err != nil {
		err = wrap("change commitment status", err)
		if !isNotFound(err) {
			return nil, err
		}
		// Something changed since the read: tell which rule stopped it.
		cur, rerr := s.CommitmentByID(ctx, scope, id)
		switch {
		case rerr != nil:
			return nil, rerr
		case !reopen && model.IsFinal(cur.Status) && (in.Version == nil || *in.Version == cur.Version):
			return nil, fmt.Errorf("store: change commitment status: %w", ErrFinalStatus)
		default:
			return nil, fmt.Errorf("store: change commitment status: %w", ErrConflict)
		}
	}
	prev := old.Status
	if n := len(c.History); n >= 2 {
		prev = c.History[n-2].Status
	}
	changes := []model.Change{{Field: "status", Old: prev, New: in.Status}}
	if in.Note != "" {
		changes = append(changes, model.Change{Field: "history.note", New: in.Note})
	}
	if in.Evidence != "" {
		changes = append(changes, model.Change{Field: "history.evidence", New: in.Evidence})
	}
	// The document before this update is c minus the pushed entry.
	before := c
	before.Status, before.History = prev, c.History[:len(c.History)-1]
	return &c, s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "commitment", ID: id.Hex(),
		Regions: []string{c.Region}, Fields: changes, Before: &before, After: &c})
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
