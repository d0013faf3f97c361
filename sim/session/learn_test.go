package session

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"bellman/sim/agent"
	"bellman/sim/grid"
)

func parseWorld(t *testing.T, src string) grid.World {
	t.Helper()
	w, err := grid.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

const (
	learnZhao  = `{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`
	learnCliff = `{"layout": ["....", "SCCT"], "rewards": {"target": -1, "other": -1}, "actions": 4, "terminal": true}`
	// tiny: the start S at (0,1), the terminal target T to its left.
	learnTiny = `{"layout": ["TS"], "actions": 4, "terminal": true}`
)

func newLearn(t *testing.T, src, name string, seed uint64) *Learn {
	t.Helper()
	l, err := NewLearn(parseWorld(t, src), name, seed)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLearnAgentsMenu(t *testing.T) {
	if len(LearnAgents) != 11 {
		t.Fatalf("%d agents", len(LearnAgents))
	}
	for i, a := range LearnAgents {
		if a.Key != agent.Names()[i] || a.Label == "" || a.Help == "" {
			t.Errorf("menu entry %+v", a)
		}
		if _, err := NewLearn(parseWorld(t, learnZhao), a.Key, 1); err != nil {
			t.Errorf("%s: %v", a.Key, err)
		}
	}
	if _, err := NewLearn(parseWorld(t, learnZhao), "sarsa-max", 1); err == nil || !strings.Contains(err.Error(), "valid: mc-basic") {
		t.Errorf("unknown agent: %v", err)
	}
}

func TestLearnSchema(t *testing.T) {
	l := newLearn(t, learnZhao, "sarsa-lambda", 7)
	keys := strings.Join(l.Schema().Keys(), " ")
	for _, k := range []string{"gamma", "alpha", "epsilon", "lambda", "trace", "episode-length", "seed", "r-target", "slip"} {
		if !strings.Contains(" "+keys+" ", " "+k+" ") {
			t.Errorf("schema lacks %s: %s", k, keys)
		}
	}
	if strings.Contains(keys, "start") || strings.Contains(keys, "r-cliff") {
		t.Errorf("a world without a start cell or cliffs: %s", keys)
	}
	if v := l.Values(); v["seed"] != 7 || v["episode-length"] != 10 {
		t.Errorf("seed %v, episode length %v", v["seed"], v["episode-length"])
	}
	c := newLearn(t, learnCliff, "qlearning", 1)
	keys = strings.Join(c.Schema().Keys(), " ")
	if !strings.Contains(keys, "start") || !strings.Contains(keys, "r-cliff") {
		t.Errorf("cliff world: %s", keys)
	}
	if v := c.Values(); v["episode-length"] != 1000 || v["r-target"] != -1 {
		t.Errorf("cliff defaults %v", v)
	}
}

// The tiny world "TS" with MC Basic and episodes of one step: the pairs of
// the start state are tried in order up, right, down, left. Up, right and
// down bump into the boundary (−1); left enters the target (+1, terminal).
// γ 0.9: v*(S) = 1, and a policy that bumps forever is worth −1/(1 − 0.9) =
// −10, a gap of 11. The greedy action (first best of q) after each episode:
//
//	1: q = (−1, 0, 0, 0)   → right: not optimal
//	2: q = (−1, −1, 0, 0)  → down:  not optimal
//	3: q = (−1, −1, −1, 0) → left:  optimal
//	4: q = (−1, −1, −1, 1) → left:  optimal
func TestLearnHandChecked(t *testing.T) {
	l := newLearn(t, learnTiny, "mc-basic", 1)
	if _, err := l.Set("episode-length", 1); err != nil {
		t.Fatal(err)
	}
	wantReturn := []float64{-1, -1, -1, 1}
	wantOptimal := []float64{0, 0, 1, 1}
	wantGap := []float64{11, 11, 0, 0}
	for i := range wantReturn {
		if !l.Step() {
			t.Fatalf("step %d did not end an episode", i+1)
		}
		e := l.LastEpisode()
		if e.Episode != i+1 || e.Steps != i+1 || e.Length != 1 || e.Return != wantReturn[i] || e.Optimal != wantOptimal[i] {
			t.Errorf("episode %d: %+v", i+1, e)
		}
		if e.Error != 1 { // |G − q_old| = |±1 − 0|
			t.Errorf("episode %d: error %v, want 1", i+1, e.Error)
		}
		share, gap := l.Evaluate()
		if share != wantOptimal[i] || math.Abs(gap-wantGap[i]) > 1e-8 {
			t.Errorf("episode %d: share %v gap %v, want %v %v", i+1, share, gap, wantOptimal[i], wantGap[i])
		}
	}
	var s LearnSnapshot
	l.Snapshot(&s)
	if !reflect.DeepEqual(s.Returns, wantReturn) || !reflect.DeepEqual(s.Optimal, wantOptimal) ||
		!reflect.DeepEqual(s.Lengths, []float64{1, 1, 1, 1}) {
		t.Errorf("histories %v %v %v", s.Returns, s.Optimal, s.Lengths)
	}
	// Three episodes bumped (start counted, then the same cell again), the
	// last entered the target.
	if !reflect.DeepEqual(s.Visits, []int{1, 7}) {
		t.Errorf("visits %v, want [1 7]", s.Visits)
	}
	if !reflect.DeepEqual(s.Trail, []int{1, 0}) || s.Cell != 0 || !s.EpisodeDone {
		t.Errorf("trail %v cell %d done %v", s.Trail, s.Cell, s.EpisodeDone)
	}
	if s.VStar[1] != 1 || s.Greedy[1] != grid.Left || !s.GreedyOptimal[1] || !s.GreedyOptimal[0] {
		t.Errorf("v* %v greedy %v optimal %v", s.VStar, s.Greedy, s.GreedyOptimal)
	}
}

func TestLearnSetAndReset(t *testing.T) {
	l := newLearn(t, learnZhao, "qlearning", 3)
	l.StepN(500)
	run := l.Run
	note, err := l.Set("alpha", 2)
	if err != nil || !strings.Contains(note, "clamped to 1") {
		t.Errorf("alpha 2: note %q err %v", note, err)
	}
	if l.Steps() != 500 || l.Run != run {
		t.Error("a live parameter restarted the run")
	}
	if c := l.Runner().Agent.Config(); c.Alpha != 1 {
		t.Errorf("agent α %v", c.Alpha)
	}
	if note, err = l.Set("alpha", math.NaN()); err != nil || !strings.Contains(note, "not a number") {
		t.Errorf("NaN: %q %v", note, err)
	}
	if _, err := l.Set("lambda", 0.5); err == nil || !strings.Contains(err.Error(), "valid:") {
		t.Errorf("unknown key: %v", err)
	}
	note, err = l.Set("seed", 4)
	if err != nil || !strings.Contains(note, "restarted") || l.Steps() != 0 || l.Run != run+1 {
		t.Errorf("seed: note %q err %v steps %d", note, err, l.Steps())
	}
	// A new γ moves the optimum; new rewards too, and the agent keeps its q.
	v0 := append([]float64(nil), l.Optimum().V...)
	l.StepN(100)
	q := append([]float64(nil), l.Runner().Agent.Table()...)
	if _, err := l.Set("gamma", 0.5); err != nil {
		t.Fatal(err)
	}
	if l.Optimum().V[0] == v0[0] || l.Runner().Agent.Config().Gamma != 0.5 {
		t.Error("γ did not reach the optimum or the agent")
	}
	if _, err := l.Set("r-target", 5); err != nil {
		t.Fatal(err)
	}
	if l.World.Rewards.Target != 5 || math.Abs(l.Optimum().V[l.Model.StateAt(3, 2)]-10) > 1e-9 { // 5/(1−0.5)
		t.Errorf("target reward %v, v*(target) %v", l.World.Rewards.Target, l.Optimum().V[l.Model.StateAt(3, 2)])
	}
	if !reflect.DeepEqual(q, l.Runner().Agent.Table()) || l.Steps() != 100 {
		t.Error("a reward change reset the agent")
	}
}

// The same seed gives the same run after Reset; histories and counters
// start again.
func TestLearnResetDeterministic(t *testing.T) {
	for _, name := range []string{"sarsa-lambda", "prioritized-sweeping", "mc-es"} {
		l := newLearn(t, learnZhao, name, 11)
		l.Set("slip", 0.2)
		l.StepN(3000)
		var a, b LearnSnapshot
		l.Snapshot(&a)
		l.Reset()
		if l.Steps() != 0 || l.Episode() != 0 {
			t.Fatal("Reset kept the counters")
		}
		l.StepN(3000)
		l.Snapshot(&b)
		a.Run, b.Run = 0, 0
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two runs from the same seed differ", name)
		}
	}
}

func TestLearnSwitch(t *testing.T) {
	l := newLearn(t, learnZhao, "sarsa", 5)
	l.Set("alpha", 0.3)
	l.Set("r-target", 2)
	version := l.Version
	if err := l.SetAgent("expected-sarsa"); err != nil {
		t.Fatal(err)
	}
	if v := l.Values(); v["alpha"] != 0.3 || v["r-target"] != 2 || v["seed"] != 5 || l.Version != version+1 {
		t.Errorf("after SetAgent: %v", v)
	}
	if err := l.SetAgent("nope"); err == nil || l.Agent != "expected-sarsa" {
		t.Errorf("bad agent: %v, agent now %s", err, l.Agent)
	}
	if err := l.SetWorld(parseWorld(t, learnCliff)); err != nil {
		t.Fatal(err)
	}
	if v := l.Values(); v["alpha"] != 0.3 || v["r-target"] != -1 || v["seed"] != 5 || v["episode-length"] != 1000 {
		t.Errorf("after SetWorld: %v", v)
	}
	if l.Model.S != 6 {
		t.Errorf("cliff world has %d states", l.Model.S)
	}
}

// Traces are drawn for agents that have them, per state, and are nil
// otherwise; visits and the trail count what happened.
func TestLearnSnapshotLayers(t *testing.T) {
	l := newLearn(t, learnZhao, "sarsa-lambda", 2)
	l.Set("episode-length", 20)
	var s LearnSnapshot
	for i := 0; i < 7; i++ {
		l.Step()
	}
	l.Snapshot(&s)
	if len(s.Traces) != l.Model.S {
		t.Fatalf("traces %v", s.Traces)
	}
	sum := 0.0
	for _, e := range s.Traces {
		sum += e
	}
	if !(sum > 0) {
		t.Error("no trace after 7 steps of an episode")
	}
	if len(s.Trail) != 8 || s.EpisodeStep != 7 || s.Trail[len(s.Trail)-1] != s.Cell {
		t.Errorf("trail %v after 7 steps, cell %d", s.Trail, s.Cell)
	}
	visits := 0
	for _, v := range s.Visits {
		visits += v
	}
	if visits != 8 {
		t.Errorf("%d visits after a start and 7 steps", visits)
	}
	l.SetAgent("qlearning")
	l.Step()
	l.Snapshot(&s)
	if s.Traces != nil {
		t.Error("Q-learning has traces")
	}
}

// thinned returns the expected thinned history of raw values: the smallest
// stride 1, 2, 4, … that leaves at most max points, and the mean of each
// complete group of stride consecutive values (a trailing incomplete group
// is not shown yet).
func thinned(raw []float64, max int) (stride int, points []float64) {
	stride = 1
	for len(raw)/stride > max {
		stride *= 2
	}
	for i := 0; i+stride <= len(raw); i += stride {
		sum := 0.0
		for _, x := range raw[i : i+stride] {
			sum += x
		}
		points = append(points, sum/float64(stride))
	}
	return stride, points
}

func sameApprox(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

// Histories keep the whole run at a bounded size: past maxLearnHistory
// points, each point is the mean of 2, then 4, … consecutive episodes (or
// evaluations), checked against the episodes as they ended; the gap is
// evaluated every GapEvery steps.
func TestLearnHistories(t *testing.T) {
	for _, n := range []int{1000, maxLearnHistory + 1000, 3*maxLearnHistory + 123} {
		l := newLearn(t, learnZhao, "qlearning", 1)
		l.Set("episode-length", 1)
		l.GapEvery = 1
		var episode, returns, lengths, optimal, gapSteps, gaps []float64
		gapSteps, gaps = append(gapSteps, 0), append(gaps, l.gap) // the reset's evaluation
		for i := 0; i < n; i++ {
			if !l.Step() {
				t.Fatal("an episode of one step did not end")
			}
			e := l.LastEpisode()
			episode, returns = append(episode, float64(e.Episode)), append(returns, e.Return)
			lengths, optimal = append(lengths, float64(e.Length)), append(optimal, e.Optimal)
			gapSteps, gaps = append(gapSteps, float64(l.gapStep)), append(gaps, l.gap)
		}
		var s LearnSnapshot
		l.Snapshot(&s)
		stride, want := thinned(returns, maxLearnHistory)
		if s.HistoryStride != stride || !sameApprox(s.Returns, want, 1e-9) {
			t.Errorf("%d episodes: stride %d, %d returns; want stride %d, %d", n, s.HistoryStride, len(s.Returns), stride, len(want))
		}
		for _, c := range []struct {
			name     string
			got, raw []float64
		}{{"episode", s.EpisodeX, episode}, {"length", s.Lengths, lengths}, {"optimal", s.Optimal, optimal}} {
			if _, want := thinned(c.raw, maxLearnHistory); !sameApprox(c.got, want, 1e-9) {
				t.Errorf("%d episodes: %s history differs (%d points, want %d)", n, c.name, len(c.got), len(want))
			}
		}
		if len(s.Errors) != len(s.Returns) || s.HistoryBase != 0 {
			t.Errorf("%d errors, base %d", len(s.Errors), s.HistoryBase)
		}
		// The first point still covers the first episodes.
		if want := float64(1+stride) / 2; s.EpisodeX[0] != want {
			t.Errorf("%d episodes: first point at episode %v, want %v", n, s.EpisodeX[0], want)
		}
		stride, want = thinned(gaps, maxLearnHistory)
		_, wantX := thinned(gapSteps, maxLearnHistory)
		if s.GapStride != stride || !sameApprox(s.Gaps, want, 1e-9) || !sameApprox(s.GapSteps, wantX, 1e-9) || s.GapStep != n {
			t.Errorf("%d steps: gap stride %d, %d gaps, last step %d; want stride %d, %d", n, s.GapStride, len(s.Gaps), s.GapStep, stride, len(want))
		}
	}
	// Every 100 steps: one evaluation at the reset, then one per 100 steps.
	l := newLearn(t, learnZhao, "qlearning", 1)
	l.GapEvery = 100
	l.StepN(1050)
	var s LearnSnapshot
	l.Snapshot(&s)
	if want := []float64{0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000}; !reflect.DeepEqual(s.GapSteps, want) || s.GapStep != 1000 {
		t.Errorf("evaluations at steps %v (last %d), want %v", s.GapSteps, s.GapStep, want)
	}
}

// Step and Snapshot allocate nothing in steady state, with the automatic
// evaluations included.
func TestLearnAllocs(t *testing.T) {
	for _, name := range []string{"qlearning", "sarsa-lambda", "dyna-q", "prioritized-sweeping", "mc-egreedy", "mc-basic"} {
		l := newLearn(t, learnZhao, name, 1)
		l.Set("episode-length", 2)
		l.GapEvery = 1
		l.StepN(maxLearnHistory * 3) // fill the histories, halve them once
		l.GapEvery = 3
		var s LearnSnapshot
		l.Snapshot(&s)
		if n := testing.AllocsPerRun(500, func() { l.Step() }); n != 0 {
			t.Errorf("%s: Step allocates %v times", name, n)
		}
		if n := testing.AllocsPerRun(20, func() { l.Snapshot(&s) }); n != 0 {
			t.Errorf("%s: Snapshot allocates %v times", name, n)
		}
	}
}

// A moving average over 20 episodes spans 20 points of single episodes,
// 5 of 4 episodes each, 3 of 8 (2.5 rounded), and one point once a point
// averages 20 or more.
func TestSmoothPoints(t *testing.T) {
	for _, tc := range [][2]int{{1, 20}, {4, 5}, {8, 3}, {16, 1}, {32, 1}, {0, 20}} {
		s := LearnSnapshot{HistoryStride: tc[0]}
		if got := s.SmoothPoints(20); got != tc[1] {
			t.Errorf("stride %d: %d points, want %d", tc[0], got, tc[1])
		}
	}
}

// A trailing mean over 2: (1), (1+3)/2, (3+5)/2, (5+7)/2.
func TestMovingAverage(t *testing.T) {
	got := MovingAverage(nil, []float64{1, 3, 5, 7}, 2)
	if !reflect.DeepEqual(got, []float64{1, 2, 4, 6}) {
		t.Errorf("moving average %v", got)
	}
}

// BenchmarkLearnStep times a session step (the agent's step plus the
// trail, visits, curves and the evaluation every 500 steps) of Q-learning
// on the 5x5 world.
func BenchmarkLearnStep(b *testing.B) {
	w, _ := grid.Parse([]byte(learnZhao))
	l, err := NewLearn(w, "qlearning", 1)
	if err != nil {
		b.Fatal(err)
	}
	l.StepN(10_000)
	b.ReportAllocs()
	for b.Loop() {
		l.Step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// Switching agents keeps what the person changed and gives the new agent
// its own defaults for the rest.
func TestSetAgentCarriesChangesOnly(t *testing.T) {
	w, err := grid.Parse([]byte(`{"layout": [".....", ".FF..", "..F..", ".FTF.", ".F..."]}`))
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLearn(w, "mc-egreedy", 4)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Set("gamma", 0.8); err != nil {
		t.Fatal(err)
	}
	if err := l.SetAgent("sarsa"); err != nil {
		t.Fatal(err)
	}
	sarsa, _ := NewLearn(w, "sarsa", 4)
	for _, s := range sarsa.Schema() {
		want := s.Default
		if s.Key == "gamma" {
			want = 0.8
		}
		if s.Key == KeySeed {
			want = 4
		}
		if got := l.Value(s.Key); got != want {
			t.Errorf("after mc-egreedy → sarsa, %s = %v, want %v", s.Key, got, want)
		}
	}
}

// The corridor S . T . (terminal target, γ 0.9): from the start cell the
// cell behind the target is out of reach. An agent whose greedy policy is
// optimal except there (walking right into the boundary: −10 against v* =
// 1, a gap of 11) is optimal everywhere that counts, and the snapshot does
// not mark that cell; with random starts, or with exploring starts, it
// counts and the share is 2 of 3.
func TestLearnCountsReachableStates(t *testing.T) {
	const corridor = `{"layout": ["S.T."], "actions": 4, "terminal": true}`
	const up, right, left = 0, 1, 3
	for _, tc := range []struct {
		agent  string
		random bool
		share  float64
		gap    float64
	}{
		{"qlearning", false, 1, 0},
		{"qlearning", true, 2.0 / 3, 11},
		{"mc-es", false, 2.0 / 3, 11},
	} {
		l := newLearn(t, corridor, tc.agent, 1)
		if tc.random {
			if _, err := l.Set(KeyStart, 1); err != nil {
				t.Fatal(err)
			}
		}
		q := l.Runner().Agent.Table()
		clear(q)
		for s, a := range []int{right, right, up, right} {
			q[s*4+a] = 1
		}
		share, gap := l.Evaluate()
		if math.Abs(share-tc.share) > 1e-12 || math.Abs(gap-tc.gap) > 1e-8 {
			t.Errorf("%s random %v: share %v gap %v, want %v %v", tc.agent, tc.random, share, gap, tc.share, tc.gap)
		}
		var s LearnSnapshot
		l.Snapshot(&s)
		counted := tc.share != 1
		if s.Reachable[3] != counted || s.GreedyOptimal[3] != !counted || !s.Reachable[0] || !s.Reachable[2] || !s.GreedyOptimal[0] {
			t.Errorf("%s random %v: reachable %v, greedy optimal %v", tc.agent, tc.random, s.Reachable, s.GreedyOptimal)
		}
	}
}
