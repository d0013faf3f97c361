// Package param declares tunable parameters once, so that the page's sliders,
// the URL state and the CLI's --set flags are all generated from one schema.
package param

import (
	"fmt"
	"maps"
	"math"
	"sort"
	"strconv"
	"strings"

	"bellman/sim/strictjson"
)

// Kind says how a parameter is edited.
type Kind string

const (
	Float  Kind = "float"  // a real number on a slider
	Int    Kind = "int"    // a whole number on a slider
	Bool   Kind = "bool"   // a checkbox; values 0 or 1
	Choice Kind = "choice" // one of Choices; the value is the choice's index
)

// Spec declares one parameter.
type Spec struct {
	Key     string   `json:"key"`               // stable name used by the URL and --set
	Label   string   `json:"label"`             // short label in the textbook's words, e.g. "discount γ"
	Kind    Kind     `json:"kind"`              // Float when empty
	Min     float64  `json:"min"`               // smallest allowed value
	Max     float64  `json:"max"`               // largest allowed value
	Step    float64  `json:"step"`              // slider resolution; 0 means continuous
	Default float64  `json:"default"`           // value of a fresh configuration
	Log     bool     `json:"log,omitempty"`     // slider moves on a log scale (Min must be > 0)
	Reset   bool     `json:"reset,omitempty"`   // a change needs a reset of the run
	Help    string   `json:"help"`              // one line a student can understand
	Choices []string `json:"choices,omitempty"` // names for Kind Choice
}

// Clamp returns v limited to the spec's range and rounded to whole numbers
// for Int, Bool and Choice kinds. NaN becomes the default.
func (s Spec) Clamp(v float64) float64 {
	if math.IsNaN(v) {
		return s.Default
	}
	lo, hi := s.Min, s.Max
	if s.Kind == Choice {
		lo, hi = 0, float64(len(s.Choices)-1)
	}
	if s.Kind == Bool {
		lo, hi = 0, 1
	}
	if v < lo {
		v = lo
	}
	if v > hi {
		v = hi
	}
	if s.Kind == Int || s.Kind == Bool || s.Kind == Choice {
		v = math.Round(v)
	}
	return v
}

// Parse reads a value written by a person: a number, "true"/"false" for
// Bool, or a choice's name for Choice. Values out of range are an error.
func (s Spec) Parse(text string) (float64, error) {
	text = strings.TrimSpace(text)
	switch s.Kind {
	case Choice:
		for i, c := range s.Choices {
			if strings.EqualFold(c, text) {
				return float64(i), nil
			}
		}
		return 0, fmt.Errorf("%s: %s is not one of %s", s.Key, strictjson.Short(text), strings.Join(s.Choices, ", "))
	case Bool:
		switch strings.ToLower(text) {
		case "true", "1", "yes", "on":
			return 1, nil
		case "false", "0", "no", "off":
			return 0, nil
		}
		return 0, fmt.Errorf("%s: %s is not true or false", s.Key, strictjson.Short(text))
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s: %s is not a number", s.Key, strictjson.Short(text))
	}
	if s.Kind == Int && v != math.Trunc(v) {
		return 0, fmt.Errorf("%s: %s is not a whole number", s.Key, strictjson.Short(text))
	}
	if v < s.Min || v > s.Max {
		return 0, fmt.Errorf("%s: %s is outside [%s, %s]", s.Key, Format(v), Format(s.Min), Format(s.Max))
	}
	return v, nil
}

// Format writes v as briefly as it reads back exactly.
func Format(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Schema is an ordered list of parameter declarations.
type Schema []Spec

// Find returns the spec with the given key.
func (sc Schema) Find(key string) (Spec, bool) {
	for _, s := range sc {
		if s.Key == key {
			return s, true
		}
	}
	return Spec{}, false
}

// Keys returns the keys in sorted order, for error messages.
func (sc Schema) Keys() []string {
	keys := make([]string, len(sc))
	for i, s := range sc {
		keys[i] = s.Key
	}
	sort.Strings(keys)
	return keys
}

// Defaults returns a Values holding every default.
func (sc Schema) Defaults() Values {
	v := make(Values, len(sc))
	for _, s := range sc {
		v[s.Key] = s.Default
	}
	return v
}

// Set parses "key=value" and stores it in vals. An unknown key is an error
// that lists the valid keys.
func (sc Schema) Set(vals Values, assignment string) error {
	key, text, ok := strings.Cut(assignment, "=")
	if !ok {
		return fmt.Errorf("%s is not key=value", strictjson.Short(assignment))
	}
	key = strings.TrimSpace(key)
	s, found := sc.Find(key)
	if !found {
		return fmt.Errorf("unknown parameter %s (valid: %s)", strictjson.Short(key), strings.Join(sc.Keys(), ", "))
	}
	v, err := s.Parse(text)
	if err != nil {
		return err
	}
	vals[key] = v
	return nil
}

// Values maps keys to values. Bool and Choice values are stored as numbers.
type Values map[string]float64

// Clone returns a copy of v, so a caller cannot change a session's values.
func (v Values) Clone() Values { return maps.Clone(v) }

// Get returns the value for key, or def if it is not set.
func (v Values) Get(key string, def float64) float64 {
	if x, ok := v[key]; ok {
		return x
	}
	return def
}

// Clamp finds key's spec and clamps value into its range, as every session
// does for a value from a slider, the URL or the page's bridge. The note
// says what was changed (empty if nothing was); an unknown key is an error
// that lists the valid keys.
func (sc Schema) Clamp(key string, value float64) (s Spec, v float64, note string, err error) {
	s, ok := sc.Find(key)
	if !ok {
		return s, 0, "", fmt.Errorf("unknown parameter %s (valid: %v)", strictjson.Short(key), sc.Keys())
	}
	v = s.Clamp(value)
	switch {
	case math.IsNaN(value):
		note = fmt.Sprintf("%s: not a number, set to %s", s.Label, Format(v))
	case v != value && value >= s.Min && value <= s.Max:
		note = fmt.Sprintf("%s: %s is not a whole number, rounded to %s", s.Label, Format(value), Format(v))
	case v != value:
		note = fmt.Sprintf("%s: %s is out of range, clamped to %s", s.Label, Format(value), Format(v))
	}
	return s, v, note, nil
}
