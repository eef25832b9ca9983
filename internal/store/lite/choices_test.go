package lite

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// TestChoicesAfterWrites: the planner's remembered choice of a two-word
// page is taken again while the collection is unchanged and dropped by
// every write (an update, a delete, a transaction's insert, also when the
// choice was made while the transaction was under way), so that after each
// the page is planned afresh: here, driven while the words are rarely
// together, walked once they are together in the newest messages. The
// answer is the matcher's throughout, rows and order.
func TestChoicesAfterWrites(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, RecordPlans())
	db.commonRows, db.walkSample = 100, 64
	msgs, c := db.Collection("messages"), db.C("messages")
	var all []bson.D
	var docs []any
	words := func(i int) string {
		var w []string
		if i%3 == 0 {
			w = append(w, "alfa")
		}
		// "alfa" and "beta" are each in a third of the messages, together
		// only in the 20 oldest.
		if i%3 == 1 || i%3 == 0 && i < 60 {
			w = append(w, "beta")
		}
		return strings.Join(w, " ")
	}
	for i := range 1200 {
		d := bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "date", Value: bson.DateTime(int64(i) * 1000)},
			{Key: "status", Value: []string{"new", "done"}[i%2]}, {Key: "n", Value: int32(i)}, {Key: "search", Value: words(i)}}
		all, docs = append(all, d), append(docs, d)
	}
	if _, err := msgs.Insert(ctx, docs, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	filter := andOf(searchWord("alfa"), searchWord("beta"), bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: "failed"}}}})
	byDate := bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}
	const limit = 5
	f, err := canon(filter)
	if err != nil {
		t.Fatal(err)
	}
	sort, _ := canon(byDate)
	order, err := c.orderBy(sort)
	if err != nil {
		t.Fatal(err)
	}
	cq, _, err := c.compilePlan(f, sort, false, -1)
	if err != nil {
		t.Fatal(err)
	}
	key := c.planKey(cq, order, limit)
	// check finds the page, compares it with the matcher's, and returns
	// the choice remembered for it, which must be a fresh one's.
	check := func(step string, want int) choice {
		t.Helper()
		if _, ok := c.choices.get(key, c.gen.Load()); ok {
			t.Fatalf("%s: a choice is remembered before the page is planned", step)
		}
		for range 2 { // planned, then the choice taken again
			var got []bson.D
			if err := msgs.Find(ctx, filter, coll.FindOptions{Sort: byDate, Limit: limit}, &got); err != nil {
				t.Fatal(err)
			}
			brute, err := bruteFind(all, filter, byDate, limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != want || fmt.Sprint(ids(t, got)) != fmt.Sprint(ids(t, brute)) {
				t.Fatalf("%s: %d documents, want %d (first SQL, second matcher):%s", step, len(got), want, idDiff(got, brute))
			}
		}
		ch, ok := c.choices.get(key, c.gen.Load())
		if !ok {
			t.Fatalf("%s: no choice remembered", step)
		}
		_, probes, err := c.compilePlan(f, sort, false, -1)
		if err != nil {
			t.Fatal(err)
		}
		counts, err := c.counts(ctx, db.r, probes, db.commonRows)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := c.choose(ctx, db.r, probes, counts, true, 2, false, limit, order)
		if err != nil {
			t.Fatal(err)
		}
		if ch != fresh {
			t.Fatalf("%s: remembered %+v, a fresh choice is %+v", step, ch, fresh)
		}
		return ch
	}
	if ch := check("rarely together", limit); ch.walk {
		t.Fatalf("rarely together: walks, want driven")
	}

	// Together in the newest "alfa" messages: the page is at the head.
	together := bson.D{{Key: "n", Value: bson.D{{Key: "$gte", Value: int32(900)}}}, {Key: "search", Value: "alfa"}}
	if _, err := msgs.Update(ctx, together, bson.D{{Key: "$set", Value: bson.D{{Key: "search", Value: "alfa beta"}}}}, coll.UpdateOptions{Many: true}); err != nil {
		t.Fatal(err)
	}
	for i := 900; i < len(all); i++ {
		if i%3 == 0 {
			all[i] = setField(all[i], "search", "alfa beta")
		}
	}
	if ch := check("together at the head", limit); !ch.walk {
		t.Fatalf("together at the head: driven, want a walk")
	}

	// Gone again: rarely together.
	if _, err := msgs.Delete(ctx, bson.D{{Key: "n", Value: bson.D{{Key: "$gte", Value: int32(900)}}}}, true); err != nil {
		t.Fatal(err)
	}
	all = all[:900]
	if ch := check("deleted", limit); ch.walk {
		t.Fatalf("deleted: walks, want driven")
	}

	// A transaction's insert: a page planned outside it while it is under
	// way (on the data before it) is not taken after its commit.
	var added []bson.D
	for i := 900; i < 1200; i++ {
		added = append(added, bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "date", Value: bson.DateTime(int64(i) * 1000)},
			{Key: "status", Value: "new"}, {Key: "n", Value: int32(i)}, {Key: "search", Value: "beta alfa"}})
	}
	err = db.WithTx(ctx, func(tctx context.Context) error {
		docs := make([]any, len(added))
		for i, d := range added {
			docs[i] = d
		}
		if _, err := msgs.Insert(tctx, docs, coll.InsertOptions{}); err != nil {
			return err
		}
		var got []bson.D
		if err := msgs.Find(tctx, filter, coll.FindOptions{Sort: byDate, Limit: limit}, &got); err != nil {
			return err
		}
		if len(got) != limit {
			return fmt.Errorf("in the transaction: %d documents, want %d", len(got), limit)
		}
		if _, ok := c.choices.get(key, c.gen.Load()); ok {
			return fmt.Errorf("a page planned in the transaction was remembered")
		}
		// Outside the transaction: the messages before it.
		if err := msgs.Find(ctx, filter, coll.FindOptions{Sort: byDate, Limit: limit}, &got); err != nil {
			return err
		}
		if ch, ok := c.choices.get(key, c.gen.Load()); !ok || ch.walk {
			return fmt.Errorf("outside the transaction: remembered %+v (%v), want driven", ch, ok)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, added...)
	if ch := check("inserted in a transaction", limit); !ch.walk {
		t.Fatalf("inserted in a transaction: driven, want a walk")
	}
	if bad, err := db.CheckPlans(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("plans: %v\n%s", err, strings.Join(bad, "\n"))
	}
}

// setField is d with field k set to v.
func setField(d bson.D, k string, v any) bson.D {
	out := append(bson.D(nil), d...)
	for i := range out {
		if out[i].Key == k {
			out[i].Value = v
			return out
		}
	}
	return append(out, bson.E{Key: k, Value: v})
}
