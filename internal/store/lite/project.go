package lite

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// projection is an inclusion (or, when exclude, an exclusion) projection
// as a tree of paths; all marks a path taken (or dropped) whole.
type projection struct {
	all     bool
	exclude bool
	kids    map[string]*projection
}

func newProjection(p bson.D) (*projection, error) {
	if len(p) == 0 {
		return nil, nil
	}
	p, err := canon(p)
	if err != nil {
		return nil, err
	}
	root := &projection{kids: map[string]*projection{}}
	// MongoDB's projection is all inclusions or all exclusions (_id aside).
	kinds := map[bool]bool{}
	for _, e := range p {
		if e.Key != "_id" {
			kinds[truthy(e.Value)] = true
		}
	}
	if len(kinds) == 2 {
		return nil, fmt.Errorf("lite: projection mixes inclusion and exclusion: %w", coll.ErrUnsupported)
	}
	root.exclude = kinds[false]
	for _, e := range p {
		if e.Key == "_id" {
			continue // _id is always returned
		}
		if _, isDoc := e.Value.(bson.D); isDoc {
			return nil, fmt.Errorf("lite: projection operator on %s: %w", e.Key, coll.ErrUnsupported)
		}
		n := root
		for _, part := range strings.Split(e.Key, ".") {
			if n.all {
				break
			}
			k := n.kids[part]
			if k == nil {
				k = &projection{kids: map[string]*projection{}}
				n.kids[part] = k
			}
			n = k
		}
		n.all, n.kids = true, nil
	}
	return root, nil
}

// apply projects a stored document; _id is always kept.
func (p *projection) apply(raw bson.Raw) (bson.Raw, error) {
	if p == nil {
		return raw, nil
	}
	if p.flat() {
		return p.pick(raw)
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	out := p.doc(d, true)
	return bson.Marshal(out)
}

// flat tells whether p only includes (or only excludes) whole top-level
// fields, the usual projection, which pick answers without decoding the
// document.
func (p *projection) flat() bool {
	for _, k := range p.kids {
		if !k.all {
			return false
		}
	}
	return true
}

// pick copies the elements of raw a flat projection keeps, in their order,
// as they are stored. It walks the elements by their lengths, as a decode
// would, without a slice of them or a check of their contents (a page's
// references read dozens of documents, each of some twenty fields), noting
// where the kept ones lie, so that a small projection of a large document
// allocates what it keeps rather than the document.
func (p *projection) pick(raw bson.Raw) (bson.Raw, error) {
	if len(raw) < 5 {
		return nil, fmt.Errorf("lite: projection: short document")
	}
	var buf [32][]byte // every field of most documents, on the stack
	kept, size := buf[:0], 5
	rest := raw[4 : len(raw)-1]
	for len(rest) > 0 {
		el, next, ok := bsoncore.ReadElement(rest)
		if !ok {
			return nil, fmt.Errorf("lite: projection: malformed document")
		}
		// string(k) in a comparison or a map index does not allocate.
		if k := el.KeyBytes(); string(k) == "_id" || (p.kids[string(k)] != nil) != p.exclude {
			kept, size = append(kept, el), size+len(el)
		}
		rest = next
	}
	out := make([]byte, 4, size)
	for _, el := range kept {
		out = append(out, el...)
	}
	out = append(out, 0)
	binary.LittleEndian.PutUint32(out, uint32(len(out)))
	return out, nil
}

func (p *projection) doc(d bson.D, top bool) bson.D {
	if p.exclude {
		return p.drop(d)
	}
	out := bson.D{}
	for _, e := range d {
		k := p.kids[e.Key]
		switch {
		case top && e.Key == "_id", k != nil && k.all:
			out = append(out, e)
		case k == nil:
		default:
			if v, ok := k.value(e.Value); ok {
				out = append(out, bson.E{Key: e.Key, Value: v})
			}
		}
	}
	return out
}

func (p *projection) value(v any) (any, bool) {
	switch t := v.(type) {
	case bson.D:
		return p.doc(t, false), true
	case bson.A:
		out := bson.A{}
		for _, e := range t {
			if x, ok := p.value(e); ok {
				out = append(out, x)
			}
		}
		return out, true
	}
	return nil, false
}

// drop is doc for an exclusion projection: every path but the listed ones.
func (p *projection) drop(d bson.D) bson.D {
	out := bson.D{}
	for _, e := range d {
		k := p.kids[e.Key]
		switch {
		case k == nil:
			out = append(out, e)
		case k.all:
		default:
			out = append(out, bson.E{Key: e.Key, Value: k.dropValue(e.Value)})
		}
	}
	return out
}

func (p *projection) dropValue(v any) any {
	switch t := v.(type) {
	case bson.D:
		return p.drop(t)
	case bson.A:
		out := bson.A{}
		for _, e := range t {
			out = append(out, p.dropValue(e))
		}
		return out
	}
	return v
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
