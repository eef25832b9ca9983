package store

import (
	"errors"
	"fmt"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// Sentinel errors; the API maps them to status codes in one place.
// ErrNotFound and ErrDuplicate are the collection interface's own, so that
// errors.Is matches them whichever implementation answered.
var (
	ErrNotFound  = coll.ErrNotFound
	ErrDuplicate = coll.ErrDuplicate
	// ErrUnwritable: a full disk or a read-only database refused a write.
	ErrUnwritable = coll.ErrUnwritable
	ErrConflict   = errors.New("changed by someone else")
)

// wrap adds what was being done to an error of the collection interface; a
// duplicate key becomes ErrDuplicate alone, without the database's message.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrDuplicate):
		return fmt.Errorf("store: %s: %w", op, ErrDuplicate)
	default:
		return fmt.Errorf("store: %s: %w", op, err)
	}
}
