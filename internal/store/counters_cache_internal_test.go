package store

import (
	"reflect"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestCounterCacheKeepsWhatIsUnchanged: a document read again with the same
// bytes is the cached one (what was derived from it is reused); changed
// bytes, another generation or a full cache give a fresh one, and the cache
// stays within its size.
func TestCounterCacheKeepsWhatIsUnchanged(t *testing.T) {
	var cc counterCache
	raw := func(n int) []byte {
		b, err := bson.Marshal(bson.D{{Key: "_id", Value: "g1/2026-11/v"}, {Key: "l", Value: bson.D{{Key: "15|pending|legislator|x", Value: n}}}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := cc.doc(1, "c", "g1/2026-11/v", raw(1))
	if again := cc.doc(1, "c", "g1/2026-11/v", raw(1)); again != first {
		t.Fatal("the same bytes gave a new document")
	}
	changed := cc.doc(1, "c", "g1/2026-11/v", raw(2))
	if changed == first || cc.doc(1, "c", "g1/2026-11/v", raw(2)) != changed {
		t.Fatal("changed bytes: the old document, or not kept")
	}
	if cc.doc(2, "c", "g1/2026-11/v", raw(2)) == changed || len(cc.docs) != 1 {
		t.Fatalf("a new generation kept %d documents of the old one", len(cc.docs)-1)
	}
	big := make([]byte, maxCachedCounterBytes/4)
	for i := range 5 {
		cc.doc(2, "c", string(rune('a'+i)), big)
		if cc.bytes > maxCachedCounterBytes {
			t.Fatalf("after %d large documents the cache holds %d bytes", i+1, cc.bytes)
		}
	}
}

// TestCommitmentMemberViewsHaveTheirOwnDocument: a month of commitments
// has its region and status view in "…/v" and its legislator and committee
// views in "…/vm", so the commitments by region read none of the members.
func TestCommitmentMemberViewsHaveTheirOwnDocument(t *testing.T) {
	day := map[string]int{"03|15|pending|legislator|a": 2, "04|15|done|oversight_committee|b": 1, "04|08|done|person|c": 1}
	fields := map[string][]string{}
	for _, d := range viewDocs(3, "c", map[string]map[string]int{"2026-11": day}) {
		doc := d.(bson.D)
		for _, e := range doc[1:] {
			fields[doc[0].Value.(string)] = append(fields[doc[0].Value.(string)], e.Key)
		}
		if len(doc) == 1 {
			fields[doc[0].Value.(string)] = nil
		}
	}
	for id := range fields {
		slices.Sort(fields[id])
	}
	want := map[string][]string{"g3/2026-11/v": {"s"}, "g3/2026-11/vm": {"k", "l"}}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("view documents %v, want %v", fields, want)
	}
	inc := viewDelta("c", day)
	if inc["s"]["15|pending"] != 2 || inc["l"]["15|pending|legislator|a"] != 2 || inc["k"]["15|done|oversight_committee|b"] != 1 || len(inc["s"]) != 3 {
		t.Fatalf("view counts %v", inc)
	}
}
