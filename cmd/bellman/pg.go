package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"

	"bellman/sim/agent"
	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/pg"
	"bellman/sim/session"
	"bellman/sim/strictjson"
)

// isPGAgent reports whether train's --agent is a policy-gradient method.
func isPGAgent(args []string) bool {
	_, err := pg.ParseMethod(flagValue(args, "agent"))
	return err == nil
}

// pgColumns are the columns of train with a policy-gradient method: an
// episode as it ended; optimal is the share of non-terminal states whose
// greedy action argmax h is optimal, gap max_s |v_π(s) − v*(s)| of the
// greedy policy (to 1e-6), error the mean |critic error| per step, J J(θ)
// at the episode's start, cosine cos(ĝ, ∇J), entropy the mean entropy of π
// over the non-terminal states at the end.
var pgColumns = []column{{"episode", true}, {"steps", true}, {"return", false}, {"length", true},
	{"optimal", false}, {"gap", false}, {"error", false}, {"J", false}, {"cosine", false}, {"sq_error", false}, {"entropy", false}}

// newPG builds a policy-gradient session from the flags of train and
// bench pg, each --set parsed through the session's schema.
func newPG(world, method string, seed uint64, sets []string) (*session.PG, error) {
	w, err := loadWorld(world)
	if err != nil {
		return nil, err
	}
	if m, err := pg.ParseMethod(method); err == nil {
		if err := rewardOverflow(w, pg.Default(m).Gamma, sets); err != nil {
			return nil, err
		}
	}
	p, err := session.NewPG(w, method, seed)
	if err != nil {
		return nil, err
	}
	sc := p.Schema()
	vals := param.Values{}
	for _, s := range sets {
		if err := sc.Set(vals, s); err != nil {
			return nil, fmt.Errorf("--set %s", err)
		}
	}
	for _, spec := range sc { // schema order, so the result does not depend on map order
		if v, ok := vals[spec.Key]; ok {
			if _, err := p.Set(spec.Key, v); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// benchPG times a policy-gradient trainer's steps: act, environment, the
// update, and at every episode's end the exact gradient and the comparison
// (the session's curves are not kept). An actor-critic updates every step,
// REINFORCE once an episode.
func benchPG(args []string, stdout io.Writer) error {
	fs := newFlags("bench pg")
	world := fs.String("world", "", "built-in world name or world file")
	method := fs.String("agent", "", "policy-gradient method: "+strings.Join(pg.Names(), ", "))
	steps := fs.Int("steps", 1_000_000, "environment steps to time, from a fresh agent")
	seed := fs.Uint64("seed", 1, "seed of the random streams")
	var sets setFlags
	fs.Var(&sets, "set", "key=value: a parameter of the method, the episodes or the world (repeatable)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *steps < 1 {
		return fmt.Errorf("--steps %d must be at least 1", *steps)
	}
	p, err := newPG(*world, *method, *seed, sets)
	if err != nil {
		return err
	}
	tr := p.Trainer()
	n := *steps
	wall, cpu, allocs := timed(func() {
		for i := 0; i < n; i++ {
			tr.Step()
		}
	})
	if d, _ := tr.Diverged(); d != "" {
		return fmt.Errorf("diverged: %s", d)
	}
	updates := n
	if p.Method == pg.Reinforce || p.Method == pg.ReinforceBaseline {
		updates = tr.Episodes
		if !tr.Ended() {
			updates--
		}
	}
	res := struct {
		benchResult
		Updates       int      `json:"updates"`
		UpdatesPerSec *float64 `json:"updates_per_sec,omitempty"`
		UpdatesPerCPU *float64 `json:"updates_per_cpu_sec,omitempty"`
	}{benchResult{Bench: "pg", World: p.World.Name, States: p.Model.S, Agent: p.Method.String(),
		Gamma: p.Value(pg.KeyGamma), Steps: n, Seconds: wall, CPUSeconds: cpu,
		StepsPerSec: rate(n, wall), StepsPerCPU: rate(n, cpu), CPUClock: controlCPUClock,
		Platform: runtime.GOOS + "/" + runtime.GOARCH, Settings: p.Values(), Seed: *seed,
		EpisodesBegun: tr.Episodes, AllocsInLoop: allocs}, updates, rate(updates, wall), rate(updates, cpu)}
	return json.NewEncoder(stdout).Encode(res)
}

// runTrainPG is train for the policy-gradient methods (package pg).
func runTrainPG(args []string, stdout io.Writer) error {
	fs := newFlags("train")
	world := fs.String("world", "", "built-in world name or world file")
	method := fs.String("agent", "", "policy-gradient method: "+strings.Join(pg.Names(), ", "))
	steps := fs.Int("steps", 0, "environment steps to take; an episode still running at the end is not written")
	seed := fs.Uint64("seed", 1, "seed of the random streams (same seed, same output)")
	asJSON := fs.Bool("json", false, "write JSON instead of CSV")
	save := fs.String("save", "", "write the final policy to this file ({\"probabilities\": ...}, as solve --policy reads)")
	var sets setFlags
	fs.Var(&sets, "set", "key=value: a parameter of the method, the episodes or the world (repeatable; keys as on the page)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *steps < 1 {
		return fmt.Errorf("--steps %d: give the number of steps to take (≥ 1)", *steps)
	}
	p, err := newPG(*world, *method, *seed, sets)
	if err != nil {
		return err
	}
	if err := p.Model.CheckOverflow(p.Value(pg.KeyGamma), 2); err != nil {
		return err
	}

	head := struct {
		World    string       `json:"world"`
		Agent    string       `json:"agent"`
		Seed     uint64       `json:"seed"`
		Steps    int          `json:"steps"`
		Settings param.Values `json:"settings"`
	}{p.World.Name, p.Method.String(), uint64(p.Value(session.KeySeed)), *steps, p.Values()}
	out, err := newRows(stdout, *asJSON, "episodes", pgColumns, head)
	if err != nil {
		return err
	}
	var snap session.PGSnapshot
	optimalFrom := -1
	for p.Steps() < *steps {
		if !p.Step() {
			if d := p.Diverged(); d != "" {
				return out.Fail(fmt.Errorf("diverged: %s", d))
			}
			continue
		}
		e := p.LastEpisode()
		share, gap := p.Optimal()
		p.Snapshot(&snap)
		ent := 0.0
		if k := len(snap.MeanEntropy.Y); k > 0 {
			ent = snap.MeanEntropy.Y[k-1]
		}
		if share == 1 {
			if optimalFrom < 0 {
				optimalFrom = e.Steps
			}
		} else {
			optimalFrom = -1
		}
		err := out.Write(float64(e.Episode), float64(e.Steps), e.Return, float64(e.Length), share, roundGap(gap), e.Error, e.J, e.Cosine, e.SqError, ent)
		if err != nil {
			return out.Fail(rowDivergence(err, e.Steps, e.Episode))
		}
	}
	share, gap := p.Optimal()
	J, err := p.Trainer().Objective()
	if err != nil {
		J = 0
	}
	p.Snapshot(&snap)
	if err := out.Close(struct {
		Steps    int     `json:"steps"`
		Episodes int     `json:"episodes"` // finished
		Optimal  float64 `json:"optimal"`
		Gap      float64 `json:"gap"`
		J        float64 `json:"J"`      // of the final policy
		JStar    float64 `json:"J_star"` // of the optimal policy
		// OptimalFrom is the step of the episode end from which the
		// greedy policy was optimal at every episode end, −1 if it is
		// not at the last one.
		OptimalFrom int     `json:"optimal_from"`
		Variance    float64 `json:"variance"` // mean ‖ĝ − ∇J‖² of the last episodes
	}{p.Steps(), out.Rows(), share, roundGap(gap), J, snap.JStar, optimalFrom, snap.Variance}); err != nil {
		return err
	}
	if *save != "" {
		pi := p.Trainer().Agent.ActionProbs(make([]float64, p.Model.S*p.Model.A))
		data, _ := json.Marshal(struct {
			Probabilities [][][]float64 `json:"probabilities"`
		}{cellRows(p.Model, pi)})
		if err := os.WriteFile(*save, append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("cannot write %s: %v", *save, err)
		}
	}
	return nil
}

// cellRows lays per-pair numbers (len S*A) out by row and column, nil for
// walls and cliff cells.
func cellRows(m *grid.Model, x []float64) [][][]float64 {
	w := &m.World
	rows := make([][][]float64, w.Rows)
	for r := range rows {
		rows[r] = make([][]float64, w.Cols)
		for c := range rows[r] {
			if s := m.StateAt(r, c); s >= 0 {
				rows[r][c] = x[s*m.A : (s+1)*m.A]
			}
		}
	}
	return rows
}

// gradientSolution is what solve --method gradient prints.
type gradientSolution struct {
	World string  `json:"world"`
	Gamma float64 `json:"gamma"`
	Start string  `json:"start"`  // start-cell or uniform
	J     float64 `json:"J"`      // Σ d₀(s) v_π(s)
	JStar float64 `json:"J_star"` // Σ d₀(s) v*(s)
	// Values is v_π, Discounted d^γ(s), by row and column.
	Values     [][]*float64 `json:"values"`
	Discounted [][]*float64 `json:"discounted"`
	// Probabilities is π(a|s) and Gradient ∂J/∂h(s,a) of the softmax
	// preferences, per cell, actions in order.
	Probabilities [][][]float64 `json:"probabilities"`
	Gradient      [][][]float64 `json:"gradient"`
	GradientNorm  float64       `json:"gradient_norm"`
}

// runGradient is solve --method gradient: J and its exact gradient for a
// policy (uniform without --policy).
func runGradient(args []string, stdout io.Writer) error {
	fs := newFlags("solve")
	world := fs.String("world", "", "built-in world name or world file")
	fs.String("method", "gradient", "gradient: J and ∂J/∂h of the softmax preferences at the policy")
	gamma := fs.Float64("gamma", 0.9, "discount γ in [0, 1)")
	policyFile := fs.String("policy", "", "policy file (uniformly random without it)")
	start := fs.String("start", "", "start-cell or uniform: d₀ of J (default: the start cell if the world has one)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	w, err := loadWorld(*world)
	if err != nil {
		return err
	}
	m, err := w.Build()
	if err != nil {
		return err
	}
	pi := make([]float64, m.S*m.A)
	if *policyFile != "" {
		data, err := os.ReadFile(*policyFile)
		if err != nil {
			return fmt.Errorf("cannot read policy file %s", strictjson.Short(*policyFile))
		}
		if pi, err = grid.ParsePolicy(data, m); err != nil {
			return fmt.Errorf("%s: %v", *policyFile, err)
		}
	} else {
		for i := range pi {
			pi[i] = 1 / float64(m.A)
		}
	}
	st := -1
	switch *start {
	case "":
		st = m.Start
	case "start-cell":
		if m.Start < 0 {
			return fmt.Errorf("--start start-cell: %s has no start cell", w.Name)
		}
		st = m.Start
	case "uniform":
	default:
		return fmt.Errorf("--start %s: give start-cell or uniform", strictjson.Short(*start))
	}
	d0, err := pg.StartDistribution(m.Model, st)
	if err != nil {
		return err
	}
	ex, err := pg.NewExact(m.Model, *gamma, d0)
	if err != nil {
		return err
	}
	if err := ex.Evaluate(pi); err != nil {
		return err
	}
	grad := ex.Gradient(make([]float64, m.S*m.A))
	out := gradientSolution{World: w.Name, Gamma: *gamma, Start: "uniform", J: ex.J,
		Values: cellValues(m, ex.V), Discounted: cellValues(m, ex.D),
		Probabilities: cellRows(m, ex.Pi), Gradient: cellRows(m, grad)}
	if st >= 0 {
		out.Start = "start-cell"
	}
	opt, err := agent.NewOptimum(m.Model, *gamma)
	if err != nil {
		return err
	}
	norm := 0.0
	for _, g := range grad {
		norm += g * g
	}
	out.GradientNorm = math.Sqrt(norm)
	for s, d := range d0 {
		out.JStar += d * opt.V[s]
	}
	return json.NewEncoder(stdout).Encode(out)
}
