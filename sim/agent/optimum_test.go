package agent_test

import (
	"fmt"
	"testing"

	"bellman/sim/agent"
	"bellman/sim/mdp"
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

// A corridor S . T . ending at the target (terminal, four actions, γ 0.9):
// from S the agent reaches (0,1) and the target, never (0,3) behind it.
// v* = (0.9, 1, 0, 1): (0,1) and (0,3) step into the target for 1, S takes
// two steps. A policy that walks right from (0,3) bumps the boundary for
// −1 a step, v = −1/(1 − 0.9) = −10 there, 11 below v*; counted from S it
// is optimal everywhere that matters (share 1, gap 0), counted from every
// state it is wrong in one state of three.
func TestOptimumReachable(t *testing.T) {
	m := build(t, `{"layout": ["S.T."], "actions": 4, "terminal": true}`)
	o, err := agent.NewOptimum(m.Model, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range []float64{0.9, 1, 0, 1} {
		if !near(o.V[s], want, 1e-9) {
			t.Errorf("v*(%d) = %v, want %v", s, o.V[s], want)
		}
	}
	const up, right, left = 0, 1, 3
	best, wrong := []int{right, right, up, left}, []int{right, right, up, right}
	q := make([]float64, m.S*m.A) // the agent's values: wrong's actions best
	for s, a := range wrong {
		q[s*m.A+a] = 1
	}
	for _, tc := range []struct {
		start     int
		reachable []bool
		counted   int
		share     float64
		gap       float64
	}{
		{-1, []bool{true, true, true, true}, 3, 2.0 / 3, 11},
		{m.Start, []bool{true, true, true, false}, 2, 1, 0},
	} {
		if err := o.SetStart(tc.start); err != nil {
			t.Fatal(err)
		}
		for s, want := range tc.reachable {
			if o.Reachable(s) != want {
				t.Errorf("start %d: state %d reachable %v, want %v", tc.start, s, o.Reachable(s), want)
			}
		}
		if o.Counted() != tc.counted {
			t.Errorf("start %d: %d states counted, want %d", tc.start, o.Counted(), tc.counted)
		}
		if s := o.Share(best); s != 1 {
			t.Errorf("start %d: share of the optimal policy %v", tc.start, s)
		}
		if g := o.Gap(best); !near(g, 0, 1e-8) {
			t.Errorf("start %d: gap of the optimal policy %v", tc.start, g)
		}
		if s := o.Share(wrong); !near(s, tc.share, 1e-12) {
			t.Errorf("start %d: share %v, want %v", tc.start, s, tc.share)
		}
		if s := o.ShareQ(q); !near(s, tc.share, 1e-12) {
			t.Errorf("start %d: ShareQ %v, want %v", tc.start, s, tc.share)
		}
		if g := o.Gap(wrong); !near(g, tc.gap, 1e-8) {
			t.Errorf("start %d: gap %v, want %v", tc.start, g, tc.gap)
		}
	}
	if err := o.SetStart(2); err == nil {
		t.Error("a terminal start state accepted")
	}
	if n := testing.AllocsPerRun(20, func() { o.Share(wrong); o.ShareQ(q); o.Gap(wrong) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

// Reachability follows outcomes of nonzero probability only: in a model
// of three states whose one action leads from 0 to 1 (probability 1) or to
// 2 (probability 0), state 2 is out of reach from 0. Nothing is reached
// through a terminal state: 1 is terminal, and its outcome 2 does not
// count either.
func TestReachableModel(t *testing.T) {
	m := mdp.New(3, 1, 2)
	m.SetOutcome(0, 0, 0, 1, 1, 0)
	m.SetOutcome(0, 0, 1, 2, 0, 0)
	m.SetOutcome(1, 0, 0, 2, 1, 0)
	m.SetOutcome(2, 0, 0, 0, 1, 0)
	m.Terminal[1] = true
	if err := m.Finish(); err != nil {
		t.Fatal(err)
	}
	if got := agent.Reachable(make([]bool, 3), m, 0); fmt.Sprint(got) != "[true true false]" {
		t.Errorf("from state 0: %v", got)
	}
	if got := agent.Reachable(make([]bool, 3), m, 2); fmt.Sprint(got) != "[true true true]" {
		t.Errorf("from state 2: %v", got)
	}
}

// The maze's two cells below the target, (7,9) and (8,9), open only onto
// the target: from the start cell they are out of reach, and the other
// 61 of the maze's 63 states (target included) are reachable.
func TestReachableMaze(t *testing.T) {
	m := build(t, maze10x10)
	r := agent.Reachable(make([]bool, m.S), m.Model, m.Start)
	n := 0
	for s, ok := range r {
		row, col := m.RowCol(s)
		behind := col == 9 && (row == 7 || row == 8)
		if ok == behind {
			t.Errorf("(%d,%d) reachable %v", row, col, ok)
		}
		if ok {
			n++
		}
	}
	if n != 61 || m.S != 63 {
		t.Errorf("%d of %d states reachable", n, m.S)
	}
}
