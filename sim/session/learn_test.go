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
	if v := l.Values(); v["seed"] != 7 || v["episode-length"] != 100 {
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

// Histories are bounded and numbered; the gap is evaluated every GapEvery
// steps.
func TestLearnHistories(t *testing.T) {
	l := newLearn(t, learnZhao, "qlearning", 1)
	l.Set("episode-length", 1)
	l.GapEvery = 100
	n := maxLearnHistory + 1000
	l.StepN(n)
	var s LearnSnapshot
	l.Snapshot(&s)
	if len(s.Returns) > maxLearnHistory || s.HistoryBase+len(s.Returns) != n || s.Episode != n {
		t.Errorf("%d returns from base %d after %d episodes", len(s.Returns), s.HistoryBase, n)
	}
	if len(s.Lengths) != len(s.Returns) || len(s.Errors) != len(s.Returns) || len(s.Optimal) != len(s.Returns) {
		t.Error("histories of different lengths")
	}
	// Evaluations: one at the reset (the episode length does not change
	// the policy), then one every 100 steps.
	if got, want := s.GapBase+len(s.Gaps), 1+n/100; got != want {
		t.Errorf("%d evaluations, want %d", got, want)
	}
	if last := s.GapSteps[len(s.GapSteps)-1]; last != n/100*100 || s.GapStep != last {
		t.Errorf("last evaluation at step %d", last)
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
