package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The cases of the SQLite path's decoder that TestSJSONDecodesLikeTheEngine
// leaves out: binary subtypes 0x02 (sent as the engine sends it, with no
// inner length) and 0x80,
// regex options out of order, arrays of documents holding arrays (the
// engine refuses arrays of arrays), long
// texts with escaped quotes and backslashes.
func TestSJSONDecodesEdgeCasesLikeTheEngine(t *testing.T) {
	if storetest.Dir() == "" {
		t.Skip("embedded engine only")
	}
	s := storetest.Open(t)
	ctx := context.Background()
	long := bytes.Repeat([]byte(`a "quote" and a back\slash \\" `), 100)
	docs := []bson.D{
		{{Key: "_id", Value: bson.NewObjectID()}, {Key: "long", Value: string(long)},
			{Key: "old", Value: bson.Binary{Subtype: 2, Data: []byte("xyz")}}, {Key: "user", Value: bson.Binary{Subtype: 0x80, Data: []byte{0}}},
			{Key: "re", Value: bson.Regex{Pattern: `a\"b`, Options: "xmi"}},
			{Key: "nested", Value: bson.A{bson.D{{Key: "a", Value: bson.A{bson.D{}, nil, false}}}, -0.5, bson.D{{Key: "b", Value: bson.A{int64(1)}}}}},
			{Key: "after", Value: bson.D{{Key: "deep", Value: bson.D{{Key: "deeper", Value: bson.A{"x"}}}}}}},
	}
	for _, d := range docs {
		if _, err := s.Coll("messages").InsertOne(ctx, d); err != nil {
			t.Fatal(err)
		}
		var viaEngine bson.Raw
		if err := s.Coll("messages").FindOne(ctx, bson.D{{Key: "_id", Value: d[0].Value}}).Decode(&viaEngine); err != nil {
			t.Fatal(err)
		}
		viaSQLite, err := s.LiteDecode(ctx, "messages", d[0].Value)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(viaEngine, viaSQLite) {
			t.Errorf("decoded differently:\nengine %s\nsqlite %s", viaEngine, viaSQLite)
		}
	}
}
