package store

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// sjsonMessage is a stored message as the engine writes it, with n
// addresses in "to" (so a schema per array length).
func sjsonMessage(n int) string {
	items := strings.TrimSuffix(strings.Repeat(`{"t":"object","$s":{"p":{"address":{"t":"string"}},"$k":["address"]}},`, n), ",")
	var to []string
	for i := range n {
		to = append(to, fmt.Sprintf(`{"address":"a%d@x.pe"}`, i))
	}
	return `{"$s":{"p":{"_id":{"t":"objectId"},"to":{"t":"array","i":[` + items + `]},"n":{"t":"int"},"search":{"t":"string"}},"$k":["_id","to","n","search"]},` +
		`"_id":"5f1d7a0c9b1e8a3d4c2b1a09","to":[` + strings.Join(to, ",") + `],"n":7,"search":"a b"}`
}

// Documents whose schemas differ (by an array's length) each decode by
// their own schema, the second time from the cache as the first.
func TestSJSONSchemaCache(t *testing.T) {
	for round := range 2 {
		for n := range 4 {
			raw, err := decodeSJSON([]byte(sjsonMessage(n)), func(k string) bool { return k != "search" })
			if err != nil {
				t.Fatalf("round %d, %d addresses: %v", round, n, err)
			}
			var got struct {
				To     []struct{ Address string } `bson:"to"`
				N      int32                      `bson:"n"`
				Search *string                    `bson:"search"`
			}
			if err := bson.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.To) != n || got.N != 7 || got.Search != nil || (n > 0 && got.To[n-1].Address != fmt.Sprintf("a%d@x.pe", n-1)) {
				t.Errorf("round %d, %d addresses: %+v", round, n, got)
			}
		}
	}
	// A schema that does not fit the document is an error, never another
	// document's schema: 2 addresses under the schema of 3.
	doc := sjsonMessage(3)
	short := strings.Replace(doc, `{"address":"a2@x.pe"}`, ``, 1)
	short = strings.Replace(short, `"a1@x.pe"},]`, `"a1@x.pe"}]`, 1)
	if !strings.Contains(short, `"a1@x.pe"}],`) || strings.Contains(short, "a2@") {
		t.Fatalf("test document not shortened: %s", short)
	}
	if _, err := decodeSJSON([]byte(short), nil); err == nil {
		t.Error("an array shorter than its schema decoded")
	}
}

// The cache keeps to its size: a full cache starts over, and a schema
// longer than a cache entry may be is parsed each time, not kept.
func TestSJSONSchemaCacheBounds(t *testing.T) {
	big := sjsonMessage(sjsonSchemaMaxBytes / 60)
	if _, err := decodeSJSON([]byte(big), nil); err != nil {
		t.Fatal(err)
	}
	sch := big[len(`{"$s":`):strings.Index(big, `,"_id":"5f1d`)]
	if len(sch) <= sjsonSchemaMaxBytes {
		t.Fatalf("test schema of %d bytes is not over the %d limit", len(sch), sjsonSchemaMaxBytes)
	}
	sjsonSchemas.Lock()
	_, kept := sjsonSchemas.m[sch]
	sjsonSchemas.Unlock()
	if kept {
		t.Error("a schema over the entry limit was cached")
	}
	for n := range 300 {
		if _, err := decodeSJSON([]byte(sjsonMessage(n)), nil); err != nil {
			t.Fatal(err)
		}
		sjsonSchemas.Lock()
		size := sjsonSchemas.bytes
		sjsonSchemas.Unlock()
		if size > sjsonSchemasMaxBytes {
			t.Fatalf("cache holds %d bytes of schemas, over %d", size, sjsonSchemasMaxBytes)
		}
	}
}

// Damaged stored text is an error, never a panic or a document: every
// truncation of a document, and every byte of it replaced by a character
// that breaks JSON.
func TestSJSONMalformedIsAnError(t *testing.T) {
	doc := []byte(sjsonMessage(2))
	for i := range len(doc) {
		if _, err := decodeSJSON(doc[:i], nil); err == nil {
			t.Errorf("decoded %q", doc[:i])
		}
		for _, c := range []byte(`{}[]",:`) {
			bad := bytes.Clone(doc)
			if bad[i] == c {
				continue
			}
			bad[i] = c
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panic on %q: %v", bad, r)
					}
				}()
				_, _ = decodeSJSON(bad, nil)
			}()
		}
	}
}
