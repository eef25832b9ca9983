package store

import (
	"hash/fnv"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// docLocks serialise this process's conditional updates of one document.
// FerretDB 1.24 (SQLite) runs FindOneAndUpdate as read-then-write without
// isolation: two concurrent updates filtered on the same version both
// matched and one history entry was lost (see
// TestChangeCommitmentStatusConcurrent). The embedded engine only serves one
// process, so an in-process lock makes the filter+update atomic there; on
// MongoDB the update is atomic anyway and the lock only costs a little.
var docLocks [64]sync.Mutex

// lockDoc locks the stripe of id and returns the unlock function.
func lockDoc(id bson.ObjectID) func() { return lockKey(string(id[:])) }

// lockKey is lockDoc for documents with string ids (refresh tokens, leases).
func lockKey(key string) func() {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	m := &docLocks[h.Sum32()%uint32(len(docLocks))]
	m.Lock()
	return m.Unlock
}
