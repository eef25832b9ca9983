package api

import (
	"errors"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

// statusOf is the status errorHandler will answer for err.
func statusOf(err error) int {
	var (
		p  *Problem
		ve *model.ValidationError
		fe *fiber.Error
	)
	switch {
	case errors.As(err, &p):
		return p.Status
	case errors.As(err, &ve):
		return fiber.StatusUnprocessableEntity
	case errors.Is(err, auth.ErrUnauthenticated):
		return fiber.StatusUnauthorized
	case errors.Is(err, auth.ErrForbidden):
		return fiber.StatusForbidden
	case errors.Is(err, store.ErrNotFound):
		return fiber.StatusNotFound
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrDuplicate):
		return fiber.StatusConflict
	case errors.Is(err, store.ErrUnwritable):
		return fiber.StatusServiceUnavailable
	case errors.Is(err, store.ErrBadCursor):
		return fiber.StatusBadRequest
	case errors.As(err, &fe):
		return fe.Code
	}
	return fiber.StatusInternalServerError
}
