package store

import (
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
