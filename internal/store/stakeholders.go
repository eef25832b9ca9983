package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const colStakeholders = "stakeholders"

func init() {
	// The embedded engine scans anyway; these serve a real MongoDB.
	registerIndexes(
		indexSpec{colStakeholders, "name", bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colStakeholders, "regions", bson.D{{Key: "regions", Value: 1}}, false},
		indexSpec{colStakeholders, "emails", bson.D{{Key: "emails", Value: 1}}, false},
		indexSpec{colStakeholders, "relationships", bson.D{{Key: "relationships.stakeholder_id", Value: 1}}, false},
	)
}

// noSearchField keeps the bulky search words out of what lists read.
var noSearchField = bson.D{{Key: "search", Value: 0}}

// StakeholderFilter selects stakeholders; empty fields do not filter.
type StakeholderFilter struct {
	Kind     string
	Region   string
	Stance   string
	Tag      string
	Q        string
	Archived bool // false (the default) lists active stakeholders only
	OwnerID  bson.ObjectID
}

// ListStakeholders returns the stakeholders the scope may see, by name.
func (s *Store) ListStakeholders(ctx context.Context, scope model.Scope, f StakeholderFilter, p Page) ([]model.Stakeholder, string, error) {
	filter := bson.D{{Key: "archived", Value: f.Archived}}
	for _, kv := range []struct{ key, val string }{{"kind", f.Kind}, {"stance", f.Stance}, {"tags", strings.ToLower(strings.TrimSpace(f.Tag))}} {
		if kv.val != "" {
			filter = append(filter, bson.E{Key: kv.key, Value: kv.val})
		}
	}
	if !f.OwnerID.IsZero() {
		filter = append(filter, bson.E{Key: "owner_id", Value: f.OwnerID})
	}
	if f.Region != "" {
		if !scope.Allows(f.Region) {
			return []model.Stakeholder{}, "", nil
		}
		// A region inside the scope implies the scope condition.
		filter = append(filter, bson.E{Key: "regions", Value: f.Region})
	} else {
		filter = scoped(filter, scope, "regions")
	}
	page, opts, err := s.keyset(p, "stakeholders.name", bson.D{}, "name", false)
	if err != nil {
		return nil, "", err
	}
	opts.SetProjection(noSearchField)
	var out []model.Stakeholder
	if err := s.findAll(ctx, colStakeholders, allOf(filter, searchFilter(f.Q), page), opts, &out); err != nil {
		return nil, "", wrap("list stakeholders", err)
	}
	items, next := nextCursor(s, "stakeholders.name", out, p, func(x model.Stakeholder) (any, bson.ObjectID) { return x.Name, x.ID })
	return items, next, nil
}

// StakeholderByID returns one stakeholder; ErrNotFound when it is outside scope.
func (s *Store) StakeholderByID(ctx context.Context, scope model.Scope, id bson.ObjectID) (*model.Stakeholder, error) {
	var st model.Stakeholder
	if err := s.c(colStakeholders).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&st); err != nil {
		return nil, wrap("find stakeholder", err)
	}
	// Filtering by _id alone lets the engine use its primary key; scope is checked here.
	if !scope.Allows(st.Regions...) {
		return nil, fmt.Errorf("store: find stakeholder: %w", ErrNotFound)
	}
	return &st, nil
}

// StakeholdersByIDs returns the stakeholders among ids the scope may see,
// keyed by id, without their search words (joins are done in Go).
func (s *Store) StakeholdersByIDs(ctx context.Context, scope model.Scope, ids []bson.ObjectID) (map[bson.ObjectID]model.Stakeholder, error) {
	out := map[bson.ObjectID]model.Stakeholder{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []model.Stakeholder
	filter := scoped(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, scope, "regions")
	if err := s.findAll(ctx, colStakeholders, filter, options.Find().SetProjection(noSearchField), &list); err != nil {
		return nil, wrap("find stakeholders", err)
	}
	for _, x := range list {
		out[x.ID] = x
	}
	return out, nil
}

// StakeholderNames returns the names of the stakeholders among ids the
// scope may see.
func (s *Store) StakeholderNames(ctx context.Context, scope model.Scope, ids []bson.ObjectID) (map[bson.ObjectID]string, error) {
	out := map[bson.ObjectID]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []struct {
		ID   bson.ObjectID `bson:"_id"`
		Name string        `bson:"name"`
	}
	filter := scoped(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, scope, "regions")
	opts := options.Find().SetProjection(bson.D{{Key: "name", Value: 1}})
	if err := s.findAll(ctx, colStakeholders, filter, opts, &list); err != nil {
		return nil, wrap("find stakeholder names", err)
	}
	for _, x := range list {
		out[x.ID] = x.Name
	}
	return out, nil
}

// IncomingRelationships returns the visible stakeholders that store a
// relationship pointing to id, with only their id, name and relationships.
func (s *Store) IncomingRelationships(ctx context.Context, scope model.Scope, id bson.ObjectID) ([]model.Stakeholder, error) {
	var out []model.Stakeholder
	filter := scoped(bson.D{{Key: "relationships.stakeholder_id", Value: id}}, scope, "regions")
	opts := options.Find().SetProjection(bson.D{{Key: "name", Value: 1}, {Key: "relationships", Value: 1}}).
		SetSort(bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}})
	if err := s.findAll(ctx, colStakeholders, filter, opts, &out); err != nil {
		return nil, wrap("find incoming relationships", err)
	}
	return out, nil
}

// InsertStakeholder stores st, already checked by the workflow, as a new
// record: it sets the id, version, times and search words.
func (s *Store) InsertStakeholder(ctx context.Context, actor model.Actor, st *model.Stakeholder) error {
	now := s.Now()
	st.ID, st.Version, st.CreatedAt, st.UpdatedAt = bson.NewObjectID(), 1, now, now
	st.Search = search.Words(st.SearchParts()...)
	if _, err := s.c(colStakeholders).InsertOne(ctx, st); err != nil {
		return wrap("insert stakeholder", err)
	}
	return s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: model.EntityStakeholder, ID: st.ID.Hex(),
		Regions: st.Regions, Fields: created(*st), After: st})
}

// UpdateStakeholder applies a version-guarded patch to the stakeholder id
// in scope with no domain rule: for tools and tests that edit records as
// given. The API goes through workflow.UpdateStakeholder, which checks the
// rules before it writes with ReplaceStakeholder.
func (s *Store) UpdateStakeholder(ctx context.Context, actor model.Actor, scope model.Scope, id bson.ObjectID, p model.StakeholderPatch) (*model.Stakeholder, error) {
	old, err := s.StakeholderByID(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	cur, err := p.Apply(*old)
	if err != nil {
		return nil, err
	}
	if *p.Version != old.Version {
		return nil, fmt.Errorf("store: update stakeholder: %w", ErrConflict)
	}
	return s.ReplaceStakeholder(ctx, actor, old, &cur)
}

// ReplaceStakeholder stores cur, already decided, in place of old when
// old's version is still the stored one (ErrConflict otherwise), refreshing
// the search words, and audits the changed fields. It returns old when
// nothing changed.
func (s *Store) ReplaceStakeholder(ctx context.Context, actor model.Actor, old, cur *model.Stakeholder) (*model.Stakeholder, error) {
	changes := diff(old, cur)
	if len(changes) == 0 {
		return old, nil
	}
	if err := s.replaceStakeholder(ctx, old, cur); err != nil {
		return nil, err
	}
	if err := s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "stakeholder", ID: old.ID.Hex(),
		Regions: unionRegions(old.Regions, cur.Regions), Fields: changes, Before: old, After: cur}); err != nil {
		return nil, err
	}
	return cur, nil
}

// replaceStakeholder stores cur in place of old when old's version is still
// the stored one (ErrConflict otherwise), with the next version and fresh
// search words.
func (s *Store) replaceStakeholder(ctx context.Context, old, cur *model.Stakeholder) error {
	cur.ID, cur.CreatedAt = old.ID, old.CreatedAt
	cur.Version, cur.UpdatedAt = old.Version+1, s.Now()
	cur.Search = search.Words(cur.SearchParts()...)
	unlock := lockDoc(old.ID)
	filter, err := s.byIDWhen(ctx, colStakeholders, bson.D{{Key: "_id", Value: old.ID}, {Key: "version", Value: old.Version}})
	res := &mongo.UpdateResult{}
	if err == nil {
		res, err = s.c(colStakeholders).ReplaceOne(ctx, filter, cur)
	} else if errors.Is(err, mongo.ErrNoDocuments) {
		err = nil // no match: a conflict, below
	}
	unlock()
	if err != nil {
		return wrap("update stakeholder", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("store: update stakeholder: %w", ErrConflict)
	}
	return nil
}

func unionRegions(a, b []string) []string {
	out := slices.Clone(a)
	for _, r := range b {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// StakeholderHasRecords reports whether meetings or commitments refer to id,
// in which case deleting it would orphan them and it is archived instead.
func (s *Store) StakeholderHasRecords(ctx context.Context, id bson.ObjectID) (bool, error) {
	one := options.Count().SetLimit(1)
	for _, q := range []struct{ col, field string }{{colMeetings, "stakeholder_ids"}, {colCommitments, "stakeholder_id"}} {
		n, err := s.c(q.col).CountDocuments(ctx, bson.D{{Key: q.field, Value: id}}, one)
		if err != nil {
			return false, wrap("count "+q.col+" of stakeholder", err)
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// RemoveStakeholder deletes old when its version is still the stored one
// (ErrConflict otherwise). Whether to delete or archive, and the clean-up of
// references to it, are the workflow's (workflow/stakeholders.go, effects.go).
func (s *Store) RemoveStakeholder(ctx context.Context, actor model.Actor, old *model.Stakeholder) error {
	unlock := lockDoc(old.ID)
	filter, err := s.byIDWhen(ctx, colStakeholders, bson.D{{Key: "_id", Value: old.ID}, {Key: "version", Value: old.Version}})
	res := &mongo.DeleteResult{}
	if err == nil {
		res, err = s.c(colStakeholders).DeleteOne(ctx, filter)
	} else if errors.Is(err, mongo.ErrNoDocuments) {
		err = nil // no match: a conflict, below
	}
	unlock()
	if err != nil {
		return wrap("delete stakeholder", err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("store: delete stakeholder: %w", ErrConflict)
	}
	return s.changed(ctx, Change{Actor: actor, Action: model.ActionDelete, Entity: model.EntityStakeholder, ID: old.ID.Hex(),
		Regions: old.Regions, Fields: []model.Change{{Field: "name", Old: old.Name}}, Before: old})
}

// InsertStakeholders stores already built stakeholders in batches, with no
// validation and no audit entries, filling their search words. It exists
// for the demo and reference dataset loaders; the API goes through
// workflow.CreateStakeholder.
func (s *Store) InsertStakeholders(ctx context.Context, list []model.Stakeholder) error {
	docs := make([]model.Stakeholder, len(list))
	for i, st := range list {
		if st.Search == "" {
			st.Search = search.Words(st.SearchParts()...)
		}
		if st.Relationships == nil {
			st.Relationships = []model.Relationship{}
		}
		docs[i] = st
	}
	return s.insertStakeholderDocs(ctx, docs)
}

// insertStakeholderDocs inserts in batches, in order, stopping at the first error.
func (s *Store) insertStakeholderDocs(ctx context.Context, docs []model.Stakeholder) error {
	const batch = 500
	for start := 0; start < len(docs); start += batch {
		end := min(start+batch, len(docs))
		b := make([]any, 0, end-start)
		for i := start; i < end; i++ {
			b = append(b, docs[i])
		}
		if _, err := s.c(colStakeholders).InsertMany(ctx, b); err != nil {
			return wrap("insert stakeholders", err)
		}
	}
	return nil
}

// ImportRow is one parsed row of a stakeholder import. Row is the line
// number a spreadsheet shows (the header is row 1); Problems are what the
// parser already found (an unknown region name, say).
type ImportRow struct {
	Row      int
	Input    model.StakeholderInput
	Problems model.Problems
}

// ImportError is one invalid field of one row.
type ImportError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ImportDuplicate is a row that would be merged into an existing
// stakeholder (or into the one an earlier row creates).
type ImportDuplicate struct {
	Row        int           `json:"row"`
	ExistingID bson.ObjectID `json:"existing_id"`
	Reason     string        `json:"reason"`
}

// ImportResult reports what an import did, or would do on a dry run.
type ImportResult struct {
	Rows       int               `json:"rows"`
	Valid      int               `json:"valid"`
	Errors     []ImportError     `json:"errors"`
	Duplicates []ImportDuplicate `json:"duplicates"`
	Created    int               `json:"created"`
	Merged     int               `json:"merged"`
	DryRun     bool              `json:"dry_run"`
}

// importTarget is a record rows land in: new (to insert) or existing (to merge into).
type importTarget struct {
	doc      *model.Stakeholder
	old      *model.Stakeholder // nil for a new record
	firstRow int
}

// ImportStakeholders validates rows, finds the ones that duplicate a visible
// stakeholder or an earlier row (same email, or same normalised name sharing
// a region) and, unless dryRun, creates the new ones and merges the
// duplicates' emails, phones and tags. It imports all rows or none: with any
// invalid row a commit stores nothing and returns a *model.ValidationError
// naming rows[N].field. The engine has no transactions, so a failure while
// writing can still leave the rows before it stored.
//
// canEdit says whether the caller may change an existing stakeholder; a row
// that would merge into one they may not edit is an error of that row.
func (s *Store) ImportStakeholders(ctx context.Context, actor model.Actor, scope model.Scope, rows []ImportRow, dryRun bool, canEdit func(*model.Stakeholder) bool) (*ImportResult, error) {
	res := &ImportResult{Rows: len(rows), Errors: []ImportError{}, Duplicates: []ImportDuplicate{}, DryRun: dryRun}
	docs := make([]*model.Stakeholder, len(rows))
	// The address rule of one stakeholder, checked for every row in one go
	// (a query per row made a 5,000-row dry run take many seconds).
	var allEmails []string
	for _, r := range rows {
		allEmails = append(allEmails, r.Input.Emails...)
	}
	refused, err := s.RefusedAddresses(ctx, scope, allEmails)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		st := r.Input.Stakeholder()
		if st.OwnerID.IsZero() {
			st.OwnerID = actor.ID
		}
		if st.Kind == model.KindOversightCommittee && st.Committee == nil && len(st.Regions) > 0 {
			st.Committee = &model.Committee{Region: st.Regions[0], MemberIDs: []bson.ObjectID{}}
		}
		probs := slices.Clone(r.Problems)
		if err := st.Validate(); err != nil {
			probs = append(probs, err.(*model.ValidationError).Errors...)
		}
		scope.CheckAddedRegions(&probs, nil, st.Regions)
		for j, e := range r.Input.Emails {
			if msg, ok := refused[model.NormalizeEmail(e)]; ok {
				probs.Add(fmt.Sprintf("emails[%d]", j), "%s", msg)
			}
		}
		if len(probs) > 0 {
			for _, p := range probs {
				res.Errors = append(res.Errors, ImportError{Row: r.Row, Field: p.Field, Message: p.Message})
			}
			continue
		}
		docs[i] = &st
	}
	if err := s.checkImportOwners(ctx, rows, docs, res); err != nil {
		return nil, err
	}
	existing, err := s.importCandidates(ctx, scope, docs)
	if err != nil {
		return nil, err
	}
	targets := s.matchImportRows(rows, docs, existing, res)
	for _, t := range targets {
		if t.old != nil && canEdit != nil && !canEdit(t.old) {
			res.Errors = append(res.Errors, ImportError{Row: t.firstRow, Field: "name",
				Message: "duplicates a stakeholder you may not edit; ask its owner or a manager"})
		}
	}
	var created []*model.Stakeholder
	merged := map[bson.ObjectID]*importTarget{}
	for _, t := range targets {
		if t.old == nil {
			created = append(created, t.doc)
		} else {
			merged[t.doc.ID] = t
		}
	}
	res.Created, res.Merged = len(created), len(merged)
	for _, d := range docs {
		if d != nil {
			res.Valid++
		}
	}
	if len(res.Errors) > 0 && !dryRun {
		var p model.Problems
		for _, e := range res.Errors {
			p.Add(fmt.Sprintf("rows[%d].%s", e.Row, e.Field), "%s", e.Message)
		}
		return res, p.Err()
	}
	if dryRun {
		return res, nil
	}
	return res, s.commitImport(ctx, actor, created, targets)
}

// checkImportOwners refuses owner ids that are not users.
func (s *Store) checkImportOwners(ctx context.Context, rows []ImportRow, docs []*model.Stakeholder, res *ImportResult) error {
	var ids []bson.ObjectID
	for _, d := range docs {
		if d != nil && !slices.Contains(ids, d.OwnerID) {
			ids = append(ids, d.OwnerID)
		}
	}
	users, err := s.UsersByIDs(ctx, ids)
	if err != nil {
		return err
	}
	for i, d := range docs {
		if d == nil || d.OwnerID.IsZero() {
			continue
		}
		if _, ok := users[d.OwnerID]; !ok {
			res.Errors = append(res.Errors, ImportError{Row: rows[i].Row, Field: "owner_id", Message: "is not a user"})
			docs[i] = nil
		}
	}
	return nil
}

// importCandidates loads the visible stakeholders that share an email with
// a row or whose search words start with a row's normalised name.
func (s *Store) importCandidates(ctx context.Context, scope model.Scope, docs []*model.Stakeholder) ([]model.Stakeholder, error) {
	var emails []string
	var names []string
	for _, d := range docs {
		if d == nil {
			continue
		}
		emails = append(emails, d.Emails...)
		if k := search.Words(d.Name); k != "" {
			names = append(names, regexpQuote(k))
		}
	}
	if len(emails) == 0 && len(names) == 0 {
		return nil, nil
	}
	or := bson.A{}
	if len(emails) > 0 {
		or = append(or, bson.D{{Key: "emails", Value: bson.D{{Key: "$in", Value: emails}}}})
	}
	if len(names) > 0 {
		// The search field starts with the name's words (search.Words keeps order).
		or = append(or, bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "^(" + strings.Join(names, "|") + ")( |$)"}}}})
	}
	var out []model.Stakeholder
	filter := scoped(bson.D{{Key: "$or", Value: or}}, scope, "regions")
	if err := s.findAll(ctx, colStakeholders, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}), &out); err != nil {
		return nil, wrap("find import duplicates", err)
	}
	return out, nil
}

// matchImportRows assigns every valid row to a target: the existing or
// earlier-row record it duplicates (merging its emails, phones and tags in),
// or a new record. It returns the targets in first-row order.
func (s *Store) matchImportRows(rows []ImportRow, docs []*model.Stakeholder, existing []model.Stakeholder, res *ImportResult) []*importTarget {
	byEmail := map[string]*importTarget{}
	byNameRegion := map[string]*importTarget{}
	var targets []*importTarget
	index := func(t *importTarget, st *model.Stakeholder) {
		for _, e := range st.Emails {
			if byEmail[e] == nil {
				byEmail[e] = t
			}
		}
		key := search.Words(st.Name)
		for _, r := range st.Regions {
			if byNameRegion[key+"|"+r] == nil {
				byNameRegion[key+"|"+r] = t
			}
		}
	}
	for i := range existing {
		old := &existing[i]
		cur := *old
		cur.Emails, cur.Phones, cur.Tags = slices.Clone(old.Emails), slices.Clone(old.Phones), slices.Clone(old.Tags)
		index(&importTarget{doc: &cur, old: old}, old)
	}
	for i, d := range docs {
		if d == nil {
			continue
		}
		t, reason := findImportMatch(d, byEmail, byNameRegion)
		if t == nil {
			d.ID = bson.NewObjectID()
			t = &importTarget{doc: d, firstRow: rows[i].Row}
			targets = append(targets, t)
			index(t, d)
			continue
		}
		if t.old != nil && t.firstRow == 0 {
			t.firstRow = rows[i].Row
			targets = append(targets, t)
		}
		what := "an existing stakeholder"
		if t.old == nil {
			what = fmt.Sprintf("row %d", t.firstRow)
		}
		res.Duplicates = append(res.Duplicates, ImportDuplicate{Row: rows[i].Row, ExistingID: t.doc.ID, Reason: reason + " as " + what})
		t.doc.Emails = mergeStrings(t.doc.Emails, d.Emails)
		t.doc.Phones = mergeStrings(t.doc.Phones, d.Phones)
		t.doc.Tags = mergeStrings(t.doc.Tags, d.Tags)
		index(t, d)
	}
	return targets
}

func findImportMatch(d *model.Stakeholder, byEmail, byNameRegion map[string]*importTarget) (*importTarget, string) {
	for _, e := range d.Emails {
		if t := byEmail[e]; t != nil {
			return t, "same email " + e
		}
	}
	key := search.Words(d.Name)
	for _, r := range d.Regions {
		if t := byNameRegion[key+"|"+r]; t != nil {
			return t, "same name and region " + r
		}
	}
	return nil, ""
}

func mergeStrings(dst, src []string) []string {
	for _, v := range src {
		if !slices.Contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}

// commitImport inserts the new records in one InsertMany per batch and
// saves the merged ones. The engine has no transactions, so when any write
// fails (a merge target changed meanwhile, say) it undoes the writes made so
// far: all rows or none. Audit entries and counters follow the writes.
func (s *Store) commitImport(ctx context.Context, actor model.Actor, fresh []*model.Stakeholder, targets []*importTarget) error {
	now := s.Now()
	docs := make([]model.Stakeholder, len(fresh))
	ids := make([]bson.ObjectID, len(fresh))
	for i, d := range fresh {
		d.Version, d.CreatedAt, d.UpdatedAt = 1, now, now
		d.Search = search.Words(d.SearchParts()...)
		docs[i], ids[i] = *d, d.ID
	}
	var merged []*importTarget
	undo := func(err error) error {
		// Undoing must finish even when the request was cancelled.
		uctx := context.WithoutCancel(ctx)
		var errs []error
		if len(ids) > 0 {
			if _, derr := s.c(colStakeholders).DeleteMany(uctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); derr != nil {
				errs = append(errs, derr)
			}
		}
		for _, t := range merged {
			back := *t.old
			res, rerr := s.c(colStakeholders).ReplaceOne(uctx, bson.D{{Key: "_id", Value: t.old.ID}, {Key: "version", Value: t.doc.Version}}, back)
			if rerr == nil && res.MatchedCount == 0 {
				rerr = fmt.Errorf("stakeholder %s changed again meanwhile", t.old.ID.Hex())
			}
			if rerr != nil {
				errs = append(errs, rerr)
			}
		}
		if len(errs) > 0 {
			s.logger().ErrorContext(ctx, "undoing a failed import left writes behind", "err", errors.Join(errs...))
			return fmt.Errorf("%w (and undoing the partial import failed: %w)", err, errors.Join(errs...))
		}
		return err
	}
	if err := s.insertStakeholderDocs(ctx, docs); err != nil {
		return undo(err)
	}
	for _, t := range targets {
		if t.old == nil || len(diff(t.old, t.doc)) == 0 {
			continue
		}
		if err := s.replaceStakeholder(ctx, t.old, t.doc); err != nil {
			return undo(fmt.Errorf("store: import: merge into %s: %w", t.old.ID.Hex(), err))
		}
		merged = append(merged, t)
	}
	var err error
	for i := range docs {
		err = errors.Join(err, s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: "stakeholder",
			ID: docs[i].ID.Hex(), Regions: docs[i].Regions, Fields: created(docs[i]), After: &docs[i]}))
	}
	for _, t := range merged {
		err = errors.Join(err, s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "stakeholder",
			ID: t.old.ID.Hex(), Regions: t.old.Regions, Fields: diff(t.old, t.doc), Before: t.old, After: t.doc}))
	}
	return err
}
