package agent_test

import (
	"testing"

	"bellman/sim/agent"
)

// The book's 2x2 world (Zhao, chapter 2), γ 0.9: v* = (9, 10, 10, 10) for
// cells (0,0) (0,1 forbidden) (1,0) (1,1 target): the target stays for
// 1/(1−0.9) = 10, its neighbours step in for 1 + 0.9·10, and (0,0) goes down
// for 0 + 0.9·10. Going right from (0,0) into the forbidden cell is worth
// −1 + 0.9·10 = 8, so a policy that does is wrong in one state of four and
// 9 − 8 = 1 away from v* there.
func TestOptimumShareAndGap(t *testing.T) {
	m := build(t, `{"layout": [".F", ".T"]}`)
	o, err := agent.NewOptimum(m.Model, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range []float64{9, 10, 10, 10} {
		if !near(o.V[s], want, 1e-9) {
			t.Errorf("v*(%d) = %v, want %v", s, o.V[s], want)
		}
	}
	// Actions: up 0, right 1, down 2, left 3, stay 4.
	best := []int{2, 2, 1, 4}
	wrong := []int{1, 2, 1, 4}
	if s := o.Share(best); s != 1 {
		t.Errorf("share of the optimal policy %v", s)
	}
	if g := o.Gap(best); !near(g, 0, 1e-8) {
		t.Errorf("gap of the optimal policy %v", g)
	}
	if s := o.Share(wrong); s != 0.75 {
		t.Errorf("share %v, want 0.75", s)
	}
	if g := o.Gap(wrong); !near(g, 1, 1e-8) {
		t.Errorf("gap %v, want 1", g)
	}
	if n := testing.AllocsPerRun(20, func() { o.Share(wrong); o.Gap(best); o.Gap(wrong) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
	// Ties count: in a 2x2 episodic world whose target is at (1,1), right
	// and down from (0,0) both reach a neighbour of the target, worth
	// 0 + 0.9·1 each; up bumps the boundary.
	tie := build(t, `{"layout": ["..", ".T"], "actions": 4, "terminal": true}`)
	ot, err := agent.NewOptimum(tie.Model, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	if !ot.Optimal(0, 1) || !ot.Optimal(0, 2) || ot.Optimal(0, 0) {
		t.Errorf("ties at (0,0): right %v down %v up %v", ot.Optimal(0, 1), ot.Optimal(0, 2), ot.Optimal(0, 0))
	}
}
