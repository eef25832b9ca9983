package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// A small scanner for the engine's stored JSON: it splits an object or
// array into its raw members without decoding them, so that a page decodes
// only the fields it keeps (encoding/json's map decoding spent most of a
// page's time validating and copying fields nobody read). The input is
// what the engine wrote; malformed input is an error, never a panic.

// jsonObject returns the members of the JSON object data.
func jsonObject(data []byte) (map[string]json.RawMessage, error) { return jsonMembers(data, nil) }

// jsonMembers returns the members of the JSON object data that want
// accepts (all when want is nil); the others are only skipped.
func jsonMembers(data []byte, want func(string) bool) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
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
		key, err := jsonString(data[i:end])
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
		if want == nil || want(key) {
			out[key] = data[i:end]
		}
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

// jsonArray returns the elements of the JSON array data.
func jsonArray(data []byte) ([]json.RawMessage, error) {
	var out []json.RawMessage
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, fmt.Errorf("%w: not an array", errSJSON)
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return out, nil
	}
	for {
		end, err := skipValue(data, i)
		if err != nil {
			return nil, err
		}
		out = append(out, data[i:end])
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, fmt.Errorf("%w: array end", errSJSON)
		}
		if data[i] == ']' {
			return out, nil
		}
		if data[i] != ',' {
			return nil, fmt.Errorf("%w: array comma", errSJSON)
		}
		i = skipSpace(data, i+1)
	}
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
		for j := i + 1; j < len(data); j++ {
			switch data[j] {
			case '\\':
				j++
			case '"':
				return j + 1, nil
			}
		}
		return 0, fmt.Errorf("%w: unterminated string", errSJSON)
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

// elemOf decodes a schema element; the common {"t":"<type>"} without
// anything else skips encoding/json.
func elemOf(raw []byte) (*sjsonElem, error) {
	const pre = `{"t":"`
	if len(raw) > len(pre)+2 && string(raw[:len(pre)]) == pre && string(raw[len(raw)-2:]) == `"}` {
		t := raw[len(pre) : len(raw)-2]
		simple := true
		for _, c := range t {
			if c == '"' || c == '\\' || c == ',' {
				simple = false
				break
			}
		}
		if simple {
			return &sjsonElem{Type: string(t)}, nil
		}
	}
	el := new(sjsonElem)
	if err := json.Unmarshal(raw, el); err != nil {
		return nil, fmt.Errorf("%w: %w", errSJSON, err)
	}
	return el, nil
}
