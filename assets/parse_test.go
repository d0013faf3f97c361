package assets

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// A lessons file is read strictly: a key twice in one object, an unknown
// field, trailing data and lessons without a key or with a taken one are
// errors naming the problem.
func TestParseLessons(t *testing.T) {
	one := `{"key": "a", "title": "A", "world": "zhao-5x5", "algorithm": "vi"`
	for _, tc := range []struct{ src, want string }{
		{`[` + one + `, "params": {"gamma": 0.9, "gamma": 0.5}}]`, `key "gamma" appears twice in "params"`},
		{`[` + one + `, "key": "b"}]`, `key "key" appears twice in "[]"`},
		{`[` + one + `, "wacth": "x"}]`, `unknown field "wacth"`},
		{`[` + one + `}] []`, "unexpected data"},
		{`[` + one + `}, ` + one + `}]`, `lesson 2: key "a" is taken`},
		{`[{"title": "A", "world": "w", "algorithm": "vi"}]`, "lesson 1 has no key"},
		{`[` + one + `, "speed": -1}]`, "speed -1 is negative"},
		{`null`, "want a JSON array"},
		{`[` + one + `, "params": {"gamma": "x"}}]`, "should be float64"},
	} {
		_, err := ParseLessons([]byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line with %q", tc.src, err, tc.want)
		}
	}
	ls, err := ParseLessons([]byte(`[` + one + `, "params": {"gamma": 0.5}, "speed": 2}]`))
	if err != nil || len(ls) != 1 || ls[0].Params["gamma"] != 0.5 || ls[0].Speed != 2 {
		t.Errorf("one lesson: %+v %v", ls, err)
	}
}

// Whatever ParseLessons accepts, written back, reads the same.
func FuzzParseLessons(f *testing.F) {
	f.Add(lessonsFile)
	f.Add([]byte(`[{"key": "a", "title": "A", "world": "zhao-5x5", "algorithm": "vi", "params": {"gamma": 0.5}, "layers": {"q": true}}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ls, err := ParseLessons(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on two lines: %q", err)
			}
			return
		}
		again, err := json.Marshal(ls)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseLessons(again)
		if err != nil {
			t.Fatalf("written back as %s: %v", again, err)
		}
		if twice, _ := json.Marshal(back); !bytes.Equal(twice, again) { // maps: {} and absent read alike
			t.Fatalf("written back as %s, then as %s", again, twice)
		}
	})
}
