package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// (Kept with sjson.go for the migration of FerretDB-era folders.)
//
// A small scanner for the engine's stored JSON: it splits an object or
// array into its raw members without decoding them, so that a page decodes
// only the fields it keeps (encoding/json's map decoding spent most of a
// page's time validating and copying fields nobody read). The input is
// what the engine wrote; malformed input is an error, never a panic.

// jsonField is one member of a JSON object: its name, unquoted (decoded
// when it has escapes), and its raw value.
type jsonField struct {
	key []byte
	val []byte
}

// jsonFields appends to out the members of the JSON object data, in order.
func jsonFields(data []byte, out []jsonField) ([]jsonField, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, fmt.Errorf("%w: not an object", errSJSON)
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return out, nil
	}
	for {
		end, err := skipValue(data, i)
		if err != nil || data[i] != '"' {
			return nil, fmt.Errorf("%w: object key", errSJSON)
		}
		key, err := jsonKey(data[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, fmt.Errorf("%w: object colon", errSJSON)
		}
		i = skipSpace(data, i+1)
		if end, err = skipValue(data, i); err != nil {
			return nil, err
		}
		out = append(out, jsonField{key: key, val: data[i:end]})
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, fmt.Errorf("%w: object end", errSJSON)
		}
		if data[i] == '}' {
			return out, nil
		}
		if data[i] != ',' {
			return nil, fmt.Errorf("%w: object comma", errSJSON)
		}
		i = skipSpace(data, i+1)
	}
}

// findField is the index of the member named key, searched from from
// onwards and then from the start; -1 when there is none.
func findField(fields []jsonField, key string, from int) int {
	for j := range fields {
		i := (from + j) % len(fields)
		if string(fields[i].key) == key {
			return i
		}
	}
	return -1
}

// jsonEach calls fn with each element of the JSON array data, raw.
func jsonEach(data []byte, fn func([]byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return fmt.Errorf("%w: not an array", errSJSON)
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return nil
	}
	for {
		end, err := skipValue(data, i)
		if err != nil {
			return err
		}
		if err := fn(data[i:end]); err != nil {
			return err
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return fmt.Errorf("%w: array end", errSJSON)
		}
		if data[i] == ']' {
			return nil
		}
		if data[i] != ',' {
			return fmt.Errorf("%w: array comma", errSJSON)
		}
		i = skipSpace(data, i+1)
	}
}

// jsonKey decodes a JSON string to its bytes; without escapes it is the
// slice of raw between the quotes, with no copy.
func jsonKey(raw []byte) ([]byte, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		in := raw[1 : len(raw)-1]
		if bytes.IndexByte(in, '\\') < 0 && bytes.IndexByte(in, '"') < 0 && !hasControl(in) && utf8.Valid(in) {
			return in, nil
		}
	}
	s, err := jsonString(raw)
	return []byte(s), err
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// jsonString decodes a JSON string; without escapes it is a plain copy.
func jsonString(raw []byte) (string, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		plain := true
		for _, c := range raw[1 : len(raw)-1] {
			if c == '\\' || c == '"' || c < 0x20 {
				plain = false
				break
			}
		}
		if plain && utf8.Valid(raw[1:len(raw)-1]) {
			return string(raw[1 : len(raw)-1]), nil
		}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%w: string: %w", errSJSON, err)
	}
	return s, nil
}

// jsonInt decodes a JSON integer.
func jsonInt(raw []byte, bits int) (int64, error) {
	n, err := strconv.ParseInt(string(raw), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("%w: integer: %w", errSJSON, err)
	}
	return n, nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value that starts at i.
func skipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, fmt.Errorf("%w: value expected", errSJSON)
	}
	switch data[i] {
	case '"':
		// The closing quote is the first one after an even number of
		// backslashes; IndexByte finds the candidates fast in long texts.
		for j := i + 1; ; j++ {
			k := bytes.IndexByte(data[j:], '"')
			if k < 0 {
				return 0, fmt.Errorf("%w: unterminated string", errSJSON)
			}
			j += k
			escaped := false
			for b := j - 1; b > i && data[b] == '\\'; b-- {
				escaped = !escaped
			}
			if !escaped {
				return j + 1, nil
			}
		}
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, err := skipValue(data, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, fmt.Errorf("%w: unterminated %c", errSJSON, data[i])
	}
	j := i
	for j < len(data) && data[j] != ',' && data[j] != '}' && data[j] != ']' && data[j] != ' ' && data[j] != '\n' && data[j] != '\t' && data[j] != '\r' {
		j++
	}
	if j == i {
		return 0, fmt.Errorf("%w: value expected", errSJSON)
	}
	return j, nil
}
