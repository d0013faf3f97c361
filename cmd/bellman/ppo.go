package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"

	"bellman/sim/control"
	"bellman/sim/param"
	"bellman/sim/ppo"
)

// isPPOAgent reports whether args name a PPO-family agent (--agent ppo
// or a2c), which train --env hands to this file (without --env, a2c is
// the grid worlds' method of pg.go).
func isPPOAgent(args []string) bool {
	_, err := ppo.ParseAlgo(flagValue(args, "agent"))
	return err == nil
}

const ppoSetHelp = "key=value: a parameter of the agent (keys as on the page: lr, num_envs, num_steps, gamma, gae_lambda, clip_coef, ent_coef, " +
	"hidden, …; hidden=64,64 gives two hidden layers of 64) or, for pointmass, of the world (pm_…); repeatable"

// ppoRun is a PPO or A2C trainer built from command-line flags.
type ppoRun struct {
	env    string
	algo   ppo.Algo
	seed   uint64
	values param.Values // every parameter, defaults included
	cfg    ppo.Config
	tr     *ppo.Trainer
}

// ppoSchema is the agent's schema on env (the page's defaults) and, for
// the point mass, the world's.
func ppoSchema(env string, algo ppo.Algo) (param.Schema, error) {
	sc, err := ppo.Schema(algo, env)
	if err != nil {
		return nil, err
	}
	if env == "pointmass" {
		for _, s := range control.Schema() {
			if strings.HasPrefix(s.Key, "pm_") {
				sc = append(sc, s)
			}
		}
	}
	return sc, nil
}

// applyPPOSet parses one --set assignment into vals; hidden=W,W,... sets
// the width and the number of hidden layers (all of one width).
func applyPPOSet(sc param.Schema, vals param.Values, assignment string) error {
	key, text, ok := strings.Cut(assignment, "=")
	if ok && strings.TrimSpace(key) == ppo.KeyHidden && strings.Contains(text, ",") {
		widths, err := parseNumbers(text)
		if err != nil {
			return fmt.Errorf("hidden: %v", err)
		}
		for _, w := range widths {
			if w != widths[0] {
				return fmt.Errorf("hidden=%s: the hidden layers have one width here (e.g. 64,64)", text)
			}
		}
		if err := sc.Set(vals, ppo.KeyHidden+"="+param.Format(widths[0])); err != nil {
			return err
		}
		return sc.Set(vals, ppo.KeyLayers+"="+strconv.Itoa(len(widths)))
	}
	return sc.Set(vals, assignment)
}

// newPPORun builds a trainer for env and agent with the environment's
// defaults and the --set assignments applied in order.
func newPPORun(env, agent string, seed uint64, sets []string) (*ppoRun, error) {
	algo, err := ppo.ParseAlgo(agent)
	if err != nil {
		return nil, err
	}
	e, err := control.New(env)
	if err != nil {
		return nil, err
	}
	env = e.Name()
	sc, err := ppoSchema(env, algo)
	if err != nil {
		return nil, err
	}
	vals := sc.Defaults()
	for _, s := range sets {
		if err := applyPPOSet(sc, vals, s); err != nil {
			return nil, fmt.Errorf("--set %v", err)
		}
	}
	agentVals := param.Values{}
	as, _ := ppo.Schema(algo, env)
	for _, s := range as {
		agentVals[s.Key] = vals[s.Key]
	}
	cfg, err := ppo.ConfigFromValues(algo, env, agentVals)
	if err != nil {
		return nil, err
	}
	newEnv := func() (control.Env, error) { return control.New(env) }
	if env == "pointmass" {
		pc, err := control.PointMassFromValues(vals)
		if err != nil {
			return nil, err
		}
		newEnv = func() (control.Env, error) { return control.NewPointMass(pc) }
	}
	tr, err := ppo.NewTrainer(newEnv, cfg, seed)
	if err != nil {
		return nil, err
	}
	return &ppoRun{env: env, algo: algo, seed: seed, values: vals, cfg: cfg, tr: tr}, nil
}

// ppoUpdate is one update of train --env --agent ppo --json, with
// CleanRL's diagnostics (explained_variance null where the returns were
// constant).
type ppoUpdate struct {
	Steps             int      `json:"steps"`
	PolicyLoss        float64  `json:"policy_loss"`
	ValueLoss         float64  `json:"value_loss"`
	Entropy           float64  `json:"entropy"`
	ApproxKL          float64  `json:"approx_kl"`
	ClipFrac          float64  `json:"clipfrac"`
	ExplainedVariance *float64 `json:"explained_variance"`
	LR                float64  `json:"learning_rate"`
}

// runTrainPPO is "bellman train --env NAME --agent ppo|a2c ...": it trains
// and writes one CSV row (or JSON object) per finished episode of any of
// the environments, in the order they end. A run that diverges stops,
// closes its output and returns an error naming the quantity.
func runTrainPPO(args []string, stdout io.Writer) error {
	fs := newFlags("train")
	env := fs.String("env", "cartpole-discrete", "environment: "+strings.Join(control.Names(), ", "))
	agent := fs.String("agent", "ppo", "agent: ppo or a2c")
	steps := fs.Int("steps", 100_000, "environment steps to take, all environments together; episodes still running at the end are not written")
	seed := fs.Uint64("seed", 1, "seed of the random streams (same seed, same output, natively and under WebAssembly)")
	asJSON := fs.Bool("json", false, "write JSON (with the updates' diagnostics) instead of CSV")
	var sets controlSets
	fs.Var(&sets, "set", ppoSetHelp)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *steps < 1 {
		return fmt.Errorf("--steps %d: give the number of steps to take (≥ 1)", *steps)
	}
	run, err := newPPORun(*env, *agent, *seed, sets)
	if err != nil {
		return err
	}
	head := struct {
		Env      string       `json:"env"`
		Agent    string       `json:"agent"`
		Seed     uint64       `json:"seed"`
		Steps    int          `json:"steps"`
		Settings param.Values `json:"settings"`
	}{run.env, run.algo.String(), run.seed, *steps, run.values}
	out, err := newRows(stdout, *asJSON, "episodes", controlColumns, head)
	if err != nil {
		return err
	}
	tr := run.tr
	var recent recentReturns
	updates := []ppoUpdate{}
	for tr.Steps() < *steps {
		res := tr.Step()
		for _, e := range tr.Finished() {
			if err := out.Write(float64(e.Index), float64(e.Steps), e.Return, float64(e.Length)); err != nil {
				return out.Fail(rowDivergence(err, e.Steps, e.Index))
			}
			recent.add(e.Return)
		}
		if d := tr.Diverged(); d != "" {
			return out.Fail(fmt.Errorf("diverged by step %d: %s", tr.Steps(), d))
		}
		if res.Updated && *asJSON {
			s := res.Stats
			u := ppoUpdate{tr.Steps(), s.PolicyLoss, s.ValueLoss, s.Entropy, s.ApproxKL, s.ClipFrac, nil, s.LR}
			if ev := s.ExplainedVariance; !math.IsNaN(ev) && !math.IsInf(ev, 0) {
				u.ExplainedVariance = &ev
			}
			updates = append(updates, u)
		}
	}
	type final struct {
		Steps      int      `json:"steps"`
		Episodes   int      `json:"episodes"`   // finished
		Updates    int      `json:"updates"`    // gradient steps
		Iterations int      `json:"iterations"` // rollouts learnt from
		Last10     *float64 `json:"mean_last10,omitempty"`
	}
	return out.CloseWith(struct {
		Updates []ppoUpdate `json:"updates"`
		Final   final       `json:"final"`
	}{updates, final{tr.Steps(), out.Rows(), tr.Agent().Updates(), tr.Agent().Iterations(), recent.mean10()}})
}

// ppoBench is the JSON line bench ppo prints.
type ppoBench struct {
	Bench       string       `json:"bench"`
	Env         string       `json:"env"`
	Agent       string       `json:"agent"`
	Hidden      []int        `json:"hidden"`
	Batch       int          `json:"batch"`     // transitions per rollout
	Minibatch   int          `json:"minibatch"` // transitions per gradient step
	Iterations  int          `json:"iterations"`
	Updates     int          `json:"updates"` // gradient steps timed
	Seconds     float64      `json:"seconds"`
	CPUSeconds  float64      `json:"cpu_seconds"`
	PerSec      float64      `json:"updates_per_sec"`
	PerCPUSec   float64      `json:"updates_per_cpu_sec"`
	IterPerSec  float64      `json:"iterations_per_cpu_sec"`
	Steps       int          `json:"steps"` // environment steps of the training loop timed
	StepsPerCPU float64      `json:"train_steps_per_cpu_sec"`
	CPUClock    string       `json:"cpu_clock"`
	Platform    string       `json:"platform"`
	Seed        uint64       `json:"seed"`
	Allocs      uint64       `json:"allocs"` // heap allocations in both timed loops
	Settings    param.Values `json:"settings"`
}

// runBenchPPO is "bellman bench ppo --env NAME ...": it collects one
// rollout, times --iterations full updates on it (epochs × minibatches of
// gradient steps; A2C one step), then times --iterations rollouts of
// training (acting, stepping, GAE and the update).
func runBenchPPO(args []string, stdout io.Writer) error {
	fs := newFlags("bench ppo")
	env := fs.String("env", "cartpole-discrete", "environment: "+strings.Join(control.Names(), ", "))
	agent := fs.String("agent", "ppo", "agent: ppo or a2c")
	iterations := fs.Int("iterations", 20, "updates (whole rollouts) to time")
	seed := fs.Uint64("seed", 1, "seed of the random streams")
	var sets controlSets
	fs.Var(&sets, "set", ppoSetHelp)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *iterations < 1 {
		return fmt.Errorf("--iterations %d must be at least 1", *iterations)
	}
	run, err := newPPORun(*env, *agent, *seed, sets)
	if err != nil {
		return err
	}
	tr := run.tr
	for !tr.Step().Updated { // one rollout, its update outside the timing
	}
	a, r := tr.Agent(), tr.Rollout()
	rng := rand.New(rand.NewPCG(*seed, ppo.StreamShuffle))
	u0 := a.Updates()
	wall, cpu, clock, allocs := timeControl(func() {
		for i := 0; i < *iterations; i++ {
			a.Update(r, rng)
		}
	})
	updates := a.Updates() - u0
	s0 := tr.Steps()
	_, cpu2, _, allocs2 := timeControl(func() {
		for i := 0; i < *iterations; {
			if tr.Step().Updated {
				i++
			}
		}
	})
	c := run.cfg
	hidden := make([]int, c.Layers)
	for i := range hidden {
		hidden[i] = c.Hidden
	}
	res := ppoBench{Bench: "ppo", Env: run.env, Agent: run.algo.String(), Hidden: hidden, Batch: c.Batch(),
		Minibatch: c.MinibatchSize(), Iterations: *iterations, Updates: updates, Seconds: wall, CPUSeconds: cpu,
		Steps: tr.Steps() - s0, CPUClock: clock, Platform: runtime.GOOS + "/" + runtime.GOARCH, Seed: run.seed,
		Allocs: allocs + allocs2, Settings: run.values}
	if wall > 0 {
		res.PerSec = float64(updates) / wall
	}
	if cpu > 0 {
		res.PerCPUSec = float64(updates) / cpu
		res.IterPerSec = float64(*iterations) / cpu
	}
	if cpu2 > 0 {
		res.StepsPerCPU = float64(res.Steps) / cpu2
	}
	return json.NewEncoder(stdout).Encode(res)
}
