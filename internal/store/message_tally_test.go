package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The queue tabs' counts, read from the tally the message writes keep,
// equal the counts of the queues' own filters after every kind of message
// write (sync with matching and replies, dataset inserts, review patches,
// bulk status, rematching, the sent-mail correction) and after a rebuild,
// for every scope, region and with or without failed messages.
func TestMessageTallyFollowsWrites(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	s := fixture.OpenAt(t, &now)
	ctx := context.Background()
	addrs := []string{"rosa@congreso.gob.pe", "ana@muni.gob.pe", "luis@ong.pe", "nadie@ejemplo.pe", "otro@ejemplo.pe"}
	for i, regions := range [][]string{{"08"}, {"16"}, {"08", "15"}} {
		mustCreateStakeholder(t, s, shScopeAll, model.StakeholderInput{Kind: "person", Name: fmt.Sprintf("Actor %d", i), Regions: regions, Emails: []string{addrs[i]}})
	}
	check := func(step string) {
		t.Helper()
		for _, c := range []struct {
			scope model.Scope
			f     store.MessageFilter
		}{
			{model.Scope{All: true}, store.MessageFilter{IncludeFailed: true}},
			{model.Scope{All: true}, store.MessageFilter{}},
			{model.Scope{All: true}, store.MessageFilter{Region: "08", IncludeFailed: true}},
			{model.Scope{All: true}, store.MessageFilter{Region: "15"}},
			{model.Scope{Regions: []string{"08"}}, store.MessageFilter{}},
			{model.Scope{Regions: []string{"08", "16"}}, store.MessageFilter{AwaitingReplyDays: 3}},
			{model.Scope{Regions: []string{"16"}}, store.MessageFilter{Region: "08"}},
			{model.Scope{Regions: []string{"99"}}, store.MessageFilter{}},
		} {
			got, err := s.MessageCounts(ctx, c.scope, c.f)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			want, err := store.CountQueues(ctx, s, c.scope, c.f)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			if got != want {
				t.Fatalf("%s, scope %+v, filter region %q failed %v: tally %+v, queues %+v (seed %d)", step, c.scope, c.f.Region, c.f.IncludeFailed, got, want, seed)
			}
		}
	}
	check("empty")

	// Sync: matched and unmatched senders, both directions, threads whose
	// later inbound messages mark the outbound ones replied.
	var synced []model.IncomingMessage
	for i := range 40 {
		from, to := addrs[rng.IntN(len(addrs))], []string{addrs[rng.IntN(len(addrs))]}
		in := incoming(byte(i+1), from, to, fmt.Sprintf("Asunto %d", i), now.AddDate(0, 0, -rng.IntN(20)), at("INBOX", uint32(i+1), 1))
		if rng.IntN(2) == 0 {
			in.Message.Direction = model.Outbound
		}
		if i > 0 && rng.IntN(3) == 0 {
			in.Message.ThreadID = synced[rng.IntN(len(synced))].Message.ThreadID
		}
		synced = append(synced, in)
	}
	save(t, s, synced[:20]...)
	check("first sync")
	save(t, s, synced[20:]...)
	check("second sync")

	// Dataset inserts: messages built whole, failed ones included.
	var built []model.IncomingMessage
	for i := range 30 {
		in := incoming(byte(100+i), "x@ejemplo.pe", nil, fmt.Sprintf("Carga %d", i), now.AddDate(0, 0, -rng.IntN(20)), at("INBOX", uint32(100+i), 1))
		m := &in.Message
		m.Status = model.MessageStatuses[rng.IntN(len(model.MessageStatuses))]
		m.Regions = [][]string{nil, {"08"}, {"16", "08"}, {"15"}}[rng.IntN(4)]
		m.Unmatched = len(m.Regions) == 0
		m.Direction = []string{model.Inbound, model.Outbound}[rng.IntN(2)]
		m.Replied = rng.IntN(2) == 0
		built = append(built, in)
	}
	if err := s.InsertMessages(ctx, built); err != nil {
		t.Fatal(err)
	}
	check("dataset insert")

	// Review: one patch at a time and in bulk.
	all := append(append([]model.IncomingMessage(nil), synced...), built...)
	for range 15 {
		id := all[rng.IntN(len(all))].Message.ID
		m := getMsg(t, s, id)
		if m.Status == model.MessageFailed {
			continue
		}
		st, v := model.ReviewStatuses[rng.IntN(len(model.ReviewStatuses))], m.Version
		if _, err := s.UpdateMessage(ctx, model.SystemActor, model.Scope{All: true}, id, model.MessagePatch{Status: &st, Version: &v}, true); err != nil {
			t.Fatal(err)
		}
	}
	check("review patches")
	var ids []bson.ObjectID
	for _, in := range all[:25] {
		ids = append(ids, in.Message.ID)
	}
	if _, err := s.BulkSetMessageStatus(ctx, model.SystemActor, model.Scope{All: true}, ids, model.MessageFollowUp, true); err != nil {
		t.Fatal(err)
	}
	check("bulk status")

	// A new stakeholder's address matches the unmatched messages naming it.
	mustCreateStakeholder(t, s, shScopeAll, model.StakeholderInput{Kind: "person", Name: "Nadie", Regions: []string{"15"}, Emails: []string{"nadie@ejemplo.pe"}})
	if _, err := s.RematchAddresses(ctx, model.SystemActor, []string{"nadie@ejemplo.pe"}); err != nil {
		t.Fatal(err)
	}
	check("rematch")
	if _, err := s.FileSentMailAsReviewed(ctx); err != nil {
		t.Fatal(err)
	}
	check("sent mail filed")

	// Time passes: awaiting a reply follows the cutoff, not the writes.
	now = now.AddDate(0, 0, 5)
	check("five days later")

	// A rebuild (a folder without the tally) gives the same counts.
	before, err := s.MessageCounts(ctx, model.Scope{All: true}, store.MessageFilter{IncludeFailed: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.InvalidateMessageCounts(ctx); err != nil {
		t.Fatal(err)
	}
	check("rebuilt")
	after, err := s.MessageCounts(ctx, model.Scope{All: true}, store.MessageFilter{IncludeFailed: true})
	if err != nil || after != before || after.All != int64(len(all)) {
		t.Fatalf("after the rebuild %+v (%v), before %+v, %d messages", after, err, before, len(all))
	}
}
