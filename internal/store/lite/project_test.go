package lite

import (
	"bytes"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestExclusionProjection(t *testing.T) {
	doc := bson.D{{Key: "_id", Value: 1}, {Key: "a", Value: 1}, {Key: "search", Value: "x y"},
		{Key: "from", Value: bson.D{{Key: "address", Value: "a@b"}, {Key: "name", Value: "A"}}},
		{Key: "to", Value: bson.A{bson.D{{Key: "address", Value: "c@d"}, {Key: "name", Value: "C"}}, "plain"}}}
	raw, err := bson.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newProjection(bson.D{{Key: "_id", Value: 0}, {Key: "search", Value: 0}, {Key: "from.name", Value: 0}, {Key: "to.name", Value: false}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.apply(raw)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := bson.Marshal(bson.D{{Key: "_id", Value: 1}, {Key: "a", Value: 1},
		{Key: "from", Value: bson.D{{Key: "address", Value: "a@b"}}},
		{Key: "to", Value: bson.A{bson.D{{Key: "address", Value: "c@d"}}, "plain"}}})
	if !bytes.Equal(got, want) {
		t.Fatalf("got %s, want %s", got, bson.Raw(want))
	}
}
