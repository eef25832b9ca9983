package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The busy stakeholder's pages read in order from the member table (a
// meeting listing it twice, messages and meetings at one instant, tasks
// created at one instant) and searches that walk the sort or read the
// rarest term's rows give the engine's answers, page by page.
func TestPushdownOrderMatchesEngine(t *testing.T) {
	if storetest.Dir() == "" {
		t.Skip("the SQLite path exists on the embedded engine only")
	}
	s := smallReference(t)
	ctx := context.Background()
	all := model.Scope{All: true}
	busy := demo.BusyStakeholder()
	ms, _, err := s.ListMeetings(ctx, all, store.MeetingFilter{StakeholderID: busy}, store.Page{Limit: 1})
	if err != nil || len(ms) == 0 {
		t.Fatalf("busy meetings: %v %v", ms, err)
	}
	msgs, _, err := s.ListMessages(ctx, all, store.MessageFilter{StakeholderID: busy}, store.Page{Limit: 1})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("busy messages: %v %v", msgs, err)
	}
	at := ms[0].StartsAt
	var meetings []model.Meeting
	var messages []model.IncomingMessage
	var tasks []model.Task
	for i := range 5 {
		m := ms[0]
		m.ID = bson.NewObjectID()
		// Listed twice: the meeting must come once.
		m.Participants = append(m.Participants, model.Participant{StakeholderID: busy, Name: "Otra vez", Role: "otro"})
		m.StakeholderIDs = append(m.StakeholderIDs, busy)
		meetings = append(meetings, m)
		msg := msgs[0]
		msg.ID, msg.Date = bson.NewObjectID(), at
		msg.StakeholderIDs = append(msg.StakeholderIDs, busy)
		messages = append(messages, model.IncomingMessage{Message: msg})
		tasks = append(tasks, model.Task{ID: bson.NewObjectID(), Title: fmt.Sprintf("Seguimiento %d", i), Region: ms[0].Region,
			Links: model.TaskLinks{StakeholderID: busy}, CreatedBy: demo.ID("ref-admin"), Version: 1, CreatedAt: at, UpdatedAt: at})
	}
	if err := s.InsertMeetings(ctx, meetings); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertMessages(ctx, messages); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertTasks(ctx, tasks); err != nil {
		t.Fatal(err)
	}
	lima := model.Scope{Regions: []string{"15"}}
	type query struct {
		name string
		run  func(p store.Page) (any, string, error)
	}
	var queries []query
	for _, scope := range []model.Scope{all, lima} {
		queries = append(queries,
			query{fmt.Sprintf("timeline %+v", scope), func(p store.Page) (any, string, error) {
				return wrapList(s.Timeline(ctx, scope, busy, p))
			}},
			query{fmt.Sprintf("meetings %+v", scope), func(p store.Page) (any, string, error) {
				return wrapList(s.ListMeetings(ctx, scope, store.MeetingFilter{StakeholderID: busy}, p))
			}},
			query{fmt.Sprintf("meetings with q %+v", scope), func(p store.Page) (any, string, error) {
				return wrapList(s.ListMeetings(ctx, scope, store.MeetingFilter{StakeholderID: busy, Q: "re"}, p))
			}},
			query{fmt.Sprintf("messages %+v", scope), func(p store.Page) (any, string, error) {
				return wrapList(s.ListMessages(ctx, scope, store.MessageFilter{StakeholderID: busy}, p))
			}},
			query{fmt.Sprintf("messages in a region %+v", scope), func(p store.Page) (any, string, error) {
				return wrapList(s.ListMessages(ctx, scope, store.MessageFilter{Region: "15"}, p))
			}})
	}
	// Common terms (the page walks the sort), a rare one with a common one
	// (the rarest term's rows are read), none.
	for _, q := range []string{"a", "a e", "re a", "pre cus", "ficticio a", "zzz a", "seguimiento"} {
		for _, scope := range []model.Scope{all, lima} {
			queries = append(queries,
				query{fmt.Sprintf("search %q %+v", q, scope), func(store.Page) (any, string, error) {
					r, err := s.Search(ctx, scope, q)
					return r, "", err
				}},
				query{fmt.Sprintf("meetings %q %+v", q, scope), func(p store.Page) (any, string, error) {
					return wrapList(s.ListMeetings(ctx, scope, store.MeetingFilter{Q: q}, p))
				}},
				query{fmt.Sprintf("messages %q %+v", q, scope), func(p store.Page) (any, string, error) {
					return wrapList(s.ListMessages(ctx, scope, store.MessageFilter{Q: q}, p))
				}},
				query{fmt.Sprintf("stakeholders %q %+v", q, scope), func(p store.Page) (any, string, error) {
					return wrapList(s.ListStakeholders(ctx, scope, store.StakeholderFilter{Q: q}, p))
				}})
		}
	}
	nonEmpty := 0
	for i, q := range queries {
		for _, limit := range []int{1, 4, 25}[i%3:] {
			engine := collectPages(t, s, false, q.run, limit)
			lite := collectPages(t, s, true, q.run, limit)
			if engine != lite {
				t.Errorf("%s (limit %d):\nengine: %.600s\nsqlite: %.600s", q.name, limit, engine, lite)
			}
			if len(engine) > 40 {
				nonEmpty++
			}
		}
	}
	if nonEmpty < len(queries) {
		t.Errorf("only %d queries found anything", nonEmpty)
	}
}
