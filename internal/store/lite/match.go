package lite

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// matcher evaluates a canonical MongoDB filter on a decoded document, with
// MongoDB's semantics for missing fields, nulls, arrays and type brackets.
type matcher struct {
	res map[string]*regexp.Regexp
}

func newMatcher() *matcher { return &matcher{res: map[string]*regexp.Regexp{}} }

// match tells whether doc satisfies filter.
func (m *matcher) match(doc bson.D, filter bson.D) (bool, error) {
	for _, e := range filter {
		ok, err := m.matchElem(doc, e)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func (m *matcher) matchElem(doc bson.D, e bson.E) (bool, error) {
	switch e.Key {
	case "$and", "$or", "$nor":
		subs, err := subFilters(e)
		if err != nil {
			return false, err
		}
		for _, sub := range subs {
			ok, err := m.match(doc, sub)
			if err != nil {
				return false, err
			}
			switch {
			case e.Key == "$and" && !ok:
				return false, nil
			case e.Key == "$or" && ok:
				return true, nil
			case e.Key == "$nor" && ok:
				return false, nil
			}
		}
		return e.Key != "$or", nil
	}
	if strings.HasPrefix(e.Key, "$") {
		return false, fmt.Errorf("lite: query operator %s: %w", e.Key, coll.ErrUnsupported)
	}
	leaves := collect(doc, strings.Split(e.Key, "."), nil)
	ops, isOps := isOpDoc(e.Value)
	if !isOps {
		return m.eqAny(leaves, e.Value)
	}
	var options string
	for _, op := range ops {
		if op.Key == "$options" {
			options, _ = op.Value.(string)
		}
	}
	for _, op := range ops {
		var ok bool
		var err error
		switch op.Key {
		case "$eq":
			ok, err = m.eqAny(leaves, op.Value)
		case "$ne":
			ok, err = m.eqAny(leaves, op.Value)
			ok = !ok
		case "$in", "$nin":
			arr, isArr := op.Value.(bson.A)
			if !isArr {
				return false, fmt.Errorf("lite: %s needs an array: %w", op.Key, coll.ErrUnsupported)
			}
			for _, v := range arr {
				if ok, err = m.eqAny(leaves, v); ok || err != nil {
					break
				}
			}
			if op.Key == "$nin" {
				ok = !ok
			}
		case "$gt", "$gte", "$lt", "$lte":
			ok = cmpAny(leaves, op.Key, op.Value)
		case "$exists":
			for _, l := range leaves {
				if l != missing {
					ok = true
				}
			}
			if !truthy(op.Value) {
				ok = !ok
			}
		case "$regex":
			var re *regexp.Regexp
			switch r := op.Value.(type) {
			case string:
				re, err = m.regex(r, options)
			case bson.Regex:
				o := r.Options
				if options != "" {
					o = options
				}
				re, err = m.regex(r.Pattern, o)
			default:
				err = fmt.Errorf("lite: $regex needs a string: %w", coll.ErrUnsupported)
			}
			if err == nil {
				ok = regexAny(leaves, re)
			}
		case "$options":
			ok = true
		default:
			return false, fmt.Errorf("lite: query operator %s: %w", op.Key, coll.ErrUnsupported)
		}
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func (m *matcher) regex(pattern, options string) (*regexp.Regexp, error) {
	key := options + "/" + pattern
	if re := m.res[key]; re != nil {
		return re, nil
	}
	re, err := compileRegex(pattern, options)
	if err != nil {
		return nil, err
	}
	m.res[key] = re
	return re, nil
}

// collect appends the values a dotted path reaches in v, MongoDB style:
// through documents, into each document of an array (and by position for a
// numeric part); missing where the path leads nowhere.
func collect(v any, parts []string, out []any) []any {
	if len(parts) == 0 {
		return append(out, v)
	}
	switch t := v.(type) {
	case bson.D:
		for _, e := range t {
			if e.Key == parts[0] {
				return collect(e.Value, parts[1:], out)
			}
		}
		return append(out, missing)
	case bson.A:
		n := len(out)
		if i, err := strconv.Atoi(parts[0]); err == nil && i >= 0 && i < len(t) {
			out = collect(t[i], parts[1:], out)
		}
		for _, e := range t {
			if d, ok := e.(bson.D); ok {
				out = collect(d, parts, out)
			}
		}
		if len(out) == n {
			out = append(out, missing)
		}
		return out
	}
	return append(out, missing)
}

// eqAny: some leaf equals v (an array leaf: itself or one of its elements).
func (m *matcher) eqAny(leaves []any, v any) (bool, error) {
	if r, ok := v.(bson.Regex); ok {
		re, err := m.regex(r.Pattern, r.Options)
		if err != nil {
			return false, err
		}
		return regexAny(leaves, re), nil
	}
	for _, l := range leaves {
		if eqValue(l, v) {
			return true, nil
		}
		if arr, ok := l.(bson.A); ok {
			for _, e := range arr {
				if eqValue(e, v) {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

func eqValue(l, v any) bool {
	if v == nil {
		return l == nil || l == missing
	}
	if l == missing || typeOrder(l) != typeOrder(v) {
		return false
	}
	return compare(l, v) == 0
}

// cmpAny: some leaf (or element of an array leaf) compares as op with v,
// within v's type bracket.
func cmpAny(leaves []any, op string, v any) bool {
	test := func(l any) bool {
		if v == nil {
			return (op == "$gte" || op == "$lte") && (l == nil || l == missing)
		}
		if l == missing || typeOrder(l) != typeOrder(v) {
			return false
		}
		c := compare(l, v)
		switch op {
		case "$gt":
			return c > 0
		case "$gte":
			return c >= 0
		case "$lt":
			return c < 0
		}
		return c <= 0
	}
	for _, l := range leaves {
		if arr, ok := l.(bson.A); ok {
			for _, e := range arr {
				if test(e) {
					return true
				}
			}
			if _, vArr := v.(bson.A); !vArr {
				continue
			}
		}
		if test(l) {
			return true
		}
	}
	return false
}

func regexAny(leaves []any, re *regexp.Regexp) bool {
	for _, l := range leaves {
		switch t := l.(type) {
		case string:
			if re.MatchString(t) {
				return true
			}
		case bson.A:
			for _, e := range t {
				if s, ok := e.(string); ok && re.MatchString(s) {
					return true
				}
			}
		}
	}
	return false
}
