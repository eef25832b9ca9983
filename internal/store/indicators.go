package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The results framework: each indicator's figure (actual and breakdowns),
// the records behind it, and the yearly targets. The figures count through
// the rules of model/results.go from the counter documents: the agreements
// from the commitments' counts per stakeholder and status with the groups
// registry (model.CountAgreements, the rule their records are listed by),
// the trainings, meetings and fulfilled commitments from their counts.
// Their records come a page at a time (Page): the meetings and commitments
// through an index in their list order, the members whom the counters count
// by name with the commitments of that page's members only, the initiatives
// from the counters' day keys with that page's initiatives only.

// colIndicatorTargets holds one document per indicator and year.
const colIndicatorTargets = "indicator_targets"

// The kinds of breakdown a figure carries.
const (
	ByDistrict = "district" // members of Congress: the district they represent
	ByRegion   = "region"
	ByModality = "modality"
	ByAudience = "audience"
	ByKind     = "kind" // initiatives: their kind
)

// Breakdown is a figure split one way; its items add up to the figure.
type Breakdown struct {
	By    string             `json:"by"`
	Items []model.GroupCount `json:"items"`
}

// Figure is an indicator's value for a period and scope.
type Figure struct {
	Code       string      `json:"code"`
	Actual     int         `json:"actual"`
	Breakdowns []Breakdown `json:"breakdowns"`
}

// IndicatorRecord is one record behind a figure and what it adds to it.
type IndicatorRecord struct {
	Entity   string        `json:"entity"` // stakeholder, meeting, commitment or initiative
	ID       bson.ObjectID `json:"id"`
	Name     string        `json:"name"`             // stakeholder name, meeting place, commitment text
	Date     string        `json:"date,omitempty"`   // YYYY-MM-DD (Lima)
	Region   string        `json:"region"`           // record's region; a member's district or a committee's region
	Count    int           `json:"count"`            // what the record adds to the figure
	Status   string        `json:"status,omitempty"` // commitments; an initiative's stage moved to
	Kind     string        `json:"kind,omitempty"`   // meetings, initiatives
	Modality string        `json:"modality,omitempty"`
	// Audience of a training, with women and men where recorded.
	Audience []model.AudienceCount `json:"audience,omitempty"`
	// Commitments that make a member count.
	Commitments []model.AgreementCommitment `json:"commitments,omitempty"`
}

// IndicatorRecords are one page of the records behind a figure; Total is
// the number of records the figure counts, Next the cursor of the next page
// ("" on the last) and Truncated says there is one.
type IndicatorRecords struct {
	Total     int               `json:"total"`
	Truncated bool              `json:"truncated"`
	Items     []IndicatorRecord `json:"items"`
	Next      string            `json:"next_cursor,omitempty"`
}

// recordsPage is a page of items with the figure's total.
func recordsPage(total int, items []IndicatorRecord, next string) *IndicatorRecords {
	if items == nil {
		items = []IndicatorRecord{}
	}
	return &IndicatorRecords{Total: total, Items: items, Next: next, Truncated: next != ""}
}

// indicator is one entry of the results framework: its code, how its
// figure is computed and how its records are listed. An indicator is added
// by adding an entry here (and its names and rule to internal/words).
type indicator struct {
	code    string
	figure  func(src *sources) (*Figure, error)
	records func(src *sources, pg Page) (*IndicatorRecords, error)
}

var indicators = []indicator{
	{"congress_agreements", agreementsFigure(model.KindLegislator, ByDistrict), agreementsRecords(model.KindLegislator)},
	{"committee_agreements", agreementsFigure(model.KindOversightCommittee, ByRegion), agreementsRecords(model.KindOversightCommittee)},
	{"people_trained", peopleTrained, trainingRecords(true)},
	{"trainings_held", trainingsHeld, trainingRecords(false)},
	{"meetings_held", meetingsHeld, meetingRecords},
	{"commitments_fulfilled", commitmentsFulfilled, fulfilledRecords},
	{"initiatives_advanced", initiativesFigure(false), initiativeRecords(false)},
	{"initiatives_approved", initiativesFigure(true), initiativeRecords(true)},
}

// sources are the reads the figures of one period and scope share, each
// made once: three indicators count from the trainings' counters, and the
// periods of one request share the counter documents (counters).
type sources struct {
	s         *Store
	ctx       context.Context
	scope     model.Scope
	p         Period
	counters  *counterReader
	trainings *TrainingCounts
	moved     *[2][]InitiativeMove // advanced, approved
}

// moves are the initiatives that advanced a stage (or were approved), both
// lists read in one walk for the two figures.
func (src *sources) moves(approved bool) ([]InitiativeMove, error) {
	if src.moved == nil {
		both, err := src.counters.bothMoves(src.scope, src.p, false)
		if err != nil {
			return nil, err
		}
		src.moved = &both
	}
	if approved {
		return src.moved[1], nil
	}
	return src.moved[0], nil
}

func (src *sources) trainingCounts() (*TrainingCounts, error) {
	if src.trainings == nil {
		t, err := src.counters.trainings(src.scope, src.p, false)
		if err != nil {
			return nil, err
		}
		src.trainings = t
	}
	return src.trainings, nil
}

// initiativeDetails fills in a page of initiativeRecords' records what
// the counters lack: the title, and the stage of the counted move
// (model.MovesIn), from the page's initiatives only, read by _id.
func (s *Store) initiativeDetails(ctx context.Context, items []IndicatorRecord, p Period, approved bool) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]bson.ObjectID, len(items))
	for i, r := range items {
		ids[i] = r.ID
	}
	proj := bson.D{{Key: "kind", Value: 1}, {Key: "title", Value: 1}}
	if !approved {
		proj = append(proj, bson.E{Key: "history", Value: 1}) // the stage it advanced to
	}
	var its []model.Initiative
	err := s.col(colInitiatives).Find(ctx, idsIn(ids), coll.FindOptions{Projection: proj}, &its)
	if err != nil {
		return wrap("find moved initiatives", err)
	}
	byID := make(map[bson.ObjectID]*model.Initiative, len(its))
	for i := range its {
		byID[its[i].ID] = &its[i]
	}
	for i := range items {
		it, ok := byID[items[i].ID]
		if !ok {
			continue // removed since the counters were read
		}
		items[i].Name, items[i].Status = it.Title, model.StageApproved
		if !approved {
			items[i].Status = model.MovesIn(it, p.From, p.To).AdvancedTo
		}
	}
	return nil
}

// movedKey orders the initiatives' records: by the date of the counted move, then id.
func movedKey(r IndicatorRecord) string { return r.Date + movedSep + r.ID.Hex() }

const movedSep = "|"

// FunderCounts are the funder report's figures of a period and scope:
// the trainings, the agreements with members of Congress (counts only, as
// Agreements) and the initiatives that advanced a stage and those approved
// (initiatives_advanced and initiatives_approved), read from the counters
// once for the three.
type FunderCounts struct {
	Trainings          *TrainingCounts
	Legislators        *model.Agreements
	Advanced, Approved []InitiativeMove
}

// FunderCounts counts the funder report's lines, from the counters.
func (s *Store) FunderCounts(ctx context.Context, scope model.Scope, p Period) (*FunderCounts, error) {
	r, err := s.counters(ctx)
	if err != nil {
		return nil, err
	}
	out := &FunderCounts{}
	if out.Trainings, err = r.trainings(scope, p, false); err != nil {
		return nil, err
	}
	if out.Legislators, err = r.agreements(scope, p, model.KindLegislator, false); err != nil {
		return nil, err
	}
	both, err := r.bothMoves(scope, p, false)
	out.Advanced, out.Approved = both[0], both[1]
	return out, err
}

// InitiativeMove is an initiative moves counts, its strings those of
// the counters; Date only with days.
type InitiativeMove struct {
	ID                 bson.ObjectID
	Region, Kind, Date string
}

// moves are the initiatives with an entry in the period that approves them
// (approved) or advances a stage (model.EntryMoves), each once, with their
// region and kind: the rule of model.MovesIn over the counters' entries
// (some 4,700 month keys a year at scale 10). With days they also carry
// the day of their last such entry (the month views have no day; the day
// keys of every month do).
func (r *counterReader) moves(scope model.Scope, p Period, approved, days bool) ([]InitiativeMove, error) {
	f := 0
	if approved {
		f = 1
	}
	var want [2]bool
	want[f] = true
	both, err := r.movesOf(scope, p, days, want)
	return both[f], err
}

// bothMoves is moves of the advanced (0) and of the approved (1), in one
// walk of the counters.
func (r *counterReader) bothMoves(scope model.Scope, p Period, days bool) ([2][]InitiativeMove, error) {
	return r.movesOf(scope, p, days, [2]bool{true, true})
}

// movesOf is bothMoves of the lists want names (the others stay empty),
// from the moves derived once per version of each month's document
// (moveEntries): at scale 10 a year is some 4,700 month keys (55,000 day
// keys for the records), which each request split and looked up by hex.
func (r *counterReader) movesOf(scope model.Scope, p Period, days bool, want [2]bool) ([2][]InitiativeMove, error) {
	var out [2][]InitiativeMove
	if err := r.loadDocs("i", days, []string{""}, p); err != nil {
		return out, err
	}
	type monthMoves struct {
		month  string
		lo, hi uint8
		es     *moveEntries
	}
	var months []monthMoves
	size := 0
	for month, id := range r.docIDs(p, days, "") {
		whole, lo, hi := p.dayRange(month)
		field := "r"
		if days || !whole {
			field = "c"
			if whole {
				lo, hi = 1, 31
			}
		}
		v, err := r.docs["i"][id].derive("moves/"+field, func(doc *counterRaw) (any, error) {
			return r.s.counterCache.moveEntries(doc, field, field == "c")
		})
		if err != nil {
			return out, err
		}
		es := v.(*moveEntries)
		months = append(months, monthMoves{month, lo, hi, es})
		size += len(es.list)
	}
	_, ids := r.s.counterCache.members() // after the entries: it holds their numbers
	var seen [2]memberSet
	var at [2][]int32 // with days: initiative number -> index in out
	for f := range at {
		if want[f] && days {
			at[f] = make([]int32, len(ids))
		}
	}
	for _, m := range months {
		allowed := allowedRegions(scope, m.es.regions)
		var dates [32]string // the month's days, made as needed
		date := func(day uint8) string {
			if dates[day] == "" {
				dates[day] = fmt.Sprintf("%s-%02d", m.month, day)
			}
			return dates[day]
		}
		for _, e := range m.es.list {
			f := int(e.flag)
			if !want[f] || e.day < m.lo || e.day > m.hi || !allowed[e.region] {
				continue
			}
			if !seen[f].add(e.initiative) {
				if days {
					if i := at[f][e.initiative]; date(e.day) > out[f][i].Date {
						out[f][i].Date = date(e.day)
					}
				}
				continue
			}
			if out[f] == nil {
				out[f] = make([]InitiativeMove, 0, min(size, 1<<12))
			}
			mv := InitiativeMove{ID: ids[e.initiative], Region: m.es.regions[e.region], Kind: m.es.kinds[e.kind]}
			if days {
				at[f][e.initiative] = int32(len(out[f]))
				mv.Date = date(e.day)
			}
			out[f] = append(out[f], mv)
		}
	}
	return out, nil
}

// initiativesFigure counts the initiatives that advanced a stage (or were
// approved) in the period, by region and by kind, from the counters.
func initiativesFigure(approved bool) func(*sources) (*Figure, error) {
	return func(src *sources) (*Figure, error) {
		list, err := src.moves(approved)
		if err != nil {
			return nil, err
		}
		regions, kinds := map[string]int{}, map[string]int{}
		for _, m := range list {
			regions[m.Region]++
			kinds[m.Kind]++
		}
		return &Figure{Actual: len(list), Breakdowns: []Breakdown{
			{By: ByRegion, Items: model.SortedCounts(regions)}, {By: ByKind, Items: model.SortedCounts(kinds)},
		}}, nil
	}
}

// initiativeRecords lists the initiatives a figure of initiativesFigure
// counts, newest move first (ties by id, so the list reads the same each
// time). A year holds some 3,000 of them at scale 10: only the page's
// become records, picked in one pass (newestMoves) rather than by sorting
// them all.
func initiativeRecords(approved bool) func(*sources, Page) (*IndicatorRecords, error) {
	return func(src *sources, pg Page) (*IndicatorRecords, error) {
		list, err := src.counters.moves(src.scope, src.p, approved, true)
		if err != nil {
			return nil, err
		}
		after, ok, err := src.s.keyAfter(pg, movedCursor)
		if err != nil {
			return nil, err
		}
		page, more, err := newestMoves(list, after, ok, pg.limit())
		if err != nil {
			return nil, err
		}
		items := make([]IndicatorRecord, len(page))
		for i, m := range page {
			items[i] = IndicatorRecord{Entity: model.EntityInitiative, ID: m.ID, Region: m.Region, Kind: m.Kind, Count: 1, Date: m.Date}
		}
		next := ""
		if more {
			if next, err = src.s.sealCursor(movedCursor, cursorDoc{V: movedKey(items[len(items)-1])}); err != nil {
				return nil, err
			}
		}
		if err := src.s.initiativeDetails(src.ctx, items, src.p, approved); err != nil {
			return nil, err
		}
		return recordsPage(len(list), items, next), nil
	}
}

// movedCursor is the kind of the initiatives' records' cursors, which
// carry the last record's movedKey.
const movedCursor = "indicator.initiatives"

// newestMoves picks from list the first limit moves in the records' order
// (compareMoves, descending) after the cursor key after (when ok), and
// tells whether more follow.
func newestMoves(list []InitiativeMove, after string, ok bool, limit int) ([]InitiativeMove, bool, error) {
	var last InitiativeMove
	if ok {
		date, hex, found := strings.Cut(after, movedSep)
		id, err := bson.ObjectIDFromHex(hex)
		if !found || err != nil {
			return nil, false, fmt.Errorf("store: %w", ErrBadCursor)
		}
		last = InitiativeMove{ID: id, Date: date}
	}
	newestFirst := func(a, b InitiativeMove) int { return compareMoves(b, a) }
	page := make([]InitiativeMove, 0, limit+1) // one more tells that more follow
	for _, m := range list {
		if ok && compareMoves(m, last) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(page, m, newestFirst)
		if i > limit {
			continue // after a full page
		}
		page = slices.Insert(page, i, m)
		if len(page) > limit+1 {
			page = page[:limit+1]
		}
	}
	if len(page) > limit {
		return page[:limit], true, nil
	}
	return page, false, nil
}

// compareMoves orders moves as their movedKey: by date, then id.
func compareMoves(a, b InitiativeMove) int {
	return model.CompareKeys(a.Date, a.ID, b.Date, b.ID, movedSep)
}

// pageIn cuts a page out of list, sorted by key (descending when desc):
// the records after the cursor, at most the page's limit, and the cursor
// of the next page (of kind), which carries the last record's key.
func (s *Store) pageIn(list []IndicatorRecord, pg Page, kind string, key func(IndicatorRecord) string, desc bool) ([]IndicatorRecord, string, error) {
	after, ok, err := s.keyAfter(pg, kind)
	if err != nil {
		return nil, "", err
	}
	start := 0
	if ok {
		start = sort.Search(len(list), func(i int) bool {
			if desc {
				return key(list[i]) < after
			}
			return key(list[i]) > after
		})
	}
	end := min(len(list), start+pg.limit())
	if end == len(list) {
		return list[start:end], "", nil
	}
	next, err := s.sealCursor(kind, cursorDoc{V: key(list[end-1])})
	return list[start:end], next, err
}

// keyAfter is the key a cursor of pageIn (of kind) carries; ok is false
// on the first page.
func (s *Store) keyAfter(pg Page, kind string) (after string, ok bool, err error) {
	if pg.Cursor == "" {
		return "", false, nil
	}
	var c cursorDoc
	if err := s.openCursor(kind, pg.Cursor, &c); err != nil {
		return "", false, err
	}
	after, ok = c.V.(string)
	if !ok {
		return "", false, fmt.Errorf("store: %w", ErrBadCursor)
	}
	return after, true, nil
}

// IndicatorCodes lists the indicators in the order reports show them.
func IndicatorCodes() []string {
	out := make([]string, len(indicators))
	for i, ind := range indicators {
		out[i] = ind.code
	}
	return out
}

func indicatorOf(code string) (indicator, error) {
	for _, ind := range indicators {
		if ind.code == code {
			return ind, nil
		}
	}
	return indicator{}, fmt.Errorf("store: indicator %q: %w", code, ErrNotFound)
}

// IndicatorFigures computes every indicator, in the order of
// IndicatorCodes, for each of periods in scope.
func (s *Store) IndicatorFigures(ctx context.Context, scope model.Scope, periods ...Period) ([][]*Figure, error) {
	if len(periods) == 0 {
		return [][]*Figure{}, nil
	}
	r, err := s.counters(ctx)
	if err != nil {
		return nil, err
	}
	// Every period's documents of a family in one query.
	for _, family := range []string{"c", "m", "t", "i"} {
		if err := r.load(family, periods...); err != nil {
			return nil, err
		}
	}
	out := make([][]*Figure, len(periods))
	for j, p := range periods {
		src := &sources{s: s, ctx: ctx, scope: scope, p: p, counters: r}
		out[j] = make([]*Figure, len(indicators))
		for i, ind := range indicators {
			f, err := ind.figure(src)
			if err != nil {
				return nil, err
			}
			f.Code = ind.code
			out[j][i] = f
		}
	}
	return out, nil
}

// IndicatorRecords lists a page of the records behind one indicator's
// figure; ErrNotFound for an unknown code, ErrBadCursor for a cursor of
// another list.
func (s *Store) IndicatorRecords(ctx context.Context, code string, scope model.Scope, p Period, pg Page) (*IndicatorRecords, error) {
	ind, err := indicatorOf(code)
	if err != nil {
		return nil, err
	}
	r, err := s.counters(ctx)
	if err != nil {
		return nil, err
	}
	return ind.records(&sources{s: s, ctx: ctx, scope: scope, p: p, counters: r}, pg)
}

// Agreements applies the agreement rule (model.CountAgreements) to the
// commitments made in the period, in scope, with stakeholders of kind, from
// the counters (agreementCounts): the funder line and the legislators
// dashboard, which need the counts only, so its List is empty (the members
// are the records of the agreement indicators); AgreementsScan reads the
// records.
func (s *Store) Agreements(ctx context.Context, scope model.Scope, p Period, kind string) (*model.Agreements, error) {
	r, err := s.counters(ctx)
	if err != nil {
		return nil, err
	}
	return r.agreements(scope, p, kind, false)
}

// agreementCounts applies the agreement rule to the counts of the
// commitments made in the period (per day, region, status and
// stakeholder), each stakeholder under the group the registry keeps for
// them (model.AgreementGroup, kept by the write hooks). Its List names no
// one and lists the commitments' statuses alone.
func (r *counterReader) agreementCounts(scope model.Scope, p Period, kind string) (*model.Agreements, error) {
	return r.agreements(scope, p, kind, true)
}

// agreements is agreementCounts, with the List only when list: the
// figures count the members without it. It is model.CountAgreements over
// the counts (the commitments not withdrawn, each member once under their
// group; the List by id, as by name when there are no names) without
// making a commitment of each count: at scale 10 a year's views hold some
// 1,300 members of Congress.
func (r *counterReader) agreements(scope model.Scope, p Period, kind string, list bool) (*model.Agreements, error) {
	view := "l"
	if kind == model.KindOversightCommittee {
		view = "k"
	}
	a := &model.Agreements{Groups: []model.GroupCount{}, List: []model.AgreementMember{}}
	if !list {
		return r.agreementTotals(a, scope, p, kind, view)
	}
	groups, err := r.groups()
	if err != nil {
		return nil, err
	}
	var seen memberSet
	var at map[int32]int // member -> index in a.List, with list
	if list {
		at = map[int32]int{}
	}
	var first []int32 // the members in the order met
	counts := map[string]int{}
	err = r.eachMember("c", view, kind, commitmentMember(kind), scope, p, func(status string, m int32, n int) {
		if !model.CountsAsAgreement(status) {
			return
		}
		if seen.add(m) {
			first = append(first, m)
			if list {
				at[m] = len(a.List)
				a.List = append(a.List, model.AgreementMember{})
			}
		}
		a.Commitments += n
		if status == model.StatusFulfilled {
			a.Fulfilled += n
		}
		if list {
			l := &a.List[at[m]]
			for range n {
				l.Commitments = append(l.Commitments, model.AgreementCommitment{Status: status})
			}
		}
	})
	if err != nil {
		return nil, err
	}
	// The member table is read after the walk: it holds every member met.
	hexes, ids := r.s.counterCache.members()
	for i, m := range first {
		group, ok := groups[hexes[m]]
		if !ok {
			group = model.AgreementGroup(nil)
		}
		counts[group]++
		if list {
			l := &a.List[i]
			l.ID, l.Group = ids[m], group
			for j := range l.Commitments {
				l.Commitments[j].StakeholderID = l.ID
			}
		}
	}
	a.Members = len(first)
	a.Groups = model.SortedCounts(counts)
	slices.SortFunc(a.List, func(x, y model.AgreementMember) int { return bytes.Compare(x.ID[:], y.ID[:]) })
	return a, nil
}

// agreementTotals is agreements without the List, from the members'
// tallies (tallyMembers): no walk of the months' keys.
func (r *counterReader) agreementTotals(a *model.Agreements, scope model.Scope, p Period, kind, view string) (*model.Agreements, error) {
	t, err := r.tallyMembers("c", view, kind, commitmentMember(kind), keepAgreements, scope, p)
	if err != nil {
		return nil, err
	}
	groupOf, has, err := registryByMember(r, "groups", func(group string) string { return group })
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	t.set.each(func(m int32) {
		group := model.AgreementGroup(nil)
		if int(m) < len(has) && has[m] {
			group = groupOf[m]
		}
		counts[group]++
		a.Members++
	})
	a.Commitments, a.Fulfilled = t.counts, t.fulfilled
	a.Groups = model.SortedCounts(counts)
	return a, nil
}

// agreementFilter selects the commitments made in the period, in scope,
// with stakeholders of kind; the rule itself (model) leaves out the
// withdrawn ones.
func agreementFilter(scope model.Scope, p Period, kind string) bson.D {
	return scoped(bson.D{{Key: "stakeholder_kind", Value: kind}, {Key: "made_on", Value: p.dateRange()}}, scope, "region")
}

// agreementProjection reads a model.AgreementCommitment of a commitment.
var agreementProjection = bson.D{
	{Key: "stakeholder_id", Value: 1}, {Key: "text", Value: 1}, {Key: "region", Value: 1}, {Key: "made_on", Value: 1}, {Key: "status", Value: 1},
}

// countAgreements applies the rule to made, with the names and groups of
// their stakeholders; who holds those already read, and gains the others.
func (s *Store) countAgreements(ctx context.Context, made []model.AgreementCommitment, who map[bson.ObjectID]model.Stakeholder) (*model.Agreements, error) {
	ids := make([]bson.ObjectID, 0, len(made))
	seen := map[bson.ObjectID]bool{}
	for _, c := range made {
		if _, known := who[c.StakeholderID]; !known && !seen[c.StakeholderID] && model.CountsAsAgreement(c.Status) {
			seen[c.StakeholderID] = true
			ids = append(ids, c.StakeholderID)
		}
	}
	if err := s.agreementStakeholders(ctx, ids, who); err != nil {
		return nil, err
	}
	a := model.CountAgreements(made,
		func(id bson.ObjectID) string { st := who[id]; return model.AgreementGroup(&st) },
		func(id bson.ObjectID) string { return who[id].Name })
	return &a, nil
}

// agreementStakeholders reads into out the name, district and committee
// region of the stakeholders ids, a bounded number of ids per query.
func (s *Store) agreementStakeholders(ctx context.Context, ids []bson.ObjectID, out map[bson.ObjectID]model.Stakeholder) error {
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		var list []model.Stakeholder
		err := s.col(colStakeholders).Find(ctx, idsIn(ids[start:min(start+batch, len(ids))]), coll.FindOptions{Projection: bson.D{
			{Key: "name", Value: 1}, {Key: "kind", Value: 1}, {Key: "legislator", Value: 1}, {Key: "committee", Value: 1},
		}}, &list)
		if err != nil {
			return wrap("agreement stakeholders", err)
		}
		for _, st := range list {
			out[st.ID] = st
		}
	}
	return nil
}

func agreementsFigure(kind, by string) func(*sources) (*Figure, error) {
	return func(src *sources) (*Figure, error) {
		a, err := src.counters.agreements(src.scope, src.p, kind, false)
		if err != nil {
			return nil, err
		}
		return &Figure{Actual: a.Members, Breakdowns: []Breakdown{{By: by, Items: a.Groups}}}, nil
	}
}

// agreementsRecords lists the members a figure of agreementsFigure counts,
// by name: who counts and under which group come from the counters, as for
// the figure; the names of the page's members from their documents
// (membersByName), and the commitments only of the page's members.
func agreementsRecords(kind string) func(*sources, Page) (*IndicatorRecords, error) {
	return func(src *sources, pg Page) (*IndicatorRecords, error) {
		a, err := src.counters.agreementCounts(src.scope, src.p, kind)
		if err != nil {
			return nil, err
		}
		page, next, err := src.s.membersByName(src.ctx, kind, a.List, pg)
		if err != nil {
			return nil, err
		}
		if err := src.s.memberCommitments(src.ctx, src.scope, src.p, kind, page); err != nil {
			return nil, err
		}
		return recordsPage(a.Members, page, next), nil
	}
}

// memberKey orders the members' records: by name, then id.
func memberKey(r IndicatorRecord) string { return r.Name + memberSep + r.ID.Hex() }

const memberSep = "\x00"

// memberCommitments sets on each member's record the commitments of theirs
// the agreement rule counts: made in the period, in scope, not withdrawn,
// oldest first.
func (s *Store) memberCommitments(ctx context.Context, scope model.Scope, p Period, kind string, members []IndicatorRecord) error {
	if len(members) == 0 {
		return nil
	}
	ids := make([]bson.ObjectID, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	// By the page's members (index stakeholder): with the kind in the
	// filter SQLite picked the kind and made_on index and read every
	// commitment of the kind in the period (thousands at scale 10) for a
	// page of fifty members. The kind is checked here instead (a member
	// whose kind changed keeps commitments of the old one).
	var found []struct {
		model.AgreementCommitment `bson:",inline"`
		Kind                      string `bson:"stakeholder_kind"`
	}
	filter := scoped(bson.D{{Key: "stakeholder_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "made_on", Value: p.dateRange()}}, scope, "region")
	proj := append(bson.D{{Key: "stakeholder_kind", Value: 1}}, agreementProjection...)
	if err := s.col(colCommitments).Find(ctx, filter, coll.FindOptions{Projection: proj}, &found); err != nil {
		return wrap("agreement commitments", err)
	}
	made := make([]model.AgreementCommitment, 0, len(found))
	for _, c := range found {
		if c.Kind == kind {
			made = append(made, c.AgreementCommitment)
		}
	}
	a := model.CountAgreements(made, func(bson.ObjectID) string { return "" }, func(bson.ObjectID) string { return "" })
	by := make(map[bson.ObjectID][]model.AgreementCommitment, len(a.List))
	for _, m := range a.List {
		by[m.ID] = m.Commitments
	}
	for i := range members {
		members[i].Commitments = by[members[i].ID]
	}
	return nil
}

func peopleTrained(src *sources) (*Figure, error) {
	t, err := src.trainingCounts()
	if err != nil {
		return nil, err
	}
	mods := map[string]int{}
	for _, m := range t.ByModality {
		mods[m.Modality] = m.People
	}
	aud := make([]model.GroupCount, len(t.Audiences))
	for i, a := range t.Audiences {
		aud[i] = model.GroupCount{Key: a.Audience, Count: a.People}
	}
	return &Figure{Actual: t.People, Breakdowns: []Breakdown{
		{By: ByRegion, Items: t.Regions}, {By: ByAudience, Items: aud}, {By: ByModality, Items: model.SortedCounts(mods)},
	}}, nil
}

func trainingsHeld(src *sources) (*Figure, error) {
	t, err := src.trainingCounts()
	if err != nil {
		return nil, err
	}
	mods := map[string]int{}
	for _, m := range t.ByModality {
		mods[m.Modality] = m.Trainings
	}
	return &Figure{Actual: t.Trainings, Breakdowns: []Breakdown{
		{By: ByRegion, Items: t.SessionRegions}, {By: ByModality, Items: model.SortedCounts(mods)},
	}}, nil
}

// meetingsHeld counts the meetings of every kind but training (trainings
// are their own indicator) that started in the period.
func meetingsHeld(src *sources) (*Figure, error) {
	months, err := src.counters.meetingsPerMonth(src.scope, src.p)
	if err != nil {
		return nil, err
	}
	t, err := src.trainingCounts()
	if err != nil {
		return nil, err
	}
	regions := map[string]int{}
	for _, m := range months {
		regions[m.Region] += m.Count
	}
	for _, r := range t.SessionRegions {
		regions[r.Key] -= r.Count
	}
	f := &Figure{Breakdowns: []Breakdown{{By: ByRegion, Items: model.SortedCounts(regions)}}}
	for _, r := range f.Breakdowns[0].Items {
		f.Actual += r.Count
	}
	return f, nil
}

// commitmentsFulfilled counts the commitments made in the period whose
// status is now fulfilled (wholly).
func commitmentsFulfilled(src *sources) (*Figure, error) {
	rows, err := src.counters.commitmentsByRegion(src.scope, src.p)
	if err != nil {
		return nil, err
	}
	regions := map[string]int{}
	f := &Figure{}
	for _, r := range rows {
		if r.Status == model.StatusFulfilled {
			regions[r.Region] += r.Count
			f.Actual += r.Count
		}
	}
	f.Breakdowns = []Breakdown{{By: ByRegion, Items: model.SortedCounts(regions)}}
	return f, nil
}

// meetingRecords reads a page of the meetings (trainings: kind training;
// else every other kind) that started in the period, newest first.
func (s *Store) meetingRecords(ctx context.Context, scope model.Scope, p Period, training bool, pg Page) ([]model.Meeting, string, error) {
	from, to := p.instants()
	kind := bson.D{{Key: "$ne", Value: model.KindTraining}}
	if training {
		kind = bson.D{{Key: "$eq", Value: model.KindTraining}}
	}
	filter := scoped(bson.D{
		{Key: "kind", Value: kind},
		{Key: "starts_at", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}},
	}, scope, "region")
	proj := bson.D{{Key: "starts_at", Value: 1}, {Key: "region", Value: 1}, {Key: "kind", Value: 1}, {Key: "place", Value: 1}, {Key: "training", Value: 1}}
	list, next, err := pagedFindProjected(ctx, s, colMeetings, filter, "", pg, "starts_at", true, proj,
		func(m model.Meeting) (any, bson.ObjectID) { return m.StartsAt, m.ID })
	return list, next, wrap("indicator meetings", err)
}

func meetingRecord(m model.Meeting, count int) IndicatorRecord {
	r := IndicatorRecord{Entity: "meeting", ID: m.ID, Name: m.Place, Date: model.Today(m.StartsAt), Region: m.Region, Count: count, Kind: m.Kind}
	if m.Training != nil {
		r.Modality, r.Audience = m.Training.Modality, m.Training.Audience
	}
	return r
}

// trainingRecords lists the trainings, each counting its people (the
// records of people_trained) or one (trainings_held).
func trainingRecords(people bool) func(*sources, Page) (*IndicatorRecords, error) {
	return func(src *sources, pg Page) (*IndicatorRecords, error) {
		t, err := src.trainingCounts()
		if err != nil {
			return nil, err
		}
		list, next, err := src.s.meetingRecords(src.ctx, src.scope, src.p, true, pg)
		if err != nil {
			return nil, err
		}
		items := make([]IndicatorRecord, len(list))
		for i, m := range list {
			n := 1
			if people {
				n = 0
				if m.Training != nil {
					n = m.Training.People()
				}
			}
			items[i] = meetingRecord(m, n)
		}
		return recordsPage(t.Trainings, items, next), nil
	}
}

func meetingRecords(src *sources, pg Page) (*IndicatorRecords, error) {
	f, err := meetingsHeld(src)
	if err != nil {
		return nil, err
	}
	list, next, err := src.s.meetingRecords(src.ctx, src.scope, src.p, false, pg)
	if err != nil {
		return nil, err
	}
	items := make([]IndicatorRecord, len(list))
	for i, m := range list {
		items[i] = meetingRecord(m, 1)
	}
	return recordsPage(f.Actual, items, next), nil
}

// fulfilledRecords lists the commitments commitmentsFulfilled counts,
// newest made first.
func fulfilledRecords(src *sources, pg Page) (*IndicatorRecords, error) {
	f, err := commitmentsFulfilled(src)
	if err != nil {
		return nil, err
	}
	filter := scoped(bson.D{{Key: "status", Value: model.StatusFulfilled}, {Key: "made_on", Value: src.p.dateRange()}}, src.scope, "region")
	proj := bson.D{{Key: "text", Value: 1}, {Key: "region", Value: 1}, {Key: "made_on", Value: 1}, {Key: "status", Value: 1}}
	list, next, err := pagedFindProjected(src.ctx, src.s, colCommitments, filter, "", pg, "made_on", true, proj,
		func(c model.Commitment) (any, bson.ObjectID) { return c.MadeOn, c.ID })
	if err != nil {
		return nil, wrap("indicator commitments", err)
	}
	items := make([]IndicatorRecord, len(list))
	for i, c := range list {
		items[i] = IndicatorRecord{Entity: "commitment", ID: c.ID, Name: c.Text, Date: c.MadeOn, Region: c.Region, Count: 1, Status: c.Status}
	}
	return recordsPage(f.Actual, items, next), nil
}

// IndicatorTargets returns the targets set for year, by indicator code.
func (s *Store) IndicatorTargets(ctx context.Context, year int) (map[string]model.IndicatorTarget, error) {
	ids := make([]string, len(indicators))
	for i, ind := range indicators {
		ids[i] = model.TargetID(ind.code, year)
	}
	var list []model.IndicatorTarget
	err := s.col(colIndicatorTargets).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, coll.FindOptions{}, &list)
	if err != nil {
		return nil, wrap("read indicator targets", err)
	}
	out := make(map[string]model.IndicatorTarget, len(list))
	for _, t := range list {
		out[t.Code] = t
	}
	return out, nil
}

// SetIndicatorTarget stores a checked target (workflow.SetIndicatorTarget)
// and audits the change; ErrNotFound for an unknown code.
func (s *Store) SetIndicatorTarget(ctx context.Context, actor model.Actor, code string, year, value int) (*model.IndicatorTarget, error) {
	if _, err := indicatorOf(code); err != nil {
		return nil, err
	}
	id := model.TargetID(code, year)
	t := model.IndicatorTarget{ID: id, Code: code, Year: year, Value: value, UpdatedAt: s.Now().UTC().Truncate(time.Millisecond), UpdatedBy: actor}
	err := s.apply(ctx, func(ctx context.Context) ([]Change, error) {
		var found []model.IndicatorTarget
		if err := s.col(colIndicatorTargets).Find(ctx, bson.D{{Key: "_id", Value: id}}, coll.FindOptions{}, &found); err != nil {
			return nil, wrap("read indicator target", err)
		}
		if _, err := s.col(colIndicatorTargets).Replace(ctx, bson.D{{Key: "_id", Value: id}}, t, true); err != nil {
			return nil, wrap("save indicator target", err)
		}
		action, fields := model.ActionCreate, []model.Change{{Field: "value", New: value}}
		if len(found) > 0 {
			if found[0].Value == value {
				return nil, nil
			}
			action, fields = model.ActionUpdate, []model.Change{{Field: "value", Old: found[0].Value, New: value}}
		}
		return []Change{{Actor: actor, Action: action, Entity: "indicator_target", ID: id, Fields: fields}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}
