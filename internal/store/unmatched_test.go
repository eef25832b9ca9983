package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
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

// unmatchedOracle is the list as the store computed it before the tally:
// every unmatched message in view (failed ones aside) read and aggregated
// in Go, each message counted once per distinct address of from/to/cc,
// with the name of the address's first occurrence in it; the latest
// message that names an address gives its name (ties: the lowest _id).
func unmatchedOracle(t *testing.T, s *store.Store, internal func(string) bool) []store.UnmatchedAddress {
	t.Helper()
	list, _, err := s.ListMessages(context.Background(), model.Scope{All: true}, store.MessageFilter{Unmatched: true}, store.Page{All: true})
	if err != nil {
		t.Fatal(err)
	}
	type agg struct {
		store.UnmatchedAddress
		named  bool
		nameAt time.Time
		nameID bson.ObjectID
	}
	byAddr := map[string]*agg{}
	for _, m := range list {
		seen := map[string]bool{}
		for _, a := range append(append([]model.Address{m.From}, m.To...), m.Cc...) {
			if a.Address == "" || seen[a.Address] {
				continue
			}
			seen[a.Address] = true
			u, ok := byAddr[a.Address]
			if !ok {
				u = &agg{UnmatchedAddress: store.UnmatchedAddress{Address: a.Address}}
				byAddr[a.Address] = u
			}
			u.Count++
			if m.Date.After(u.LastAt) {
				u.LastAt = m.Date
			}
			if a.Name != "" && (!u.named || m.Date.After(u.nameAt) || (m.Date.Equal(u.nameAt) && m.ID.Hex() < u.nameID.Hex())) {
				u.Name, u.named, u.nameAt, u.nameID = a.Name, true, m.Date, m.ID
			}
		}
	}
	out := []store.UnmatchedAddress{}
	for _, u := range byAddr {
		if internal == nil || !internal(u.Address) {
			u.LastAt = u.LastAt.UTC()
			out = append(out, u.UnmatchedAddress)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if !a.LastAt.Equal(b.LastAt) {
			return a.LastAt.After(b.LastAt)
		}
		return a.Address < b.Address
	})
	return out
}

// tallySeed is the seed of the random tests: ALIANZA_TALLY_SEED, or the clock.
func tallySeed(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if v, err := strconv.ParseUint(os.Getenv("ALIANZA_TALLY_SEED"), 10, 64); err == nil {
		seed = v
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("seed %d (ALIANZA_TALLY_SEED=%d to run it again)", seed, seed)
		}
	})
	return seed
}

// tallyWorld builds random mail over a few addresses, with few dates (ties
// in date and count are common) and few names (some blank), the team's
// mailbox in most messages.
type tallyWorld struct {
	t     *testing.T
	s     *store.Store
	f     *workflow.Flows
	u     *model.User
	rng   *rand.Rand
	seq   int
	ids   []bson.ObjectID
	base  time.Time
	addrs []string
	names []string
	// linked are the stakeholders created for addresses, by address.
	linked map[string]*model.Stakeholder
}

const teamBox = "mesa@equipo.pe"

func newTallyWorld(t *testing.T, seed uint64) *tallyWorld {
	s := storetest.Open(t)
	boss, err := s.CreateUser(context.Background(), model.SystemActor, model.NewUser{Email: "jefa@equipo.pe", Name: "Jefa",
		Role: model.RoleAdmin, Regions: []string{"08"}, Password: "correct horse battery"}, "hash")
	if err != nil {
		t.Fatal(err)
	}
	return &tallyWorld{t: t, s: s, f: workflow.New(s), rng: rand.New(rand.NewPCG(seed, 7)),
		u:     fixture.AsAdmin(model.Actor{ID: boss.ID, Email: boss.Email}, model.Scope{All: true}),
		base:  time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC),
		addrs: []string{"ana@ext.org", "beto@ext.org", "carla@ong.pe", "dario@ong.pe", "eva@muni.gob.pe", "fito@muni.gob.pe", "gil@x.com"},
		names: []string{"", "", "Ana Ríos", "Beto", "Carla Soto", "Juana Pérez"}, linked: map[string]*model.Stakeholder{}}
}

func (w *tallyWorld) address() model.Address {
	a := model.Address{Address: w.addrs[w.rng.IntN(len(w.addrs))], Name: w.names[w.rng.IntN(len(w.names))]}
	return a
}

// message is a new random message; failed sometimes.
func (w *tallyWorld) message() model.IncomingMessage {
	w.seq++
	id := bson.NewObjectID()
	w.ids = append(w.ids, id)
	m := model.Message{ID: id, MessageID: fmt.Sprintf("t%d@test", w.seq), ThreadID: id, Subject: "Consulta", SubjectKey: "consulta",
		From: w.address(), Date: w.base.Add(time.Duration(w.rng.IntN(5)) * time.Hour), Direction: model.Inbound,
		Status: model.MessageNew, Version: 1, SeenIn: []model.Location{{MailboxID: boxA, Folder: "INBOX", UID: uint32(w.seq), UIDValidity: 1}}}
	if w.rng.IntN(10) < 8 {
		m.To = append(m.To, model.Address{Address: teamBox, Name: []string{"", "Mesa de partes"}[w.rng.IntN(2)]})
	}
	for range w.rng.IntN(3) {
		m.To = append(m.To, w.address())
	}
	for range w.rng.IntN(3) {
		m.Cc = append(m.Cc, w.address())
	}
	if w.rng.IntN(8) == 0 {
		m.Status = model.MessageFailed
	}
	return model.IncomingMessage{Message: m, Body: model.MessageBody{ID: id, Text: "Texto"}}
}

// step makes one random write and names it.
func (w *tallyWorld) step() string {
	ctx := context.Background()
	t, s, f := w.t, w.s, w.f
	switch op := w.rng.IntN(9); {
	case op <= 1: // the syncer's ingest, filed by the stakeholders' addresses
		var batch []model.IncomingMessage
		for range 1 + w.rng.IntN(4) {
			batch = append(batch, w.message())
		}
		if _, err := s.SaveMessages(ctx, batch, workflow.MatchMail(s)); err != nil {
			t.Fatal(err)
		}
		return "ingest"
	case op == 2: // a dataset load, filed as it comes
		var batch []model.IncomingMessage
		for range 1 + w.rng.IntN(4) {
			m := w.message()
			m.Message.Unmatched = w.rng.IntN(4) > 0
			if !m.Message.Unmatched {
				m.Message.Regions = []string{"08"}
			}
			batch = append(batch, m)
		}
		if err := s.InsertMessages(ctx, batch); err != nil {
			t.Fatal(err)
		}
		return "load"
	case op == 3: // an address given to a stakeholder: its mail is matched
		a := w.addrs[w.rng.IntN(len(w.addrs))]
		if w.linked[a] != nil {
			return "link (already)"
		}
		st, err := f.CreateStakeholder(ctx, w.u, model.StakeholderInput{Kind: model.KindPerson, Name: "Juana Pérez " + a[:2],
			Emails: []string{a}, Regions: []string{"08"}, Stance: "unknown", Influence: "medium"})
		if err != nil {
			t.Fatalf("create stakeholder: %v", err)
		}
		w.linked[a] = st
		return "link " + a
	case op == 4: // an address taken from its stakeholder: its mail is unmatched again
		for _, a := range w.addrs {
			st := w.linked[a]
			if st == nil || w.rng.IntN(2) == 0 {
				continue
			}
			cur, err := s.StakeholderByID(ctx, model.Scope{All: true}, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			emails := slices.DeleteFunc(slices.Clone(cur.Emails), func(e string) bool { return e == a })
			if _, err := f.UpdateStakeholder(ctx, w.u, st.ID, model.StakeholderPatch{Emails: &emails, Version: &cur.Version}); err != nil {
				t.Fatalf("update stakeholder: %v", err)
			}
			delete(w.linked, a)
			return "unlink " + a
		}
		return "unlink (none)"
	case op == 5: // a failed message reviewed, or a bulk status change
		if len(w.ids) == 0 {
			return "status (none)"
		}
		id := w.ids[w.rng.IntN(len(w.ids))]
		m, err := s.MessageByID(ctx, model.Scope{All: true}, id, true)
		if err != nil {
			return "status (gone)"
		}
		if w.rng.IntN(2) == 0 {
			st := model.MessageDone
			if _, err := s.UpdateMessage(ctx, w.u.Actor(), model.Scope{All: true}, id, model.MessagePatch{Status: &st, Version: &m.Version}, true); err != nil {
				t.Fatalf("update message: %v", err)
			}
			return "review " + m.Status
		}
		if _, err := s.BulkSetMessageStatus(ctx, w.u.Actor(), model.Scope{All: true}, []bson.ObjectID{id}, model.MessageFollowUp, true); err != nil {
			t.Fatalf("bulk status: %v", err)
		}
		return "bulk status " + m.Status
	case op == 6: // a person erased: their addresses and name leave the mail
		for a, st := range w.linked {
			if w.rng.IntN(2) == 0 {
				continue
			}
			cur, err := s.StakeholderByID(ctx, model.Scope{All: true}, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.EraseStakeholder(ctx, w.u, st.ID, cur.Name); err != nil {
				t.Fatalf("erase: %v", err)
			}
			delete(w.linked, a)
			return "erase " + a
		}
		return "erase (none)"
	case op == 7: // a message deleted
		if len(w.ids) == 0 {
			return "delete (none)"
		}
		i := w.rng.IntN(len(w.ids))
		if err := s.DeleteMessage(ctx, w.ids[i]); err != nil {
			t.Fatal(err)
		}
		w.ids = slices.Delete(w.ids, i, i+1)
		return "delete"
	default: // an address added to a stakeholder without matching again, then matched
		for a, st := range w.linked {
			b := w.addrs[w.rng.IntN(len(w.addrs))]
			if w.linked[b] != nil {
				continue
			}
			cur, err := s.StakeholderByID(ctx, model.Scope{All: true}, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			emails := append(slices.Clone(cur.Emails), b)
			if _, err := f.UpdateStakeholder(ctx, w.u, st.ID, model.StakeholderPatch{Emails: &emails, Version: &cur.Version}); err != nil {
				t.Fatalf("update stakeholder: %v", err)
			}
			w.linked[b] = st
			return "add " + b + " to " + a
		}
		return "add (none)"
	}
}

// check compares the tally's list, whole and in pages with the team's
// address left out, with the oracle.
func (w *tallyWorld) check(history []string) {
	t := w.t
	t.Helper()
	ctx := context.Background()
	got, next, err := w.s.UnmatchedAddresses(ctx, model.Scope{All: true}, nil, store.Page{All: true})
	if err != nil || next != "" {
		t.Fatalf("list: %v %q", err, next)
	}
	if want := unmatchedOracle(t, w.s, nil); !sameUnmatched(got, want) {
		t.Fatalf("after %s:\n got %s\nwant %s", strings.Join(history, ", "), showUnmatched(got), showUnmatched(want))
	}
	internal := func(a string) bool { return a == teamBox }
	limit := 1 + w.rng.IntN(3)
	if paged, want := followUnmatched(t, w.s, model.Scope{All: true}, internal, limit), unmatchedOracle(t, w.s, internal); !sameUnmatched(paged, want) {
		t.Fatalf("after %s, pages of %d:\n got %s\nwant %s", strings.Join(history, ", "), limit, showUnmatched(paged), showUnmatched(want))
	}
}

func sameUnmatched(a, b []store.UnmatchedAddress) bool {
	return len(a) == len(b) && reflect.DeepEqual(showUnmatched(a), showUnmatched(b))
}

func showUnmatched(list []store.UnmatchedAddress) string {
	var parts []string
	for _, u := range list {
		parts = append(parts, fmt.Sprintf("%s:%d@%s %q", u.Address, u.Count, u.LastAt.UTC().Format("15:04"), u.Name))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// TestUnmatchedTallyRandomWrites: random sequences of every message write
// that moves a message in or out of the unmatched list, or changes its
// addresses (ingest, dataset loads, matching both ways, a failed message
// reviewed, erasure, delete), leave the tally-served list equal to the
// list aggregated from the messages, whole and paged.
func TestUnmatchedTallyRandomWrites(t *testing.T) {
	seed := tallySeed(t)
	for run := range 3 {
		w := newTallyWorld(t, seed+uint64(run))
		var history []string
		for range 40 {
			history = append(history, w.step())
			w.check(history)
		}
	}
}

// TestUnmatchedTallyBuiltForOldFolder: a database written before the tally
// (no refs, no addresses, no mark) gets it built on the first read, equal
// to the aggregated list, also while messages are written meanwhile; then
// the writes keep it.
func TestUnmatchedTallyBuiltForOldFolder(t *testing.T) {
	seed := tallySeed(t)
	w := newTallyWorld(t, seed)
	ctx := context.Background()
	// Several batches of the build, each its own transaction.
	old := store.SetUnmatchedTallyBatch(40)
	t.Cleanup(func() { store.SetUnmatchedTallyBatch(old) })
	for range 2 {
		var batch []model.IncomingMessage
		for range 70 {
			m := w.message()
			m.Message.Unmatched = true
			batch = append(batch, m)
		}
		if err := w.s.InsertMessages(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.s.ForgetUnmatchedTally(ctx); err != nil {
		t.Fatal(err)
	}
	if refs, addrs, err := w.s.UnmatchedTallySize(ctx); err != nil || refs != 0 || addrs != 0 {
		t.Fatalf("forgotten tally: %d refs, %d addresses, %v", refs, addrs, err)
	}
	// The build runs while messages come in and addresses are matched.
	var wg sync.WaitGroup
	var buildErr error
	wg.Go(func() { buildErr = w.s.BuildUnmatchedTally(ctx) })
	var history []string
	for range 15 {
		history = append(history, w.step())
	}
	wg.Wait()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	w.check(history)
	if refs, addrs, err := w.s.UnmatchedTallySize(ctx); err != nil || refs == 0 || addrs == 0 {
		t.Fatalf("built tally: %d refs, %d addresses, %v", refs, addrs, err)
	}
	for range 10 {
		history = append(history, w.step())
		w.check(history)
	}
}
