package store

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// The embedded engine stores each document as "sjson": the document as JSON
// plus a "$s" key holding its schema ({"p": {field: elem}, "$k": [keys in
// order]}, elem = {"t": type, "$s": schema of an object, "i": elems of an
// array, "s": binary subtype, "o": regex options}). ObjectIDs are hex
// strings, dates int64 milliseconds, binary base64. decodeSJSON turns one
// back into the BSON document the engine would have sent, so a page read
// straight from SQLite decodes exactly like one read through the driver.

type sjsonSchema struct {
	Props map[string]json.RawMessage `json:"p"` // each an sjsonElem, read when needed
	Keys  []string                   `json:"$k"`
}

type sjsonElem struct {
	Type    string       `json:"t"`
	Schema  *sjsonSchema `json:"$s"`
	Items   []*sjsonElem `json:"i"`
	Subtype *byte        `json:"s"`
	Options *string      `json:"o"`
}

var errSJSON = errors.New("store: unexpected sjson")

// decodeSJSON decodes a stored document, only the top-level fields keep
// accepts (all when keep is nil).
func decodeSJSON(data []byte, keep func(string) bool) (bson.D, error) {
	var want func(string) bool
	if keep != nil {
		want = func(k string) bool { return k == "$s" || keep(k) }
	}
	top, err := jsonMembers(data, want)
	if err != nil {
		return nil, err
	}
	raw, ok := top["$s"]
	if !ok {
		return nil, fmt.Errorf("%w: no schema", errSJSON)
	}
	sch, err := schemaOf(raw, keep)
	if err != nil {
		return nil, err
	}
	delete(top, "$s")
	return sjsonDoc(top, sch, keep)
}

// schemaOf reads a document schema, leaving its elements raw, only those
// keep accepts when it is set.
func schemaOf(raw []byte, keep func(string) bool) (*sjsonSchema, error) {
	parts, err := jsonObject(raw)
	if err != nil {
		return nil, err
	}
	sch := &sjsonSchema{}
	if len(parts) == 0 {
		return sch, nil // an empty document
	}
	if sch.Props, err = jsonMembers(parts["p"], keep); err != nil {
		return nil, err
	}
	keys, err := jsonArray(parts["$k"])
	if err != nil {
		return nil, err
	}
	sch.Keys = make([]string, len(keys))
	for i, k := range keys {
		if sch.Keys[i], err = jsonString(k); err != nil {
			return nil, err
		}
	}
	return sch, nil
}

func sjsonDoc(fields map[string]json.RawMessage, sch *sjsonSchema, keep func(string) bool) (bson.D, error) {
	if keep == nil && len(sch.Keys) != len(fields) {
		return nil, fmt.Errorf("%w: %d keys for %d fields", errSJSON, len(sch.Keys), len(fields))
	}
	out := make(bson.D, 0, len(fields))
	for _, k := range sch.Keys {
		if keep != nil && !keep(k) {
			continue
		}
		raw, ok := fields[k]
		if !ok {
			return nil, fmt.Errorf("%w: missing %q", errSJSON, k)
		}
		var el *sjsonElem
		if rawEl, ok := sch.Props[k]; ok {
			var err error
			if el, err = elemOf(rawEl); err != nil {
				return nil, err
			}
		}
		v, err := sjsonValue(raw, el)
		if err != nil {
			return nil, err
		}
		out = append(out, bson.E{Key: k, Value: v})
	}
	return out, nil
}

func sjsonValue(raw json.RawMessage, el *sjsonElem) (any, error) {
	if bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if el == nil {
		return nil, fmt.Errorf("%w: value without schema", errSJSON)
	}
	switch el.Type {
	case "object":
		fields, err := jsonObject(raw)
		if err != nil || el.Schema == nil {
			return nil, fmt.Errorf("%w: object", errSJSON)
		}
		return sjsonDoc(fields, el.Schema, nil)
	case "array":
		items, err := jsonArray(raw)
		if err != nil || len(items) != len(el.Items) {
			return nil, fmt.Errorf("%w: array", errSJSON)
		}
		out := make(bson.A, len(items))
		for i := range items {
			v, err := sjsonValue(items[i], el.Items[i])
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case "string":
		return jsonString(raw)
	case "objectId":
		s, err := jsonString(raw)
		if err != nil {
			return nil, err
		}
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 12 {
			return nil, fmt.Errorf("%w: objectId %q", errSJSON, s)
		}
		var id bson.ObjectID
		copy(id[:], b)
		return id, nil
	case "bool":
		var b bool
		err := json.Unmarshal(raw, &b)
		return b, sjsonErr(err, el.Type)
	case "date":
		ms, err := jsonInt(raw, 64)
		return bson.DateTime(ms), err
	case "int":
		n, err := jsonInt(raw, 32)
		return int32(n), err
	case "long":
		return jsonInt(raw, 64)
	case "double":
		var f float64
		err := json.Unmarshal(raw, &f)
		return f, sjsonErr(err, el.Type)
	case "binData":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil || el.Subtype == nil {
			return nil, fmt.Errorf("%w: binData", errSJSON)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		return bson.Binary{Subtype: *el.Subtype, Data: b}, sjsonErr(err, el.Type)
	case "regex":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil || el.Options == nil {
			return nil, fmt.Errorf("%w: regex", errSJSON)
		}
		return bson.Regex{Pattern: s, Options: *el.Options}, nil
	case "timestamp":
		var n uint64
		err := json.Unmarshal(raw, &n)
		return bson.Timestamp{T: uint32(n >> 32), I: uint32(n)}, sjsonErr(err, el.Type)
	case "null":
		return nil, nil
	}
	return nil, fmt.Errorf("%w: type %q", errSJSON, el.Type)
}

func sjsonErr(err error, typ string) error {
	if err != nil {
		return fmt.Errorf("%w: %s: %w", errSJSON, typ, err)
	}
	return nil
}

// sjsonTime is how the engine stores a date: milliseconds since the epoch.
func sjsonTime(t time.Time) int64 { return t.UnixMilli() }
