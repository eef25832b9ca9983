package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// embeddedOnly skips t, saying why, on a real MongoDB server: what it tests
// exists on the embedded engine only.
func embeddedOnly(t *testing.T, why string) {
	t.Helper()
	if storetest.Dir() == "" {
		t.Skip(why)
	}
}

// The engine's own _id look-up (`_ferretdb_sjson->'$._id' = ?`) uses the
// index the store adds, on a new database and after the engine re-created
// a dropped collection's table.
func TestEmbeddedIDIndex(t *testing.T) {
	embeddedOnly(t, "embedded engine only: MongoDB indexes _id itself")
	s := storetest.Open(t)
	ctx := context.Background()
	const idWhere = `_ferretdb_sjson->'$._id' = '"0123456789abcdef01234567"'`
	for _, col := range []string{"users", "messages", "meetings", "stakeholders", "commitments", "tasks"} {
		plan, err := s.LitePlan(ctx, col, idWhere)
		if err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		if !strings.Contains(plan, "USING INDEX") {
			t.Errorf("%s: _id look-up scans the table:\n%s", col, plan)
		}
	}

	// Dropped and re-created by the engine on the next write: the next
	// store read through SQLite puts the index back.
	if err := s.DropCollection(ctx, "users"); err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, model.SystemActor, newUser("eva@example.org"), "hash")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.LitePlan(ctx, "users", idWhere)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "USING INDEX") {
		t.Errorf("users after re-creation: _id look-up scans the table:\n%s", plan)
	}
	if got, err := s.UserByID(ctx, u.ID); err != nil || got.Email != "eva@example.org" {
		t.Fatalf("read through the engine after re-indexing: %v %v", got, err)
	}
	if _, err := s.UserByID(ctx, bson.NewObjectID()); err == nil {
		t.Fatal("missing user found")
	}

	// A listed collection dropped and re-created: its row, member and word
	// tables are rebuilt before the next list reads them, stale rows gone.
	meeting := func(summary string) model.Meeting {
		at := s.Now().Truncate(time.Minute)
		return model.Meeting{ID: bson.NewObjectID(), StartsAt: at, Region: "08", Kind: "virtual", Summary: summary,
			Search: summary, Participants: []model.Participant{}, StakeholderIDs: []bson.ObjectID{}, Version: 1, CreatedAt: at, UpdatedAt: at}
	}
	if err := s.InsertMeetings(ctx, []model.Meeting{meeting("antes"), meeting("antes dos")}); err != nil {
		t.Fatal(err)
	}
	if err := s.DropCollection(ctx, "meetings"); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertMeetings(ctx, []model.Meeting{meeting("despues")}); err != nil {
		t.Fatal(err)
	}
	hits := s.PushdownHits()
	for _, q := range []string{"", "despues", "antes"} {
		got, _, err := s.ListMeetings(ctx, model.Scope{Regions: []string{"08"}}, store.MeetingFilter{Q: q}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if q == "antes" {
			want = 0
		}
		if len(got) != want {
			t.Errorf("after re-creation, q=%q: %d meetings, want %d", q, len(got), want)
		}
	}
	if s.PushdownHits() == hits {
		t.Error("the lists did not go through SQLite")
	}
}

// Documents of every BSON type the engine stores decode from its SQLite
// text exactly as the engine sends them through the driver.
func TestSJSONDecodesLikeTheEngine(t *testing.T) {
	embeddedOnly(t, "embedded engine only")
	s := storetest.Open(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 4, 5, 6, 7, 8_000_000, time.UTC)
	docs := []bson.D{
		{{Key: "_id", Value: bson.NewObjectID()}, {Key: "s", Value: "a \"quoted\" <b>&</b> ñandú \u2028 \\ end"}, {Key: "empty", Value: ""},
			{Key: "i32", Value: int32(-7)}, {Key: "i64", Value: int64(1) << 40}, {Key: "f", Value: 2.5}, {Key: "whole", Value: 3.0},
			{Key: "t", Value: true}, {Key: "no", Value: false}, {Key: "null", Value: nil}, {Key: "date", Value: bson.NewDateTimeFromTime(at)},
			{Key: "bin", Value: bson.Binary{Subtype: 4, Data: []byte{1, 2, 3, 255}}}, {Key: "re", Value: bson.Regex{Pattern: "^a.b$", Options: "i"}},
			{Key: "ts", Value: bson.Timestamp{T: 12345, I: 6}},
			{Key: "doc", Value: bson.D{{Key: "z", Value: 1}, {Key: "a", Value: bson.A{"x", int32(2), bson.D{{Key: "k", Value: nil}}}}}},
			{Key: "arr", Value: bson.A{}}, {Key: "emptydoc", Value: bson.D{}}},
		{{Key: "_id", Value: bson.NewObjectID()}},
		// Long texts with escapes, binary subtypes 0x02 (no inner length, as
		// the engine sends it) and 0x80, regex options out of order, arrays
		// of documents holding arrays (the engine refuses arrays of arrays).
		{{Key: "_id", Value: bson.NewObjectID()}, {Key: "long", Value: strings.Repeat(`a "quote" and a back\slash \\" `, 100)},
			{Key: "old", Value: bson.Binary{Subtype: 2, Data: []byte("xyz")}}, {Key: "user", Value: bson.Binary{Subtype: 0x80, Data: []byte{0}}},
			{Key: "re", Value: bson.Regex{Pattern: `a\"b`, Options: "xmi"}},
			{Key: "nested", Value: bson.A{bson.D{{Key: "a", Value: bson.A{bson.D{}, nil, false}}}, -0.5, bson.D{{Key: "b", Value: bson.A{int64(1)}}}}},
			{Key: "after", Value: bson.D{{Key: "deep", Value: bson.D{{Key: "deeper", Value: bson.A{"x"}}}}}}},
	}
	for _, d := range docs {
		if _, err := s.Coll("messages").Insert(ctx, []any{d}, coll.InsertOptions{}); err != nil {
			t.Fatal(err)
		}
		var viaEngine bson.Raw
		if err := s.Coll("messages").FindOne(ctx, bson.D{{Key: "_id", Value: d[0].Value}}, coll.FindOptions{}, &viaEngine); err != nil {
			t.Fatal(err)
		}
		got, err := s.LiteDecode(ctx, "messages", d[0].Value)
		if err != nil {
			t.Fatal(err)
		}
		viaSQLite, err := bson.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(viaEngine, viaSQLite) {
			t.Errorf("decoded differently:\nengine %s\nsqlite %s", viaEngine, bson.Raw(viaSQLite))
		}
	}
}
