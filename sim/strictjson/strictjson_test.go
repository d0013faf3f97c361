package strictjson

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/iotest"
)

func TestDecode(t *testing.T) {
	type inner struct {
		B int `json:"b"`
	}
	type doc struct {
		A    int              `json:"a"`
		In   inner            `json:"in"`
		List []inner          `json:"list"`
		Map  map[string]int   `json:"map"`
		Any  []map[string]any `json:"any"`
	}
	for _, tc := range []struct{ src, want string }{
		{`{"a": 1, "in": {"b": 2}, "list": [{"b": 1}, {"b": 2}], "map": {"x": 1, "y": 2}}`, ""},
		{`{"a": 1, "a": 2}`, `key "a" appears twice`},
		{`{"a": 1, "A": 2}`, `key "A" appears twice`},
		{`{"in": {"b": 1, "b": 2}}`, `key "b" appears twice in "in"`},
		{`{"list": [{"b": 1}, {"b": 2, "b": 3}]}`, `key "b" appears twice in "list[]"`},
		{`{"map": {"x": 1, "x": 2}}`, `key "x" appears twice in "map"`},
		{`{"any": [{"k": [{"k": 1}], "k": 2}]}`, `key "k" appears twice in "any[]"`}, // the inner k is another object's
		{`{"in": {"b": 1}, "b": 2}`, `unknown field "b"`},
		{`{"a": "x"}`, `field "a" should be int, not a JSON string`},
		{`{"a": 1} {"a": 2}`, "unexpected data after the JSON value"},
		{`{"a": 1}}`, "unexpected data after the JSON value"},
		{`{"a": 1}` + " \n\t", ""},
		{`{"a": `, "the JSON ends early"},
		{``, "empty file"},
		{`{"a" 1}`, "bad JSON at byte 6"},
		{`{"a": 1, "in": {"b": 1}, "list": [], "pad": "` + strings.Repeat("x", 4000) + `"}`, "more than the limit of 4000 bytes"},
		// Found by FuzzReadActions: the error quoted a number of 3,000 digits.
		{`{"a": 1` + strings.Repeat("0", 3000) + `}`, "field \"a\" should be int, not a JSON number 1000000000000"},
	} {
		var d doc
		err := Decode([]byte(tc.src), &d, 4000)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || len(err.Error()) > 300) {
			t.Errorf("%s: %v, want %q", tc.src, err, tc.want)
		}
	}
}

// ReadAll stops one byte past the limit, however long the source.
func TestReadAll(t *testing.T) {
	endless := iotest.OneByteReader(strings.NewReader(strings.Repeat("z", 5000)))
	if _, err := ReadAll(endless, 1<<10); err == nil || err.Error() != "more than the limit of 1 KiB (1024 bytes)" {
		t.Errorf("5000 bytes, limit 1 KiB: %v", err)
	}
	if b, err := ReadAll(strings.NewReader("abc"), 3); err != nil || string(b) != "abc" {
		t.Errorf("3 bytes, limit 3: %q %v", b, err)
	}
}

func TestShort(t *testing.T) {
	if got := Short("abc"); got != `"abc"` {
		t.Errorf("Short(abc) = %s", got)
	}
	// 39 a's and an é (2 bytes) would cut the é in half at 40: cut before it.
	s := strings.Repeat("a", 39) + "é" + strings.Repeat("b", 100)
	if got, want := Short(s), `"`+strings.Repeat("a", 39)+`"… (141 bytes)`; got != want {
		t.Errorf("Short = %s, want %s", got, want)
	}
}

// Whatever Decode accepts, encoding/json reads too, and written back it is
// accepted again.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a": 1, "b": [{"c": 2}]}`, `[{"k": 1}, {"k": 2}]`, `{"a": {"a": {"a": 1}}}`, `{"a":1,"A":2}`, `"x"`, `[[[]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		err := Decode(data, &v, 1<<16)
		if err != nil {
			if strings.Contains(err.Error(), "\n") || len(err.Error()) > 400 {
				t.Fatalf("error not one short line: %q", err)
			}
			return
		}
		var w any
		if err := json.Unmarshal(data, &w); err != nil {
			t.Fatalf("Decode accepted what encoding/json refuses: %v", err)
		}
		// Written back, it is accepted again (its keys were unique).
		again, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		if err := Decode(again, &v, 1<<20); err != nil {
			t.Fatalf("%s, written back as %s, is refused: %v", data, again, err)
		}
	})
}
