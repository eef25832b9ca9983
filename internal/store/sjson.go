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
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

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
	raw := top[i].val
	top = slices.Delete(top, i, i+1)
	return appendSJSONDoc(make([]byte, 0, len(data)), top, raw, keep)
}

// appendSJSONDoc appends the BSON document of the JSON object fields whose
// schema is the JSON object sch; only the fields keep accepts (all when
// keep is nil), in the schema's key order.
func appendSJSONDoc(dst []byte, fields []jsonField, sch []byte, keep func(string) bool) ([]byte, error) {
	var buf [32]jsonField
	parts, err := jsonFields(sch, buf[:0])
	if err != nil {
		return nil, err
	}
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	if len(parts) > 0 { // {} is the schema of an empty document
		var pbuf [32]jsonField
		p := findField(parts, "p", 0)
		k := findField(parts, "$k", 0)
		if p < 0 || k < 0 {
			return nil, fmt.Errorf("%w: schema", errSJSON)
		}
		props, err := jsonFields(parts[p].val, pbuf[:0])
		if err != nil {
			return nil, err
		}
		if dst, err = appendSJSONFields(dst, fields, props, parts[k].val, keep); err != nil {
			return nil, err
		}
	} else if len(fields) > 0 {
		return nil, fmt.Errorf("%w: %d fields without schema", errSJSON, len(fields))
	}
	dst = append(dst, 0)
	binary.LittleEndian.PutUint32(dst[start:], uint32(len(dst)-start))
	return dst, nil
}

// appendSJSONFields appends the BSON elements of fields in the order of
// keys (the schema's JSON array of names), each by its schema in props.
func appendSJSONFields(dst []byte, fields, props []jsonField, keys []byte, keep func(string) bool) ([]byte, error) {
	n, fi, pi := 0, 0, 0
	err := jsonEach(keys, func(raw []byte) error {
		n++
		key, err := jsonKey(raw)
		if err != nil {
			return err
		}
		if keep != nil && !keep(string(key)) {
			return nil
		}
		// The fields and their schemas are stored in the keys' order: the
		// search from the last match finds each at once.
		if fi = findField(fields, string(key), fi); fi < 0 {
			return fmt.Errorf("%w: missing %q", errSJSON, key)
		}
		var el []byte
		if pi = findField(props, string(key), pi); pi >= 0 {
			el = props[pi].val
		} else {
			pi = 0
		}
		dst, err = appendSJSONValue(dst, key, fields[fi].val, el)
		return err
	})
	if err != nil {
		return nil, err
	}
	if keep == nil && n != len(fields) {
		return nil, fmt.Errorf("%w: %d keys for %d fields", errSJSON, n, len(fields))
	}
	return dst, nil
}

// appendSJSONValue appends the BSON element key of the JSON value raw
// whose schema element is el (nil: none).
func appendSJSONValue(dst, key, raw, el []byte) ([]byte, error) {
	if bytes.Equal(raw, []byte("null")) {
		return appendElemKey(dst, bsoncore.TypeNull, key), nil
	}
	if el == nil {
		return nil, fmt.Errorf("%w: value without schema", errSJSON)
	}
	var buf [4]jsonField
	parts, err := jsonFields(el, buf[:0])
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
	switch string(typ) {
	case "object":
		sch := part("$s")
		var fbuf [32]jsonField
		fields, err := jsonFields(raw, fbuf[:0])
		if err != nil || sch == nil {
			return nil, fmt.Errorf("%w: object", errSJSON)
		}
		return appendSJSONDoc(appendElemKey(dst, bsoncore.TypeEmbeddedDocument, key), fields, sch, nil)
	case "array":
		return appendSJSONArray(appendElemKey(dst, bsoncore.TypeArray, key), raw, part("i"))
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
		sub, serr := strconv.ParseUint(string(part("s")), 10, 8)
		if err != nil || serr != nil {
			return nil, fmt.Errorf("%w: binData", errSJSON)
		}
		b, err := base64.StdEncoding.DecodeString(string(s))
		// As the engine sends it: no inner length for the old subtype 2.
		dst = binary.LittleEndian.AppendUint32(appendElemKey(dst, bsoncore.TypeBinary, key), uint32(len(b)))
		return append(append(dst, byte(sub)), b...), sjsonErr(err, "binData")
	case "regex":
		pattern, err := jsonKey(raw)
		opts, oerr := jsonKey(part("o"))
		if err != nil || oerr != nil || bytes.IndexByte(pattern, 0) >= 0 || bytes.IndexByte(opts, 0) >= 0 {
			return nil, fmt.Errorf("%w: regex", errSJSON)
		}
		opts = slices.Clone(opts)
		slices.Sort(opts) // as the driver writes them
		return bsoncore.AppendRegex(appendElemKey(dst, bsoncore.TypeRegex, key), string(pattern), string(opts)), nil
	case "timestamp":
		n, err := strconv.ParseUint(string(raw), 10, 64)
		return bsoncore.AppendTimestamp(appendElemKey(dst, bsoncore.TypeTimestamp, key), uint32(n>>32), uint32(n)), sjsonErr(err, "timestamp")
	case "null":
		return appendElemKey(dst, bsoncore.TypeNull, key), nil
	}
	return nil, fmt.Errorf("%w: type %q", errSJSON, typ)
}

// appendSJSONArray appends the BSON array of the JSON array raw whose
// items' schema elements are the JSON array items.
func appendSJSONArray(dst, raw, items []byte) ([]byte, error) {
	var els []byte // the rest of items, element by element
	if items != nil {
		i := skipSpace(items, 0)
		if i >= len(items) || items[i] != '[' {
			return nil, fmt.Errorf("%w: array", errSJSON)
		}
		els = items[i+1:]
	}
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	var num [20]byte
	n := 0
	err := jsonEach(raw, func(v []byte) error {
		i := skipSpace(els, 0)
		if i < len(els) && els[i] == ',' {
			i = skipSpace(els, i+1)
		}
		end, err := skipValue(els, i)
		if err != nil {
			return fmt.Errorf("%w: array", errSJSON)
		}
		el := els[i:end]
		els = els[end:]
		dst, err = appendSJSONValue(dst, strconv.AppendInt(num[:0], int64(n), 10), v, el)
		n++
		return err
	})
	if err != nil {
		return nil, err
	}
	if i := skipSpace(els, 0); items == nil && n > 0 || items != nil && (i >= len(els) || els[i] != ']') {
		return nil, fmt.Errorf("%w: array", errSJSON)
	}
	dst = append(dst, 0)
	binary.LittleEndian.PutUint32(dst[start:], uint32(len(dst)-start))
	return dst, nil
}

// appendElemKey appends a BSON element's type and name.
func appendElemKey(dst []byte, t bsoncore.Type, key []byte) []byte {
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
