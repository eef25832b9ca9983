package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Timeline item types.
const (
	TimelineMeeting      = "meeting"
	TimelineCommitment   = "commitment"
	TimelineStatusChange = "status_change"
	TimelineTask         = "task"
	TimelineMessage      = "message"
	// An initiative the stakeholder has a role in (Detail is the role,
	// Status the current stage), and each later stage change of it (Detail
	// the note, Status the stage); both open the initiative.
	TimelineInitiative  = "initiative"
	TimelineStageChange = "stage_change"
)

// TimelineItem is one event in a stakeholder's history. ID is the record to
// open (a status change opens its commitment).
type TimelineItem struct {
	Type   string    `json:"type"`
	At     time.Time `json:"at"`
	ID     string    `json:"id"`
	Title  string    `json:"title"`
	Detail string    `json:"detail,omitempty"`
	Status string    `json:"status,omitempty"`
	key    string    // unique within the timeline, for the cursor
}

type timelineCursor struct {
	At   time.Time `bson:"at"`
	Type string    `bson:"type"`
	Key  string    `bson:"key"`
}

// before reports whether a sorts before b: newest first, then by type and key.
func (a TimelineItem) before(b TimelineItem) bool {
	if !a.At.Equal(b.At) {
		return a.At.After(b.At)
	}
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	return a.key > b.key
}

// Timeline merges, newest first, a stakeholder's meetings, commitments and
// their status changes, tasks linked to it or its commitments, and
// messages, keeping only what scope may see. ErrNotFound when the
// stakeholder is missing or out of scope. The sources are merged in Go;
// meetings, tasks and messages are read only as far as the page needs
// (timelineSource).
func (s *Store) Timeline(ctx context.Context, scope model.Scope, stakeholderID bson.ObjectID, p Page) ([]TimelineItem, string, error) {
	refs, err := s.StakeholderRefs(ctx, []bson.ObjectID{stakeholderID})
	if err != nil {
		return nil, "", err
	}
	if st, ok := refs[stakeholderID]; !ok || !scope.Allows(st.Regions...) {
		return nil, "", fmt.Errorf("store: timeline: %w", ErrNotFound)
	}
	var after *timelineCursor
	if p.Cursor != "" {
		var c timelineCursor
		if err := s.openCursor("timeline", p.Cursor, &c); err != nil {
			return nil, "", err
		}
		after = &c
	}
	var items []TimelineItem

	var meetings []model.Meeting
	mtFilter, proj := timelineSource(after, p, TimelineMeeting, "starts_at",
		scoped(bson.D{{Key: "participants.stakeholder_id", Value: stakeholderID}}, scope, "region"))
	proj.Projection = bson.D{{Key: "starts_at", Value: 1}, {Key: "kind", Value: 1}, {Key: "place", Value: 1}, {Key: "summary", Value: 1}, {Key: "region", Value: 1}}
	if err := s.col(colMeetings).Find(ctx, mtFilter, proj, &meetings); err != nil {
		return nil, "", wrap("timeline meetings", err)
	}
	for _, m := range meetings {
		items = append(items, TimelineItem{Type: TimelineMeeting, At: m.StartsAt, ID: m.ID.Hex(), Title: m.Summary,
			Detail: joinNonEmpty(m.Kind, m.Place), key: m.ID.Hex()})
	}

	var commitments []model.Commitment
	cproj := coll.FindOptions{Projection: bson.D{{Key: "made_on", Value: 1}, {Key: "created_at", Value: 1}, {Key: "text", Value: 1},
		{Key: "type", Value: 1}, {Key: "status", Value: 1}, {Key: "history", Value: 1}}}
	if err := s.col(colCommitments).Find(ctx, scoped(bson.D{{Key: "stakeholder_id", Value: stakeholderID}}, scope, "region"), cproj, &commitments); err != nil {
		return nil, "", wrap("timeline commitments", err)
	}
	commitmentIDs := make([]bson.ObjectID, 0, len(commitments))
	for _, c := range commitments {
		commitmentIDs = append(commitmentIDs, c.ID)
		at := c.CreatedAt
		if d, err := time.ParseInLocation(time.DateOnly, c.MadeOn, model.Lima); err == nil {
			at = d.UTC()
		}
		items = append(items, TimelineItem{Type: TimelineCommitment, At: at, ID: c.ID.Hex(), Title: c.Text,
			Detail: c.Type, Status: c.Status, key: c.ID.Hex()})
		// The first entry is the creation (pending), already shown as the commitment.
		for i, h := range c.History {
			if i == 0 {
				continue
			}
			items = append(items, TimelineItem{Type: TimelineStatusChange, At: h.At, ID: c.ID.Hex(), Title: c.Text,
				Detail: h.Note, Status: h.Status, key: c.ID.Hex() + "." + strconv.Itoa(i)})
		}
	}

	initiatives, err := s.timelineInitiatives(ctx, scope, stakeholderID)
	if err != nil {
		return nil, "", err
	}
	items = append(items, initiatives...)

	var messages []struct {
		ID      bson.ObjectID `bson:"_id"`
		Subject string        `bson:"subject"`
		Date    time.Time     `bson:"date"`
		Status  string        `bson:"status"`
		From    struct {
			Name    string `bson:"name"`
			Address string `bson:"address"`
		} `bson:"from"`
	}
	// The same rules as the review queue: scope, and unreadable (failed)
	// messages left out; admins see those in the queue.
	mfilter, _ := s.messageFilter(scope, MessageFilter{StakeholderID: stakeholderID})
	mfilter, mproj := timelineSource(after, p, TimelineMessage, "date", mfilter)
	mproj.Projection = bson.D{{Key: "subject", Value: 1}, {Key: "date", Value: 1}, {Key: "status", Value: 1}, {Key: "from", Value: 1}}
	if err := s.col(colMessages).Find(ctx, mfilter, mproj, &messages); err != nil {
		return nil, "", wrap("timeline messages", err)
	}
	for _, m := range messages {
		from := m.From.Name
		if from == "" {
			from = m.From.Address
		}
		items = append(items, TimelineItem{Type: TimelineMessage, At: m.Date, ID: m.ID.Hex(), Title: m.Subject,
			Detail: from, Status: m.Status, key: m.ID.Hex()})
	}

	var tasks []model.Task
	taskFilter := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "links.stakeholder_id", Value: stakeholderID}},
		bson.D{{Key: "links.commitment_id", Value: bson.D{{Key: "$in", Value: commitmentIDs}}}},
	}}}
	// Tasks come last: the other sources' items already fill the page down
	// to a date, and no older task can be on it, so a stakeholder with
	// hundreds of commitments reads only their recent tasks (on the
	// links_*_created indexes), not every task of every commitment.
	taskFilter = scoped(taskFilter, scope, "region")
	if floor, ok := pageFloor(items, after, p); ok {
		taskFilter = allOf(taskFilter, bson.D{{Key: "created_at", Value: bson.D{{Key: "$gte", Value: floor}}}})
	}
	tfilter, tproj := timelineSource(after, p, TimelineTask, "created_at", taskFilter)
	tproj.Projection = bson.D{{Key: "created_at", Value: 1}, {Key: "title", Value: 1}, {Key: "due_on", Value: 1}, {Key: "done", Value: 1}}
	if err := s.col(colTasks).Find(ctx, tfilter, tproj, &tasks); err != nil {
		return nil, "", wrap("timeline tasks", err)
	}
	for _, t := range tasks {
		status := "open"
		if t.Done {
			status = "done"
		}
		items = append(items, TimelineItem{Type: TimelineTask, At: t.CreatedAt, ID: t.ID.Hex(), Title: t.Title,
			Detail: t.DueOn, Status: status, key: t.ID.Hex()})
	}

	sort.Slice(items, func(i, j int) bool { return items[i].before(items[j]) })
	if after != nil {
		mark := TimelineItem{At: after.At, Type: after.Type, key: after.Key}
		i := sort.Search(len(items), func(i int) bool { return mark.before(items[i]) })
		items = items[i:]
	}
	if p.All || len(items) <= p.limit() {
		return items, "", nil
	}
	items = items[:p.limit()]
	last := items[len(items)-1]
	next, err := s.sealCursor("timeline", timelineCursor{At: last.At, Type: last.Type, Key: last.key})
	if err != nil {
		return nil, "", err
	}
	return items, next, nil
}

// pageFloor is the date of the item that completes the page (the page's
// length plus one, the one that says more follow) among items, counting
// only those after the cursor: an item older than that cannot be on the
// page. ok is false while items do not complete it (or the page is All).
// It sorts items in place (the timeline's order).
func pageFloor(items []TimelineItem, after *timelineCursor, p Page) (time.Time, bool) {
	if p.All {
		return time.Time{}, false
	}
	sort.Slice(items, func(i, j int) bool { return items[i].before(items[j]) })
	first := 0
	if after != nil {
		mark := TimelineItem{At: after.At, Type: after.Type, key: after.Key}
		first = sort.Search(len(items), func(i int) bool { return mark.before(items[i]) })
	}
	if len(items)-first <= p.limit() {
		return time.Time{}, false
	}
	return items[first+p.limit()].At, true
}

// timelineInitiatives are the initiatives in scope linking the stakeholder
// and their stage changes after the first (read whole: a stakeholder has a
// role in few). A change is dated on the day it happened, in Lima.
func (s *Store) timelineInitiatives(ctx context.Context, scope model.Scope, stakeholderID bson.ObjectID) ([]TimelineItem, error) {
	list, err := s.StakeholderInitiatives(ctx, scope, stakeholderID)
	if err != nil {
		return nil, err
	}
	var items []TimelineItem
	for _, it := range list {
		id := it.ID.Hex()
		items = append(items, TimelineItem{Type: TimelineInitiative, At: it.CreatedAt, ID: id, Title: it.Title,
			Detail: it.StakeholderRole(stakeholderID), Status: it.Stage, key: id})
		for i, h := range it.History {
			if i == 0 {
				continue
			}
			at := h.At
			if d, err := time.ParseInLocation(time.DateOnly, h.On, model.Lima); err == nil {
				at = d.UTC()
			}
			items = append(items, TimelineItem{Type: TimelineStageChange, At: at, ID: id, Title: it.Title,
				Detail: h.Note, Status: h.Stage, key: id + "." + strconv.Itoa(i)})
		}
	}
	return items, nil
}

// timelineSource limits a source of the timeline whose items all have
// type typ and At in field, and sort among themselves like field then _id,
// newest first: the page needs at most its length plus one of them after
// the cursor, so busy stakeholders' meetings, tasks and messages are not read
// whole. (Commitments, with their status changes at other times, are few
// per stakeholder and read whole.)
func timelineSource(after *timelineCursor, p Page, typ, field string, filter bson.D) (bson.D, coll.FindOptions) {
	opts := coll.FindOptions{Sort: bson.D{{Key: field, Value: -1}, {Key: "_id", Value: -1}}}
	if after == nil {
		if !p.All {
			opts.Limit = int64(p.limit() + 1)
		}
		return filter, opts
	}
	// The items after the cursor's: older, or as old and after it by type,
	// then by key (the _id) descending.
	var cond bson.D
	id, err := bson.ObjectIDFromHex(after.Key)
	switch {
	case after.Type < typ:
		cond = bson.D{{Key: field, Value: bson.D{{Key: "$lte", Value: after.At}}}}
	case after.Type > typ:
		cond = bson.D{{Key: field, Value: bson.D{{Key: "$lt", Value: after.At}}}}
	case err != nil:
		return filter, opts // not a key of this source: read it whole
	default:
		cond = afterKey(field, after.At, id, true)
	}
	if !p.All {
		opts.Limit = int64(p.limit() + 1)
	}
	return allOf(filter, cond), opts
}

func joinNonEmpty(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += " · "
		}
		out += p
	}
	return out
}
