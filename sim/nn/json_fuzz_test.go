package nn

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Whatever UnmarshalJSON accepts is a working network: written back and
// read again it has the same configuration and parameters, and it computes
// an output of the right size. Errors are one line.
func FuzzUnmarshalJSON(f *testing.F) {
	net, err := New(Config{Sizes: []int{2, 3, 1}, Hidden: Tanh, Output: Identity, Init: InitXavier, LeakySlope: 0.01}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		f.Fatal(err)
	}
	saved, _ := json.Marshal(net)
	f.Add(saved)
	for _, s := range []string{
		`{"version":1,"config":{"sizes":[1,1]},"params":[0.5,-1]}`,
		`{"version":1,"config":{"sizes":[1,1],"hidden":"relu","output":"tanh","init":"default","final_init":0.003,"leaky_slope":0.2},"params":[1,2]}`,
		`{"version":1,"config":{"sizes":[16385,1]},"params":[]}`,
		`{"version":1,"config":{"sizes":[4096,4096,4096]},"params":[]}`,
		`{"version":2,"config":{"sizes":[1,1]},"params":[0,0]}`,
		`{"version":1,"config":{"sizes":[1,1],"hidden":"swish9"},"params":[0,0]}`,
		`{"version":1,"config":{"sizes":[1,1]},"params":[1e308,-1e308]}`,
		`null`, `[]`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m MLP
		if err := json.Unmarshal(data, &m); err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on two lines: %q", err)
			}
			return
		}
		if m.params == nil { // json.Unmarshal of null leaves m as it was
			return
		}
		again, err := json.Marshal(&m)
		if err != nil {
			t.Fatal(err)
		}
		var back MLP
		if err := json.Unmarshal(again, &back); err != nil {
			t.Fatalf("written back, refused: %v", err)
		}
		if !slices.Equal(back.Config().Sizes, m.Config().Sizes) || !slices.Equal(back.Params(), m.Params()) {
			t.Fatal("written back, reads differently")
		}
		sizes := m.Config().Sizes
		if out := m.Forward(make([]float64, sizes[0]), 1); len(out) != sizes[len(sizes)-1] {
			t.Fatalf("output of %d values, want %d", len(out), sizes[len(sizes)-1])
		}
	})
}
