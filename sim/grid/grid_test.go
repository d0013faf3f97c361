package grid_test

import (
	"encoding/json"
	"strings"
	"testing"

	"bellman/sim/grid"
)

func mustBuild(t *testing.T, src string) *grid.Model {
	t.Helper()
	w, err := grid.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.Build()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type outcome struct {
	r, c int
	p    float64
	rew  float64
}

// outcomes lists where action a from cell (r, c) leads, by cell.
func outcomes(m *grid.Model, r, c, a int) []outcome {
	s := m.StateAt(r, c)
	var out []outcome
	for k := 0; k < m.K; k++ {
		i := (s*m.A+a)*m.K + k
		if m.Prob[i] == 0 {
			continue
		}
		nr, nc := m.RowCol(int(m.Next[i]))
		out = append(out, outcome{nr, nc, m.Prob[i], m.Reward[i]})
	}
	return out
}

// The book's rules, checked cell by cell on its 5x5 world.
func TestZhaoRules(t *testing.T) {
	m := mustBuild(t, `{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`)
	const U, R, D, L, S = grid.Up, grid.Right, grid.Down, grid.Left, grid.Stay
	for _, tc := range []struct {
		name       string
		r, c, a    int
		wr, wc     int
		wantReward float64
	}{
		{"up off the top stays and pays r_boundary", 0, 0, U, 0, 0, -1},
		{"left off the edge", 2, 0, L, 2, 0, -1},
		{"free to free pays r_other", 0, 0, D, 1, 0, 0},
		{"entering a forbidden cell pays r_forbidden", 0, 1, D, 1, 1, -1},
		{"forbidden to forbidden pays r_forbidden", 1, 1, R, 1, 2, -1},
		{"leaving a forbidden cell for a free one pays r_other", 1, 1, U, 0, 1, 0},
		{"staying in a forbidden cell pays r_forbidden", 2, 2, S, 2, 2, -1},
		{"entering the target pays r_target", 4, 2, U, 3, 2, 1},
		{"entering the target from a forbidden cell", 2, 2, D, 3, 2, 1},
		{"staying at the target pays r_target", 3, 2, S, 3, 2, 1},
		{"the target is not absorbing", 3, 2, D, 4, 2, 0},
		{"leaving the target into a forbidden cell", 3, 2, L, 3, 1, -1},
		{"staying on a free cell pays r_other", 0, 0, S, 0, 0, 0},
		{"boundary bump from a forbidden cell pays r_boundary", 4, 1, D, 4, 1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := outcomes(m, tc.r, tc.c, tc.a)
			want := []outcome{{tc.wr, tc.wc, 1, tc.wantReward}}
			if len(got) != 1 || got[0] != want[0] {
				t.Errorf("(%d,%d) %s → %+v, want %+v", tc.r, tc.c, grid.ActionNames[tc.a], got, want)
			}
		})
	}
	if m.S != 25 || m.A != 5 || m.Start != -1 {
		t.Errorf("S %d A %d start %d, want 25 5 -1", m.S, m.A, m.Start)
	}
}

func TestBoundaryBumpAtTarget(t *testing.T) {
	m := mustBuild(t, `{"layout": ["..T"]}`)
	got := outcomes(m, 0, 2, grid.Right)
	if len(got) != 1 || got[0] != (outcome{0, 2, 1, -1}) {
		t.Errorf("bump at the target: %+v, want stay with r_boundary -1", got)
	}
}

// With slip p the agent moves perpendicular with p/2 each; stay never slips.
func TestSlip(t *testing.T) {
	m := mustBuild(t, `{"layout": ["...", ".T.", "..."], "slip": 0.2}`)
	got := outcomes(m, 0, 1, grid.Down) // intended: into the target
	want := []outcome{{1, 1, 0.8, 1}, {0, 0, 0.1, 0}, {0, 2, 0.1, 0}}
	if len(got) != 3 {
		t.Fatalf("down from (0,1): %+v", got)
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if g.r == w.r && g.c == w.c && abs(g.p-w.p) < 1e-15 && g.rew == w.rew {
				found = true
			}
		}
		if !found {
			t.Errorf("down from (0,1): %+v lacks %+v", got, w)
		}
	}
	// Up from the top row: straight is a bump, sideways are moves.
	up := outcomes(m, 0, 0, grid.Up)
	var bump, right float64
	for _, o := range up {
		switch {
		case o.r == 0 && o.c == 0 && o.rew == -1:
			bump += o.p
		case o.c == 1:
			right += o.p
		}
	}
	if abs(bump-0.9) > 1e-15 || abs(right-0.1) > 1e-15 {
		t.Errorf("up from (0,0): bump %v (want 0.8 straight + 0.1 left), right %v (want 0.1)", bump, right)
	}
	if r := m.R[m.StateAt(0, 0)*m.A+grid.Up]; abs(r-(-0.9)) > 1e-15 {
		t.Errorf("expected reward of up from (0,0) = %v, want -0.9", r)
	}
	st := outcomes(m, 1, 1, grid.Stay)
	if len(st) != 1 || st[0] != (outcome{1, 1, 1, 1}) {
		t.Errorf("stay at target with slip: %+v", st)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestWallsCliffsTerminal(t *testing.T) {
	m := mustBuild(t, `{"layout": ["..#", "SCT"], "actions": 4, "terminal": true,
		"rewards": {"other": -1, "cliff": -100}}`)
	if m.S != 4 || m.A != 4 {
		t.Fatalf("S %d A %d, want 4 states (walls and cliffs are not states) and 4 actions", m.S, m.A)
	}
	for _, tc := range []struct {
		name    string
		r, c, a int
		want    outcome
	}{
		{"bumping a wall stays and pays r_boundary", 0, 1, grid.Right, outcome{0, 1, 1, -1}},
		{"entering a cliff pays r_cliff and goes to the start", 0, 1, grid.Down, outcome{1, 0, 1, -100}},
		{"from the start into the cliff", 1, 0, grid.Right, outcome{1, 0, 1, -100}},
		{"a terminal target is absorbing with reward 0", 1, 2, grid.Left, outcome{1, 2, 1, 0}},
		{"moving is r_other", 1, 0, grid.Up, outcome{0, 0, 1, -1}},
	} {
		got := outcomes(m, tc.r, tc.c, tc.a)
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if !m.Terminal[m.StateAt(1, 2)] || m.Terminal[m.StateAt(0, 0)] {
		t.Error("terminal flags wrong")
	}
	if m.StateAt(0, 2) != -1 || m.StateAt(1, 1) != -1 {
		t.Error("walls and cliffs must have no state")
	}
}

func TestParseDefaults(t *testing.T) {
	w, err := grid.Parse([]byte(`{"name": "x", "layout": ["T"], "rewards": {"forbidden": -10}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := grid.Rewards{Boundary: -1, Forbidden: -10, Target: 1, Other: 0, Cliff: -100}
	if w.Rewards != want || w.Actions != 5 || w.Slip != 0 || w.Terminal {
		t.Errorf("got %+v", w)
	}
	// Written back, it reads the same.
	data, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	w2, err := grid.Parse(data)
	if err != nil || w2.Rewards != w.Rewards || w2.Rows != 1 || w2.Name != "x" {
		t.Errorf("round trip: %+v %v", w2, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`{"layout": ["..x", "..T"]}`, `unknown cell 'x'`},
		{`{"layout": ["...", "..T."]}`, "row 1 has 4 cells"},
		{`{"layout": ["...", "..."]}`, "no target"},
		{`{"layout": []}`, "layout is missing"},
		{`{}`, "layout is missing"},
		{`{"layout": [""]}`, "row 0 is empty"},
		{`{"layout": ["T"], "actions": 3}`, "actions is 3"},
		{`{"layout": ["T"], "slip": 1.5}`, "slip 1.5"},
		{`{"layout": ["T"], "slip": -0.1}`, "slip -0.1"},
		{`{"layout": ["TC"]}`, "no start cell"},
		{`{"layout": ["TSS"]}`, "2 start cells"},
		{`{"layout": ["T"], "rewrds": {}}`, `unknown field "rewrds"`},
		{`{"layout": ["T"], "rewards": {"target": "one"}}`, `should be float64`},
		{`{"layout": ["T"]`, "world file"},
		{``, "empty file"},
		{`{"layout": ["T"]} {}`, "unexpected data"},
		{`[1, 2]`, "world file"},
	} {
		_, err := grid.Parse([]byte(tc.src))
		if err == nil {
			t.Errorf("%s: no error", tc.src)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q does not say %q on one line", tc.src, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`,
		`{"layout": ["S.#", "CCT"], "actions": 4, "slip": 0.1, "terminal": true}`,
		`{"layout": ["T"], "rewards": {"cliff": 1e308}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := grid.Parse(data)
		if err != nil {
			return
		}
		m, err := w.Build()
		if err != nil {
			t.Fatalf("parsed world does not build: %v", err)
		}
		if m.S == 0 {
			t.Fatal("a valid world has no states")
		}
	})
}

func FuzzParsePolicy(f *testing.F) {
	w, err := grid.Parse([]byte(`{"layout": [".F", "#T"]}`))
	if err != nil {
		f.Fatal(err)
	}
	m, err := w.Build()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		`{"policy": [["right", "down"], [null, "stay"]]}`,
		`{"probabilities": [[[0.5, 0.5, 0, 0, 0], [0, 0, 1, 0, 0]], [null, [0, 0, 0, 0, 1]]]}`,
		`{"policy": [["up"]]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pol, err := grid.ParsePolicy(data, m)
		if err != nil {
			return
		}
		if err := m.Validate(pol); err != nil {
			t.Fatalf("accepted policy is not a distribution per state: %v", err)
		}
	})
}
