package api

import (
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

// codedStatus answers status with code and its wording, about no one field.
func codedStatus(c *fiber.Ctx, status int, code string) error {
	p := problem(status, words.Problems.In(code, lang(c)))
	p.Code = code
	return sendProblem(c, p)
}

// codedProblem answers status with code and its wording, on field.
func codedProblem(c *fiber.Ctx, status int, code, field string) error {
	msg := words.Problems.In(code, lang(c))
	p := problem(status, msg)
	p.Code = code
	p.Errors = []model.FieldError{{Field: field, Code: code, Message: msg}}
	return sendProblem(c, p)
}
