package backup

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrUnknownCollections is returned when a MongoDB source holds
// collections the embedded store does not declare: nothing is copied
// rather than something dropped.
var ErrUnknownCollections = fmt.Errorf("the source holds collections this build does not know")

// CopyToEmbeddedOptions say what CopyToEmbedded copies where.
type CopyToEmbeddedOptions struct {
	// From is the MongoDB store copied; To the embedded store written,
	// which must hold no document.
	From, To  *store.Store
	BatchSize int
	Progress  func(collection string, done int64)
}

// CopyToEmbedded copies every collection of a MongoDB store into an empty
// embedded store in one transaction, reads each collection back inside it
// and compares its count and checksum (of the raw BSON documents) with the
// source's before it commits. A copy cut short (an error, a kill) leaves
// the target empty, so it is simply run again.
func CopyToEmbedded(ctx context.Context, o CopyToEmbeddedOptions) ([]CopyResult, error) {
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.Progress == nil {
		o.Progress = func(string, int64) {}
	}
	dst := o.To.Embedded()
	if dst == nil || o.From.Embedded() != nil {
		return nil, fmt.Errorf("db copy: copies from MongoDB into the embedded store only")
	}
	declared, err := o.To.CollectionNames(ctx)
	if err != nil {
		return nil, err
	}
	var full []string
	for _, name := range declared {
		n, err := dst.Collection(name).Count(ctx, bson.D{}, 1)
		if err != nil {
			return nil, fmt.Errorf("db copy: count %s in the target: %w", name, err)
		}
		if n > 0 {
			full = append(full, name)
		}
	}
	if len(full) > 0 {
		return nil, fmt.Errorf("db copy: %w: %s holds %s; copy into an empty --data-dir", ErrTargetHasData, dst.Path(), strings.Join(full, ", "))
	}
	names, err := o.From.CollectionNames(ctx)
	if err != nil {
		return nil, err
	}
	// The marker of a copy into that MongoDB and MongoDB's own collections
	// are not Alianza's data.
	names = slices.DeleteFunc(names, func(n string) bool { return n == copyMarker || strings.HasPrefix(n, "system.") })
	var unknown []string
	for _, n := range names {
		if !slices.Contains(declared, n) {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("db copy: %w: %s (nothing was copied)", ErrUnknownCollections, strings.Join(unknown, ", "))
	}
	var results []CopyResult
	err = dst.WithTx(ctx, func(ctx context.Context) error {
		results = results[:0] // a retried transaction starts again
		for _, name := range names {
			r, err := copyIntoEmbedded(ctx, o, name)
			if err != nil {
				return err
			}
			results = append(results, r)
		}
		return verifyEmbedded(ctx, o.To, results)
	})
	return results, err
}

// copyIntoEmbedded inserts every document of collection name, in batches,
// into the target's transaction that ctx carries.
func copyIntoEmbedded(ctx context.Context, o CopyToEmbeddedOptions, name string) (CopyResult, error) {
	r := CopyResult{Name: name}
	dst := o.To.Embedded().Collection(name)
	var sums docSums
	batch := make([]any, 0, o.BatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := dst.Insert(ctx, batch, coll.InsertOptions{}); err != nil {
			return fmt.Errorf("db copy: write %s: %w", name, err)
		}
		r.Written += int64(len(batch))
		batch = batch[:0]
		o.Progress(name, r.Count)
		return nil
	}
	err := o.From.Each(ctx, name, func(raw bson.Raw) error {
		doc := slices.Clone(raw)
		sums.add(doc)
		r.Count++
		if batch = append(batch, doc); len(batch) >= o.BatchSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("db copy: read %s: %w", name, err)
	}
	if err := flush(); err != nil {
		return r, err
	}
	r.SHA256 = sums.sum()
	return r, nil
}

// verifyEmbedded reads every copied collection back (in the transaction ctx
// carries) and compares its count and checksum with the source's.
func verifyEmbedded(ctx context.Context, to *store.Store, results []CopyResult) error {
	for _, r := range results {
		var sums docSums
		if err := to.Each(ctx, r.Name, func(doc bson.Raw) error { sums.add(doc); return nil }); err != nil {
			return fmt.Errorf("db copy: read back %s: %w", r.Name, err)
		}
		if int64(len(sums)) != r.Count || sums.sum() != r.SHA256 {
			return fmt.Errorf("db copy: verification failed: %s: %d documents in the target, %d in the source, or their checksums differ; nothing was copied",
				r.Name, len(sums), r.Count)
		}
	}
	return nil
}
