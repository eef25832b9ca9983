package store

import (
	"fmt"
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
	raw := func(n int) []byte { return viewBytes(t, n) }
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

// TestCounterCacheStamps: a document read under a stamp's version is
// reused under that version only (none without one); another generation,
// or a newer read of the document, replaces it; a document that was not
// there is remembered as such.
func TestCounterCacheStamps(t *testing.T) {
	var cc counterCache
	raw := func(n int) []byte { return viewBytes(t, n) }
	if _, ok := cc.stamped(1, "c", "g1/2026-11/v", "a/1"); ok {
		t.Fatal("an empty cache had a document")
	}
	first := cc.doc(1, "c", "g1/2026-11/v", raw(1))
	cc.stamp(1, "c", "g1/2026-11/v", "a/1", first)
	if c, ok := cc.stamped(1, "c", "g1/2026-11/v", "a/1"); !ok || c != first {
		t.Fatal("the document read under a/1 is not reused under a/1")
	}
	for _, v := range []string{"a/2", "b/1", ""} {
		if _, ok := cc.stamped(1, "c", "g1/2026-11/v", v); ok {
			t.Fatalf("the document read under a/1 is reused under %q", v)
		}
	}
	cc.stamp(1, "c", "g1/2026-11/v", "", first)
	if _, ok := cc.stamped(1, "c", "g1/2026-11/v", ""); ok {
		t.Fatal("a read without a version was kept")
	}
	// A slower reader of an older version: its document is no longer the
	// cached one, so it does not replace the newer read.
	newer := cc.doc(1, "c", "g1/2026-11/v", raw(2))
	cc.stamp(1, "c", "g1/2026-11/v", "a/2", newer)
	cc.stamp(1, "c", "g1/2026-11/v", "a/1", first)
	if c, ok := cc.stamped(1, "c", "g1/2026-11/v", "a/2"); !ok || c != newer {
		t.Fatal("an older read replaced the newer one")
	}
	cc.stamp(1, "c", "g1/2026-12/v", "a/2", nil)
	if c, ok := cc.stamped(1, "c", "g1/2026-12/v", "a/2"); !ok || c != nil {
		t.Fatal("a document found missing is not remembered as missing")
	}
	if _, ok := cc.stamped(2, "c", "g1/2026-11/v", "a/2"); ok {
		t.Fatal("another generation reused the document")
	}
	cc.stamp(2, "c", "g2/2026-12/v", "a/0", nil)
	if _, ok := cc.stamped(2, "c", "g1/2026-12/v", "a/2"); ok || len(cc.docs) != 0 {
		t.Fatal("a new generation kept the old one's reads")
	}
}

// TestMemberSetUnion: or and each give the union of sets of any sizes, in
// order.
func TestMemberSetUnion(t *testing.T) {
	var a, b memberSet
	for _, m := range []int32{3, 64, 200} {
		a.add(m)
	}
	for _, m := range []int32{0, 3, 65, 700} {
		b.add(m)
	}
	var got []int32
	u := memberSet{}
	u.or(a)
	u.or(b)
	u.each(func(m int32) { got = append(got, m) })
	if fmt.Sprint(got) != "[0 3 64 65 200 700]" {
		t.Fatalf("union %v", got)
	}
	got = nil
	a.each(func(m int32) { got = append(got, m) })
	if fmt.Sprint(got) != "[3 64 200]" {
		t.Fatalf("the union changed a: %v", got)
	}
}

// viewBytes is a month's view document with one count, n.
func viewBytes(t *testing.T, n int) []byte {
	t.Helper()
	b, err := bson.Marshal(bson.D{{Key: "_id", Value: "g1/2026-11/v"}, {Key: "l", Value: bson.D{{Key: "15|pending|legislator|x", Value: n}}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
