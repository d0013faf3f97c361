package pg_test

import (
	"hash/fnv"
	"math"
	"testing"

	"bellman/sim/pg"
)

// hashRun trains a method for a few thousand steps on the slippery world
// (slips draw from the environment's stream) and hashes the bits of the
// preferences, the critics and the last episode's gradients.
func hashRun(t *testing.T, name string) uint64 {
	t.Helper()
	m := build(t, slippery).Model
	meth, _ := pg.ParseMethod(name)
	tr, err := pg.NewTrainer(m, config(t, meth, "entropy=0.05", "alpha=0.2"), -1, 60, 3)
	if err != nil {
		t.Fatal(err)
	}
	for tr.Steps < 6000 {
		tr.Step()
	}
	h := fnv.New64a()
	put := func(xs []float64) {
		for _, x := range xs {
			b := math.Float64bits(x)
			h.Write([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24), byte(b >> 32), byte(b >> 40), byte(b >> 48), byte(b >> 56)})
		}
	}
	v, q := tr.Agent.Values()
	g, x := tr.LastGradients()
	put(tr.Agent.Policy().H)
	put(v)
	put(q)
	put(g)
	put(x)
	return h.Sum64()
}

// The same seed gives bit-identical runs natively and under WebAssembly:
// this test runs on both (GOOS=js GOARCH=wasm go test -exec=go_js_wasm_exec)
// and checks hashes recorded from a native amd64 run.
func TestDeterminism(t *testing.T) {
	for name, want := range map[string]uint64{
		"reinforce":          0x9732e698162121e5,
		"reinforce-baseline": 0x1fc7832c823260e8,
		"qac":                0x8d4b9dec9d59fad3,
		"a2c":                0xd059646645d6181f,
		"offpolicy-ac":       0x2fdbc7c9aab0caa9,
	} {
		if a, b := hashRun(t, name), hashRun(t, name); a != b {
			t.Errorf("%s: two runs of one seed differ", name)
		} else if a != want {
			t.Errorf("%s: hash %#x, recorded %#x", name, a, want)
		}
	}
}
