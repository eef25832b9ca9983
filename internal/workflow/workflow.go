// Package workflow owns every write of the team's records. Each method takes
// the signed-in user and the input, loads what the change needs, checks that
// the user may make it, applies the rules from model, writes through the
// store's version-guarded writes, and so runs the after-write effects: the
// store's own (audit entry, dashboard counters, copied names; store/change.go)
// and the domain's (effects.go). The API, the mail sync, the demo loader and
// the CLI all write through it; the store only stores.
package workflow

import (
	"github.com/alianza-pe/alianza/internal/store"
)

// Flows runs the write workflows on one store.
type Flows struct {
	st *store.Store
}

// New returns the workflows of st and adds the domain's after-write effects
// to st's hooks. Call it once per store, while wiring the program.
func New(st *store.Store) *Flows {
	f := &Flows{st: st}
	st.OnChange(f.afterWrite)
	return f
}
