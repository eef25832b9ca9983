package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// decode reads a JSON body into v, refusing unknown fields, trailing data,
// invalid UTF-8 and control characters in text.
func decode(c *fiber.Ctx, v any) error {
	if !jsonContentType(string(c.Request().Header.ContentType())) {
		p := codedBadRequest(c, "body_not_json_type")
		p.Status, p.Title = fiber.StatusUnsupportedMediaType, http.StatusText(fiber.StatusUnsupportedMediaType)
		return p
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(c.Body()) {
		return codedBadRequest(c, "body_not_utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyProblem(c, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return codedBadRequest(c, "body_one_value")
	}
	return textProblems(v).Err()
}

// bodyProblem is the 400 of a body that does not decode: a stable code and
// the wording in the caller's language (the field named as sent).
func bodyProblem(c *fiber.Ctx, err error) *Problem {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return codedBadRequest(c, "body_not_json", se.Offset)
	case errors.As(err, &te):
		return codedBadRequest(c, "field_type", te.Field)
	case errors.Is(err, io.EOF):
		return codedBadRequest(c, "body_empty")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return codedBadRequest(c, "unknown_field", strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
	default:
		return codedBadRequest(c, "body_not_json_plain")
	}
}

// codedBadRequest is a 400 whose detail is the catalog's problem code in the
// caller's language, formatted with args.
func codedBadRequest(c *fiber.Ctx, code string, args ...any) *Problem {
	return coded(c, fiber.StatusBadRequest, code, args...)
}

// pathID parses the :id route parameter (or another name).
func pathID(c *fiber.Ctx, name string) (bson.ObjectID, error) {
	id, err := bson.ObjectIDFromHex(c.Params(name))
	if err != nil {
		return id, statusProblem(c, fiber.StatusNotFound)
	}
	return id, nil
}

// pathRecord reads the record of the :id path through byID, in the
// caller's scope.
func pathRecord[T any](c *fiber.Ctx, byID func(context.Context, model.Scope, bson.ObjectID) (*T, error)) (*T, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return byID(c.UserContext(), auth.User(c).Scope(), id)
}

// idAndBody reads the :id parameter and then the JSON body: the prelude
// of the handlers that change one record (withIDAndBody when the change
// is one workflow call).
func idAndBody[T any](c *fiber.Ctx) (bson.ObjectID, T, error) {
	var body T
	id, err := pathID(c, "id")
	if err != nil {
		return id, body, err
	}
	return id, body, decode(c, &body)
}

// withBody decodes the body and hands it to do as the signed-in user: the
// prelude of handlers that create a record or change the caller's own.
func withBody[In, R any](c *fiber.Ctx, do func(context.Context, *model.User, In) (*R, error)) (*R, error) {
	var in In
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	return do(c.UserContext(), auth.User(c), in)
}

// withIDAndBody reads the :id parameter and the body, then changes that
// record through change as the signed-in user.
func withIDAndBody[In, R any](c *fiber.Ctx, change func(context.Context, *model.User, bson.ObjectID, In) (*R, error)) (*R, error) {
	id, in, err := idAndBody[In](c)
	if err != nil {
		return nil, err
	}
	return change(c.UserContext(), auth.User(c), id, in)
}

// deleteByID answers a DELETE of the :id record: del removes it as the
// signed-in user, who may not be allowed to; 204 once it is gone.
func deleteByID(c *fiber.Ctx, del func(context.Context, *model.User, bson.ObjectID) error) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := del(c.UserContext(), auth.User(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// lima is the team's time zone; date-only filters mean Lima days.
var lima = model.Lima

// viewAll maps each record to the view the API shows of it.
func viewAll[T, V any](items []T, view func(*T) V) []V {
	out := make([]V, len(items))
	for i := range items {
		out[i] = view(&items[i])
	}
	return out
}

// list is the JSON shape of every list answer.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, NextCursor: next}
}
