package store

import (
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Sentinel errors; the API maps them to status codes in one place.
var (
	ErrNotFound  = errors.New("not found")
	ErrDuplicate = errors.New("already exists")
	ErrConflict  = errors.New("changed by someone else")
)

// wrap maps driver errors to the sentinels and adds what was being done.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("store: %s: %w", op, ErrNotFound)
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("store: %s: %w", op, ErrDuplicate)
	default:
		return fmt.Errorf("store: %s: %w", op, err)
	}
}
