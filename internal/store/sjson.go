package store

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// This file is kept only to migrate data folders written by the
// FerretDB-based build (issue 19, migrate.go): nothing else in the store
// reads FerretDB's files any more. Its tests stay (sjson_cache_test.go,
// TestSJSONDecodesLikeTheEngine).

// The embedded engine stores each document as "sjson": the document as JSON
// plus a "$s" key holding its schema ({"p": {field: elem}, "$k": [keys in
// order]}, elem = {"t": type, "$s": schema of an object, "i": elems of an
// array, "s": binary subtype, "o": regex options}). ObjectIDs are hex
// strings, dates int64 milliseconds, binary base64. decodeSJSON turns one
// back into the BSON document the engine would have sent, so a page read
// straight from SQLite decodes exactly like one read through the driver.
// It writes the BSON bytes as it scans the JSON, with no map, no bson.D
// and no encoding/json: a page's decoding grew with its documents' fields
// (each a map entry, a boxed value and a second encoding to BSON).

var errSJSON = errors.New("store: unexpected sjson")

// decodeSJSON decodes a stored document, only the top-level fields keep
// accepts (all when keep is nil).
func decodeSJSON(data []byte, keep func(string) bool) (bson.Raw, error) {
	var buf [32]jsonField
	top, err := jsonFields(data, buf[:0])
	if err != nil {
		return nil, err
	}
	i := findField(top, "$s", 0)
	if i < 0 {
		return nil, fmt.Errorf("%w: no schema", errSJSON)
	}
	sch, err := schemaOf(top[i].val)
	if err != nil {
		return nil, err
	}
	top = slices.Delete(top, i, i+1)
	return appendSJSONDoc(make([]byte, 0, len(data)), top, sch, keep)
}

// sjsonSchema is a document's schema as decoding uses it: its keys in
// order, each with its value's schema element (nil: none).
type sjsonSchema struct {
	keys  []string
	elems []*sjsonElem
}

// sjsonElem is a value's schema element: its type, the schema of an
// object, the elements of an array's items, a binary subtype, regex
// options (sorted, as the driver writes them).
type sjsonElem struct {
	typ   string
	doc   *sjsonSchema
	items []*sjsonElem
	sub   byte
	opts  string
}

// sjsonSchemas holds the schemas already parsed, by their JSON text. The
// documents of a collection share schemas (they differ by their arrays'
// lengths), and parsing one took most of a document's decoding. Only
// parsed text is cached, never a document, so nothing can drift from the
// stored data. The cache holds at most sjsonSchemasMaxBytes of schema text
// (parsed, about three times that) and starts over when full; a schema
// longer than sjsonSchemaMaxBytes (a message to hundreds of addresses) is
// parsed each time.
var sjsonSchemas struct {
	sync.Mutex
	m     map[string]*sjsonSchema
	bytes int
}

const (
	sjsonSchemasMaxBytes = 4 << 20
	sjsonSchemaMaxBytes  = 16 << 10
)

// schemaOf is the parsed schema of the JSON object raw.
func schemaOf(raw []byte) (*sjsonSchema, error) {
	sjsonSchemas.Lock()
	sch, ok := sjsonSchemas.m[string(raw)]
	sjsonSchemas.Unlock()
	if ok {
		return sch, nil
	}
	sch, err := parseSJSONSchema(raw)
	if err != nil || len(raw) > sjsonSchemaMaxBytes {
		return sch, err
	}
	sjsonSchemas.Lock()
	if sjsonSchemas.m == nil || sjsonSchemas.bytes+len(raw) > sjsonSchemasMaxBytes {
		sjsonSchemas.m, sjsonSchemas.bytes = make(map[string]*sjsonSchema), 0
	}
	if _, dup := sjsonSchemas.m[string(raw)]; !dup {
		sjsonSchemas.m[string(raw)] = sch
		sjsonSchemas.bytes += len(raw)
	}
	sjsonSchemas.Unlock()
	return sch, nil
}

// parseSJSONSchema parses the schema of a document, {"p": {field: elem},
// "$k": [keys]} or {} for an empty document.
func parseSJSONSchema(raw []byte) (*sjsonSchema, error) {
	var buf [32]jsonField
	parts, err := jsonFields(raw, buf[:0])
	if err != nil {
		return nil, err
	}
	sch := &sjsonSchema{}
	if len(parts) == 0 {
		return sch, nil
	}
	p := findField(parts, "p", 0)
	k := findField(parts, "$k", 0)
	if p < 0 || k < 0 {
		return nil, fmt.Errorf("%w: schema", errSJSON)
	}
	var pbuf [32]jsonField
	props, err := jsonFields(parts[p].val, pbuf[:0])
	if err != nil {
		return nil, err
	}
	pi := 0
	err = jsonEach(parts[k].val, func(raw []byte) error {
		key, err := jsonKey(raw)
		if err != nil {
			return err
		}
		var el *sjsonElem
		// The schemas are stored in the keys' order: the search from
		// the last match finds each at once.
		if pi = findField(props, string(key), pi); pi >= 0 {
			if el, err = parseSJSONElem(props[pi].val); err != nil {
				return err
			}
		} else {
			pi = 0
		}
		sch.keys = append(sch.keys, string(key))
		sch.elems = append(sch.elems, el)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sch, nil
}

// parseSJSONElem parses a value's schema element.
func parseSJSONElem(raw []byte) (*sjsonElem, error) {
	var buf [4]jsonField
	parts, err := jsonFields(raw, buf[:0])
	if err != nil {
		return nil, err
	}
	part := func(name string) []byte {
		if i := findField(parts, name, 0); i >= 0 {
			return parts[i].val
		}
		return nil
	}
	typ, err := jsonKey(part("t"))
	if err != nil {
		return nil, err
	}
	el := &sjsonElem{typ: string(typ)}
	switch el.typ {
	case "object":
		sch := part("$s")
		if sch == nil {
			return nil, fmt.Errorf("%w: object", errSJSON)
		}
		if el.doc, err = parseSJSONSchema(sch); err != nil {
			return nil, err
		}
	case "array":
		if items := part("i"); items != nil {
			el.items = []*sjsonElem{} // an "i" of no items allows none
			err = jsonEach(items, func(raw []byte) error {
				item, err := parseSJSONElem(raw)
				el.items = append(el.items, item)
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("%w: array", errSJSON)
			}
		}
	case "binData":
		sub, err := strconv.ParseUint(string(part("s")), 10, 8)
		if err != nil {
			return nil, fmt.Errorf("%w: binData", errSJSON)
		}
		el.sub = byte(sub)
	case "regex":
		opts, err := jsonKey(part("o"))
		if err != nil || bytes.IndexByte(opts, 0) >= 0 {
			return nil, fmt.Errorf("%w: regex", errSJSON)
		}
		sorted := slices.Clone(opts)
		slices.Sort(sorted) // as the driver writes them
		el.opts = string(sorted)
	}
	return el, nil
}

// appendSJSONDoc appends the BSON document of the JSON object fields whose
// schema is sch; only the fields keep accepts (all when keep is nil), in
// the schema's key order.
func appendSJSONDoc(dst []byte, fields []jsonField, sch *sjsonSchema, keep func(string) bool) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	fi := 0
	for i, key := range sch.keys {
		if keep != nil && !keep(key) {
			continue
		}
		// The fields are stored in the keys' order: the search from the
		// last match finds each at once.
		if fi = findField(fields, key, fi); fi < 0 {
			return nil, fmt.Errorf("%w: missing %q", errSJSON, key)
		}
		var err error
		if dst, err = appendSJSONValue(dst, key, fields[fi].val, sch.elems[i]); err != nil {
			return nil, err
		}
	}
	if keep == nil && len(sch.keys) != len(fields) {
		return nil, fmt.Errorf("%w: %d keys for %d fields", errSJSON, len(sch.keys), len(fields))
	}
	dst = append(dst, 0)
	binary.LittleEndian.PutUint32(dst[start:], uint32(len(dst)-start))
	return dst, nil
}

// appendSJSONValue appends the BSON element key of the JSON value raw
// whose schema element is el (nil: none).
func appendSJSONValue[K []byte | string](dst []byte, key K, raw []byte, el *sjsonElem) ([]byte, error) {
	if bytes.Equal(raw, []byte("null")) {
		return appendElemKey(dst, bsoncore.TypeNull, key), nil
	}
	if el == nil {
		return nil, fmt.Errorf("%w: value without schema", errSJSON)
	}
	switch el.typ {
	case "object":
		var fbuf [32]jsonField
		fields, err := jsonFields(raw, fbuf[:0])
		if err != nil {
			return nil, fmt.Errorf("%w: object", errSJSON)
		}
		return appendSJSONDoc(appendElemKey(dst, bsoncore.TypeEmbeddedDocument, key), fields, el.doc, nil)
	case "array":
		return appendSJSONArray(appendElemKey(dst, bsoncore.TypeArray, key), raw, el.items)
	case "string":
		s, err := jsonKey(raw)
		if err != nil {
			return nil, err
		}
		dst = binary.LittleEndian.AppendUint32(appendElemKey(dst, bsoncore.TypeString, key), uint32(len(s)+1))
		return append(append(dst, s...), 0), nil
	case "objectId":
		s, err := jsonKey(raw)
		if err != nil || len(s) != 24 {
			return nil, fmt.Errorf("%w: objectId %q", errSJSON, s)
		}
		dst = appendElemKey(dst, bsoncore.TypeObjectID, key)
		var id [12]byte
		if _, err := hex.Decode(id[:], s); err != nil {
			return nil, fmt.Errorf("%w: objectId %q", errSJSON, s)
		}
		return append(dst, id[:]...), nil
	case "bool":
		switch string(raw) {
		case "true":
			return append(appendElemKey(dst, bsoncore.TypeBoolean, key), 1), nil
		case "false":
			return append(appendElemKey(dst, bsoncore.TypeBoolean, key), 0), nil
		}
		return nil, fmt.Errorf("%w: bool %q", errSJSON, raw)
	case "date":
		ms, err := jsonInt(raw, 64)
		return binary.LittleEndian.AppendUint64(appendElemKey(dst, bsoncore.TypeDateTime, key), uint64(ms)), err
	case "int":
		n, err := jsonInt(raw, 32)
		return binary.LittleEndian.AppendUint32(appendElemKey(dst, bsoncore.TypeInt32, key), uint32(int32(n))), err
	case "long":
		n, err := jsonInt(raw, 64)
		return binary.LittleEndian.AppendUint64(appendElemKey(dst, bsoncore.TypeInt64, key), uint64(n)), err
	case "double":
		f, err := strconv.ParseFloat(string(raw), 64)
		return binary.LittleEndian.AppendUint64(appendElemKey(dst, bsoncore.TypeDouble, key), math.Float64bits(f)), sjsonErr(err, "double")
	case "binData":
		s, err := jsonKey(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: binData", errSJSON)
		}
		b, err := base64.StdEncoding.DecodeString(string(s))
		// As the engine sends it: no inner length for the old subtype 2.
		dst = binary.LittleEndian.AppendUint32(appendElemKey(dst, bsoncore.TypeBinary, key), uint32(len(b)))
		return append(append(dst, el.sub), b...), sjsonErr(err, "binData")
	case "regex":
		pattern, err := jsonKey(raw)
		if err != nil || bytes.IndexByte(pattern, 0) >= 0 {
			return nil, fmt.Errorf("%w: regex", errSJSON)
		}
		return bsoncore.AppendRegex(appendElemKey(dst, bsoncore.TypeRegex, key), string(pattern), el.opts), nil
	case "timestamp":
		n, err := strconv.ParseUint(string(raw), 10, 64)
		return bsoncore.AppendTimestamp(appendElemKey(dst, bsoncore.TypeTimestamp, key), uint32(n>>32), uint32(n)), sjsonErr(err, "timestamp")
	case "null":
		return appendElemKey(dst, bsoncore.TypeNull, key), nil
	}
	return nil, fmt.Errorf("%w: type %q", errSJSON, el.typ)
}

// appendSJSONArray appends the BSON array of the JSON array raw whose
// items' schema elements are items, one per item.
func appendSJSONArray(dst, raw []byte, items []*sjsonElem) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	var num [20]byte
	n := 0
	err := jsonEach(raw, func(v []byte) error {
		if n >= len(items) {
			return fmt.Errorf("%w: array", errSJSON)
		}
		var err error
		dst, err = appendSJSONValue(dst, strconv.AppendInt(num[:0], int64(n), 10), v, items[n])
		n++
		return err
	})
	if err != nil {
		return nil, err
	}
	if n != len(items) {
		return nil, fmt.Errorf("%w: array", errSJSON)
	}
	dst = append(dst, 0)
	binary.LittleEndian.PutUint32(dst[start:], uint32(len(dst)-start))
	return dst, nil
}

// appendElemKey appends a BSON element's type and name.
func appendElemKey[K []byte | string](dst []byte, t bsoncore.Type, key K) []byte {
	return append(append(append(dst, byte(t)), key...), 0)
}

func sjsonErr(err error, typ string) error {
	if err != nil {
		return fmt.Errorf("%w: %s: %w", errSJSON, typ, err)
	}
	return nil
}

// sjsonTime is how the engine stores a date: milliseconds since the epoch.
func sjsonTime(t time.Time) int64 { return t.UnixMilli() }
