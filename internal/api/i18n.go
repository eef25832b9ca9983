package api

import (
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/words"
	"github.com/gofiber/fiber/v2"
)

// lang is the caller's language for messages, from Accept-Language
// (Spanish by default).
func lang(c *fiber.Ctx) words.Lang {
	return words.Choose(c.AcceptsLanguages(words.Langs...))
}

// localize sets the code and the caller's wording of each field error.
func localize(errs []model.FieldError, lng words.Lang) []model.FieldError {
	out := make([]model.FieldError, len(errs))
	for i, fe := range errs {
		out[i] = fe
		format, args := fe.Format()
		code, msg, ok := words.FieldMessage(format, args, lng)
		if !ok {
			// A format without wording: keep it, with a generic code.
			if out[i].Code == "" {
				out[i].Code = "invalid"
			}
			continue
		}
		out[i].Code, out[i].Message = code, msg
	}
	return out
}

// coded is the problem of status with code (internal/words/catalog.json's
// "problems") and its wording in the caller's language, formatted with
// args. Every problem the API answers carries a code with wording in both
// languages (TestProblemCodesHaveBothLanguages).
func coded(c *fiber.Ctx, status int, code string, args ...any) *Problem {
	msg := words.Problems.In(code, lang(c))
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	p := problem(status, msg)
	p.Code = code
	return p
}

// statusProblem is the problem of a sentinel error's status (not found,
// conflict, ...), with its code and wording in the caller's language.
func statusProblem(c *fiber.Ctx, status int) *Problem {
	w, ok := words.StatusDetails[status]
	if !ok {
		w = words.StatusDetails[fiber.StatusInternalServerError]
	}
	p := problem(status, w.In(lang(c)))
	p.Code = w.Code
	return p
}

// codedStatus answers status with code and its wording, about no one field.
func codedStatus(c *fiber.Ctx, status int, code string) error {
	return sendProblem(c, coded(c, status, code))
}

// codedProblem answers status with code and its wording, on field.
func codedProblem(c *fiber.Ctx, status int, code, field string) error {
	p := coded(c, status, code)
	p.Errors = []model.FieldError{{Field: field, Code: code, Message: p.Detail}}
	return sendProblem(c, p)
}
