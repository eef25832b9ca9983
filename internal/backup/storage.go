package backup

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// EmbeddedSizeWarning is the embedded database size past which the admin
// page suggests moving to MongoDB (`alianza db copy`). The README's
// Performance section measures every screen on the reference dataset up to
// scale 1, a 261 MB file (2,000 stakeholders, 10,000 meetings, 50,000
// messages; scripts/bench-backup): lists, queues, search and timelines stay
// flat and far under 100 ms up to there, and nothing larger was measured.
// The warning comes at 200 MB, before a team leaves the measured range, so
// there is time to plan the move.
const EmbeddedSizeWarning int64 = 200 << 20

// Engines as the storage report names them.
const (
	EngineEmbedded = "embedded"
	EngineMongoDB  = "mongodb"
)

// CollectionCount is one collection's number of documents.
type CollectionCount struct {
	Name      string `json:"name"`
	Documents int64  `json:"documents"`
}

// StorageReport is what the admin Data page shows.
type StorageReport struct {
	Engine        string            `json:"engine"`
	DatabaseBytes int64             `json:"database_bytes"`
	Collections   []CollectionCount `json:"collections"`
	LastBackup    *Status           `json:"last_backup"`
	// SizeWarning is set on the embedded engine past WarningBytes.
	SizeWarning  bool   `json:"size_warning"`
	WarningBytes int64  `json:"warning_bytes"`
	Advice       string `json:"advice,omitempty"` // what to do about the warning
}

// moveAdvice is the advice that comes with the size warning.
const moveAdvice = "Move to MongoDB: stop the server, run alianza db copy --to URI, then start it with ALIANZA_MONGO_URI (README: Backups and moving to MongoDB)."

// Storage reports on the store's database; dataDir is the embedded
// store's data folder, or empty on MongoDB.
func Storage(ctx context.Context, s *store.Store, dataDir string) (StorageReport, error) {
	r := StorageReport{Engine: EngineMongoDB, Collections: []CollectionCount{}, WarningBytes: EmbeddedSizeWarning}
	if lite := s.Embedded(); lite != nil {
		stats, err := lite.Stats(ctx)
		if err != nil {
			return r, fmt.Errorf("storage: %w", err)
		}
		for _, st := range stats {
			r.Collections = append(r.Collections, CollectionCount{Name: st.Name, Documents: st.Docs})
		}
	} else {
		db := s.Database()
		names, err := db.ListCollectionNames(ctx, bson.D{})
		if err != nil {
			return r, fmt.Errorf("storage: list collections: %w", err)
		}
		slices.Sort(names)
		for _, name := range names {
			n, err := db.Collection(name).EstimatedDocumentCount(ctx)
			if err != nil {
				return r, fmt.Errorf("storage: count %s: %w", name, err)
			}
			r.Collections = append(r.Collections, CollectionCount{Name: name, Documents: n})
		}
		var stats bson.M
		if err := db.RunCommand(ctx, bson.D{{Key: "dbStats", Value: 1}}).Decode(&stats); err != nil {
			return r, fmt.Errorf("storage: dbStats: %w", err)
		}
		r.DatabaseBytes = number(stats["storageSize"]) + number(stats["indexSize"])
		return r, nil
	}
	r.Engine = EngineEmbedded
	file := s.Embedded().Path()
	if dataDir != "" {
		file = DBFile(dataDir, "")
	}
	for _, p := range []string{file, file + "-wal"} {
		if st, err := os.Stat(p); err == nil {
			r.DatabaseBytes += st.Size()
		}
	}
	if r.SizeWarning = r.DatabaseBytes > EmbeddedSizeWarning; r.SizeWarning {
		r.Advice = moveAdvice
	}
	if dataDir == "" {
		return r, nil
	}
	st, ok, err := LoadStatus(dataDir)
	if err != nil {
		return r, err
	}
	if ok {
		r.LastBackup = &st
	}
	return r, nil
}

// number reads a dbStats figure, which servers send as int32, int64 or double.
func number(v any) int64 {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}
