package session

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"bellman/sim/pg"
)

func newPG(t *testing.T, src, method string, seed uint64) *PG {
	t.Helper()
	p, err := NewPG(parseWorld(t, src), method, seed)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPGAgentsMenu(t *testing.T) {
	if len(PGAgents) != len(pg.Methods) || len(PGAgents) != 5 {
		t.Fatalf("%d methods", len(PGAgents))
	}
	for i, a := range PGAgents {
		if a.Key != pg.Names()[i] || a.Label == "" || a.Help == "" {
			t.Errorf("menu entry %+v", a)
		}
		if _, err := NewPG(parseWorld(t, learnZhao), a.Key, 1); err != nil {
			t.Errorf("%s: %v", a.Key, err)
		}
	}
	if _, err := NewPG(parseWorld(t, learnZhao), "ppo", 1); err == nil || !strings.Contains(err.Error(), "valid: reinforce") {
		t.Errorf("unknown method: %v", err)
	}
}

func TestPGSchemaAndSet(t *testing.T) {
	p := newPG(t, learnCliff, "offpolicy-ac", 4)
	keys := " " + strings.Join(p.Schema().Keys(), " ") + " "
	for _, k := range []string{"gamma", "alpha", "alpha-w", "gamma-t", "behaviour-mix", "entropy", "episode-length", "start", "seed", "r-cliff", "slip"} {
		if !strings.Contains(keys, " "+k+" ") {
			t.Errorf("schema lacks %s:%s", k, keys)
		}
	}
	for _, k := range []string{"epsilon", "q0", "baseline"} {
		if strings.Contains(keys, " "+k+" ") {
			t.Errorf("schema has %s, which off-policy actor-critic does not use", k)
		}
	}
	if _, err := p.Set("epsilon", 0.1); err == nil {
		t.Error("unknown key accepted")
	}
	note, err := p.Set("behaviour-mix", 3)
	if err != nil || !strings.Contains(note, "clamped to 1") || p.Value("behaviour-mix") != 1 {
		t.Errorf("Set(behaviour-mix, 3) = %q, %v, value %v", note, err, p.Value("behaviour-mix"))
	}
	p.StepN(300)
	run := p.Run
	if note, err := p.Set("seed", 9); err != nil || !strings.Contains(note, "restarted") || p.Run != run+1 || p.Steps() != 0 {
		t.Errorf("Set(seed) = %q, %v; run %d → %d, steps %d", note, err, run, p.Run, p.Steps())
	}
	// γ applies from the next step and moves the optimum measured against.
	p.StepN(100)
	var before, after PGSnapshot
	p.Snapshot(&before)
	if note, err := p.Set("gamma", 0.5); err != nil || note != "" {
		t.Errorf("Set(gamma) = %q, %v", note, err)
	}
	p.Snapshot(&after)
	if after.Steps != before.Steps || reflect.DeepEqual(after.VStar, before.VStar) || after.Gamma != 0.5 {
		t.Errorf("γ change: steps %d → %d, v* unchanged %v, γ %v", before.Steps, after.Steps, reflect.DeepEqual(after.VStar, before.VStar), after.Gamma)
	}
	if !reflect.DeepEqual(after.H, before.H) {
		t.Error("γ change reset the preferences")
	}
	// The cliff world has a start cell: J is measured from it, d₀ one-hot.
	if d0 := p.Trainer().Exact.D0; d0[p.Model.Start] != 1 {
		t.Errorf("d₀ at the start cell %v, want 1", d0[p.Model.Start])
	}
	if _, err := p.Set("start", 1); err != nil {
		t.Fatal(err)
	}
	if d0 := p.Trainer().Exact.D0; d0[p.Model.Start] == 1 {
		t.Error("random starts kept d₀ on the start cell")
	}
}

// What the snapshot holds is what the model says: the exact gradient is
// pg.Exact's at the policy the last episode started with, the entropy is
// its definition, and Variance is the mean of the recorded ‖ĝ − ∇J‖².
func TestPGSnapshotConsistent(t *testing.T) {
	p := newPG(t, learnZhao, "reinforce-baseline", 2)
	if _, err := p.Set("episode-length", 30); err != nil {
		t.Fatal(err)
	}
	var s PGSnapshot
	sq := []float64{}
	for len(sq) < 40 {
		if p.Step() {
			sq = append(sq, p.LastEpisode().SqError)
		}
	}
	p.Snapshot(&s)
	if !s.Exact || !s.Last.Exact || s.Episode != 40 || s.Steps != 1200 || !s.EpisodeDone {
		t.Fatalf("snapshot: exact %v/%v, episode %d, steps %d, done %v", s.Exact, s.Last.Exact, s.Episode, s.Steps, s.EpisodeDone)
	}
	// REINFORCE changes the policy only at episodes' ends, so the policy
	// the last episode started with is the one before its update: undo it.
	alpha := p.Value("alpha")
	start := pg.NewPolicy(s.S, s.A)
	for i := range start.H {
		start.H[i] = s.H[i] - alpha*s.Sample[i]
	}
	ex := p.Trainer().Exact
	want, err := pg.NewExact(p.Model.Model, 0.9, ex.D0)
	if err != nil {
		t.Fatal(err)
	}
	if err := want.Softmax(start); err != nil {
		t.Fatal(err)
	}
	g := want.Gradient(make([]float64, s.S*s.A))
	for i := range g {
		if math.Abs(g[i]-s.Grad[i]) > 1e-9 {
			t.Fatalf("∇J(%d) = %v, recomputed %v", i, s.Grad[i], g[i])
		}
	}
	if math.Abs(want.J-s.J) > 1e-9 || math.Abs(want.J-s.Objective.Y[len(s.Objective.Y)-1]) > 1e-9 {
		t.Errorf("J = %v (curve %v), recomputed %v", s.J, s.Objective.Y[len(s.Objective.Y)-1], want.J)
	}
	mean := 0.0
	for _, x := range sq {
		mean += x
	}
	if mean /= float64(len(sq)); math.Abs(mean-s.Variance) > 1e-12 {
		t.Errorf("Variance %v, mean of the episodes' ‖ĝ − ∇J‖² %v", s.Variance, mean)
	}
	for st := 0; st < s.S; st++ {
		sum, ent := 0.0, 0.0
		for a := 0; a < s.A; a++ {
			x := s.Pi[st*s.A+a]
			sum += x
			ent -= x * math.Log(x)
		}
		if math.Abs(sum-1) > 1e-12 || math.Abs(ent-s.Entropy[st]) > 1e-12 {
			t.Errorf("state %d: Σπ %v, entropy %v (definition %v)", st, sum, s.Entropy[st], ent)
		}
	}
	if len(s.Critic) != s.S || len(s.CriticQ) != 0 {
		t.Errorf("learned baseline: critic %d values, q̂ %d", len(s.Critic), len(s.CriticQ))
	}
	if len(s.Returns.Y) != 40 || len(s.Cosine.Y) != 40 || len(s.SqError.Y) != 40 || len(s.MeanEntropy.Y) != 40 || len(s.Optimal.Y) != 40 {
		t.Errorf("curves of %d, %d, %d, %d, %d points, want 40", len(s.Returns.Y), len(s.Cosine.Y), len(s.SqError.Y), len(s.MeanEntropy.Y), len(s.Optimal.Y))
	}
	if s.JStar < 7.79 || s.JStar > 7.80 { // Σ v*(s)/25 of Figure 3.4's values: 7.7994
		t.Errorf("J* = %v, want 7.7994 (the mean of v* of Zhao's Figure 3.4)", s.JStar)
	}
	// The finished episode's trail: its start and 30 steps, ending where
	// the agent stands.
	if len(s.Trail) != 31 || s.Trail[30] != s.Cell {
		t.Errorf("trail %v after an episode's end, cell %d", s.Trail, s.Cell)
	}
	if p.Updates() != 40 {
		t.Errorf("REINFORCE: %d updates after 40 episodes", p.Updates())
	}
	p.Step()
	if p.Updates() != 40 {
		t.Errorf("REINFORCE: %d updates in the 41st episode", p.Updates())
	}
}

// Same seed, same run; the steps and the snapshots allocate nothing.
func TestPGDeterministicAndAllocationFree(t *testing.T) {
	for _, name := range pg.Names() {
		a, b := newPG(t, learnZhao, name, 5), newPG(t, learnZhao, name, 5)
		a.StepN(3000)
		b.StepN(3000)
		var sa, sb PGSnapshot
		a.Snapshot(&sa)
		b.Snapshot(&sb)
		if !reflect.DeepEqual(sa, sb) {
			t.Errorf("%s: two runs of seed 5 differ", name)
		}
		if n := testing.AllocsPerRun(1000, func() { a.Step() }); n != 0 {
			t.Errorf("%s: Step allocates %v times", name, n)
		}
		if n := testing.AllocsPerRun(20, func() { a.Snapshot(&sa) }); n != 0 {
			t.Errorf("%s: Snapshot allocates %v times", name, n)
		}
	}
}

// A value going NaN stops the run and is named with its cell and step.
func TestPGDivergence(t *testing.T) {
	p := newPG(t, learnZhao, "a2c", 1)
	p.StepN(10)
	tr := p.Trainer()
	s := tr.State
	tr.Agent.Policy().H[s*5] = math.NaN()
	p.Step()
	var snap PGSnapshot
	p.Snapshot(&snap)
	r, c := p.Model.RowCol(s)
	if !strings.Contains(snap.Diverged, "NaN") || !strings.Contains(snap.Diverged, fmt.Sprintf("cell (%d,%d)", r, c)) || !strings.Contains(snap.Diverged, "step 11") {
		t.Fatalf("Diverged = %q (state %d at (%d,%d))", snap.Diverged, s, r, c)
	}
	steps := p.Steps()
	p.StepN(5)
	if p.Steps() != steps {
		t.Error("the session went on stepping after diverging")
	}
	p.Reset()
	if p.Diverged() != "" {
		t.Error("Reset kept the divergence")
	}
}

// Switching world or method keeps the seed and the changed parameters.
func TestPGSwitch(t *testing.T) {
	p := newPG(t, learnZhao, "a2c", 8)
	if _, err := p.Set("alpha", 0.3); err != nil {
		t.Fatal(err)
	}
	if err := p.SetAgent("qac"); err != nil {
		t.Fatal(err)
	}
	if p.Method != pg.QAC || p.Value("alpha") != 0.3 || p.Value(KeySeed) != 8 {
		t.Errorf("after SetAgent: %v, α %v, seed %v", p.Method, p.Value("alpha"), p.Value(KeySeed))
	}
	if err := p.SetWorld(parseWorld(t, learnCliff)); err != nil {
		t.Fatal(err)
	}
	if p.Model.S != 6 || p.Value("alpha") != 0.3 || p.Value("episode-length") != 1000 {
		t.Errorf("after SetWorld: %d states, α %v, episode length %v", p.Model.S, p.Value("alpha"), p.Value("episode-length"))
	}
	if err := p.SetAgent("nope"); err == nil || p.Method != pg.QAC {
		t.Errorf("a bad method: %v, now %v", err, p.Method)
	}
}

// Above pg.MaxExactStates the session runs without the exact quantities.
func TestPGLargeWorld(t *testing.T) {
	rows := make([]string, 20)
	for i := range rows {
		rows[i] = `"` + strings.Repeat(".", 20) + `"`
	}
	rows[10] = `"` + strings.Repeat(".", 10) + "T" + strings.Repeat(".", 9) + `"`
	p := newPG(t, `{"layout": [`+strings.Join(rows, ",")+`]}`, "a2c", 1)
	p.StepN(500)
	var s PGSnapshot
	p.Snapshot(&s)
	if s.S != 400 || s.Exact || s.Last.Exact || s.Episode != 5 || len(s.Cosine.Y) != 0 || len(s.Returns.Y) != 5 || s.Diverged != "" {
		t.Errorf("400 states: exact %v/%v, %d episodes, %d cosine points, %d returns", s.Exact, s.Last.Exact, s.Episode, len(s.Cosine.Y), len(s.Returns.Y))
	}
	if _, err := p.Trainer().Objective(); err == nil {
		t.Error("Objective on 400 states")
	}
}
