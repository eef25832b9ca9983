package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The differential test of the SQLite path: on the reference dataset (its
// content drawn at random) plus random edits, random list, search,
// timeline and thread queries, paged with random limits, give the same
// rows in the same order (and the same cursors) through SQLite and through
// the engine's own filter.
func TestPushdownMatchesEngine(t *testing.T) {
	embeddedOnly(t, "the SQLite path exists on the embedded engine only")
	s := smallReference(t)
	ctx := context.Background()
	now := s.Now()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	all := model.Scope{All: true}
	admin := model.Actor{ID: demo.ID("ref-admin"), Name: "Admin"}

	// Random writes through the store, so the triggers' upkeep is compared too.
	msgs, _, err := s.ListMessages(ctx, all, store.MessageFilter{IncludeFailed: true}, store.Page{All: true})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("messages: %d %v", len(msgs), err)
	}
	for range 40 {
		m := msgs[rng.Intn(len(msgs))]
		if m.Status == model.MessageFailed {
			continue
		}
		st := model.ReviewStatuses[rng.Intn(len(model.ReviewStatuses))]
		if _, err := s.BulkSetMessageStatus(ctx, admin, all, []bson.ObjectID{m.ID}, st, false); err != nil {
			t.Fatal(err)
		}
	}
	// Direct writes that move messages in and out of the unmatched tally
	// and the queue counts: deletes, failures, region and flag changes.
	for i := range 40 {
		m := msgs[rng.Intn(len(msgs))]
		id := bson.D{{Key: "_id", Value: m.ID}}
		var set bson.D
		switch i % 5 {
		case 0:
			if _, err := s.Coll("messages").Delete(ctx, id, false); err != nil {
				t.Fatal(err)
			}
			continue
		case 1:
			set = bson.D{{Key: "status", Value: model.MessageFailed}}
		case 2:
			set = bson.D{{Key: "regions", Value: []string{model.Regions[rng.Intn(len(model.Regions))].Code}}}
			if rng.Intn(3) == 0 {
				set = bson.D{{Key: "regions", Value: []string{}}}
			}
		case 3:
			set = bson.D{{Key: "unmatched", Value: !m.Unmatched}}
		case 4:
			set = bson.D{{Key: "replied", Value: !m.Replied}}
		}
		if _, err := s.Coll("messages").Update(ctx, id, bson.D{{Key: "$set", Value: set}}, coll.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	sts, _, err := s.ListStakeholders(ctx, all, store.StakeholderFilter{}, store.Page{All: true})
	if err != nil || len(sts) < 5 {
		t.Fatalf("stakeholders: %d %v", len(sts), err)
	}
	for i, k := range rng.Perm(len(sts))[:3] {
		st := sts[k]
		name := fmt.Sprintf(`Renombrado %d presupuesto "comillas" \\barra\\ tab\tx`, i)
		v := st.Version
		if _, err := s.UpdateStakeholder(ctx, admin, all, st.ID, model.StakeholderPatch{Name: &name, Version: &v}); err != nil {
			t.Fatal(err)
		}
	}
	meetings, _, err := s.ListMeetings(ctx, all, store.MeetingFilter{}, store.Page{All: true})
	if err != nil {
		t.Fatal(err)
	}
	commitments, _, err := s.ListCommitments(ctx, all, store.CommitmentFilter{}, store.Page{All: true})
	if err != nil {
		t.Fatal(err)
	}

	pickRegion := func() string { return model.Regions[rng.Intn(len(model.Regions))].Code }
	pickScope := func() model.Scope {
		if rng.Intn(3) == 0 {
			return all
		}
		rs := []string{pickRegion()}
		if rng.Intn(2) == 0 {
			rs = append(rs, "15", pickRegion())
		}
		return model.Scope{Regions: rs}
	}
	maybe := func(p int) bool { return rng.Intn(100) < p }
	pickStakeholder := func() bson.ObjectID {
		if maybe(30) {
			return demo.BusyStakeholder()
		}
		return sts[rng.Intn(len(sts))].ID
	}
	pickUser := func() bson.ObjectID {
		return demo.ID([]string{"ref-officer-15", "ref-manager-15", "ref-officer-08", "ref-admin"}[rng.Intn(4)])
	}
	pickQ := func() string {
		return []string{"presupuesto", "re seg", "pre cus", "ficticio", "equipo@ref", "zzz", "a", "ref 00", "renombrado presu"}[rng.Intn(9)]
	}
	pickDay := func() time.Time { return now.AddDate(0, 0, -rng.Intn(800)) }
	pickDate := func() string { return model.Today(pickDay()) }

	var queries []pagedQuery
	for i := range 20 {
		scope := pickScope()
		mf := store.MessageFilter{IncludeFailed: maybe(30)}
		sometimes(rng, 50, &mf.Status, oneOf(rng, model.MessageStatuses))
		sometimes(rng, 30, &mf.Region, pickRegion)
		sometimes(rng, 15, &mf.StakeholderID, pickStakeholder)
		mf.Unmatched = maybe(15)
		if maybe(15) {
			mf.AwaitingReply, mf.AwaitingReplyDays = true, rng.Intn(20)
		}
		sometimes(rng, 15, &mf.AssigneeID, pickUser)
		sometimes(rng, 15, &mf.MailboxID, demo.RefMailbox)
		sometimes(rng, 15, &mf.Folder, oneOf(rng, []string{"INBOX", "Sent", "Other"}))
		sometimes(rng, 20, &mf.From, pickDay)
		sometimes(rng, 20, &mf.To, pickDay)
		sometimes(rng, 25, &mf.Q, pickQ)
		queries = append(queries, pagedQuery{fmt.Sprintf("messages %d %+v %+v", i, scope, mf), func(p store.Page) (any, string, error) {
			return wrapList(s.ListMessages(ctx, scope, mf, p))
		}})
		queries = append(queries, pagedQuery{fmt.Sprintf("message counts %d %+v %+v", i, scope, mf), func(store.Page) (any, string, error) {
			c, err := s.MessageCounts(ctx, scope, mf)
			return c, "", err
		}})

		ms := store.MeetingFilter{}
		sometimes(rng, 40, &ms.Region, pickRegion)
		sometimes(rng, 20, &ms.From, pickDay)
		sometimes(rng, 20, &ms.To, pickDay)
		sometimes(rng, 20, &ms.StakeholderID, pickStakeholder)
		sometimes(rng, 20, &ms.Kind, oneOf(rng, model.MeetingKinds))
		sometimes(rng, 25, &ms.Q, pickQ)
		queries = append(queries, pagedQuery{fmt.Sprintf("meetings %d %+v %+v", i, scope, ms), func(p store.Page) (any, string, error) {
			return wrapList(s.ListMeetings(ctx, scope, ms, p))
		}})

		cf := store.CommitmentFilter{Overdue: maybe(20)}
		sometimes(rng, 30, &cf.Region, pickRegion)
		sometimes(rng, 30, &cf.Status, oneOf(rng, model.CommitmentStatuses))
		sometimes(rng, 20, &cf.StakeholderID, pickStakeholder)
		sometimes(rng, 20, &cf.OwnerID, pickUser)
		sometimes(rng, 20, &cf.DueFrom, pickDate)
		sometimes(rng, 20, &cf.DueTo, pickDate)
		sometimes(rng, 20, &cf.StakeholderKind, oneOf(rng, model.StakeholderKinds))
		sometimes(rng, 25, &cf.Q, pickQ)
		queries = append(queries, pagedQuery{fmt.Sprintf("commitments %d %+v %+v", i, scope, cf), func(p store.Page) (any, string, error) {
			return wrapList(s.ListCommitments(ctx, scope, cf, p))
		}})

		tf := store.TaskFilter{Overdue: maybe(20)}
		if maybe(30) {
			done := maybe(50)
			tf.Done = &done
		}
		sometimes(rng, 30, &tf.Region, pickRegion)
		sometimes(rng, 20, &tf.AssigneeID, pickUser)
		sometimes(rng, 20, &tf.StakeholderID, pickStakeholder)
		if maybe(15) && len(commitments) > 0 {
			tf.CommitmentID = commitments[rng.Intn(len(commitments))].ID
		}
		if maybe(15) && len(meetings) > 0 {
			tf.MeetingID = meetings[rng.Intn(len(meetings))].ID
		}
		queries = append(queries, pagedQuery{fmt.Sprintf("tasks %d %+v %+v", i, scope, tf), func(p store.Page) (any, string, error) {
			return wrapList(s.ListTasks(ctx, scope, tf, p))
		}})

		sf := store.StakeholderFilter{Archived: maybe(20)}
		sometimes(rng, 30, &sf.Region, pickRegion)
		sometimes(rng, 20, &sf.Kind, oneOf(rng, model.StakeholderKinds))
		sometimes(rng, 20, &sf.Stance, oneOf(rng, model.Stances))
		sometimes(rng, 15, &sf.Tag, oneOf(rng, []string{"presupuesto", "salud", "nada"}))
		sometimes(rng, 15, &sf.OwnerID, pickUser)
		sometimes(rng, 30, &sf.Q, pickQ)
		queries = append(queries, pagedQuery{fmt.Sprintf("stakeholders %d %+v %+v", i, scope, sf), func(p store.Page) (any, string, error) {
			return wrapList(s.ListStakeholders(ctx, scope, sf, p))
		}})

		q := pickQ()
		queries = append(queries, pagedQuery{fmt.Sprintf("search %d %+v %q", i, scope, q), func(store.Page) (any, string, error) {
			r, err := s.Search(ctx, scope, q)
			return r, "", err
		}})
		stID := pickStakeholder()
		queries = append(queries, pagedQuery{fmt.Sprintf("timeline %d %+v %s", i, scope, stID.Hex()), func(p store.Page) (any, string, error) {
			return wrapList(s.Timeline(ctx, scope, stID, p))
		}})
		thread, failed := msgs[rng.Intn(len(msgs))].ThreadID, maybe(50)
		queries = append(queries, pagedQuery{fmt.Sprintf("thread %d %+v %s %v", i, scope, thread.Hex(), failed), func(store.Page) (any, string, error) {
			r, err := s.Thread(ctx, scope, thread, failed)
			return r, "", err
		}})
	}
	// Unmatched messages whose names test the rule: the latest message that
	// names an address gives its name, ties go to the lowest _id, and in a
	// message the address's first occurrence counts, named or not.
	base := msgs[0]
	at := now.Add(-time.Hour).Truncate(time.Millisecond)
	var odd []model.IncomingMessage
	for i, c := range []struct {
		from     model.Address
		to, cc   []model.Address
		date     time.Time
		regions  []string
		lowestID bool
	}{
		{model.Address{Address: "tie@ejemplo.org", Name: "Zeta"}, nil, nil, at, []string{"15"}, false},
		{model.Address{Address: "tie@ejemplo.org", Name: "Alfa"}, nil, nil, at, []string{"15"}, true},
		{model.Address{Address: "late@ejemplo.org"}, []model.Address{{Address: "late@ejemplo.org", Name: "Ignorado"}}, nil, at, []string{"15"}, false},
		{model.Address{Address: "late@ejemplo.org", Name: "Antiguo"}, nil, []model.Address{{Address: "tie@ejemplo.org", Name: "Viejo"}}, at.Add(-time.Hour), []string{"08"}, false},
		{model.Address{Address: "solo@ejemplo.org"}, []model.Address{{Address: "solo@ejemplo.org", Name: "Solo"}, {Address: ""}}, nil, at.Add(time.Minute), []string{"08", "15"}, false},
	} {
		m := base
		m.ID = bson.NewObjectIDFromTimestamp(at.Add(time.Duration(10-i) * time.Second))
		if c.lowestID {
			m.ID = bson.NewObjectIDFromTimestamp(at.Add(-time.Hour))
		}
		m.From, m.To, m.Cc, m.Date, m.Regions = c.from, c.to, c.cc, c.date, c.regions
		m.Unmatched, m.StakeholderIDs, m.Status = true, nil, model.ReviewStatuses[0]
		odd = append(odd, model.IncomingMessage{Message: m})
	}
	if err := s.InsertMessages(ctx, odd); err != nil {
		t.Fatal(err)
	}
	// The latest message naming tie@, removed again: the tally reads the
	// latest date and the name again from the address table.
	gone := odd[0]
	gone.Message.ID, gone.Message.Date, gone.Message.From.Name = bson.NewObjectID(), at.Add(time.Hour), "Borrado"
	if err := s.InsertMessages(ctx, []model.IncomingMessage{gone}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Coll("messages").Delete(ctx, bson.D{{Key: "_id", Value: gone.Message.ID}}, false); err != nil {
		t.Fatal(err)
	}
	want := map[string]store.UnmatchedAddress{
		"tie@ejemplo.org":  {Address: "tie@ejemplo.org", Name: "Alfa", Count: 3, LastAt: at},
		"late@ejemplo.org": {Address: "late@ejemplo.org", Name: "Antiguo", Count: 2, LastAt: at},
		"solo@ejemplo.org": {Address: "solo@ejemplo.org", Name: "", Count: 1, LastAt: at.Add(time.Minute)},
	}
	for _, lite := range []bool{false, true} {
		s.SetPushdown(lite)
		hits := s.PushdownHits()
		got, _, err := s.UnmatchedAddresses(ctx, all, nil, store.Page{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if lite != (s.PushdownHits() > hits) {
			t.Errorf("pushdown %v: SQLite answered %d queries", lite, s.PushdownHits()-hits)
		}
		found := 0
		for _, u := range got {
			if w, ok := want[u.Address]; ok {
				found++
				if u.Name != w.Name || u.Count != w.Count || !u.LastAt.Equal(w.LastAt) {
					t.Errorf("pushdown %v: %+v, want %+v", lite, u, w)
				}
			}
		}
		if found != len(want) {
			t.Errorf("pushdown %v: %d of the %d added addresses listed", lite, found, len(want))
		}
	}
	s.SetPushdown(true)
	for _, scope := range []model.Scope{all, {Regions: []string{"15"}}, {Regions: []string{"08", "15"}}, {Regions: []string{pickRegion()}}, {}} {
		for _, internal := range []func(string) bool{nil, func(a string) bool { return a < "m" }} {
			queries = append(queries, pagedQuery{fmt.Sprintf("unmatched addresses %+v %v", scope, internal != nil), func(p store.Page) (any, string, error) {
				return wrapList(s.UnmatchedAddresses(ctx, scope, internal, p))
			}})
		}
	}

	// Dashboards: the counter documents read through SQLite or the engine.
	for _, scope := range []model.Scope{all, {Regions: []string{"15"}}, {Regions: []string{pickRegion(), "08"}}} {
		for _, p := range []store.Period{store.DefaultPeriod(now), {From: model.Today(now.AddDate(0, -3, -10)), To: model.Today(now.AddDate(0, 0, -5))}} {
			queries = append(queries, pagedQuery{fmt.Sprintf("dashboards %+v %+v", scope, p), func(store.Page) (any, string, error) {
				d, err := dashboards(ctx, s, scope, p)
				return d, "", err
			}})
		}
	}
	// The trigger-kept tables alone give the engine's answers: the queue
	// counts for every filter the tabs use, the unmatched tally per scope.
	for _, scope := range []model.Scope{all, {Regions: []string{"15"}}, {Regions: []string{"08", "15"}}, {Regions: []string{pickRegion()}}, {}} {
		for _, f := range []store.MessageFilter{{}, {IncludeFailed: true}, {Region: "15"}, {Region: pickRegion(), IncludeFailed: true, AwaitingReplyDays: 3}, {AwaitingReplyDays: 30}} {
			s.SetPushdown(false)
			want, err := s.MessageCounts(ctx, scope, f)
			s.SetPushdown(true)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.QueueCountsLite(ctx, scope, f)
			if err != nil || got != want {
				t.Errorf("queue counts %+v %+v: %+v %v, engine %+v", scope, f, got, err, want)
			}
		}
		s.SetPushdown(false)
		want, _, err := s.UnmatchedAddresses(ctx, scope, nil, store.Page{All: true})
		s.SetPushdown(true)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.UnmatchedTally(ctx, scope)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("unmatched tally %+v: %d addresses, engine %d", scope, len(got), len(want))
		}
		for i := range min(len(got), len(want)) {
			if g, w := got[i], want[i]; g.Address != w.Address || g.Name != w.Name || g.Count != w.Count || !g.LastAt.Equal(w.LastAt) {
				t.Errorf("unmatched tally %+v row %d: %+v, engine %+v", scope, i, g, w)
			}
		}
	}

	before := s.PushdownHits()
	nonEmpty := 0
	for _, q := range queries {
		if sameOnBothPaths(t, s, q, 1+rng.Intn(25)) {
			nonEmpty++
		}
	}
	// Random filters often select nothing; most must select something.
	if nonEmpty < len(queries)/3 {
		t.Errorf("only %d of %d queries found anything", nonEmpty, len(queries))
	}
	if hits := s.PushdownHits() - before; hits < int64(len(queries)) {
		t.Errorf("only %d of the finds went through SQLite", hits)
	}
}

// The busy stakeholder's pages read in order from the member table (a
// meeting listing it twice, messages and meetings at one instant, tasks
// created at one instant) and searches that walk the sort or read the
// rarest term's rows give the engine's answers, page by page.
func TestPushdownOrderMatchesEngine(t *testing.T) {
	embeddedOnly(t, "the SQLite path exists on the embedded engine only")
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
	var queries []pagedQuery
	for _, scope := range []model.Scope{all, lima} {
		queries = append(queries,
			pagedQuery{fmt.Sprintf("timeline %+v", scope), func(p store.Page) (any, string, error) {
				return wrapList(s.Timeline(ctx, scope, busy, p))
			}},
			pagedQuery{fmt.Sprintf("meetings %+v", scope), func(p store.Page) (any, string, error) {
				return wrapList(s.ListMeetings(ctx, scope, store.MeetingFilter{StakeholderID: busy}, p))
			}},
			pagedQuery{fmt.Sprintf("meetings with q %+v", scope), func(p store.Page) (any, string, error) {
				return wrapList(s.ListMeetings(ctx, scope, store.MeetingFilter{StakeholderID: busy, Q: "re"}, p))
			}},
			pagedQuery{fmt.Sprintf("messages %+v", scope), func(p store.Page) (any, string, error) {
				return wrapList(s.ListMessages(ctx, scope, store.MessageFilter{StakeholderID: busy}, p))
			}},
			pagedQuery{fmt.Sprintf("messages in a region %+v", scope), func(p store.Page) (any, string, error) {
				return wrapList(s.ListMessages(ctx, scope, store.MessageFilter{Region: "15"}, p))
			}})
	}
	// Common terms (the page walks the sort), a rare one with a common one
	// (the rarest term's rows are read), none.
	for _, q := range []string{"a", "a e", "re a", "pre cus", "ficticio a", "zzz a", "seguimiento"} {
		for _, scope := range []model.Scope{all, lima} {
			queries = append(queries,
				pagedQuery{fmt.Sprintf("search %q %+v", q, scope), func(store.Page) (any, string, error) {
					r, err := s.Search(ctx, scope, q)
					return r, "", err
				}},
				pagedQuery{fmt.Sprintf("meetings %q %+v", q, scope), func(p store.Page) (any, string, error) {
					return wrapList(s.ListMeetings(ctx, scope, store.MeetingFilter{Q: q}, p))
				}},
				pagedQuery{fmt.Sprintf("messages %q %+v", q, scope), func(p store.Page) (any, string, error) {
					return wrapList(s.ListMessages(ctx, scope, store.MessageFilter{Q: q}, p))
				}},
				pagedQuery{fmt.Sprintf("stakeholders %q %+v", q, scope), func(p store.Page) (any, string, error) {
					return wrapList(s.ListStakeholders(ctx, scope, store.StakeholderFilter{Q: q}, p))
				}})
		}
	}
	nonEmpty := 0
	for i, q := range queries {
		for _, limit := range []int{1, 4, 25}[i%3:] {
			if sameOnBothPaths(t, s, q, limit) {
				nonEmpty++
			}
		}
	}
	if nonEmpty < len(queries) {
		t.Errorf("only %d queries found anything", nonEmpty)
	}
}

// sometimes sets *field to pick() in pct percent of the calls.
func sometimes[T any](rng *rand.Rand, pct int, field *T, pick func() T) {
	if rng.Intn(100) < pct {
		*field = pick()
	}
}

// oneOf picks an element of list at random.
func oneOf[T any](rng *rand.Rand, list []T) func() T {
	return func() T { return list[rng.Intn(len(list))] }
}

func wrapList[T any](items []T, next string, err error) (any, string, error) { return items, next, err }

// pagedQuery is one read of the differential tests: run reads a page.
type pagedQuery struct {
	name string
	run  func(p store.Page) (any, string, error)
}

// sameOnBothPaths follows q's pages of limit rows through the engine and
// through SQLite and reports where they differ; it says whether q found
// anything.
func sameOnBothPaths(t *testing.T, s *store.Store, q pagedQuery, limit int) (found bool) {
	t.Helper()
	engine := collectPages(t, s, false, q.run, limit)
	lite := collectPages(t, s, true, q.run, limit)
	if engine != lite {
		t.Errorf("%s (limit %d):\nengine: %.600s\nsqlite: %.600s", q.name, limit, engine, lite)
	}
	return len(engine) > 40
}

// collectPages follows the cursors of one query (at most 6 pages) and
// returns every page and cursor as JSON, or the error.
func collectPages(t *testing.T, s *store.Store, lite bool, run func(store.Page) (any, string, error), limit int) string {
	t.Helper()
	s.SetPushdown(lite)
	defer s.SetPushdown(true)
	out := ""
	cursor := ""
	for range 6 {
		items, next, err := run(store.Page{Limit: limit, Cursor: cursor})
		if err != nil {
			return "error: " + err.Error()
		}
		b, err := json.Marshal(items)
		if err != nil {
			t.Fatal(err)
		}
		out += string(b) + " next=" + next + "\n"
		if next == "" {
			break
		}
		cursor = next
	}
	return out
}

// Paging a timeline, which reads meetings and messages only as far as each
// page needs, gives exactly the whole timeline read at once, ties included.
func TestTimelinePagesMatchTheWhole(t *testing.T) {
	s := smallReference(t)
	ctx := context.Background()
	// Ties: meetings and messages of the busy stakeholder at one instant.
	all := model.Scope{All: true}
	ms, _, err := s.ListMeetings(ctx, all, store.MeetingFilter{StakeholderID: demo.BusyStakeholder()}, store.Page{Limit: 1})
	if err != nil || len(ms) == 0 {
		t.Fatalf("busy meetings: %v %v", ms, err)
	}
	msgs, _, err := s.ListMessages(ctx, all, store.MessageFilter{StakeholderID: demo.BusyStakeholder()}, store.Page{Limit: 1})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("busy messages: %v %v", msgs, err)
	}
	var moreMeetings []model.Meeting
	var moreMessages []model.IncomingMessage
	for range 6 {
		m := ms[0]
		m.ID = bson.NewObjectID()
		moreMeetings = append(moreMeetings, m)
		msg := msgs[0]
		msg.ID, msg.Date = bson.NewObjectID(), ms[0].StartsAt
		moreMessages = append(moreMessages, model.IncomingMessage{Message: msg})
	}
	if err := s.InsertMeetings(ctx, moreMeetings); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertMessages(ctx, moreMessages); err != nil {
		t.Fatal(err)
	}
	for _, scope := range []model.Scope{all, {Regions: []string{"15"}}} {
		for _, id := range []bson.ObjectID{demo.BusyStakeholder(), demo.ID("ref-stakeholder-1"), demo.ID("ref-stakeholder-2")} {
			whole, _, err := s.Timeline(ctx, scope, id, store.Page{All: true})
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, limit := range []int{1, 3, 7} {
				var paged []store.TimelineItem
				cursor := ""
				for {
					items, next, err := s.Timeline(ctx, scope, id, store.Page{Limit: limit, Cursor: cursor})
					if err != nil {
						t.Fatal(err)
					}
					paged = append(paged, items...)
					if next == "" {
						break
					}
					cursor = next
				}
				a, _ := json.Marshal(whole)
				b, _ := json.Marshal(paged)
				if string(a) != string(b) {
					t.Fatalf("%s %+v limit %d: pages differ from the whole (%d vs %d items)", id.Hex(), scope, limit, len(paged), len(whole))
				}
			}
			if len(whole) < 3 && id == demo.BusyStakeholder() {
				t.Fatalf("busy stakeholder has %d items", len(whole))
			}
		}
	}
}

// smallReference is a test database holding the reference dataset at scale
// 0.01 (its busy stakeholder included), which the differential tests query.
func smallReference(t *testing.T) *store.Store {
	t.Helper()
	s := storetest.Open(t)
	if _, err := demo.LoadReference(context.Background(), workflow.New(s), 0.01, s.Now()); err != nil {
		t.Fatal(err)
	}
	return s
}
