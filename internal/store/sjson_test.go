package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// embeddedOnly skips t, saying why, unless the tests run on FerretDB
// (ALIANZA_TEST_ENGINE=ferretdb): what it tests exists there only.
func embeddedOnly(t *testing.T, why string) {
	t.Helper()
	if storetest.Dir() == "" {
		t.Skip(why)
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
		got, err := s.FerretDecode(ctx, storetest.Dir(), "messages", d[0].Value)
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
