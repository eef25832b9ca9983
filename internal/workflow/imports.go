package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ImportRow is one parsed row of a stakeholder import. Row is the line
// number a spreadsheet shows (the header is row 1); Problems are what the
// parser already found (an unknown region name, say).
type ImportRow struct {
	Row      int
	Input    model.StakeholderInput
	Problems model.Problems
}

// ImportError is one invalid field of one row. Code and Message are in
// English until the API words them in the caller's language (Format).
type ImportError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`

	problem model.FieldError // the validation's own, with its format
}

// Format returns the English format and arguments of the message.
func (e ImportError) Format() (string, []any) {
	if e.problem.Message != "" {
		return e.problem.Format()
	}
	return e.Message, nil
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

// ImportStakeholders validates rows for u, finds the ones that duplicate a
// stakeholder u sees or an earlier row (same email, or same normalised name
// sharing a region) and, unless dryRun, creates the new ones and merges the
// duplicates' emails, phones and tags. It imports all rows or none: with any
// invalid row a commit stores nothing and returns a *model.ValidationError
// naming rows[N].field; a failed write is undone (store.CommitImport). A row
// that would merge into a stakeholder u may not edit is an error of that
// row. The mail of every imported address is matched again once, after the
// import, not once per stakeholder.
func (f *Flows) ImportStakeholders(ctx context.Context, u *model.User, rows []ImportRow, dryRun bool) (*ImportResult, error) {
	ctx, rematch := f.gatherRematch(ctx)
	res, err := f.importStakeholders(ctx, u, rows, dryRun)
	_, rerr := rematch()
	return res, errors.Join(err, rerr)
}

func (f *Flows) importStakeholders(ctx context.Context, u *model.User, rows []ImportRow, dryRun bool) (*ImportResult, error) {
	scope := u.Scope()
	res := &ImportResult{Rows: len(rows), Errors: []ImportError{}, Duplicates: []ImportDuplicate{}, DryRun: dryRun}
	docs := make([]*model.Stakeholder, len(rows))
	// The address rule of one stakeholder, checked for every row in one go
	// (a query per row made a 5,000-row dry run take many seconds).
	var allEmails []string
	for _, r := range rows {
		allEmails = append(allEmails, r.Input.Emails...)
	}
	refused, err := f.st.RefusedAddresses(ctx, scope, allEmails)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		st := r.Input.Stakeholder()
		if st.OwnerID.IsZero() {
			st.OwnerID = u.ID
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
				res.Errors = append(res.Errors, ImportError{Row: r.Row, Field: p.Field, Message: p.Message, problem: p})
			}
			continue
		}
		docs[i] = &st
	}
	if err := f.checkImportOwners(ctx, rows, docs, res); err != nil {
		return nil, err
	}
	existing, err := f.st.ImportCandidates(ctx, scope, docs)
	if err != nil {
		return nil, err
	}
	targets := matchImportRows(rows, docs, existing, res)
	for _, t := range targets {
		if t.old != nil && !u.CanEdit(t.old.Regions, t.old.OwnerID) {
			res.Errors = append(res.Errors, ImportError{Row: t.firstRow, Field: "name",
				Message: "duplicates a stakeholder you may not edit; ask its owner or a manager"})
		}
	}
	var created []*model.Stakeholder
	var merges []store.ImportMerge
	for _, t := range targets {
		if t.old == nil {
			created = append(created, t.doc)
		} else {
			merges = append(merges, store.ImportMerge{Old: t.old, New: t.doc})
		}
	}
	res.Created, res.Merged = len(created), len(merges)
	for _, d := range docs {
		if d != nil {
			res.Valid++
		}
	}
	if len(res.Errors) > 0 && !dryRun {
		var p model.Problems
		for _, e := range res.Errors {
			format, args := e.Format()
			p.Add(fmt.Sprintf("rows[%d].%s", e.Row, e.Field), format, args...)
		}
		return res, p.Err()
	}
	if dryRun {
		return res, nil
	}
	if err := fault("import-commit"); err != nil {
		return res, err
	}
	return res, f.st.CommitImport(ctx, actorOf(u), created, merges)
}

// checkImportOwners refuses owner ids that are not users.
func (f *Flows) checkImportOwners(ctx context.Context, rows []ImportRow, docs []*model.Stakeholder, res *ImportResult) error {
	var ids []bson.ObjectID
	for _, d := range docs {
		if d != nil && !slices.Contains(ids, d.OwnerID) {
			ids = append(ids, d.OwnerID)
		}
	}
	users, err := f.st.UsersByIDs(ctx, ids)
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

// matchImportRows assigns every valid row to a target: the existing or
// earlier-row record it duplicates (merging its emails, phones and tags in),
// or a new record. It returns the targets in first-row order.
func matchImportRows(rows []ImportRow, docs []*model.Stakeholder, existing []model.Stakeholder, res *ImportResult) []*importTarget {
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
