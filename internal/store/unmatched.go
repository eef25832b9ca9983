package store

import (
	"context"
	"encoding/hex"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The unmatched senders: the external addresses of unmatched messages, read
// from a tally kept by the message writes (unmatched_tally.go), one
// document per address sorted by one key.

// UnmatchedAddress is an external address of unmatched messages.
type UnmatchedAddress struct {
	Address string    `json:"address"`
	Name    string    `json:"name"`
	Count   int       `json:"count"`
	LastAt  time.Time `json:"last_at"`
}

// unmatchedRead is how many tally rows one read of a page asks for beyond
// the page: the team's own addresses among them are skipped.
const unmatchedRead = 16

// UnmatchedAddresses lists one page of the addresses of unmatched messages
// in scope that internal does not claim (team domains, the mailboxes' own
// addresses): most frequent first, then the latest, then by address. Each
// has the number of messages (failed ones aside), the latest date and the
// name it has in the latest message that names it. Unmatched messages have
// no region, so only a scope with every region sees any (as in
// messageFilter). The page is one range of the tally's sort key; internal
// is applied here, as settings change.
func (s *Store) UnmatchedAddresses(ctx context.Context, scope model.Scope, internal func(addr string) bool, p Page) ([]UnmatchedAddress, string, error) {
	from := ""
	if p.Cursor != "" {
		var after unmatchedCursor
		if err := s.openCursor(unmatchedKind, p.Cursor, &after); err != nil {
			return nil, "", err
		}
		from = tallyKey(int(after.C), after.D, after.A)
	}
	out := []UnmatchedAddress{}
	if !scope.All {
		return out, "", nil
	}
	if err := s.ensureUnmatchedTally(ctx); err != nil {
		return nil, "", err
	}
	want := 0 // every row
	if !p.All {
		want = p.limit() + 1
	}
	for {
		batch := int64(want + unmatchedRead)
		if want == 0 {
			batch = bulkBatch
		}
		var docs []tallyDoc
		opts := coll.FindOptions{Sort: bson.D{{Key: "k", Value: 1}}, Limit: batch}
		if err := s.col(colUnmatched).Find(ctx, bson.D{{Key: "k", Value: bson.D{{Key: "$gt", Value: from}}}}, opts, &docs); err != nil {
			return nil, "", wrap("unmatched addresses", err)
		}
		for _, d := range docs {
			if internal == nil || !internal(d.Address) {
				out = append(out, d.row())
			}
			from = d.Key
			if want > 0 && len(out) == want {
				break
			}
		}
		if int64(len(docs)) < batch || (want > 0 && len(out) == want) {
			break
		}
	}
	if want == 0 || len(out) < want {
		return out, "", nil
	}
	out = out[:want-1]
	last := out[len(out)-1]
	next, err := s.sealCursor(unmatchedKind, unmatchedCursor{C: int64(last.Count), D: last.LastAt.UnixMilli(), A: last.Address})
	return out, next, err
}

// unmatchedKind is the kind of the list's cursors.
const unmatchedKind = "messages/unmatched-addresses"

// unmatchedCursor is the sort key of a row of the list: count, latest
// date in Unix milliseconds, address.
type unmatchedCursor struct {
	C int64  `bson:"c"`
	D int64  `bson:"d"`
	A string `bson:"a"`
}

// tallyKey is the one string whose ascending order is the list's order:
// count descending, latest date (Unix milliseconds) descending, address
// ascending. Both numbers are fixed-width hex, inverted so that larger
// comes first (the date's sign bit flipped first, so dates before 1970
// keep their order), then the address as is (both stores compare strings
// byte by byte, as Go does).
func tallyKey(count int, lastMilli int64, addr string) string {
	var b [16]byte
	putHex := func(at int, v uint64) {
		for i := 7; i >= 0; i-- {
			b[at+i] = byte(v)
			v >>= 8
		}
	}
	putHex(0, ^uint64(count))
	putHex(8, ^(uint64(lastMilli) ^ 1<<63))
	return hex.EncodeToString(b[:]) + addr
}

// tallyDoc is an address's tally: how many unmatched messages (not failed)
// name it, the latest one's date, and the name in the latest message that
// names it (ties: the lowest message id) with that message's date and id.
type tallyDoc struct {
	Address string        `bson:"_id"`
	Key     string        `bson:"k"`
	Count   int           `bson:"count"`
	LastAt  time.Time     `bson:"last_at"`
	Name    string        `bson:"name,omitempty"`
	NameAt  time.Time     `bson:"name_at"`
	NameID  bson.ObjectID `bson:"name_id"`
}

func (d *tallyDoc) row() UnmatchedAddress {
	return UnmatchedAddress{Address: d.Address, Name: d.Name, Count: d.Count, LastAt: d.LastAt.UTC()}
}
