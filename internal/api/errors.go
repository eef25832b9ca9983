package api

import (
	"errors"
	"net/http"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type     string             `json:"type"`
	Title    string             `json:"title"`
	Status   int                `json:"status"`
	Detail   string             `json:"detail,omitempty"`
	Instance string             `json:"instance,omitempty"`
	Code     string             `json:"code,omitempty"`
	Errors   []model.FieldError `json:"errors,omitempty"`
}

func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

// problem builds a Problem for status with a human detail.
func problem(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

func badRequest(detail string) *Problem { return problem(fiber.StatusBadRequest, detail) }

// invalid answers 422 for one field; format is the English wording (see
// fieldTexts for the caller's language).
func invalid(field, format string, args ...any) error {
	var p model.Problems
	p.Add(field, format, args...)
	return p.Err()
}

// sendProblem writes p. Handlers behind the login throttle call it directly
// so the throttle sees the status before the error handler would set it.
func sendProblem(c *fiber.Ctx, p *Problem) error {
	if p.Instance == "" {
		p.Instance = c.Path()
	}
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	if p.Status == fiber.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="alianza"`)
	}
	return c.JSON(p, "application/problem+json")
}

// errorHandler is the one place errors become responses.
func (a *API) errorHandler(c *fiber.Ctx, err error) error {
	var (
		p   *Problem
		ve  *model.ValidationError
		fe  *fiber.Error
		out *Problem
	)
	status := statusOf(err)
	switch {
	case errors.As(err, &p):
		out = p
	case errors.As(err, &ve):
		out = coded(c, status, "validation")
		out.Errors = localize(ve.Errors, lang(c))
	case errors.As(err, &fe):
		out = fiberProblem(c, fe)
	case errors.Is(err, store.ErrUnwritable):
		// A full disk: nothing was kept (the audit entry shares the
		// change's transaction) and the same save works once space is freed.
		out = coded(c, status, "storage_unwritable")
	case errors.Is(err, store.ErrAuditFailed):
		out = coded(c, status, "audit_failed")
	case errors.Is(err, store.ErrDuplicate):
		out = coded(c, status, "duplicate")
	default:
		out = statusProblem(c, status)
	}
	if out.Status >= 500 {
		a.log.ErrorContext(c.UserContext(), "request failed", "request_id", requestID(c),
			"method", c.Method(), "path", c.Path(), "err", err)
	}
	return sendProblem(c, out)
}

// fiberProblem is the problem of an error the router or a middleware
// returned, in the caller's language; fiber's own English message is left
// out.
func fiberProblem(c *fiber.Ctx, fe *fiber.Error) *Problem {
	switch fe.Code {
	case fiber.StatusNotFound:
		return coded(c, fe.Code, "no_route")
	case fiber.StatusRequestEntityTooLarge:
		return coded(c, fe.Code, "body_too_large")
	case fiber.StatusMethodNotAllowed:
		return coded(c, fe.Code, "method_not_allowed")
	case fiber.StatusRequestTimeout:
		return coded(c, fe.Code, "timeout")
	}
	if fe.Code >= 500 {
		return statusProblem(c, fe.Code)
	}
	return coded(c, fe.Code, "request_refused")
}
