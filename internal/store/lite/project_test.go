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

// TestFlatProjectionCopiesElements: an inclusion of whole top-level fields
// copies the stored elements and answers what the general path does.
func TestFlatProjectionCopiesElements(t *testing.T) {
	doc := bson.D{{Key: "a", Value: 1}, {Key: "_id", Value: bson.NewObjectID()}, {Key: "name", Value: "Rosa"},
		{Key: "from", Value: bson.D{{Key: "address", Value: "a@b"}}}, {Key: "tags", Value: bson.A{"x", int64(2)}}, {Key: "z", Value: nil}}
	raw, err := bson.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range []bson.D{
		{{Key: "name", Value: 1}, {Key: "tags", Value: 1}},
		{{Key: "from", Value: true}, {Key: "z", Value: 1}, {Key: "missing", Value: 1}},
		{{Key: "_id", Value: 1}},
	} {
		checkFlat(t, raw, spec, false)
	}
	if p, _ := newProjection(bson.D{{Key: "from.address", Value: 1}}); p.flat() {
		t.Fatal("a nested path is not flat")
	}
}

// TestFlatExclusionCopiesElements: an exclusion of whole top-level fields
// is flat too and answers what the general path does, _id kept.
func TestFlatExclusionCopiesElements(t *testing.T) {
	doc := bson.D{{Key: "a", Value: 1}, {Key: "_id", Value: bson.NewObjectID()}, {Key: "history", Value: bson.A{bson.D{{Key: "on", Value: "2026-01-02"}}}},
		{Key: "search", Value: "x y"}, {Key: "tags", Value: bson.A{"x", int64(2)}}, {Key: "z", Value: nil}}
	raw, err := bson.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range []bson.D{
		{{Key: "history", Value: 0}, {Key: "search", Value: 0}},
		{{Key: "_id", Value: 0}, {Key: "z", Value: false}, {Key: "missing", Value: 0}},
		{{Key: "a", Value: 0}, {Key: "tags", Value: 0}, {Key: "history", Value: 0}, {Key: "search", Value: 0}, {Key: "z", Value: 0}},
	} {
		checkFlat(t, raw, spec, true)
	}
	if _, err := (&projection{kids: map[string]*projection{}}).pick(bson.Raw{5, 0, 0, 0}); err == nil {
		t.Fatal("a truncated document is not an error")
	}
}

// checkFlat checks that spec is a flat projection (an exclusion when
// exclude) and that it answers on raw what the general path does.
func checkFlat(t *testing.T, raw bson.Raw, spec bson.D, exclude bool) {
	t.Helper()
	p, err := newProjection(spec)
	if err != nil || !p.flat() || p.exclude != exclude {
		t.Fatalf("%v: flat %v, exclusion %v, %v", spec, p != nil && p.flat(), p != nil && p.exclude, err)
	}
	got, err := p.apply(raw)
	if err != nil {
		t.Fatal(err)
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	want, _ := bson.Marshal(p.doc(d, true))
	if !bytes.Equal(got, want) {
		t.Fatalf("%v: got %s, want %s", spec, got, bson.Raw(want))
	}
}
