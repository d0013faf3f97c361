package param_test

import (
	"math"
	"strings"
	"testing"

	"bellman/sim/param"
)

var schema = param.Schema{
	{Key: "gamma", Label: "discount γ", Min: 0, Max: 0.999, Step: 0.001, Default: 0.9},
	{Key: "n", Label: "steps n", Kind: param.Int, Min: 1, Max: 10, Step: 1, Default: 3},
	{Key: "traces", Label: "traces", Kind: param.Choice, Choices: []string{"accumulating", "replacing"}},
	{Key: "on", Label: "on", Kind: param.Bool, Default: 1},
}

func TestClamp(t *testing.T) {
	for _, tc := range []struct {
		key  string
		in   float64
		want float64
	}{
		{"gamma", 1.5, 0.999}, {"gamma", -1, 0}, {"gamma", 0.5, 0.5}, {"gamma", math.NaN(), 0.9},
		{"n", 3.6, 4}, {"n", 99, 10}, {"traces", 7, 1}, {"traces", -2, 0}, {"on", 0.7, 1},
		{"gamma", math.Inf(1), 0.999},
	} {
		s, _ := schema.Find(tc.key)
		if got := s.Clamp(tc.in); got != tc.want {
			t.Errorf("%s.Clamp(%v) = %v, want %v", tc.key, tc.in, got, tc.want)
		}
	}
}

func TestSet(t *testing.T) {
	v := schema.Defaults()
	for _, a := range []string{"gamma=0.5", "n=7", "traces=replacing", "on=false"} {
		if err := schema.Set(v, a); err != nil {
			t.Fatal(err)
		}
	}
	if v["gamma"] != 0.5 || v["n"] != 7 || v["traces"] != 1 || v["on"] != 0 {
		t.Errorf("values %v", v)
	}
	for _, tc := range []struct{ in, want string }{
		{"alpha=0.1", `unknown parameter "alpha" (valid: gamma, n, on, traces)`},
		{"gamma=2", "gamma: 2 is outside [0, 0.999]"},
		{"gamma=x", `gamma: "x" is not a number`},
		{"gamma=NaN", `is not a number`},
		{"n=2.5", "not a whole number"},
		{"traces=dutch", "is not one of accumulating, replacing"},
		{"gamma", "is not key=value"},
	} {
		err := schema.Set(v, tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Set(%q) = %v, want an error saying %q", tc.in, err, tc.want)
		}
	}
}

func TestSchemaClamp(t *testing.T) {
	for _, tc := range []struct {
		key   string
		in    float64
		want  float64
		note  string
		isErr bool
	}{
		{"gamma", 0.5, 0.5, "", false},
		{"gamma", 3, 0.999, "discount γ: 3 is out of range, clamped to 0.999", false},
		{"gamma", math.NaN(), 0.9, "discount γ: not a number, set to 0.9", false},
		{"n", 2.4, 2, "steps n: 2.4 is not a whole number, rounded to 2", false},
		{"n", 12, 10, "steps n: 12 is out of range, clamped to 10", false},
		{"warp", 1, 0, "", true},
	} {
		_, v, note, err := schema.Clamp(tc.key, tc.in)
		if (err != nil) != tc.isErr || v != tc.want || note != tc.note {
			t.Errorf("Clamp(%s, %v) = %v, %q, %v; want %v, %q", tc.key, tc.in, v, note, err, tc.want, tc.note)
		}
	}
}
