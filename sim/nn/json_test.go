package nn

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// A saved and loaded network computes the same outputs bit for bit.
func TestJSONRoundTrip(t *testing.T) {
	cfg := Config{Sizes: []int{3, 7, 5, 2}, Hidden: GELUTanh, Output: Tanh, Init: InitXavier, FinalInit: 3e-3, LeakySlope: 0.2}
	net, err := New(cfg, rand.New(rand.NewPCG(11, 3)))
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(net)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"version":1`, `"hidden":"gelu_tanh"`, `"output":"tanh"`, `"init":"xavier"`, `"sizes":[3,7,5,2]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("saved network lacks %s: %s", want, data[:120])
		}
	}
	var back MLP
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Config(); got.Hidden != cfg.Hidden || got.Output != cfg.Output || got.Init != cfg.Init ||
		got.FinalInit != cfg.FinalInit || got.LeakySlope != cfg.LeakySlope || len(got.Sizes) != 4 {
		t.Errorf("loaded config %+v, saved %+v", got, cfg)
	}
	for i, p := range net.Params() {
		if back.Params()[i] != p {
			t.Fatalf("param %d: loaded %v, saved %v", i, back.Params()[i], p)
		}
	}
	x := randSlice(rand.New(rand.NewPCG(1, 1)), 4*3)
	a := append([]float64(nil), net.Forward(x, 4)...)
	b := back.Forward(x, 4)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("output %d: loaded network gives %v, saved %v", i, b[i], a[i])
		}
	}
}

func TestJSONRejects(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"wrong type", `{"version":1,"config":{"sizes":"x"},"params":[]}`, "reading network"},
		{"version", `{"version":2,"config":{"sizes":[1,1]},"params":[0,0]}`, "version"},
		{"activation", `{"version":1,"config":{"sizes":[1,1],"hidden":"swish9"},"params":[0,0]}`, "swish9"},
		{"sizes", `{"version":1,"config":{"sizes":[1]},"params":[0]}`, "Sizes"},
		{"param count", `{"version":1,"config":{"sizes":[2,1]},"params":[0,0]}`, "parameters"},
	} {
		var m MLP
		err := json.Unmarshal([]byte(tc.data), &m)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one about %q", tc.name, err, tc.want)
		}
	}
}
