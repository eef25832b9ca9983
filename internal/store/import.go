package store

import (
	"context"
	"errors"
	"fmt"
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
	if err := s.col(colStakeholders).Find(ctx, filter, coll.FindOptions{Sort: bson.D{{Key: "_id", Value: 1}}}, &out); err != nil {
		return nil, wrap("find import duplicates", err)
	}
	return out, nil
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
// made so far. Audit entries and counters follow the writes.
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
	err := s.inTx(ctx, func(ctx context.Context) error {
		merged = merged[:0] // a retried transaction starts again
		if err := insertBulk(ctx, s, colStakeholders, docs); err != nil {
			return err
		}
		for _, t := range targets {
			if len(diff(t.Old, t.New)) == 0 {
				continue
			}
			if err := s.replaceStakeholder(ctx, t.Old, t.New); err != nil {
				return fmt.Errorf("store: import: merge into %s: %w", t.Old.ID.Hex(), err)
			}
			merged = append(merged, t)
		}
		return nil
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
	for i := range docs {
		err = errors.Join(err, s.changed(ctx, Change{Actor: actor, Action: model.ActionCreate, Entity: "stakeholder",
			ID: docs[i].ID.Hex(), Regions: docs[i].Regions, Fields: created(docs[i]), After: &docs[i]}))
	}
	for _, t := range merged {
		err = errors.Join(err, s.changed(ctx, Change{Actor: actor, Action: model.ActionUpdate, Entity: "stakeholder",
			ID: t.Old.ID.Hex(), Regions: t.Old.Regions, Fields: diff(t.Old, t.New), Before: t.Old, After: t.New}))
	}
	return err
}
