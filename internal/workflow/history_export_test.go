package workflow

import (
	"context"

	"github.com/alianza-pe/alianza/internal/store"
)

// CheckHistory runs ImportHistory's checks alone.
func (f *Flows) CheckHistory(ctx context.Context, d store.Dataset) error {
	return f.checkHistory(ctx, d)
}
