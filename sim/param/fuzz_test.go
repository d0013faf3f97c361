package param_test

import (
	"math"
	"strings"
	"testing"

	"bellman/sim/param"
)

// fuzzSchema has a spec of every kind, a log scale and a negative range.
var fuzzSchema = append(param.Schema{
	{Key: "alpha", Label: "step size α", Min: 0.001, Max: 1, Step: 0.001, Default: 0.1, Log: true},
	{Key: "r", Label: "reward", Min: -200, Max: 10, Step: 0.1, Default: -1},
}, schema...)

// inRange reports whether v is a value the spec can hold.
func inRange(s param.Spec, v float64) bool {
	switch s.Kind {
	case param.Choice:
		return v == math.Trunc(v) && v >= 0 && int(v) < len(s.Choices)
	case param.Bool:
		return v == 0 || v == 1
	case param.Int:
		return v == math.Trunc(v) && v >= s.Min && v <= s.Max
	}
	return v >= s.Min && v <= s.Max
}

// Whatever Set accepts is in the spec's range and reads back the same from
// its formatted text; an error is one short line.
func FuzzSet(f *testing.F) {
	for _, s := range []string{"gamma=0.5", "n=7", "traces=REPLACING", " on = yes ", "alpha=1e-3", "r=-200", "gamma=0x1p-2", "n=1e1", "gamma=", "=1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, assignment string) {
		vals := param.Values{}
		err := fuzzSchema.Set(vals, assignment)
		if err != nil {
			if strings.Contains(err.Error(), "\n") || len(err.Error()) > 400 {
				t.Fatalf("error not one short line: %q", err)
			}
			return
		}
		if len(vals) != 1 {
			t.Fatalf("Set stored %v", vals)
		}
		for k, v := range vals {
			s, ok := fuzzSchema.Find(k)
			if !ok || !inRange(s, v) {
				t.Fatalf("%q stored %s = %v, outside its range", assignment, k, v)
			}
			if s.Kind == param.Float || s.Kind == param.Int || s.Kind == "" {
				back, err := s.Parse(param.Format(v))
				if err != nil || back != v {
					t.Fatalf("%s = %v written as %s reads back as %v, %v", k, v, param.Format(v), back, err)
				}
			}
			if c := s.Clamp(v); c != v {
				t.Fatalf("%s = %v accepted, but Clamp makes it %v", k, v, c)
			}
		}
	})
}

// Clamp always returns a value in range, is idempotent, and says what it
// changed exactly when it changed something.
func FuzzClamp(f *testing.F) {
	for _, c := range []struct {
		i uint8
		v float64
	}{{0, 0.5}, {1, -1e308}, {2, math.Inf(1)}, {3, 2.5}, {4, -0.5}, {5, 0.49999999999999994}, {2, math.NaN()}, {3, 1e300}} {
		f.Add(c.i, c.v)
	}
	f.Fuzz(func(t *testing.T, i uint8, v float64) {
		s := fuzzSchema[int(i)%len(fuzzSchema)]
		c := s.Clamp(v)
		if !inRange(s, c) || s.Clamp(c) != c {
			t.Fatalf("%s.Clamp(%v) = %v: out of range or not idempotent", s.Key, v, c)
		}
		_, c2, note, err := fuzzSchema.Clamp(s.Key, v)
		if err != nil || c2 != c || (note == "") != (c == v) {
			t.Fatalf("Schema.Clamp(%s, %v) = %v, %q, %v; Spec.Clamp %v", s.Key, v, c2, note, err, c)
		}
	})
}
