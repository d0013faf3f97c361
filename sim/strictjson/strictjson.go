// Package strictjson reads JSON files that people write by hand (worlds,
// policies, lessons) strictly: a size cap, no unknown fields, no key given
// twice, nothing after the value. encoding/json alone accepts the last
// three silently; each would hide a typo. Errors are one line.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Decode decodes data, one JSON value of at most limit bytes, into v (a
// pointer). Fields v does not have, a key that appears twice in one object
// (compared as encoding/json matches fields: ignoring case) and data after
// the value are errors. Errors name the problem without a "json:" prefix.
func Decode(data []byte, v any, limit int) error {
	if len(data) > limit {
		return fmt.Errorf("%d bytes, more than the limit of %s", len(data), Bytes(limit))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New(Message(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return CheckKeys(data)
}

// CheckKeys reports the first object in data (valid JSON) that has a key
// twice, ignoring case, as encoding/json does when it matches fields.
func CheckKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers stay text: no float parsing, no overflow
	// One frame per open object or array: the keys seen (nil for an
	// array), the key the container is the value of, and whether the next
	// string token is a key.
	type frame struct {
		keys   map[string]bool
		name   string
		expect bool
	}
	var stack []frame
	key := "" // the last key read, for naming a nested object
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errors.New(Message(err))
		}
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				name := key
				if top >= 0 && stack[top].keys == nil {
					name = stack[top].name + "[]" // an element of an array
				}
				var keys map[string]bool
				if t == '{' {
					keys = map[string]bool{}
				}
				stack = append(stack, frame{keys: keys, name: name, expect: t == '{'})
				continue
			default:
				stack = stack[:top]
			}
		case string:
			if top >= 0 && stack[top].keys != nil && stack[top].expect {
				k := strings.ToLower(t)
				if stack[top].keys[k] {
					where := ""
					if n := stack[top].name; n != "" {
						where = " in " + Short(n)
					}
					return fmt.Errorf("key %s appears twice%s", Short(t), where)
				}
				stack[top].keys[k] = true
				stack[top].expect = false
				key = t
				continue
			}
		}
		// A value ended: an object expects a key next.
		if top = len(stack) - 1; top >= 0 && stack[top].keys != nil {
			stack[top].expect = true
		}
	}
}

// ReadAll reads r to its end, or fails as soon as it holds more than limit
// bytes, so an endless source (/dev/zero) costs at most limit bytes.
func ReadAll(r io.Reader, limit int) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, fmt.Errorf("more than the limit of %s", Bytes(limit))
	}
	return data, nil
}

// Message turns an error of encoding/json into one line for a person: the
// byte offset of a syntax error, the field and types of a type mismatch.
func Message(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("bad JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Sprintf("should be %s, not a JSON %s", typ.Type, cut(typ.Value))
		}
		return fmt.Sprintf("field %s should be %s, not a JSON %s", Short(typ.Field), typ.Type, cut(typ.Value))
	case errors.Is(err, io.EOF):
		return "empty file"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	}
	return cut(strings.ReplaceAll(strings.TrimPrefix(err.Error(), "json: "), "\n", " "))
}

// Bytes writes a size limit for a message: "1 MiB (1048576 bytes)".
func Bytes(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB (%d bytes)", n>>20, n)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB (%d bytes)", n>>10, n)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Short quotes s for a message, cut to 40 bytes (on a character boundary)
// so that a huge value does not become a huge error.
func Short(s string) string {
	const max = 40
	if len(s) <= max {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:boundary(s, max)], len(s))
}

// cut shortens an error's text that may quote the input (a number of
// 3,000 digits) to 200 bytes.
func cut(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:boundary(s, max)], len(s))
}

// boundary returns the largest n ≤ max at which s can be cut between
// characters.
func boundary(s string, max int) int {
	for max > 0 && !isStart(s[max]) {
		max--
	}
	return max
}

// isStart reports whether b begins a UTF-8 sequence.
func isStart(b byte) bool { return b&0xC0 != 0x80 }
