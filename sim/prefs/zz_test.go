package prefs_test

import (
	"os"
	"testing"

	"bellman/sim/prefs"
)

func TestZZ(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	g := build(t, zhao5x5)
	for _, n := range []int{300, 1000, 5000} {
		for _, T := range []int{10, 30} {
			l := generate(t, g, nil, prefs.Judge{Kind: prefs.BradleyTerry, Beta: 1}, n, T, 1)
			for _, lam := range []float64{1e-6, 1e-3, 1e-2} {
				cfg := prefs.DefaultConfig()
				cfg.Lambda = lam
				tr := trainer(t, l, cfg)
				tr.FitDPO(100)
				t.Logf("N %d T %d λ %g: target %.3f/%.3f RLHF %.3f/%.3f DPO %.3f/%.3f induced share %.2f", n, T, lam, tr.Target.J, tr.Target.KL, tr.RLHF.J, tr.RLHF.KL, tr.DPOScore.J, tr.DPOScore.KL, tr.InducedShare)
			}
		}
	}
}
