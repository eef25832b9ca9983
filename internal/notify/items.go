// Package notify computes a user's reminders (what is coming due, overdue,
// changed or assigned to them) for the notification centre, and sends the
// email digests of them through the organisation's SMTP server.
package notify

import (
	"context"
	"slices"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Kinds of notification.
const (
	KindDueSoon         = "due_soon"  // due within the horizon (3 days in the app)
	KindDueToday        = "due_today" // due today
	KindOverdue         = "overdue"
	KindStatusChanged   = "status_changed"   // someone else changed a commitment you own
	KindMessageAssigned = "message_assigned" // an open message assigned to you
	KindStageChanged    = "stage_changed"    // someone else moved an initiative you follow
)

// AppHorizon is how many days ahead the notification centre looks.
const AppHorizon = 3

// ChangeWindow is how far back status changes by others are shown.
const ChangeWindow = 14 * 24 * time.Hour

// Item is one notification. At is when it became one: the start (Lima) of
// the day it came due soon, fell due or became overdue, the status change,
// or the message's last update; items after the user's seen time are unread.
type Item struct {
	Kind   string    `json:"kind"`
	Entity string    `json:"entity"` // commitment | task | message | initiative
	ID     string    `json:"id"`
	Title  string    `json:"title"`
	Region string    `json:"region,omitempty"`
	DueOn  string    `json:"due_on,omitempty"`
	Status string    `json:"status,omitempty"`
	By     string    `json:"by,omitempty"`
	At     time.Time `json:"at"`
	Path   string    `json:"path"` // the page of the app that shows it
}

// Compute lists the user's notifications at now, looking horizon days ahead
// for due dates, within the user's region scope; most recent first.
func Compute(ctx context.Context, s *store.Store, u *model.User, now time.Time, horizon int) ([]Item, error) {
	return compute(ctx, s, u, now, horizon, true)
}

// ComputeDue is Compute with only what a digest lists (dueKinds): it reads
// no messages and looks at no status changes.
func ComputeDue(ctx context.Context, s *store.Store, u *model.User, now time.Time, horizon int) ([]Item, error) {
	return compute(ctx, s, u, now, horizon, false)
}

// compute is Compute; all=false leaves out the items that are not due dates.
func compute(ctx context.Context, s *store.Store, u *model.User, now time.Time, horizon int, all bool) ([]Item, error) {
	scope := u.Scope()
	today := model.Today(now)
	out := []Item{}
	cs, _, err := s.ListCommitments(ctx, scope, store.CommitmentFilter{OwnerID: u.ID}, store.Page{All: true})
	if err != nil {
		return nil, err
	}
	for i := range cs {
		c := &cs[i]
		path := "/commitments/" + c.ID.Hex()
		if !model.IsFinal(c.Status) {
			if kind, at, ok := dueState(c.DueOn, today, horizon); ok {
				out = append(out, Item{Kind: kind, Entity: "commitment", ID: c.ID.Hex(), Title: c.StakeholderName + ": " + c.Text,
					Region: c.Region, DueOn: c.DueOn, Status: c.Status, At: at, Path: path})
			}
		}
		if h, ok := lastChangeByOther(c.History, u.ID, now); ok && all {
			by := h.ByName
			if by == "" {
				by = h.ByEmail
			}
			out = append(out, Item{Kind: KindStatusChanged, Entity: "commitment", ID: c.ID.Hex(), Title: c.StakeholderName + ": " + c.Text,
				Region: c.Region, DueOn: c.DueOn, Status: h.Status, By: by, At: h.At, Path: path})
		}
	}
	notDone := false
	ts, _, err := s.ListTasks(ctx, scope, store.TaskFilter{AssigneeID: u.ID, Done: &notDone}, store.Page{All: true})
	if err != nil {
		return nil, err
	}
	for i := range ts {
		t := &ts[i]
		if kind, at, ok := dueState(t.DueOn, today, horizon); ok {
			out = append(out, Item{Kind: kind, Entity: "task", ID: t.ID.Hex(), Title: t.Title, Region: t.Region, DueOn: t.DueOn,
				At: at, Path: taskPath(t)})
		}
	}
	if all {
		moved, err := stageChanges(ctx, s, u, cs, now)
		if err != nil {
			return nil, err
		}
		out = append(out, moved...)
		ms, _, err := s.ListMessages(ctx, scope, store.MessageFilter{AssigneeID: u.ID, Statuses: []string{"new", "follow_up"}}, store.Page{All: true})
		if err != nil {
			return nil, err
		}
		for i := range ms {
			m := &ms[i]
			region := ""
			if len(m.Regions) > 0 {
				region = m.Regions[0]
			}
			out = append(out, Item{Kind: KindMessageAssigned, Entity: "message", ID: m.ID.Hex(), Title: m.Subject, Region: region,
				Status: m.Status, By: m.From.Name, At: m.UpdatedAt, Path: "/correspondence?id=" + m.ID.Hex()})
		}
	}
	slices.SortStableFunc(out, func(a, b Item) int { return b.At.Compare(a.At) })
	return out, nil
}

// stageChanges are the latest stage changes, by someone else within
// ChangeWindow, of the initiatives u follows: owns, has a commitment about
// (cs are u's commitments), or logged or attended a meeting about.
func stageChanges(ctx context.Context, s *store.Store, u *model.User, cs []model.Commitment, now time.Time) ([]Item, error) {
	var linked []bson.ObjectID
	for _, c := range cs {
		if !c.InitiativeID.IsZero() {
			linked = append(linked, c.InitiativeID)
		}
	}
	list, err := s.FollowedInitiatives(ctx, u.Scope(), u.ID, linked, now.Add(-ChangeWindow))
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, it := range list {
		for i := len(it.History) - 1; i > 0; i-- {
			h := it.History[i]
			if h.At.Before(now.Add(-ChangeWindow)) {
				break
			}
			if h.By != u.ID && !h.By.IsZero() {
				out = append(out, Item{Kind: KindStageChanged, Entity: model.EntityInitiative, ID: it.ID.Hex(), Title: it.Title, Region: it.Region,
					Status: h.Stage, By: h.ByName, At: h.At, Path: "/initiatives/" + it.ID.Hex()})
				break
			}
		}
	}
	return out, nil
}

// dueState says whether a due date (YYYY-MM-DD) is overdue, due today or
// due within horizon days, and since when.
func dueState(due, today string, horizon int) (string, time.Time, bool) {
	if due == "" || !model.ValidDate(due) {
		return "", time.Time{}, false
	}
	day, _ := time.ParseInLocation(time.DateOnly, due, model.Lima)
	switch {
	case due < today:
		return KindOverdue, day.AddDate(0, 0, 1).UTC(), true
	case due == today:
		return KindDueToday, day.UTC(), true
	}
	t, _ := time.ParseInLocation(time.DateOnly, today, model.Lima)
	if due <= t.AddDate(0, 0, horizon).Format(time.DateOnly) {
		return KindDueSoon, day.AddDate(0, 0, -horizon).UTC(), true
	}
	return "", time.Time{}, false
}

// lastChangeByOther is the latest status change of the history made by
// someone other than me within ChangeWindow.
func lastChangeByOther(h []model.StatusChange, me bson.ObjectID, now time.Time) (model.StatusChange, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		c := h[i]
		if c.At.Before(now.Add(-ChangeWindow)) {
			break
		}
		if c.By != me && (!c.By.IsZero() || c.ByEmail != "") {
			return c, true
		}
	}
	return model.StatusChange{}, false
}

func taskPath(t *model.Task) string {
	switch {
	case !t.Links.CommitmentID.IsZero():
		return "/commitments/" + t.Links.CommitmentID.Hex()
	case !t.Links.MeetingID.IsZero():
		return "/meetings/" + t.Links.MeetingID.Hex()
	case !t.Links.StakeholderID.IsZero():
		return "/stakeholders/" + t.Links.StakeholderID.Hex()
	}
	return "/"
}
