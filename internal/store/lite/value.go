package lite

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// Values inside the package are "canonical": what bson.Unmarshal gives for
// a value inside a bson.D (nil, string, int32, int64, float64, bool,
// bson.ObjectID, bson.DateTime, bson.D, bson.A, and the rarer driver types).
// Filters and updates are canonicalised once (canon) so that the caller's
// own types (time.Time, named string types, []T) compare like stored values.

// canon marshals d and unmarshals it back, so every value takes the type a
// stored document would give it.
func canon(d bson.D) (bson.D, error) {
	if d == nil {
		return bson.D{}, nil
	}
	b, err := bson.Marshal(d)
	if err != nil {
		return nil, err
	}
	var out bson.D
	if err := bson.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// missing stands for a path that leads nowhere in a document.
type missingT struct{}

var missing = missingT{}

// sqlValue encodes a canonical value for a column or member row, keeping
// MongoDB's order within each type. ok is false for values that have no
// column form (documents, arrays, binary, decimals, ...).
func sqlValue(v any) (any, bool) {
	switch t := v.(type) {
	case nil:
		return nil, true
	case string:
		return t, true
	case int32:
		return int64(t), true
	case int64:
		return t, true
	case float64:
		return t, true
	case bool:
		if t {
			return int64(1), true
		}
		return int64(0), true
	case bson.ObjectID:
		return t.Hex(), true
	case bson.DateTime:
		return int64(t), true
	}
	return nil, false
}

// rawSQLValue is sqlValue for a stored document's value.
func rawSQLValue(rv bson.RawValue) (any, bool) {
	switch rv.Type {
	case bson.TypeNull, bson.TypeUndefined:
		return nil, true
	case bson.TypeString:
		return rv.StringValue(), true
	case bson.TypeInt32:
		return int64(rv.Int32()), true
	case bson.TypeInt64:
		return rv.Int64(), true
	case bson.TypeDouble:
		return rv.Double(), true
	case bson.TypeBoolean:
		if rv.Boolean() {
			return int64(1), true
		}
		return int64(0), true
	case bson.TypeObjectID:
		return rv.ObjectID().Hex(), true
	case bson.TypeDateTime:
		return rv.DateTime(), true
	}
	return nil, false
}

// fieldValue reads the single value at a dotted field path of raw. A path
// through an array, or an array or document at the path, is an error: such a
// path must be declared a member.
func fieldValue(raw bson.Raw, path string) (any, error) {
	cur := raw
	parts := strings.Split(path, ".")
	for i, p := range parts {
		rv, err := cur.LookupErr(p)
		if err != nil {
			return nil, nil // missing
		}
		last := i == len(parts)-1
		switch rv.Type {
		case bson.TypeEmbeddedDocument:
			if last {
				return nil, fmt.Errorf("lite: field %q holds a document: %w", path, coll.ErrUnsupported)
			}
			cur = rv.Document()
		case bson.TypeArray:
			return nil, fmt.Errorf("lite: field %q holds an array (declare it a member): %w", path, coll.ErrUnsupported)
		default:
			if !last {
				return nil, nil
			}
			v, ok := rawSQLValue(rv)
			if !ok {
				return nil, fmt.Errorf("lite: field %q holds a %s: %w", path, rv.Type, coll.ErrUnsupported)
			}
			return v, nil
		}
	}
	return nil, nil
}

// memberValues appends to out the values at a member path ("a" or "a/b",
// split into parts): every element of an array, a scalar as a one-element
// array, and through arrays of documents like MongoDB's dotted paths. Nulls
// are left out (equality with null goes to the residual matcher).
func memberValues(rv bson.RawValue, parts []string, path string, out []any) ([]any, error) {
	if len(parts) == 0 {
		switch rv.Type {
		case bson.TypeArray:
			vals, err := rv.Array().Values()
			if err != nil {
				return nil, err
			}
			for _, e := range vals {
				if e.Type == bson.TypeArray || e.Type == bson.TypeEmbeddedDocument {
					return nil, fmt.Errorf("lite: member %q holds nested arrays or documents: %w", path, coll.ErrUnsupported)
				}
				if v, ok := rawSQLValue(e); !ok {
					return nil, fmt.Errorf("lite: member %q holds a %s: %w", path, e.Type, coll.ErrUnsupported)
				} else if v != nil {
					out = append(out, v)
				}
			}
			return out, nil
		case bson.TypeEmbeddedDocument:
			return nil, fmt.Errorf("lite: member %q holds a document: %w", path, coll.ErrUnsupported)
		}
		v, ok := rawSQLValue(rv)
		if !ok {
			return nil, fmt.Errorf("lite: member %q holds a %s: %w", path, rv.Type, coll.ErrUnsupported)
		}
		if v != nil {
			out = append(out, v)
		}
		return out, nil
	}
	switch rv.Type {
	case bson.TypeEmbeddedDocument:
		next, err := rv.Document().LookupErr(parts[0])
		if err != nil {
			return out, nil
		}
		return memberValues(next, parts[1:], path, out)
	case bson.TypeArray:
		vals, err := rv.Array().Values()
		if err != nil {
			return nil, err
		}
		for _, e := range vals {
			if e.Type != bson.TypeEmbeddedDocument {
				continue
			}
			next, err := e.Document().LookupErr(parts[0])
			if err != nil {
				continue
			}
			if out, err = memberValues(next, parts[1:], path, out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// typeOrder is MongoDB's comparison order of BSON types.
func typeOrder(v any) int {
	switch v.(type) {
	case missingT, nil:
		return 1
	case int32, int64, float64, bson.Decimal128:
		return 2
	case string, bson.Symbol:
		return 3
	case bson.D, bson.M:
		return 4
	case bson.A:
		return 5
	case bson.Binary:
		return 6
	case bson.ObjectID:
		return 7
	case bool:
		return 8
	case bson.DateTime:
		return 9
	case bson.Timestamp:
		return 10
	case bson.Regex:
		return 11
	}
	return 12
}

func toFloat(v any) (float64, bool) {
	switch t := v.(type) {
	case int32:
		return float64(t), true
	case int64:
		return float64(t), true
	case float64:
		return t, true
	}
	return 0, false
}

// compare orders two canonical values like MongoDB (type order first,
// then within the type).
func compare(a, b any) int {
	ta, tb := typeOrder(a), typeOrder(b)
	if ta != tb {
		return cmp.Compare(ta, tb)
	}
	switch x := a.(type) {
	case missingT, nil:
		return 0
	case int32, int64, float64:
		ai, aInt := asInt(a)
		bi, bInt := asInt(b)
		if aInt && bInt {
			return cmp.Compare(ai, bi)
		}
		fa, _ := toFloat(a)
		fb, _ := toFloat(b)
		switch {
		case math.IsNaN(fa) && math.IsNaN(fb):
			return 0
		case math.IsNaN(fa):
			return -1
		case math.IsNaN(fb):
			return 1
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	case string:
		return strings.Compare(x, b.(string))
	case bson.ObjectID:
		y := b.(bson.ObjectID)
		return bytes.Compare(x[:], y[:])
	case bool:
		y := b.(bool)
		if x == y {
			return 0
		}
		if !x {
			return -1
		}
		return 1
	case bson.DateTime:
		return cmp.Compare(int64(x), int64(b.(bson.DateTime)))
	case bson.D:
		y, ok := b.(bson.D)
		if !ok {
			return 0
		}
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := cmp.Compare(typeOrder(x[i].Value), typeOrder(y[i].Value)); c != 0 {
				return c
			}
			if c := strings.Compare(x[i].Key, y[i].Key); c != 0 {
				return c
			}
			if c := compare(x[i].Value, y[i].Value); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(x), len(y))
	case bson.A:
		y := b.(bson.A)
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := compare(x[i], y[i]); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(x), len(y))
	case bson.Binary:
		y := b.(bson.Binary)
		if c := cmp.Compare(len(x.Data), len(y.Data)); c != 0 {
			return c
		}
		if c := cmp.Compare(int(x.Subtype), int(y.Subtype)); c != 0 {
			return c
		}
		return bytes.Compare(x.Data, y.Data)
	case bson.Timestamp:
		y := b.(bson.Timestamp)
		if x.T != y.T {
			return cmp.Compare(int64(x.T), int64(y.T))
		}
		return cmp.Compare(int64(x.I), int64(y.I))
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func asInt(v any) (int64, bool) {
	switch t := v.(type) {
	case int32:
		return int64(t), true
	case int64:
		return t, true
	}
	return 0, false
}

// lookup returns a document's value at a dotted path (no array traversal),
// and whether it is there.
func lookup(d bson.D, path string) (any, bool) {
	var cur any = d
	for _, p := range strings.Split(path, ".") {
		switch t := cur.(type) {
		case bson.D:
			found := false
			for _, e := range t {
				if e.Key == p {
					cur, found = e.Value, true
					break
				}
			}
			if !found {
				return nil, false
			}
		case bson.A:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(t) {
				return nil, false
			}
			cur = t[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
