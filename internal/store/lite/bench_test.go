package lite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

type benchMessage struct {
	ID             bson.ObjectID `bson:"_id"`
	Mailbox        string        `bson:"mailbox"`
	Status         string        `bson:"status"`
	Date           time.Time     `bson:"date"`
	Version        int           `bson:"version"`
	Subject        string        `bson:"subject"`
	Body           string        `bson:"body"`
	StakeholderIDs []string      `bson:"stakeholder_ids"`
	Regions        []string      `bson:"regions"`
	Addresses      []struct {
		Email string `bson:"email"`
		Name  string `bson:"name"`
	} `bson:"addresses"`
	Search string `bson:"search"`
}

func benchMessages(n int) []any {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 3000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%x", r.Uint32()%0xfffff)
	}
	out := make([]any, n)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		m := benchMessage{ID: bson.NewObjectID(), Mailbox: "m1", Status: pick(r, []string{"new", "linked", "ignored"}),
			Date: base.Add(time.Duration(r.IntN(365*24)) * time.Hour), Version: 1, Subject: "Re: reunión",
			Body:           strings.Repeat("texto del mensaje ", 60),
			StakeholderIDs: []string{fmt.Sprint("s", r.IntN(400)), fmt.Sprint("s", r.IntN(400))},
			Regions:        []string{pick(r, []string{"lima", "cusco", "puno", "loreto"})}}
		for range 3 {
			m.Addresses = append(m.Addresses, struct {
				Email string `bson:"email"`
				Name  string `bson:"name"`
			}{fmt.Sprintf("p%d@x.pe", r.IntN(2000)), "Persona"})
		}
		words := make([]string, 60)
		for j := range words {
			words[j] = pick(r, vocab)
		}
		m.Search = strings.Join(words, " ")
		out[i] = m
	}
	return out
}

// cpuTime is the CPU time of the process so far (every thread), which says
// more than the wall clock on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkInsert20k inserts 20,000 message-like documents (6 member rows
// and ~60 words each) in batches of 500, one transaction per batch.
func BenchmarkInsert20k(b *testing.B) {
	docs := benchMessages(20000)
	ctx := context.Background()
	for b.Loop() {
		db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), testSpecs)
		if err != nil {
			b.Fatal(err)
		}
		start, cpu := time.Now(), cpuTime()
		for i := 0; i < len(docs); i += 500 {
			if _, err := db.Collection("messages").Insert(ctx, docs[i:i+500], coll.InsertOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/float64(len(docs)), "wall-µs/doc")
		b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(len(docs)), "cpu-µs/doc")
		db.Close()
	}
}

// BenchmarkInsertOne inserts one document per transaction: with
// synchronous=FULL each commit waits for an fsync; NORMAL is measured for
// comparison only (the store always runs FULL).
func BenchmarkInsertOne(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		b.Run(sync, func(b *testing.B) {
			docs := benchMessages(200)
			ctx := context.Background()
			db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), testSpecs, func(db *DB) { db.sync = sync })
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			i := 0
			for b.Loop() {
				d := docs[i%len(docs)].(benchMessage)
				d.ID = bson.NewObjectID()
				if _, err := db.Collection("messages").Insert(ctx, []any{d}, coll.InsertOptions{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

var (
	benchDB   *DB
	benchWord string // a whole word of the vocabulary (~400 messages)
)

func benchFilled(b *testing.B) *DB {
	b.Helper()
	if benchDB != nil {
		return benchDB
	}
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), testSpecs)
	if err != nil {
		b.Fatal(err)
	}
	docs := benchMessages(20000)
	for i := 0; i < len(docs); i += 500 {
		if _, err := db.Collection("messages").Insert(ctx, docs[i:i+500], coll.InsertOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	benchWord, _, _ = strings.Cut(docs[0].(benchMessage).Search, " ")
	benchDB = db
	return db
}

// BenchmarkPage reads 51 messages of one status by date, newest first, out
// of 20,000, and decodes them into structs.
func BenchmarkPage(b *testing.B) {
	db := benchFilled(b)
	ctx := context.Background()
	for _, q := range []struct {
		name   string
		filter bson.D
	}{
		{"status", bson.D{{Key: "status", Value: "new"}}},
		{"member", bson.D{{Key: "stakeholder_ids", Value: "s7"}}},
		{"region_status", bson.D{{Key: "regions", Value: "lima"}, {Key: "status", Value: "linked"}}},
		{"word_common", bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )w1"}}}}},
		{"word_rare", bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )" + benchWord}}}}},
		{"residual", bson.D{{Key: "status", Value: "new"}, {Key: "subject", Value: "Re: reunión"}}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				var out []benchMessage
				if err := db.Collection("messages").Find(ctx, q.filter, coll.FindOptions{Sort: bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, Limit: 51}, &out); err != nil {
					b.Fatal(err)
				}
				if len(out) == 0 {
					b.Fatal("empty page")
				}
			}
		})
	}
}

// BenchmarkByIDs reads 27 documents by _id (a page's linked records), whole
// or with a small projection, and with a member condition (a scope).
func BenchmarkByIDs(b *testing.B) {
	db := benchFilled(b)
	ctx := context.Background()
	var all []struct {
		ID bson.ObjectID `bson:"_id"`
	}
	if err := db.Collection("messages").Find(ctx, bson.D{}, coll.FindOptions{Limit: 2700, Projection: bson.D{{Key: "_id", Value: 1}}}, &all); err != nil {
		b.Fatal(err)
	}
	ids := make(bson.A, 27)
	for i := range ids {
		ids[i] = all[i*100].ID
	}
	byIDs := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}
	scoped := append(byIDs, bson.E{Key: "regions", Value: bson.D{{Key: "$in", Value: bson.A{"lima", "cusco"}}}})
	for _, q := range []struct {
		name   string
		filter bson.D
		proj   bson.D
	}{
		{"whole", byIDs, nil},
		{"status", byIDs, bson.D{{Key: "status", Value: 1}}},
		{"id", byIDs, bson.D{{Key: "_id", Value: 1}}},
		{"scoped_id", scoped, bson.D{{Key: "_id", Value: 1}}},
		{"scoped_status", scoped, bson.D{{Key: "status", Value: 1}}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				var out []benchMessage
				if err := db.Collection("messages").Find(ctx, q.filter, coll.FindOptions{Projection: q.proj}, &out); err != nil {
					b.Fatal(err)
				}
				if len(out) == 0 {
					b.Fatal("none")
				}
			}
		})
	}
}
