package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

var (
	boxA = bson.ObjectID{0xb0, 1}
	boxB = bson.ObjectID{0xb0, 2}
)

// incoming builds a parsed message as the syncer hands it over.
func incoming(id byte, from string, to []string, subject string, date time.Time, loc model.Location) model.IncomingMessage {
	mid := bson.ObjectID{0xee, id}
	m := model.Message{
		ID: mid, MessageID: subject + "@test", ThreadID: mid, Subject: subject, SubjectKey: strings.ToLower(subject),
		From: model.Address{Name: "Remitente", Address: from}, Date: date, Snippet: "Texto del mensaje " + subject,
		Direction: model.Inbound, Status: model.MessageNew, SeenIn: []model.Location{loc}, Version: 1,
	}
	for _, a := range to {
		m.To = append(m.To, model.Address{Address: a})
	}
	return model.IncomingMessage{Message: m, Body: model.MessageBody{ID: mid, Text: "Cuerpo de " + subject, HTML: "<p>Cuerpo</p>"}}
}

func at(folder string, uid, uv uint32) model.Location {
	return model.Location{MailboxID: boxA, Folder: folder, UID: uid, UIDValidity: uv}
}

func save(t *testing.T, s *store.Store, msgs ...model.IncomingMessage) []bool {
	t.Helper()
	created, err := s.SaveMessages(context.Background(), msgs, workflow.MatchMail(s))
	if err != nil {
		t.Fatal(err)
	}
	return created
}

func getMsg(t *testing.T, s *store.Store, id bson.ObjectID) *model.Message {
	t.Helper()
	m, err := s.MessageByID(context.Background(), model.Scope{All: true}, id, true)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSaveMessagesSemantics(t *testing.T) {
	s := storetest.Open(t)
	date := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	a := incoming(1, "x@ong.pe", nil, "Uno", date, at("INBOX", 1, 10))
	b := incoming(2, "y@ong.pe", nil, "Dos", date, at("INBOX", 2, 10))
	bArchive := b
	bArchive.Message.SeenIn = []model.Location{at("Archivo", 7, 3)}

	steps := []struct {
		name    string
		batch   []model.IncomingMessage
		created []bool
		id      bson.ObjectID
		seen    []model.Location
	}{
		{"first", []model.IncomingMessage{a}, []bool{true}, a.Message.ID, []model.Location{at("INBOX", 1, 10)}},
		{"same batch again changes nothing", []model.IncomingMessage{a}, []bool{false}, a.Message.ID, []model.Location{at("INBOX", 1, 10)}},
		{"twice in one batch is one record", []model.IncomingMessage{b, bArchive}, []bool{true, false}, b.Message.ID, []model.Location{at("INBOX", 2, 10), at("Archivo", 7, 3)}},
		{"seen in another folder", []model.IncomingMessage{withLoc(a, at("Sent", 4, 20))}, []bool{false}, a.Message.ID, []model.Location{at("INBOX", 1, 10), at("Sent", 4, 20)}},
		{"other mailbox", []model.IncomingMessage{withLoc(a, model.Location{MailboxID: boxB, Folder: "INBOX", UID: 9, UIDValidity: 10})}, []bool{false}, a.Message.ID,
			[]model.Location{at("INBOX", 1, 10), at("Sent", 4, 20), {MailboxID: boxB, Folder: "INBOX", UID: 9, UIDValidity: 10}}},
		{"UIDVALIDITY change replaces the folder's location", []model.IncomingMessage{withLoc(a, at("INBOX", 3, 11))}, []bool{false}, a.Message.ID,
			[]model.Location{at("Sent", 4, 20), {MailboxID: boxB, Folder: "INBOX", UID: 9, UIDValidity: 10}, at("INBOX", 3, 11)}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if got := save(t, s, st.batch...); !slices.Equal(got, st.created) {
				t.Fatalf("created = %v, want %v", got, st.created)
			}
			if got := getMsg(t, s, st.id).SeenIn; !slices.Equal(got, st.seen) {
				t.Fatalf("seen_in = %+v, want %+v", got, st.seen)
			}
		})
	}

	// Review fields survive a later sighting.
	m := getMsg(t, s, a.Message.ID)
	st := model.MessageDone
	v := m.Version
	if _, err := s.UpdateMessage(context.Background(), model.SystemActor, model.Scope{All: true}, m.ID, model.MessagePatch{Status: &st, Version: &v}, true); err != nil {
		t.Fatal(err)
	}
	save(t, s, withLoc(a, at("Archivo", 8, 3)))
	if got := getMsg(t, s, a.Message.ID); got.Status != model.MessageDone || len(got.SeenIn) != 4 {
		t.Fatalf("after re-sighting: status %q, %d locations", got.Status, len(got.SeenIn))
	}
	body, err := s.MessageBody(context.Background(), a.Message.ID)
	if err != nil || body.Text != "Cuerpo de Uno" {
		t.Fatalf("body: %+v %v", body, err)
	}
}

func withLoc(in model.IncomingMessage, loc model.Location) model.IncomingMessage {
	in.Message.SeenIn = []model.Location{loc}
	return in
}

func TestSaveMessagesMatchesStakeholders(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	rosa := model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindPerson, Name: "Rosa", Emails: []string{"rosa@congreso.gob.pe"}, Regions: []string{"08"}}
	luis := model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindInstitution, Name: "Minjus", Emails: []string{"luis@minjus.gob.pe", "otro@minjus.gob.pe"}, Regions: []string{"NAC", "15"}}
	if err := s.InsertStakeholders(ctx, []model.Stakeholder{rosa, luis}); err != nil {
		t.Fatal(err)
	}
	date := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	both := incoming(1, "rosa@congreso.gob.pe", []string{"equipo@alianza.org.pe"}, "Presupuesto regional", date, at("INBOX", 1, 1))
	both.Message.Cc = []model.Address{{Address: "luis@minjus.gob.pe"}}
	unknown := incoming(2, "nadie@gmail.com", []string{"equipo@alianza.org.pe"}, "Consulta", date, at("INBOX", 2, 1))
	save(t, s, both, unknown)

	m := getMsg(t, s, both.Message.ID)
	if !slices.Equal(m.StakeholderIDs, []bson.ObjectID{rosa.ID, luis.ID}) || !slices.Equal(m.Regions, []string{"08", "15", "NAC"}) || m.Unmatched {
		t.Fatalf("matched: ids %v regions %v unmatched %v", m.StakeholderIDs, m.Regions, m.Unmatched)
	}
	u := getMsg(t, s, unknown.Message.ID)
	if len(u.StakeholderIDs) != 0 || len(u.Regions) != 0 || !u.Unmatched {
		t.Fatalf("unmatched: %+v", u)
	}

	cusco := model.Scope{Regions: []string{"08"}}
	loreto := model.Scope{Regions: []string{"16"}}
	cases := []struct {
		name  string
		scope model.Scope
		f     store.MessageFilter
		want  []bson.ObjectID
	}{
		{"all", model.Scope{All: true}, store.MessageFilter{}, []bson.ObjectID{unknown.Message.ID, both.Message.ID}},
		{"cusco sees its region, not unmatched", cusco, store.MessageFilter{}, []bson.ObjectID{both.Message.ID}},
		{"loreto sees nothing", loreto, store.MessageFilter{}, nil},
		{"unmatched", model.Scope{All: true}, store.MessageFilter{Unmatched: true}, []bson.ObjectID{unknown.Message.ID}},
		{"by stakeholder", model.Scope{All: true}, store.MessageFilter{StakeholderID: luis.ID}, []bson.ObjectID{both.Message.ID}},
		{"by region", model.Scope{All: true}, store.MessageFilter{Region: "15"}, []bson.ObjectID{both.Message.ID}},
		{"region out of scope", cusco, store.MessageFilter{Region: "15"}, nil},
		{"q", model.Scope{All: true}, store.MessageFilter{Q: "presupuésto"}, []bson.ObjectID{both.Message.ID}},
		{"mailbox and folder", model.Scope{All: true}, store.MessageFilter{MailboxID: boxA, Folder: "INBOX"}, []bson.ObjectID{unknown.Message.ID, both.Message.ID}},
		{"other mailbox", model.Scope{All: true}, store.MessageFilter{MailboxID: boxB}, nil},
		// Each filter alone, failed messages included (an admin's queue):
		// the index proof then sees every field lead a query by itself.
		{"mailbox alone", model.Scope{All: true}, store.MessageFilter{MailboxID: boxA, IncludeFailed: true}, []bson.ObjectID{unknown.Message.ID, both.Message.ID}},
		{"folder alone", model.Scope{All: true}, store.MessageFilter{Folder: "Sent", IncludeFailed: true}, nil},
		{"assignee alone", model.Scope{All: true}, store.MessageFilter{AssigneeID: rosa.ID, IncludeFailed: true}, nil},
		{"q alone", model.Scope{All: true}, store.MessageFilter{Q: "consulta", IncludeFailed: true}, []bson.ObjectID{unknown.Message.ID}},
		{"region alone", model.Scope{All: true}, store.MessageFilter{Region: "08", IncludeFailed: true}, []bson.ObjectID{both.Message.ID}},
		{"stakeholder alone", model.Scope{All: true}, store.MessageFilter{StakeholderID: rosa.ID, IncludeFailed: true}, []bson.ObjectID{both.Message.ID}},
		{"unmatched alone", model.Scope{All: true}, store.MessageFilter{Unmatched: true, IncludeFailed: true}, []bson.ObjectID{unknown.Message.ID}},
		{"dates alone", model.Scope{All: true}, store.MessageFilter{From: date.Add(-time.Hour), IncludeFailed: true}, []bson.ObjectID{unknown.Message.ID, both.Message.ID}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			items, _, err := s.ListMessages(ctx, tc.scope, tc.f, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			// The count agrees with the list.
			n, err := s.CountMessages(ctx, tc.scope, tc.f)
			if err != nil || n != int64(len(tc.want)) {
				t.Fatalf("count %d %v, want %d", n, err, len(tc.want))
			}
			var got []bson.ObjectID
			for _, m := range items {
				got = append(got, m.ID)
			}
			// Same date: newest first falls back to _id descending.
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}

	// Global search and the stakeholder timeline see the message.
	res, err := s.Search(ctx, cusco, "presupuesto")
	if err != nil || len(res.Messages) != 1 || res.Messages[0].ID != both.Message.ID {
		t.Fatalf("search: %+v %v", res, err)
	}
	if res, _ := s.Search(ctx, loreto, "presupuesto"); len(res.Messages) != 0 {
		t.Fatalf("search out of scope: %+v", res.Messages)
	}
	items, _, err := s.Timeline(ctx, cusco, rosa.ID, store.Page{})
	if err != nil || len(items) != 1 || items[0].Type != store.TimelineMessage || items[0].Title != "Presupuesto regional" {
		t.Fatalf("timeline: %+v %v", items, err)
	}

	// Linking the unknown address re-matches its messages.
	st, err := s.StakeholderByID(ctx, model.Scope{All: true}, rosa.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur := *st
	cur.Emails = append(cur.Emails, "nadie@gmail.com")
	if _, err := s.ReplaceStakeholder(ctx, model.SystemActor, st, &cur); err != nil {
		t.Fatal(err)
	}
	n, err := s.RematchAddress(ctx, model.SystemActor, "nadie@gmail.com")
	if err != nil || n != 1 {
		t.Fatalf("rematch: %d %v", n, err)
	}
	if u := getMsg(t, s, unknown.Message.ID); u.Unmatched || !slices.Equal(u.Regions, []string{"08"}) {
		t.Fatalf("after rematch: %+v", u)
	}
	if n, _ := s.RematchAddress(ctx, model.SystemActor, "nadie@gmail.com"); n != 0 {
		t.Fatalf("second rematch changed %d", n)
	}
}

func TestAwaitingReply(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	s := fixture.OpenAt(t, &now)
	ctx := context.Background()
	out := incoming(1, "equipo@alianza.org.pe", []string{"rosa@congreso.gob.pe"}, "Pedido", now.AddDate(0, 0, -10), at("Sent", 1, 1))
	out.Message.Direction = model.Outbound
	recent := incoming(2, "equipo@alianza.org.pe", []string{"rosa@congreso.gob.pe"}, "Reciente", now.AddDate(0, 0, -2), at("Sent", 2, 1))
	recent.Message.Direction = model.Outbound
	save(t, s, out, recent)
	list := func() []bson.ObjectID {
		items, _, err := s.ListMessages(ctx, model.Scope{All: true}, store.MessageFilter{AwaitingReply: true, AwaitingReplyDays: 7}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []bson.ObjectID
		for _, m := range items {
			if !m.AwaitingReply {
				t.Errorf("%s listed but not marked awaiting_reply", m.Subject)
			}
			ids = append(ids, m.ID)
		}
		return ids
	}
	if got := list(); !slices.Equal(got, []bson.ObjectID{out.Message.ID}) {
		t.Fatalf("awaiting = %v", got)
	}
	// An inbound message of the same thread dated before does not count; one after does.
	before := incoming(3, "rosa@congreso.gob.pe", nil, "Antes", now.AddDate(0, 0, -11), at("INBOX", 1, 1))
	before.Message.ThreadID = out.Message.ThreadID
	save(t, s, before)
	if got := list(); len(got) != 1 {
		t.Fatalf("after an earlier inbound: %v", got)
	}
	reply := incoming(4, "rosa@congreso.gob.pe", nil, "Re: Pedido", now.AddDate(0, 0, -9), at("INBOX", 2, 1))
	reply.Message.ThreadID = out.Message.ThreadID
	save(t, s, reply)
	if got := list(); len(got) != 0 {
		t.Fatalf("after the reply: %v", got)
	}
	thread, err := s.Thread(ctx, model.Scope{All: true}, out.Message.ThreadID, false)
	if err != nil || len(thread) != 3 || thread[0].ID != before.Message.ID || thread[2].ID != reply.Message.ID {
		t.Fatalf("thread oldest first: %v %v", len(thread), err)
	}
}

func TestLeases(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	s := fixture.OpenAt(t, &now)
	ctx := context.Background()
	id := bson.NewObjectID()
	steps := []struct {
		name    string
		advance time.Duration
		holder  string
		release bool
		want    bool
	}{
		{name: "free", holder: "a", want: true},
		{name: "held by a", holder: "b", want: false},
		{name: "renew", holder: "a", want: true},
		{name: "b cannot release a's", holder: "b", release: true},
		{name: "still a's", holder: "b", want: false},
		{name: "expired: b steals", advance: 3 * time.Minute, holder: "b", want: true},
		{name: "a lost it", holder: "a", want: false},
		{name: "b releases", holder: "b", release: true},
		{name: "free again", holder: "a", want: true},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		if st.release {
			if err := s.ReleaseLease(ctx, id, st.holder); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			continue
		}
		ok, err := s.AcquireLease(ctx, id, st.holder, now.Add(2*time.Minute))
		if err != nil || ok != st.want {
			t.Fatalf("%s: got %v %v, want %v", st.name, ok, err, st.want)
		}
	}
	leases, err := s.Leases(ctx)
	if err != nil || leases[id].Holder != "a" {
		t.Fatalf("leases: %+v %v", leases, err)
	}

	// Racing holders: exactly one wins a free lease.
	other := bson.NewObjectID()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.AcquireLease(ctx, other, string(rune('a'+i)), now.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d holders won the lease", wins)
	}
}

func TestMailboxPasswordsEncrypted(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	key, err := store.MailboxKey([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	const pw = "clave-imap-secreta-42"
	in, _ := model.MailboxInput{Name: "Prensa", Host: "imap.example.org", TLS: "implicit", Username: "prensa@alianza.org.pe", Password: pw}.New()
	m, err := s.InsertMailbox(ctx, model.SystemActor, key, in)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := store.RawMailbox(ctx, s, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw.String(), pw) || strings.Contains(string(raw), pw) {
		t.Fatal("password stored in clear")
	}
	js, _ := json.Marshal(m)
	if strings.Contains(string(js), pw) || strings.Contains(string(js), "password") {
		t.Fatalf("password in JSON: %s", js)
	}
	got, err := s.MailboxByID(ctx, m.ID)
	if err != nil || got.Port != 993 || got.Source != model.MailboxSourceAPI {
		t.Fatalf("read: %+v %v", got, err)
	}
	if err := store.DecryptMailboxPassword(key, got); err != nil || got.Password != pw {
		t.Fatalf("decrypt: %q %v", got.Password, err)
	}
	otherKey, _ := store.MailboxKey([]byte(strings.Repeat("z", 32)))
	if err := store.DecryptMailboxPassword(otherKey, got); err == nil {
		t.Fatal("decrypted with another key")
	}
}

// TestSaveMessagesAfterCrashBetweenInserts: a body stored without its
// message (the process died in between) does not block the next save.
func TestSaveMessagesAfterCrashBetweenInserts(t *testing.T) {
	s := storetest.Open(t)
	in := incoming(9, "x@ong.pe", nil, "Nueve", time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC), at("INBOX", 9, 1))
	if err := store.InsertBody(context.Background(), s, in.Body); err != nil {
		t.Fatal(err)
	}
	other := incoming(10, "y@ong.pe", nil, "Diez", time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC), at("INBOX", 10, 1))
	if got := save(t, s, in, other); !slices.Equal(got, []bool{true, true}) {
		t.Fatalf("created = %v", got)
	}
	if m := getMsg(t, s, in.Message.ID); m.Subject != "Nueve" {
		t.Fatalf("message: %+v", m)
	}
}

// TestRematchAddressesInOneGo: an import re-matched its addresses one
// query each; RematchAddresses does them together.
func TestRematchAddressesInOneGo(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	now := s.Now()
	save(t, s, incoming(1, "uno@ong.pe", []string{"equipo@alianza.org.pe"}, "Uno", now, at("INBOX", 1, 1)),
		incoming(2, "equipo@alianza.org.pe", []string{"dos@ong.pe"}, "Dos", now, at("INBOX", 2, 1)),
		incoming(3, "otro@ong.pe", nil, "Tres", now, at("INBOX", 3, 1)))
	mustCreateStakeholder(t, s, shScopeAll, model.StakeholderInput{Kind: "person", Name: "Uno", Regions: []string{"16"}, Emails: []string{"uno@ong.pe"}})
	mustCreateStakeholder(t, s, shScopeAll, model.StakeholderInput{Kind: "person", Name: "Dos", Regions: []string{"08"}, Emails: []string{"dos@ong.pe"}})
	n, err := s.RematchAddresses(ctx, model.SystemActor, []string{"UNO@ong.pe", "dos@ong.pe", "uno@ong.pe"})
	if err != nil || n != 2 {
		t.Fatalf("rematch: %d %v", n, err)
	}
	for id, want := range map[byte][]string{1: {"16"}, 2: {"08"}, 3: nil} {
		if m := getMsg(t, s, bson.ObjectID{0xee, id}); !slices.Equal(m.Regions, want) || m.Unmatched != (want == nil) {
			t.Errorf("message %d: regions %v unmatched %v", id, m.Regions, m.Unmatched)
		}
	}
}

// The unmatched-senders list pages like the other lists: following the
// cursors with any limit gives the whole list once, in its order (most
// messages, then latest, then address), without the team's own addresses,
// on the SQLite path and on the engine's alike; a cursor the store did not
// make for this list is refused.
func TestUnmatchedAddressesPages(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	// Per address: how many messages, the hour of the latest, its regions.
	// Ties in count and date leave the order to the address.
	senders := []struct {
		addr    string
		n, hour int
		regions []string
	}{
		{"b@ext.org", 3, 5, []string{"15"}},
		{"a@ext.org", 3, 5, []string{"15"}},
		{"c@ext.org", 3, 9, nil},
		{"d@ext.org", 2, 1, []string{"08"}},
		{"e@ext.org", 2, 1, []string{"15", "08"}},
		{"f@ext.org", 1, 7, nil},
		{"g@ext.org", 1, 7, []string{"15"}},
		{"h@ext.org", 1, 2, nil},
		{"i@ext.org", 4, 0, []string{"08"}},
		{"zz@equipo.pe", 9, 9, nil}, // the team's own: never listed
	}
	var msgs []model.IncomingMessage
	seq := 0
	for _, c := range senders {
		for k := range c.n {
			seq++
			id := bson.ObjectID{0xab, byte(seq)}
			m := model.Message{
				ID: id, MessageID: fmt.Sprintf("u%d@test", seq), ThreadID: id, Subject: "Consulta", SubjectKey: "consulta",
				From: model.Address{Name: strings.ToUpper(c.addr[:1]), Address: c.addr}, To: []model.Address{{Address: "mesa@equipo.pe"}},
				Date: at.Add(time.Duration(c.hour-k) * time.Hour), Direction: model.Inbound, Status: model.MessageNew,
				Unmatched: true, Regions: c.regions, Version: 1,
			}
			msgs = append(msgs, model.IncomingMessage{Message: m})
		}
	}
	if err := s.InsertMessages(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	internal := func(a string) bool { return strings.HasSuffix(a, "@equipo.pe") }
	all := model.Scope{All: true}
	want := []string{"i@ext.org", "c@ext.org", "a@ext.org", "b@ext.org", "d@ext.org", "e@ext.org", "f@ext.org", "g@ext.org", "h@ext.org"}

	{
		whole, next, err := s.UnmatchedAddresses(ctx, all, internal, store.Page{All: true})
		if err != nil || next != "" {
			t.Fatalf("whole list: %v %q", err, next)
		}
		var got []string
		for _, u := range whole {
			got = append(got, u.Address)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("order %v, want %v", got, want)
		}
		if u := whole[1]; u.Count != 3 || !u.LastAt.Equal(at.Add(9*time.Hour)) || u.Name != "C" {
			t.Errorf("c@ext.org is %+v", u)
		}
		for _, scope := range []model.Scope{all, {Regions: []string{"15"}}, {Regions: []string{"08"}}} {
			whole, _, err := s.UnmatchedAddresses(ctx, scope, internal, store.Page{All: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, limit := range []int{1, 2, 4, 9, 50} {
				paged := followUnmatched(t, s, scope, internal, limit)
				if !reflect.DeepEqual(paged, whole) {
					t.Errorf("scope %+v limit %d: pages %+v, whole %+v", scope, limit, paged, whole)
				}
			}
		}
		// Unmatched messages have no region (model.Match): a regional
		// scope sees none of them, even one stored with regions.
		lima, _, err := s.UnmatchedAddresses(ctx, model.Scope{Regions: []string{"15"}}, internal, store.Page{All: true})
		if err != nil || len(lima) != 0 {
			t.Errorf("region 15 lists %+v %v, want nothing", lima, err)
		}
	}

	// Cursors: garbage, and one made for another list, are refused.
	_, msgNext, err := s.ListMessages(ctx, all, store.MessageFilter{}, store.Page{Limit: 1})
	if err != nil || msgNext == "" {
		t.Fatalf("messages page: %q %v", msgNext, err)
	}
	for _, c := range []string{"not-a-cursor", msgNext} {
		if _, _, err := s.UnmatchedAddresses(ctx, all, internal, store.Page{Limit: 2, Cursor: c}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("cursor %q: %v, want ErrBadCursor", c, err)
		}
	}
}

// followUnmatched reads the list page by page, checking each page's size.
func followUnmatched(t *testing.T, s *store.Store, scope model.Scope, internal func(string) bool, limit int) []store.UnmatchedAddress {
	t.Helper()
	out := []store.UnmatchedAddress{}
	cursor := ""
	for range 20 {
		items, next, err := s.UnmatchedAddresses(context.Background(), scope, internal, store.Page{Limit: limit, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) > limit || (next != "" && len(items) != limit) {
			t.Fatalf("limit %d: page of %d, next %q", limit, len(items), next)
		}
		out = append(out, items...)
		if next == "" {
			return out
		}
		cursor = next
	}
	t.Fatalf("limit %d: no last page", limit)
	return nil
}

// TestFileSentMailAsReviewed: the team's sent mail stored before the sync
// filed it as done stops counting as new, audited; inbound mail and sent
// mail already reviewed stay as they are; the correction runs once, so a
// sent message set back to "new" afterwards keeps that status.
func TestFileSentMailAsReviewed(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	date := time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)
	sent := func(id byte, status string) model.IncomingMessage {
		m := incoming(id, "equipo@ong.pe", []string{"congresista@congreso.gob.pe"}, fmt.Sprintf("Enviado %d", id), date, at("Sent", uint32(id), 1))
		m.Message.Direction, m.Message.Status = model.Outbound, status
		return m
	}
	in := incoming(1, "fiscal@mpfn.gob.pe", nil, "Recibido", date, at("INBOX", 1, 1))
	msgs := []model.IncomingMessage{in, sent(2, model.MessageNew), sent(3, model.MessageNew), sent(4, model.MessageFollowUp)}
	save(t, s, msgs...)
	n, err := s.FileSentMailAsReviewed(ctx)
	if err != nil || n != 2 {
		t.Fatalf("first run: %d changed, %v; want 2", n, err)
	}
	want := []string{model.MessageNew, model.MessageDone, model.MessageDone, model.MessageFollowUp}
	for i, m := range msgs {
		if got := getMsg(t, s, m.Message.ID).Status; got != want[i] {
			t.Errorf("%s: status %q, want %q", m.Message.Subject, got, want[i])
		}
	}
	entries, _, err := s.ListAudit(ctx, store.AuditFilter{Entity: "message", EntityID: msgs[1].Message.ID.Hex(), Scope: model.Scope{All: true}}, store.Page{})
	if err != nil || len(entries) != 1 || entries[0].ActorEmail != model.SystemActor.Email {
		t.Fatalf("audit of the correction: %+v %v", entries, err)
	}
	// Someone files a sent message as new again: a later start leaves it.
	st, v := model.MessageNew, getMsg(t, s, msgs[1].Message.ID).Version
	if _, err := s.UpdateMessage(ctx, model.SystemActor, model.Scope{All: true}, msgs[1].Message.ID, model.MessagePatch{Status: &st, Version: &v}, false); err != nil {
		t.Fatal(err)
	}
	if n, err := s.FileSentMailAsReviewed(ctx); err != nil || n != 0 {
		t.Fatalf("second run: %d changed, %v; want none", n, err)
	}
	if got := getMsg(t, s, msgs[1].Message.ID).Status; got != model.MessageNew {
		t.Errorf("after the second run: %q, want new (the person's choice)", got)
	}
}
