package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// copyMarker is the collection where a copy notes its source in the target,
// so that a re-run after an interruption is told from a foreign database.
const copyMarker = "alianza_copy"

// ErrTargetHasData is returned when the target of a copy already holds data
// that no earlier copy from the same source wrote.
var ErrTargetHasData = errors.New("the target database already holds data")

// CopyOptions say what to copy where.
type CopyOptions struct {
	// From is the store copied (the embedded store, or a MongoDB); To the
	// MongoDB database written.
	From *store.Store
	To   *mongo.Database
	// Source names the source in the target's marker (an engine's folder or
	// a URI without its password); a re-run from the same source resumes.
	Source string
	Force  bool // copy over a target that holds other data
	// Indexes creates Alianza's indexes (and whatever the store sets up
	// with them) on the target before any document is written.
	Indexes   func(context.Context) error
	BatchSize int
	Progress  func(collection string, done int64)
	Now       func() time.Time
}

// CopyResult is one collection's outcome; Written and Deleted are what this
// run changed in the target (0 for a collection already copied).
type CopyResult struct {
	Name             string
	Count            int64
	SHA256           string
	Written, Deleted int64
}

type marker struct {
	Source     string    `bson:"source"`
	StartedAt  time.Time `bson:"started_at"`
	FinishedAt time.Time `bson:"finished_at,omitempty"`
}

// Copy makes the target database hold exactly the source's collections:
// documents missing or different in the target are written (upsert by _id),
// documents the source no longer has are deleted. Then it checks every
// collection's count and checksum (of the raw BSON documents) on both sides.
// Re-running it after an interruption finishes the job: what was already
// copied is compared, not written again.
func Copy(ctx context.Context, o CopyOptions) ([]CopyResult, error) {
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Progress == nil {
		o.Progress = func(string, int64) {}
	}
	resumed, err := checkTarget(ctx, o)
	if err != nil {
		return nil, err
	}
	markers := o.To.Collection(copyMarker)
	if _, err := markers.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "marker"}},
		marker{Source: o.Source, StartedAt: o.Now().UTC()}, options.Replace().SetUpsert(true)); err != nil {
		return nil, fmt.Errorf("db copy: write marker: %w", err)
	}
	if o.Indexes != nil {
		if err := o.Indexes(ctx); err != nil {
			return nil, fmt.Errorf("db copy: indexes on the target: %w", err)
		}
	}
	names, err := o.From.CollectionNames(ctx)
	if err != nil {
		return nil, err
	}
	existing, err := collectionNames(ctx, o.To)
	if err != nil {
		return nil, err
	}
	var results []CopyResult
	for _, name := range names {
		// Empty collections are created too, so the target lists the same.
		if !slices.Contains(existing, name) {
			if err := o.To.CreateCollection(ctx, name); err != nil {
				return results, fmt.Errorf("db copy: create %s: %w", name, err)
			}
		}
		r, err := copyCollection(ctx, o, name)
		if err != nil {
			return results, err
		}
		results = append(results, r)
	}
	// Collections an earlier run from this source copied and the source no
	// longer has are emptied; those of a foreign database (--force) are left.
	for _, name := range existing {
		if resumed && !slices.Contains(names, name) {
			res, err := o.To.Collection(name).DeleteMany(ctx, bson.D{})
			if err != nil {
				return results, fmt.Errorf("db copy: empty %s: %w", name, err)
			}
			results = append(results, CopyResult{Name: name, Deleted: res.DeletedCount, SHA256: docSums(nil).sum()})
		}
	}
	if err := verifyCopy(ctx, o, results); err != nil {
		return results, err
	}
	if _, err := markers.UpdateOne(ctx, bson.D{{Key: "_id", Value: "marker"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "finished_at", Value: o.Now().UTC()}}}}); err != nil {
		return results, fmt.Errorf("db copy: write marker: %w", err)
	}
	return results, nil
}

// checkTarget refuses a target with documents unless it was filled by a
// copy from the same source (a re-run: resumed) or Force is set.
func checkTarget(ctx context.Context, o CopyOptions) (resumed bool, err error) {
	var m marker
	err = o.To.Collection(copyMarker).FindOne(ctx, bson.D{{Key: "_id", Value: "marker"}}).Decode(&m)
	switch {
	case err == nil && m.Source == o.Source:
		return true, nil
	case err != nil && !errors.Is(err, mongo.ErrNoDocuments):
		return false, fmt.Errorf("db copy: read the target: %w", err)
	case o.Force:
		return false, nil
	}
	names, err := collectionNames(ctx, o.To)
	if err != nil {
		return false, err
	}
	var full []string
	for _, name := range names {
		n, err := o.To.Collection(name).CountDocuments(ctx, bson.D{})
		if err != nil {
			return false, fmt.Errorf("db copy: count %s in the target: %w", name, err)
		}
		if n > 0 {
			full = append(full, name)
		}
	}
	if len(full) == 0 {
		return false, nil
	}
	from := ""
	if m.Source != "" {
		from = fmt.Sprintf(" (copied from %s)", m.Source)
	}
	return false, fmt.Errorf("db copy: %w%s: %v; add --force to copy over it", ErrTargetHasData, from, full)
}

// collectionNames lists the collections to copy, sorted, without the marker.
func collectionNames(ctx context.Context, db *mongo.Database) ([]string, error) {
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("db copy: list collections of %s: %w", db.Name(), err)
	}
	names = slices.DeleteFunc(names, func(n string) bool { return n == copyMarker })
	slices.Sort(names)
	return names, nil
}

// idKey is a map key for an _id of any type.
func idKey(doc bson.Raw) (string, bson.RawValue, error) {
	v, err := doc.LookupErr("_id")
	if err != nil {
		return "", v, fmt.Errorf("document without _id: %w", err)
	}
	return string(rune(v.Type)) + string(v.Value), v, nil
}

// collectionHashes reads every document of col: its hash by _id, and the
// checksum of the whole collection.
func collectionHashes(ctx context.Context, col *mongo.Collection) (map[string][32]byte, docSums, error) {
	cur, err := col.Find(ctx, bson.D{}, byID())
	if err != nil {
		return nil, nil, fmt.Errorf("db copy: read %s: %w", col.Name(), err)
	}
	defer cur.Close(ctx)
	out := map[string][32]byte{}
	var sums docSums
	for cur.Next(ctx) {
		k, _, err := idKey(cur.Current)
		if err != nil {
			return nil, nil, fmt.Errorf("db copy: %s: %w", col.Name(), err)
		}
		sums.add(cur.Current)
		out[k] = sums[len(sums)-1]
	}
	if err := cur.Err(); err != nil {
		return nil, nil, fmt.Errorf("db copy: read %s: %w", col.Name(), err)
	}
	return out, sums, nil
}

func copyCollection(ctx context.Context, o CopyOptions, name string) (CopyResult, error) {
	r := CopyResult{Name: name}
	dst := o.To.Collection(name)
	have, _, err := collectionHashes(ctx, dst)
	if err != nil {
		return r, err
	}
	var sums docSums
	var batch []mongo.WriteModel
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := dst.BulkWrite(ctx, batch, options.BulkWrite().SetOrdered(false)); err != nil {
			return fmt.Errorf("db copy: write %s: %w", name, err)
		}
		r.Written += int64(len(batch))
		batch = batch[:0]
		o.Progress(name, r.Count)
		return nil
	}
	err = o.From.Each(ctx, name, func(raw bson.Raw) error {
		doc := slices.Clone(raw)
		k, id, err := idKey(doc)
		if err != nil {
			return fmt.Errorf("db copy: %s: %w", name, err)
		}
		sums.add(doc)
		r.Count++
		h, ok := have[k]
		delete(have, k)
		switch {
		case ok && bytes.Equal(h[:], sums[len(sums)-1][:]):
			return nil
		case ok:
			batch = append(batch, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).SetReplacement(doc))
		default:
			// Not in the target when the run started: a plain insert, which
			// the embedded engine does without the full scan of an upsert.
			batch = append(batch, mongo.NewInsertOneModel().SetDocument(doc))
		}
		if len(batch) >= o.BatchSize {
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
	// What the target has beyond the source: left by a run before the
	// source deleted it.
	if len(have) > 0 {
		ids, err := targetIDs(ctx, dst, have)
		if err != nil {
			return r, err
		}
		for chunk := range slices.Chunk(ids, o.BatchSize) {
			res, err := dst.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: chunk}}}})
			if err != nil {
				return r, fmt.Errorf("db copy: delete from %s: %w", name, err)
			}
			r.Deleted += res.DeletedCount
		}
	}
	return r, nil
}

// targetIDs returns the _id values of the target's documents whose keys are in keys.
func targetIDs(ctx context.Context, col *mongo.Collection, keys map[string][32]byte) ([]any, error) {
	cur, err := col.Find(ctx, bson.D{}, byID().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("db copy: read %s: %w", col.Name(), err)
	}
	defer cur.Close(ctx)
	var ids []any
	for cur.Next(ctx) {
		k, id, err := idKey(cur.Current)
		if err != nil {
			return nil, err
		}
		if _, ok := keys[k]; ok {
			ids = append(ids, id)
		}
	}
	return ids, cur.Err()
}

// verifyCopy reads the target again and compares each collection's count
// and checksum with the source's.
func verifyCopy(ctx context.Context, o CopyOptions, results []CopyResult) error {
	var problems []error
	for _, r := range results {
		_, sums, err := collectionHashes(ctx, o.To.Collection(r.Name))
		if err != nil {
			return err
		}
		switch {
		case int64(len(sums)) != r.Count:
			problems = append(problems, fmt.Errorf("%s: %d documents in the target, %d in the source", r.Name, len(sums), r.Count))
		case sums.sum() != r.SHA256:
			problems = append(problems, fmt.Errorf("%s: checksums differ", r.Name))
		}
	}
	if err := errors.Join(problems...); err != nil {
		return fmt.Errorf("db copy: verification failed: %w", err)
	}
	return nil
}
