package sales

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// strictShape is the keys an event's data may have: its struct's JSON names.
type strictShape []string

// shapeOf lists the JSON names of v's fields (v a struct), as encoding/json names them.
func shapeOf(v any) strictShape {
	t := reflect.TypeOf(v)
	var keys strictShape
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

var (
	signupShape     = shapeOf(signupData{})
	activationShape = shapeOf(activationData{})
	cancelShape     = shapeOf(cancelData{})
	referralShape   = shapeOf(referralData{})
)

// decodeStrict decodes data, one JSON value, into dst and refuses a key that names none of its
// fields: what a json.Decoder with DisallowUnknownFields decides, without a decoder and its
// buffer for every event (77 MB every 20 s of full ingest at 1M consultants, issue #19). A key
// written with an escape or beyond ASCII is left to that decoder, whose case folding decides.
func decodeStrict(data []byte, dst any, shape strictShape) bool {
	if len(data) == 0 || json.Unmarshal(data, dst) != nil {
		return false
	}
	ok, sure := shape.allows(data)
	if sure {
		return ok
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	return d.Decode(dst) == nil
}

// allows says whether every key of the object data (valid JSON, as json.Unmarshal found it)
// names a field, matched as encoding/json matches them (case-insensitively); sure is false when
// a key is escaped or not ASCII, or data is not what was expected.
func (s strictShape) allows(data []byte) (ok, sure bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return true, true // null: no keys
	}
	i++
	for {
		if i = skipSpace(data, i); i >= len(data) {
			return false, false
		}
		switch data[i] {
		case '}':
			return true, true
		case ',':
			if i = skipSpace(data, i+1); i >= len(data) {
				return false, false
			}
		}
		if data[i] != '"' {
			return false, false
		}
		start := i + 1
		for i = start; i < len(data) && data[i] != '"'; i++ {
			if c := data[i]; c == '\\' || c >= 0x80 {
				return false, false
			}
		}
		if i >= len(data) {
			return false, false
		}
		if !s.has(data[start:i]) {
			return false, true
		}
		if i = skipSpace(data, i+1); i >= len(data) || data[i] != ':' {
			return false, false
		}
		if i = skipValue(data, i+1); i < 0 {
			return false, false
		}
	}
}

// has says whether key names a field. key is ASCII (allows), so strings.EqualFold folds it as
// encoding/json does.
func (s strictShape) has(key []byte) bool {
	for _, k := range s {
		if strings.EqualFold(k, string(key)) {
			return true
		}
	}
	return false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue is the index just past the JSON value at or after i, or -1.
func skipValue(data []byte, i int) int {
	if i = skipSpace(data, i); i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				if i = skipString(data, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	default: // a number or a literal
		for i < len(data) && inScalar(data[i]) {
			i++
		}
		return i
	}
}

// skipString is the index just past the string that starts at i, or -1.
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// inScalar says whether c may be part of a number or a literal (true, false, null).
func inScalar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E'
}
