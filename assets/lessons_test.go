package assets_test

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"bellman/assets"
	"bellman/sim/grid"
	"bellman/sim/salab"
	"bellman/sim/session"
)

// labWorld is the lab's key in the world picker (wasm/app's labKey).
const labWorld = "sa-lab"

func isLearnAgent(key string) bool {
	return slices.ContainsFunc(session.LearnAgents, func(a session.Algorithm) bool { return a.Key == key })
}

// setter is what every session kind has for parameters.
type setter interface {
	Set(key string, value float64) (string, error)
	Value(key string) float64
}

// open builds the lesson's session and applies its parameters, failing on
// a parameter the session rejects or clamps.
func open(t *testing.T, l assets.Lesson) setter {
	t.Helper()
	var s setter
	switch {
	case l.World == labWorld:
		if l.Algorithm != "lab" {
			t.Fatalf("%s: the lab's algorithm is \"lab\", not %q", l.Key, l.Algorithm)
		}
		for k := range l.Params {
			if _, ok := salab.Schema().Find(k); !ok {
				t.Fatalf("%s: the lab has no parameter %q", l.Key, k)
			}
		}
		return nil
	case slices.Contains(session.ControlEnvs(), l.World):
		c, err := session.NewControl(l.World, l.Algorithm, 1)
		if err != nil {
			t.Fatalf("%s: %v", l.Key, err)
		}
		s = c
	default:
		w, err := assets.World(l.World)
		if err != nil {
			t.Fatalf("%s: %v", l.Key, err)
		}
		if isLearnAgent(l.Algorithm) {
			s, err = session.NewLearn(w, l.Algorithm, 1)
		} else {
			s, err = session.NewGrid(w, l.Algorithm)
		}
		if err != nil {
			t.Fatalf("%s: %v", l.Key, err)
		}
	}
	keys := make([]string, 0, len(l.Params))
	for k := range l.Params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := s.Set(k, l.Params[k]); err != nil {
			t.Fatalf("%s: %v", l.Key, err)
		}
		if got := s.Value(k); got != l.Params[k] {
			t.Fatalf("%s: %s = %v was clamped to %v", l.Key, k, l.Params[k], got)
		}
	}
	return s
}

func lesson(t *testing.T, key string) assets.Lesson {
	t.Helper()
	l, err := assets.LessonByKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Every lesson names a world, an algorithm and parameters that exist, with
// values in range, and says what to watch.
func TestLessonsOpen(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range assets.Lessons() {
		if l.Key == "" || seen[l.Key] {
			t.Errorf("lesson key %q empty or repeated", l.Key)
		}
		seen[l.Key] = true
		if l.Title == "" || l.Watch == "" || l.Source == "" {
			t.Errorf("%s: a title, what to watch and a source are needed", l.Key)
		}
		if !(l.Speed >= 0) {
			t.Errorf("%s: speed %v", l.Key, l.Speed)
		}
		open(t, l)
	}
	if _, err := assets.LessonByKey("nope"); err == nil {
		t.Error("an unknown lesson gives no error")
	}
	// A missing speed would silently mean "as fast as possible".
	var raw []map[string]any
	if err := json.Unmarshal(assets.LessonsFile(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, l := range raw {
		if _, ok := l["speed"]; !ok {
			t.Errorf("%v: no speed", l["key"])
		}
		for _, k := range []string{"params", "layers"} {
			if v, ok := l[k]; ok && v == nil {
				t.Errorf("%v: %s is null", l["key"], k)
			}
		}
	}
	layers := []string{"values", "numbers", "policy", "q", "trail", "visits", "traces", "errors"} // wasm/app's
	for _, l := range assets.Lessons() {
		for k := range l.Layers {
			if !slices.Contains(layers, k) {
				t.Errorf("%s: no layer %q", l.Key, k)
			}
		}
	}
}

// converged runs a planning lesson to convergence.
func converged(t *testing.T, key string) *session.Grid {
	g := open(t, lesson(t, key)).(*session.Grid)
	for i := 0; !g.Converged(); i++ {
		if i > 100_000 {
			t.Fatalf("%s: no convergence", key)
		}
		g.Step()
	}
	return g
}

// greedyFromPi returns the most probable action of each state.
func greedyFromPi(pi []float64, S, A int) []int {
	g := make([]int, S)
	for s := range g {
		for a := 1; a < A; a++ {
			if pi[s*A+a] > pi[s*A+g[s]] {
				g[s] = a
			}
		}
	}
	return g
}

// entersForbidden reports whether the policy moves some free cell into a
// forbidden one.
func entersForbidden(m *grid.Model, w grid.World, greedy []int) bool {
	for s := 0; s < m.S; s++ {
		r, c := m.RowCol(s)
		if w.Kind(r, c) != grid.Free {
			continue
		}
		next, _ := m.Sample(s, greedy[s], 0)
		if nr, nc := m.RowCol(next); w.Kind(nr, nc) == grid.Forbidden {
			return true
		}
	}
	return false
}

// What the planning lessons say about their policies: at γ 0.9 with −1 for
// forbidden cells the optimal policy cuts through them (Figure 3.4); with
// γ 0.5 or with −10 it goes around; policy iteration needs fewer
// iterations than value iteration needs sweeps.
func TestPlanningLessonsClaims(t *testing.T) {
	for _, tc := range []struct {
		key     string
		through bool
	}{{"fig-3-4", true}, {"gamma-0.5", false}, {"forbidden-10", false}} {
		g := converged(t, tc.key)
		var snap session.GridSnapshot
		g.Snapshot(&snap)
		if got := entersForbidden(g.Model, g.World, greedyFromPi(snap.Pi, snap.S, snap.A)); got != tc.through {
			t.Errorf("%s: the optimal policy enters a forbidden cell: %v, the lesson says %v", tc.key, got, tc.through)
		}
		if tc.key == "fig-3-4" {
			if v := snap.V[g.Model.StateAt(0, 0)]; math.Abs(v-5.8) > 0.05 {
				t.Errorf("fig-3-4: v(0,0) = %v, the lesson says 5.8", v)
			}
		}
		if tc.key == "gamma-0.5" {
			if v := snap.V[g.Model.StateAt(0, 0)]; v > 0.05 {
				t.Errorf("gamma-0.5: v(0,0) = %v, the lesson says nearly 0", v)
			}
		}
		if tc.key == "forbidden-10" {
			if v := snap.V[g.Model.StateAt(0, 0)]; v < 1 {
				t.Errorf("forbidden-10: v(0,0) = %v, the lesson says well above 0", v)
			}
		}
	}
	pi, vi := converged(t, "policy-iteration"), converged(t, "fig-3-4")
	if pi.Iterations() >= vi.Sweeps() || pi.Iterations() > 10 {
		t.Errorf("policy iteration took %d iterations, value iteration %d sweeps", pi.Iterations(), vi.Sweeps())
	}
}

// MC Basic with one-step episodes: after two policy iterations only the
// target and its neighbours have a value (1); every other state has seen
// only first rewards of 0 or −1, so its value is 0. With 15-step episodes
// the greedy policy becomes optimal everywhere.
func TestMCBasicLessonsClaims(t *testing.T) {
	l := open(t, lesson(t, "mc-basic-1")).(*session.Learn)
	m := l.Model
	for i := 0; i < 2*m.S*m.A; i++ {
		l.Step()
	}
	v := l.Runner().Agent.StateValues(make([]float64, m.S))
	tr, tc := 3, 2
	for s := 0; s < m.S; s++ {
		r, c := m.RowCol(s)
		want := 0.0
		if d := math.Abs(float64(r-tr)) + math.Abs(float64(c-tc)); d <= 1 {
			want = 1
		}
		if math.Abs(v[s]-want) > 1e-12 {
			t.Errorf("mc-basic-1: v(%d,%d) = %v, want %v", r, c, v[s], want)
		}
	}
	l = open(t, lesson(t, "mc-basic-15")).(*session.Learn)
	for it := 1; ; it++ {
		for i := 0; i < m.S*m.A*15; i++ {
			l.Step()
		}
		if share, _ := l.Evaluate(); share == 1 {
			break
		}
		if it == 10 {
			t.Fatalf("mc-basic-15: not optimal everywhere after %d steps", l.Steps())
		}
	}
}

// greedyPath follows the agent's greedy actions from the start.
func greedyPath(l *session.Learn, limit int) [][2]int {
	m := l.Model
	g := l.Runner().Agent.Greedy(make([]int, m.S))
	var path [][2]int
	for s := m.Start; len(path) < limit; {
		r, c := m.RowCol(s)
		path = append(path, [2]int{r, c})
		if m.Terminal[s] {
			break
		}
		s, _ = m.Sample(s, g[s], 0)
	}
	return path
}

// The cliff lessons (Sutton & Barto, Example 6.6): after 500 episodes
// Sarsa's greedy path keeps off the row next to the cliff but for at most
// two cells between the first and the last column; Q-learning's runs along
// all ten.
// The paths hold from episode 500 on, while the class keeps watching, and
// Q-learning's returns while it learns are the worse ones.
func TestCliffLessonsClaims(t *testing.T) {
	returns := map[string]float64{}
	for _, key := range []string{"cliff-sarsa", "cliff-qlearning"} {
		for seed := 1.0; seed <= 6; seed++ {
			l := open(t, lesson(t, key)).(*session.Learn)
			if _, err := l.Set("seed", seed); err != nil {
				t.Fatal(err)
			}
			for _, episodes := range []int{500, 1000, 2000} {
				for l.Episode() < episodes {
					if l.Step() && l.Episode() > 100 {
						returns[key] += l.LastEpisode().Return
					}
				}
				path := greedyPath(l, 100)
				if last := path[len(path)-1]; last != [2]int{3, 11} {
					t.Errorf("%s seed %v, %d episodes: the greedy path does not reach the target: %v", key, seed, episodes, path)
					continue
				}
				edge := 0
				for _, p := range path {
					if p[0] == 2 && p[1] > 0 && p[1] < 11 {
						edge++
					}
				}
				if key == "cliff-sarsa" && edge > 2 || key == "cliff-qlearning" && edge != 10 {
					t.Errorf("%s seed %v, %d episodes: %d cells of the greedy path along the cliff's edge: %v", key, seed, episodes, edge, path)
				}
			}
		}
	}
	// Sutton & Barto's Figure 6.4: about −25 for Sarsa, −50 for Q-learning.
	q, sarsa := returns["cliff-qlearning"]/6/1900, returns["cliff-sarsa"]/6/1900
	if !(q > -60 && q < -40 && sarsa > -30 && sarsa < -20) {
		t.Errorf("mean return per episode while learning (episodes 101–2000, 6 seeds): Q-learning %.1f, Sarsa %.1f; the book shows about −50 and −25", q, sarsa)
	}
}

// Dyna-Q's planning spreads optimism and then the target's value through
// the remembered maze: with planning 50 the greedy path from S reaches the
// target and the greedy policy is optimal in every reachable state (share
// 1, gap 0) within 3,000 steps (measured: 2,413–2,861 on seeds 1–6); the
// same agent without planning (Q-learning) has no greedy path to the
// target after ten times as many, 30,000 (measured: its first after
// 45,953–47,674 steps).
func TestDynaLessonClaims(t *testing.T) {
	for i := 0; i < 12; i++ {
		planning, seed := []float64{50, 0}[i%2], float64(1+i/2)
		l := open(t, lesson(t, "dyna-maze")).(*session.Learn)
		if _, err := l.Set("planning", planning); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Set("seed", seed); err != nil {
			t.Fatal(err)
		}
		steps := 3_000
		if planning == 0 {
			steps = 30_000
		}
		l.StepN(steps)
		path := greedyPath(l, 200)
		m := l.Model
		r, c := path[len(path)-1][0], path[len(path)-1][1]
		reached := m.Terminal[m.StateAt(r, c)]
		if reached != (planning > 0) {
			t.Errorf("planning %v, seed %v: the greedy path reaches the target after %d steps: %v", planning, seed, steps, reached)
		}
		if share, gap := l.Evaluate(); planning > 0 && (share != 1 || gap > 1e-6) {
			t.Errorf("planning %v, seed %v: after %d steps optimal in %.0f%% of the reachable states, gap %.3g", planning, seed, steps, 100*share, gap)
		}
	}
}

// The divergence lesson diverges: some value overflows.
func TestDivergeLessonClaims(t *testing.T) {
	l := open(t, lesson(t, "diverge")).(*session.Learn)
	m := l.Model
	v := make([]float64, m.S)
	for i := 0; i < 200_000; i++ {
		l.Step()
		if i%1000 == 0 {
			for _, x := range l.Runner().Agent.StateValues(v) {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return
				}
			}
		}
	}
	t.Error("the values stayed finite for 200,000 steps")
}
