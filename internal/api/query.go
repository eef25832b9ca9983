package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// queryParams reads optional query parameters one after another and keeps
// the first invalid one, so a list handler states its filter as a flat list
// of fields and checks a single error at the end. Once a parameter is
// invalid the later ones read as absent: the answer names the same
// parameter as checking each in turn would.
type queryParams struct {
	c   *fiber.Ctx
	err error
}

func queryOf(c *fiber.Ctx) *queryParams { return &queryParams{c: c} }

// value is the raw parameter, or "" after an earlier problem.
func (q *queryParams) value(name string) string {
	if q.err != nil {
		return ""
	}
	return q.c.Query(name)
}

// page reads ?limit= and ?cursor=.
func (q *queryParams) page() store.Page {
	p := store.Page{Cursor: q.value("cursor")}
	if v := q.value("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxLimit {
			q.err = invalid("limit", "must be a whole number from 1 to %d", store.MaxLimit)
			return p
		}
		p.Limit = n
	}
	return p
}

// listPage is the page of a list that can be exported: ?format=csv takes
// every row at once.
func (q *queryParams) listPage() store.Page {
	p := q.page()
	if q.err == nil && wantsCSV(q.c) {
		p = store.Page{All: true}
	}
	return p
}

// checked is v when ok; otherwise it records name's problem and is "".
func (q *queryParams) checked(name, v string, ok bool, format string, args ...any) string {
	if !ok {
		q.err = invalid(name, format, args...)
		return ""
	}
	return v
}

// text reads free text such as a search query, bounded to maxQueryRunes.
func (q *queryParams) text(name string) string {
	v := q.value(name)
	return q.checked(name, v, len([]rune(v)) <= maxQueryRunes, "is too long")
}

// id reads an optional record id.
func (q *queryParams) id(name string) bson.ObjectID {
	v := q.value(name)
	if v == "" {
		return bson.ObjectID{}
	}
	id, err := bson.ObjectIDFromHex(v)
	if err != nil {
		q.err = invalid(name, "must be a 24-character hexadecimal id")
	}
	return id
}

// optBool reads an optional boolean; nil when absent.
func (q *queryParams) optBool(name string) *bool {
	v := q.value(name)
	if v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		q.err = invalid(name, "must be true or false")
		return nil
	}
	return &b
}

// flag reads a boolean that is off unless it says true.
func (q *queryParams) flag(name string) bool {
	b := q.optBool(name)
	return b != nil && *b
}

// region reads an optional region code.
func (q *queryParams) region(name string) string {
	v := strings.ToUpper(strings.TrimSpace(q.value(name)))
	return q.checked(name, v, v == "" || model.ValidRegion(v), "must be a known region code")
}

// enum reads an optional value of e; surrounding spaces are ignored.
func (q *queryParams) enum(name string, e model.Enum) string {
	v := strings.TrimSpace(q.value(name))
	return q.checked(name, v, v == "" || e.Valid(v), "must be one of %s", e)
}

// date reads an optional YYYY-MM-DD date.
func (q *queryParams) date(name string) string {
	v := q.value(name)
	return q.checked(name, v, v == "" || model.ValidDate(v), "must be a date (YYYY-MM-DD)")
}

// dayStart reads an RFC 3339 time or a YYYY-MM-DD date (start of day in Lima).
func (q *queryParams) dayStart(name string) time.Time {
	v := q.value(name)
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC()
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, lima); err == nil {
		return t.UTC()
	}
	q.err = invalid(name, "must be a date (YYYY-MM-DD) or an RFC 3339 time")
	return time.Time{}
}

// dayEnd reads an exclusive upper time bound: a date means up to the end
// of that day in Lima, an RFC 3339 time that instant.
func (q *queryParams) dayEnd(name string) time.Time {
	t := q.dayStart(name)
	if t.IsZero() || !model.ValidDate(q.c.Query(name)) {
		return t
	}
	return t.In(lima).AddDate(0, 0, 1).UTC()
}
