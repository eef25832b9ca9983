package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The store's part of a stakeholder import: the query for possible
// duplicates and the all-or-none write. Which rows are valid, duplicate or
// allowed is the workflow's (workflow/imports.go).

// ImportCandidates loads the visible stakeholders that share an email with
// a row or whose search words start with a row's normalised name.
func (s *Store) ImportCandidates(ctx context.Context, scope model.Scope, docs []*model.Stakeholder) ([]model.Stakeholder, error) {
	var emails []string
	names := map[string]bool{}
	for _, d := range docs {
		if d == nil {
			continue
		}
		emails = append(emails, d.Emails...)
		if k := search.Words(d.Name); k != "" {
			names[k] = true
		}
	}
	if len(emails) == 0 && len(names) == 0 {
		return nil, nil
	}
	ids, err := s.stakeholdersNamed(ctx, scope, names)
	if err != nil {
		return nil, err
	}
	var out []model.Stakeholder
	seen := map[bson.ObjectID]bool{}
	add := func(filter bson.D) error {
		var batch []model.Stakeholder
		if err := s.col(colStakeholders).Find(ctx, scoped(filter, scope, "regions"), coll.FindOptions{}, &batch); err != nil {
			return wrap("find import duplicates", err)
		}
		for _, st := range batch {
			if !seen[st.ID] {
				seen[st.ID] = true
				out = append(out, st)
			}
		}
		return nil
	}
	// Bounded lists per query: a statement binds a bounded number of values.
	for chunk := range slices.Chunk(emails, importChunk) {
		if err := add(bson.D{{Key: "emails", Value: bson.D{{Key: "$in", Value: chunk}}}}); err != nil {
			return nil, err
		}
	}
	for chunk := range slices.Chunk(ids, importChunk) {
		if err := add(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: chunk}}}}); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b model.Stakeholder) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return out, nil
}

// importChunk is how many values one duplicate query lists.
const importChunk = 500

// stakeholdersNamed returns the ids of the visible stakeholders whose
// search words start with one of names (whole words): it reads every
// visible stakeholder's id and search words and looks each of their word
// prefixes up in names, in time linear in the stakeholders and the rows.
// (One regex of every name, "^(name1|name2|...)( |$)", was compiled by the
// embedded engine once per stakeholder: with 5,000 long names a dry run
// took 10 s on a tiny database.)
func (s *Store) stakeholdersNamed(ctx context.Context, scope model.Scope, names map[string]bool) ([]bson.ObjectID, error) {
	if len(names) == 0 {
		return nil, nil
	}
	maxWords := 0
	for n := range names {
		maxWords = max(maxWords, strings.Count(n, " ")+1)
	}
	// Every visible stakeholder along the _id index: MongoDB refusing
	// collection scans accepts an index walk.
	var all []struct {
		ID     bson.ObjectID `bson:"_id"`
		Search string        `bson:"search"`
	}
	opts := coll.FindOptions{Sort: bson.D{{Key: "_id", Value: 1}}, Projection: bson.D{{Key: "_id", Value: 1}, {Key: "search", Value: 1}}, Hint: bson.D{{Key: "_id", Value: 1}}}
	if err := s.col(colStakeholders).Find(ctx, scoped(bson.D{}, scope, "regions"), opts, &all); err != nil {
		return nil, wrap("find import duplicates by name", err)
	}
	var ids []bson.ObjectID
	for _, st := range all {
		if startsWithName(st.Search, names, maxWords) {
			ids = append(ids, st.ID)
		}
	}
	return ids, nil
}

// startsWithName reports whether the words of search begin with one of
// names (each whole words), trying its first maxWords word prefixes.
func startsWithName(search string, names map[string]bool, maxWords int) bool {
	for i, w := 0, 0; w < maxWords; w++ {
		j := strings.IndexByte(search[i:], ' ')
		if j < 0 {
			return names[search]
		}
		i += j
		if names[search[:i]] {
			return true
		}
		i++ // past the space
	}
	return false
}

// ImportMerge is an existing stakeholder an import adds to: Old as read,
// New with the rows' emails, phones and tags merged in.
type ImportMerge struct {
	Old, New *model.Stakeholder
}

// CommitImport inserts the new records of an import (checked by the
// workflow) in one insert per batch and saves the merged ones, all rows or
// none: in one transaction where the database has them. Without, when any
// write fails (a merge target changed meanwhile, say) it undoes the writes
// made so far. The audit entries are part of it (commit); the counters and
// the other effects follow.
func (s *Store) CommitImport(ctx context.Context, actor model.Actor, fresh []*model.Stakeholder, targets []ImportMerge) error {
	now := s.Now()
	docs := make([]model.Stakeholder, len(fresh))
	ids := make([]bson.ObjectID, len(fresh))
	for i, d := range fresh {
		d.Version, d.CreatedAt, d.UpdatedAt = 1, now, now
		d.Search = search.Words(d.SearchParts()...)
		docs[i], ids[i] = *d, d.ID
	}
	var merged []ImportMerge
	done, err := s.commit(ctx, func(ctx context.Context) ([]Change, error) {
		merged = merged[:0] // a retried transaction starts again
		if err := insertBulk(ctx, s, colStakeholders, docs); err != nil {
			return nil, err
		}
		if err := failAt("import-merge"); err != nil {
			return nil, err
		}
		changes := make([]Change, 0, len(docs)+len(targets))
		for i := range docs {
			changes = append(changes, Change{Actor: actor, Action: model.ActionCreate, Entity: "stakeholder",
				ID: docs[i].ID.Hex(), Regions: docs[i].Regions, Fields: created(docs[i]), After: &docs[i]})
		}
		for _, t := range targets {
			fields := diff(t.Old, t.New)
			if len(fields) == 0 {
				continue
			}
			if err := s.replaceStakeholder(ctx, t.Old, t.New); err != nil {
				return nil, fmt.Errorf("store: import: merge into %s: %w", t.Old.ID.Hex(), err)
			}
			merged = append(merged, t)
			changes = append(changes, Change{Actor: actor, Action: model.ActionUpdate, Entity: "stakeholder",
				ID: t.Old.ID.Hex(), Regions: t.Old.Regions, Fields: fields, Before: t.Old, After: t.New})
		}
		return changes, nil
	}, func(ctx context.Context, err error) error {
		var errs []error
		if len(ids) > 0 {
			if _, derr := s.col(colStakeholders).Delete(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, true); derr != nil {
				errs = append(errs, derr)
			}
		}
		for _, t := range merged {
			back := *t.Old
			res, rerr := s.col(colStakeholders).Replace(ctx, bson.D{{Key: "_id", Value: t.Old.ID}, {Key: "version", Value: t.New.Version}}, back, false)
			if rerr == nil && res.Matched == 0 {
				rerr = fmt.Errorf("stakeholder %s changed again meanwhile", t.Old.ID.Hex())
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
	})
	if err != nil {
		return err
	}
	return s.effects(ctx, done...)
}
