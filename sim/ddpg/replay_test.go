package ddpg

import (
	"math/rand/v2"
	"testing"
)

// A buffer of capacity 3 that received 5 transitions holds the last 3,
// oldest first, and each Add overwrote the oldest slot.
func TestReplayWraparound(t *testing.T) {
	b, err := NewReplay(3, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		x := float64(i)
		b.Add([]float64{x, 10 + x}, []float64{-x}, 100+x, []float64{20 + x, 30 + x}, i%2 == 1)
		if want := min(i+1, 3); b.Len() != want {
			t.Fatalf("after %d adds Len = %d, want %d", i+1, b.Len(), want)
		}
	}
	obs, act, next := make([]float64, 2), make([]float64, 1), make([]float64, 2)
	for i := 0; i < 3; i++ {
		x := float64(i + 2) // transitions 2, 3, 4 remain
		r, term := b.At(i, obs, act, next)
		if obs[0] != x || obs[1] != 10+x || act[0] != -x || next[0] != 20+x || next[1] != 30+x || r != 100+x || term != ((i+2)%2 == 1) {
			t.Errorf("At(%d) = %v %v %v r %v term %v, want transition %v", i, obs, act, next, r, term, x)
		}
	}
	if b.Cap() != 3 {
		t.Errorf("Cap = %d", b.Cap())
	}
}

// Sampling draws every held transition with probability 1/Len: a χ² test
// of 100,000 draws over 10 slots (9 degrees of freedom, 99.9% quantile
// 27.88), and a partly filled buffer never yields an empty slot.
func TestReplaySampleUniform(t *testing.T) {
	const n, draws = 10, 100_000
	b, _ := NewReplay(n, 1, 1)
	rng := rand.New(rand.NewPCG(7, 7))
	obs, act, rew, next, term := make([]float64, 1), make([]float64, 1), make([]float64, 1), make([]float64, 1), make([]float64, 1)
	for i := 0; i < 4; i++ {
		b.Add([]float64{float64(i)}, []float64{0}, float64(i), []float64{0}, false)
	}
	for k := 0; k < 1000; k++ {
		b.Sample(rng, 1, obs, act, rew, next, term)
		if obs[0] != rew[0] || obs[0] < 0 || obs[0] > 3 {
			t.Fatalf("partly filled buffer sampled obs %v reward %v", obs[0], rew[0])
		}
	}
	for i := 4; i < n+3; i++ { // wraps around: slots hold 3..12
		b.Add([]float64{float64(i)}, []float64{0}, float64(i), []float64{0}, false)
	}
	var count [n]int
	const batch = 100
	obs, act, rew, next, term = make([]float64, batch), make([]float64, batch), make([]float64, batch), make([]float64, batch), make([]float64, batch)
	for k := 0; k < draws/batch; k++ {
		b.Sample(rng, batch, obs, act, rew, next, term)
		for _, x := range obs {
			count[int(x)-3]++
		}
	}
	chi2, e := 0.0, float64(draws)/n
	for _, c := range count {
		chi2 += (float64(c) - e) * (float64(c) - e) / e
	}
	if chi2 > 27.88 {
		t.Errorf("χ² = %.1f over counts %v, want ≤ 27.88", chi2, count)
	}
}

func TestReplayErrors(t *testing.T) {
	for _, c := range [][3]int{{0, 1, 1}, {10, 0, 1}, {10, 1, 0}, {MaxBufferSize + 1, 1, 1}} {
		if _, err := NewReplay(c[0], c[1], c[2]); err == nil {
			t.Errorf("NewReplay%v: no error", c)
		}
	}
}
