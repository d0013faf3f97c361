package prefs_test

import (
	"bytes"
	"hash/fnv"
	"math"
	"testing"

	"bellman/sim/prefs"
)

// hashRun draws labels on the slippery world (slips come from the pairs'
// stream) from a non-uniform reference, takes a few Newton steps of both
// fits and Adam steps of DPO, and hashes the bits of the labels file, r̂,
// the logits, the policies and their scores.
func hashRun(t *testing.T) uint64 {
	t.Helper()
	g := build(t, slippery)
	ref := make([]float64, g.S*g.A)
	for s := 0; s < g.S; s++ {
		copy(ref[s*g.A:], []float64{0.3, 0.25, 0.2, 0.15, 0.1})
	}
	l := generate(t, g, ref, prefs.Judge{Kind: prefs.BradleyTerry, Beta: 2}, 150, 15, 3)
	h := fnv.New64a()
	var buf bytes.Buffer
	if err := l.Encode(&buf, g); err != nil {
		t.Fatal(err)
	}
	h.Write(buf.Bytes())
	put := func(xs ...float64) {
		for _, x := range xs {
			b := math.Float64bits(x)
			h.Write([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24), byte(b >> 32), byte(b >> 40), byte(b >> 48), byte(b >> 56)})
		}
	}
	cfg := prefs.DefaultConfig()
	cfg.Beta, cfg.Features = 0.5, "poly2"
	tr, err := prefs.NewTrainer(g, l, -1, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 3; k++ {
		tr.StepReward()
		tr.StepDPO()
	}
	put(tr.RHat...)
	put(tr.Plan.Pi...)
	put(tr.DPO.U...)
	put(tr.RLHF.J, tr.RLHF.KL, tr.DPOScore.J, tr.DPOScore.KL, tr.Target.J, tr.RMLoss, tr.DPOLoss)
	cfg.Adam = true
	ad, err := prefs.NewTrainer(g, l, -1, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 20; k++ {
		ad.StepDPO()
	}
	put(ad.DPO.U...)
	put(ad.DPOScore.J, ad.DPOLoss)
	return h.Sum64()
}

// The same seed gives bit-identical runs natively and under WebAssembly:
// this test runs on both (GOOS=js GOARCH=wasm go test
// -exec=go_js_wasm_exec) and checks a hash recorded from a native amd64
// run.
func TestDeterminism(t *testing.T) {
	const want = 0x771e0c647c9ed22a
	a, b := hashRun(t), hashRun(t)
	if a != b {
		t.Fatal("two runs of one seed differ")
	}
	if a != want {
		t.Errorf("hash %#x, recorded %#x", a, uint64(want))
	}
}
