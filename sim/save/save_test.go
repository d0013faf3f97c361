package save

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func file(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	err := Write(&b, File{Kind: "learn", Setup: Setup{Method: "sarsa", Params: map[string]float64{"gamma": 0.9, "alpha": 0.1}, Seed: 4},
		State: json.RawMessage(`{"q":[0.1,-2.5e-7,3]}`)})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Write fills in the format and version and writes one line of JSON with
// the parameters in key order; Parse reads it back.
func TestWriteParse(t *testing.T) {
	b := file(t)
	want := `{"format":"bellman-agent","version":1,"kind":"learn","setup":{"method":"sarsa","params":{"alpha":0.1,"gamma":0.9},"seed":4},"state":{"q":[0.1,-2.5e-7,3]}}` + "\n"
	if string(b) != want {
		t.Fatalf("wrote\n%s\nwant\n%s", b, want)
	}
	f, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != "learn" || f.Setup.Seed != 4 || f.Setup.Params["alpha"] != 0.1 || string(f.State) != `{"q":[0.1,-2.5e-7,3]}` {
		t.Errorf("read %+v", f)
	}
	if err := f.Check("control"); err == nil || err.Error() != "save file: it holds a learn run, not a control run" {
		t.Errorf("Check: %v", err)
	}
}

// Float64s survive the round trip through JSON bit for bit, the smallest
// subnormal and the largest finite number included.
func TestNumbersExact(t *testing.T) {
	xs := []float64{0.1, 1.0 / 3, -0.0, math.SmallestNonzeroFloat64, math.MaxFloat64, 4.749999999607175, math.Nextafter(1, 2)}
	b, err := json.Marshal(xs)
	if err != nil {
		t.Fatal(err)
	}
	var ys []float64
	if err := Decode(b, &ys); err != nil {
		t.Fatal(err)
	}
	for i := range xs {
		if math.Float64bits(xs[i]) != math.Float64bits(ys[i]) {
			t.Errorf("%v came back as %v", xs[i], ys[i])
		}
	}
}

func TestParseRefuses(t *testing.T) {
	good := string(file(t))
	cases := []struct{ name, data, want string }{
		{"not JSON", "hello", "save file: bad JSON at byte 1"},
		{"empty", "", "save file: the file ends early"},
		{"other format", `{"format":"x","version":1}`, `save file: not a Bellman save file (format "x", want "bellman-agent")`},
		{"no format", `{"version":1}`, `save file: not a Bellman save file (format "", want "bellman-agent")`},
		{"version", strings.Replace(good, `"version":1`, `"version":7`, 1), "save file: version 7, but this Bellman reads version 1"},
		{"unknown field", strings.Replace(good, `"kind"`, `"colour":"red","kind"`, 1), `save file: unknown field "colour"`},
		{"unknown setup field", strings.Replace(good, `"seed":4`, `"seed":4,"sed":5`, 1), `save file: unknown field "sed"`},
		{"trailing data", good + "{}", "save file: unexpected data after the JSON value"},
		{"no kind", strings.Replace(good, `"kind":"learn",`, ``, 1), "save file: no kind"},
		{"no state", strings.Replace(good, `,"state":{"q":[0.1,-2.5e-7,3]}`, ``, 1), "save file: no state"},
		{"wrong type", strings.Replace(good, `"seed":4`, `"seed":"4"`, 1), "save file: setup.seed should be uint64, not a JSON string"},
		{"negative seed", strings.Replace(good, `"seed":4`, `"seed":-4`, 1), "save file: setup.seed should be uint64, not a JSON number"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.data))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// A file above the limit is refused before it is parsed.
func TestReadLimit(t *testing.T) {
	b := file(t)
	if _, err := ReadLimit(bytes.NewReader(b), len(b)); err != nil {
		t.Errorf("a file of exactly the limit: %v", err)
	}
	_, err := ReadLimit(bytes.NewReader(b), len(b)-1)
	if want := fmt.Sprintf("save file: larger than the limit of %d B", len(b)-1); err == nil || err.Error() != want {
		t.Errorf("a file one byte over: %v", err)
	}
	if got := Bytes(MaxBytes); got != "256 MiB" {
		t.Errorf("Bytes(MaxBytes) = %q", got)
	}
}

// A PCG restored from its saved state draws what the original draws next.
func TestRNG(t *testing.T) {
	p := rand.NewPCG(7, 11)
	r := rand.New(p)
	for range 13 {
		r.Uint64()
	}
	state := RNG(p)
	q := rand.NewPCG(0, 0)
	if err := SetRNG(q, state, "x"); err != nil {
		t.Fatal(err)
	}
	s := rand.New(q)
	for i := range 100 {
		if a, b := r.Uint64(), s.Uint64(); a != b {
			t.Fatalf("draw %d: %d, restored %d", i, a, b)
		}
	}
	if err := SetRNG(q, []byte("pcg:short"), "env_rng"); err == nil || err.Error() != "random stream env_rng: not a PCG state" {
		t.Errorf("SetRNG of a bad state: %v", err)
	}
}

// A diverged value cannot be written, and the message says so.
func TestWriteNaN(t *testing.T) {
	var b bytes.Buffer
	err := Write(&b, File{Kind: "learn", State: json.RawMessage(`{}`), Setup: Setup{Params: map[string]float64{"gamma": math.NaN()}}})
	if err == nil || !strings.Contains(err.Error(), "unsupported value: NaN") {
		t.Errorf("Write of NaN: %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("wrote %d bytes", b.Len())
	}
}

// Parse never panics, and its errors are one line.
func FuzzParse(f *testing.F) {
	var b bytes.Buffer
	Write(&b, File{Kind: "learn", State: json.RawMessage(`{"a":[1,2]}`), Setup: Setup{World: json.RawMessage(`{"name":"w"}`)}})
	f.Add(b.Bytes())
	f.Add([]byte(`{"format":"bellman-agent","version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Parse(data)
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error of several lines: %q", err)
		}
	})
}
