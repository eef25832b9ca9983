package lite

import (
	"fmt"
	"strings"
	"sync"
)

// choices remembers the plan choice (plan) of each find that counted its
// conditions, by planKey, while the collection's write generation (gen)
// stays the same: the counts and the head sample of walkOrDrive cost about
// a third of a common two-word search's page. Only the choice is kept, so
// the answer never depends on it; a write to the collection drops them all.
type choices struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]choice
}

// maxChoices bounds the choices kept per collection (then they start
// over), maxChoiceKey the length of a key kept (a long list of values is
// not).
const (
	maxChoices   = 256
	maxChoiceKey = 4096
)

// get is the choice remembered for key under generation gen.
func (cs *choices) get(key string, gen uint64) (choice, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	ch, ok := cs.m[key]
	return ch, ok && cs.gen == gen
}

// put remembers ch for key, chosen under generation gen.
func (cs *choices) put(key string, gen uint64, ch choice) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.m == nil || cs.gen != gen || len(cs.m) >= maxChoices {
		if gen < cs.gen {
			return // chosen before a newer write: stale
		}
		cs.gen, cs.m = gen, map[string]choice{}
	}
	cs.m[key] = ch
}

// planKey names a find for choices: its compiled conditions and their
// values, sort and limit, and the planner's thresholds.
func (c *Collection) planKey(cq query, order string, limit int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %d %s|%s", limit, c.db.commonRows, c.db.walkSample, order, cq.where)
	for _, a := range cq.args {
		fmt.Fprintf(&b, "|%T:%v", a, a)
	}
	return b.String()
}

// touch marks c written by the write transaction under way: its generation
// moves now and again when the transaction ends (settle), so that a
// choice made while the write was under way, on either side of its
// commit, is never taken afterwards.
func (db *DB) touch(c *Collection) {
	c.gen.Add(1)
	db.written.mu.Lock()
	defer db.written.mu.Unlock()
	for _, x := range db.written.colls {
		if x == c {
			return
		}
	}
	db.written.colls = append(db.written.colls, c)
}

// settle moves the generation of every collection the ended write
// transaction touched.
func (db *DB) settle() {
	db.written.mu.Lock()
	defer db.written.mu.Unlock()
	for _, c := range db.written.colls {
		c.gen.Add(1)
	}
	db.written.colls = db.written.colls[:0]
}
