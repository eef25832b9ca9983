package lite

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

var updateOps = map[string]bool{
	"$set": true, "$unset": true, "$inc": true, "$push": true, "$pull": true,
	"$pullAll": true, "$addToSet": true, "$setOnInsert": true,
}

// checkUpdate rejects what apply cannot do, before anything is written.
func checkUpdate(upd bson.D) error {
	if len(upd) == 0 {
		return fmt.Errorf("lite: empty update: %w", coll.ErrUnsupported)
	}
	for _, op := range upd {
		if !updateOps[op.Key] {
			return fmt.Errorf("lite: update operator %q: %w", op.Key, coll.ErrUnsupported)
		}
		fields, ok := op.Value.(bson.D)
		if !ok {
			return fmt.Errorf("lite: %s needs a document: %w", op.Key, coll.ErrUnsupported)
		}
		for _, f := range fields {
			if f.Key == "" || strings.HasPrefix(f.Key, "$") {
				return fmt.Errorf("lite: %s on %q: %w", op.Key, f.Key, coll.ErrUnsupported)
			}
			if op.Key == "$push" || op.Key == "$addToSet" {
				if d, ok := isOpDoc(f.Value); ok {
					if len(d) != 1 || d[0].Key != "$each" {
						return fmt.Errorf("lite: %s modifiers other than $each: %w", op.Key, coll.ErrUnsupported)
					}
					if _, ok := d[0].Value.(bson.A); !ok {
						return fmt.Errorf("lite: $each needs an array: %w", coll.ErrUnsupported)
					}
				}
			}
			if op.Key == "$pullAll" {
				if _, ok := f.Value.(bson.A); !ok {
					return fmt.Errorf("lite: $pullAll needs an array: %w", coll.ErrUnsupported)
				}
			}
		}
	}
	return nil
}

// apply applies a canonical update to doc (which it may modify) and returns
// the new document. inserting applies $setOnInsert too.
func apply(m *matcher, doc bson.D, upd bson.D, inserting bool) (bson.D, error) {
	oldID, hadID := lookup(doc, "_id")
	// Like MongoDB 5.0 and later, fields are processed in the lexicographic
	// order of their paths (numeric parts in numeric order), whatever the
	// operator, so new fields land in that order.
	type step struct {
		op string
		f  bson.E
	}
	var steps []step
	for _, op := range upd {
		for _, f := range op.Value.(bson.D) {
			steps = append(steps, step{op.Key, f})
		}
	}
	sort.SliceStable(steps, func(i, j int) bool { return pathLess(steps[i].f.Key, steps[j].f.Key) })
	var v any = doc
	var err error
	for _, st := range steps {
		f := st.f
		parts := strings.Split(f.Key, ".")
		switch st.op {
		case "$set":
			v, err = setPath(v, parts, f.Value)
		case "$setOnInsert":
			if inserting {
				v, err = setPath(v, parts, f.Value)
			}
		case "$unset":
			v = unsetPath(v, parts)
		case "$inc":
			cur, ok := lookup(v.(bson.D), f.Key)
			var n any
			if n, err = add(cur, ok, f.Value); err == nil {
				v, err = setPath(v, parts, n)
			}
		default:
			v, err = arrayOp(m, v, parts, st.op, f.Value)
		}
		if err != nil {
			return nil, fmt.Errorf("lite: %s %s: %w", st.op, f.Key, err)
		}
	}
	out := v.(bson.D)
	newID, hasID := lookup(out, "_id")
	if hadID && (!hasID || compare(oldID, newID) != 0 || typeOrder(oldID) != typeOrder(newID)) {
		return nil, fmt.Errorf("lite: an update may not change _id: %w", coll.ErrUnsupported)
	}
	return out, nil
}

func pathLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] == pb[i] {
			continue
		}
		na, errA := strconv.Atoi(pa[i])
		nb, errB := strconv.Atoi(pb[i])
		if errA == nil && errB == nil {
			return na < nb
		}
		return pa[i] < pb[i]
	}
	return len(pa) < len(pb)
}

// setPath sets parts in the container v (a document or an array) and
// returns the container, creating documents on the way like MongoDB.
func setPath(v any, parts []string, val any) (any, error) {
	switch t := v.(type) {
	case bson.D:
		for i, e := range t {
			if e.Key != parts[0] {
				continue
			}
			if len(parts) == 1 {
				t[i].Value = val
				return t, nil
			}
			nv, err := setPath(e.Value, parts[1:], val)
			if err != nil {
				return nil, err
			}
			t[i].Value = nv
			return t, nil
		}
		if len(parts) == 1 {
			return append(t, bson.E{Key: parts[0], Value: val}), nil
		}
		nv, err := setPath(bson.D{}, parts[1:], val)
		if err != nil {
			return nil, err
		}
		return append(t, bson.E{Key: parts[0], Value: nv}), nil
	case bson.A:
		i, err := strconv.Atoi(parts[0])
		if err != nil || i < 0 {
			return nil, fmt.Errorf("cannot create field %q in an array: %w", parts[0], coll.ErrUnsupported)
		}
		for len(t) <= i {
			t = append(t, nil)
		}
		if len(parts) == 1 {
			t[i] = val
			return t, nil
		}
		next := t[i]
		if next == nil {
			next = bson.D{}
		}
		nv, err := setPath(next, parts[1:], val)
		if err != nil {
			return nil, err
		}
		t[i] = nv
		return t, nil
	}
	return nil, fmt.Errorf("cannot create field %q in a %T: %w", parts[0], v, coll.ErrUnsupported)
}

func unsetPath(v any, parts []string) any {
	switch t := v.(type) {
	case bson.D:
		for i, e := range t {
			if e.Key != parts[0] {
				continue
			}
			if len(parts) == 1 {
				return append(t[:i:i], t[i+1:]...)
			}
			t[i].Value = unsetPath(e.Value, parts[1:])
			return t
		}
	case bson.A:
		i, err := strconv.Atoi(parts[0])
		if err != nil || i < 0 || i >= len(t) {
			return t
		}
		if len(parts) == 1 {
			t[i] = nil // MongoDB leaves a null in the array
			return t
		}
		t[i] = unsetPath(t[i], parts[1:])
	}
	return v
}

// add is $inc: int32 grows into int64 on overflow, a double makes a double.
func add(cur any, exists bool, n any) (any, error) {
	if _, ok := toFloat(n); !ok {
		return nil, fmt.Errorf("$inc needs a number: %w", coll.ErrUnsupported)
	}
	if !exists || cur == nil && !exists {
		return n, nil
	}
	if _, ok := toFloat(cur); !ok {
		return nil, fmt.Errorf("$inc on a non-number: %w", coll.ErrUnsupported)
	}
	a, aInt := asInt(cur)
	b, bInt := asInt(n)
	if aInt && bInt {
		s := a + b
		_, a32 := cur.(int32)
		_, b32 := n.(int32)
		if a32 && b32 && s >= math.MinInt32 && s <= math.MaxInt32 {
			return int32(s), nil
		}
		return s, nil
	}
	fa, _ := toFloat(cur)
	fb, _ := toFloat(n)
	return fa + fb, nil
}

// arrayOp applies $push, $addToSet, $pull and $pullAll.
func arrayOp(m *matcher, v any, parts []string, op string, arg any) (any, error) {
	path := strings.Join(parts, ".")
	cur, exists := lookup(v.(bson.D), path)
	arr, isArr := cur.(bson.A)
	if exists && !isArr {
		return nil, fmt.Errorf("%s on a non-array: %w", op, coll.ErrUnsupported)
	}
	switch op {
	case "$push", "$addToSet":
		items := bson.A{arg}
		if d, ok := isOpDoc(arg); ok {
			items = d[0].Value.(bson.A)
		}
		out := append(bson.A{}, arr...)
		for _, it := range items {
			if op == "$addToSet" && contains(out, it) {
				continue
			}
			out = append(out, it)
		}
		if exists && len(out) == len(arr) {
			return v, nil
		}
		return setPath(v, parts, out)
	case "$pull", "$pullAll":
		if !exists {
			return v, nil
		}
		out := bson.A{}
		for _, e := range arr {
			var drop bool
			if op == "$pullAll" {
				drop = contains(arg.(bson.A), e)
			} else {
				var err error
				if drop, err = pulls(m, e, arg); err != nil {
					return nil, err
				}
			}
			if !drop {
				out = append(out, e)
			}
		}
		return setPath(v, parts, out)
	}
	return nil, fmt.Errorf("update operator %s: %w", op, coll.ErrUnsupported)
}

// pulls tells whether $pull's condition takes element e.
func pulls(m *matcher, e any, cond any) (bool, error) {
	if ops, ok := isOpDoc(cond); ok {
		return m.match(bson.D{{Key: "v", Value: e}}, bson.D{{Key: "v", Value: ops}})
	}
	if q, ok := cond.(bson.D); ok {
		d, isDoc := e.(bson.D)
		if !isDoc {
			return false, nil
		}
		return m.match(d, q)
	}
	return eqValue(e, cond), nil
}

func contains(arr bson.A, v any) bool {
	for _, e := range arr {
		if eqValue(e, v) && (v != nil || e == nil) {
			return true
		}
	}
	return false
}

// upsertDoc builds the document an upsert inserts: the filter's equalities
// (top level and inside $and, $eq and one-value $in), like MongoDB.
func upsertDoc(filter bson.D) (bson.D, error) {
	var doc any = bson.D{}
	var walk func(f bson.D) error
	walk = func(f bson.D) error {
		for _, e := range f {
			switch {
			case e.Key == "$and":
				subs, err := subFilters(e)
				if err != nil {
					return err
				}
				for _, s := range subs {
					if err := walk(s); err != nil {
						return err
					}
				}
				continue
			case strings.HasPrefix(e.Key, "$"):
				continue
			}
			val, set := e.Value, true
			if ops, ok := isOpDoc(e.Value); ok {
				set = false
				for _, op := range ops {
					if op.Key == "$eq" {
						val, set = op.Value, true
					}
					if arr, ok := op.Value.(bson.A); ok && op.Key == "$in" && len(arr) == 1 {
						val, set = arr[0], true
					}
				}
			}
			if set {
				var err error
				if doc, err = setPath(doc, strings.Split(e.Key, "."), val); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(filter); err != nil {
		return nil, fmt.Errorf("lite: upsert: %w", err)
	}
	return doc.(bson.D), nil
}

// idFirst puts _id first, generating an ObjectID when there is none.
func idFirst(doc bson.D) bson.D {
	for i, e := range doc {
		if e.Key == "_id" {
			if i == 0 {
				return doc
			}
			out := append(bson.D{e}, doc[:i]...)
			return append(out, doc[i+1:]...)
		}
	}
	return append(bson.D{{Key: "_id", Value: bson.NewObjectID()}}, doc...)
}
