package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"bellman/sim/control"
	"bellman/sim/ddpg"
	"bellman/sim/param"
	"bellman/sim/session"
	"bellman/sim/strictjson"
)

// controlSets collects repeated --set key=value flags of train --env and
// bench ddpg.
type controlSets []string

func (s *controlSets) String() string     { return strings.Join(*s, " ") }
func (s *controlSets) Set(v string) error { *s = append(*s, v); return nil }

const controlSetHelp = "key=value: a parameter of the agent (keys as on the page: gamma, tau, batch, noise_sigma, actor.lr, critic.hidden, …; " +
	"a network key without actor./critic. sets both, and hidden=64,64 gives both networks two hidden layers of 64) or, for pointmass, of the world (pm_…); repeatable"

// controlRun is a DDPG or TD3 trainer built from command-line flags.
type controlRun struct {
	env    string
	algo   ddpg.Algo
	seed   uint64
	values param.Values // every parameter, defaults included
	cfg    ddpg.Config
	tr     *ddpg.Trainer
	sess   *session.Control // the session tr belongs to, when the run is saved or loaded (save.go)
}

// controlSchema is the agent's schema with the environment's defaults (the
// page's) and, for the point mass, the world's.
func controlSchema(env string, algo ddpg.Algo) param.Schema {
	sc := ddpg.SchemaFor(algo, env)
	if env == "pointmass" {
		for _, s := range control.Schema() {
			if strings.HasPrefix(s.Key, "pm_") {
				sc = append(sc, s)
			}
		}
	}
	return sc
}

// applySet parses one --set assignment into vals. Besides the schema's
// keys it takes a network key without its prefix for both networks, and
// hidden=W,W,... for the hidden layers of both: one W per layer, all equal
// (hidden=64 is a single layer).
func applySet(sc param.Schema, vals param.Values, assignment string) error {
	key, text, ok := strings.Cut(assignment, "=")
	if !ok {
		return fmt.Errorf("%s is not key=value", strictjson.Short(assignment))
	}
	key = strings.TrimSpace(key)
	if _, found := sc.Find(key); found {
		return sc.Set(vals, assignment)
	}
	if key == "hidden" {
		widths, err := parseNumbers(text)
		if err != nil {
			return fmt.Errorf("hidden: %v", err)
		}
		for _, w := range widths {
			if w != widths[0] {
				return fmt.Errorf("hidden=%s: the layers of a network have one width here (e.g. 64,64)", strictjson.Short(text))
			}
		}
		for _, p := range []string{ddpg.ActorPrefix, ddpg.CriticPrefix} {
			if err := sc.Set(vals, p+"hidden="+param.Format(widths[0])); err != nil {
				return err
			}
			if err := sc.Set(vals, p+"layers="+strconv.Itoa(len(widths))); err != nil {
				return err
			}
		}
		return nil
	}
	_, inActor := sc.Find(ddpg.ActorPrefix + key)
	_, inCritic := sc.Find(ddpg.CriticPrefix + key)
	if inActor && inCritic {
		if err := sc.Set(vals, ddpg.ActorPrefix+assignment); err != nil {
			return err
		}
		return sc.Set(vals, ddpg.CriticPrefix+assignment)
	}
	return sc.Set(vals, assignment) // the schema's error for an unknown key
}

// newControlRun builds a trainer for env and agent with the environment's
// defaults and the --set assignments applied in order.
func newControlRun(env, agent string, seed uint64, sets []string) (*controlRun, error) {
	algo, err := ddpg.ParseAlgo(agent)
	if err != nil {
		return nil, err
	}
	e, err := control.New(env)
	if err != nil {
		return nil, err
	}
	env = e.Name()
	sc := controlSchema(env, algo)
	vals := sc.Defaults()
	for _, s := range sets {
		if err := applySet(sc, vals, s); err != nil {
			return nil, fmt.Errorf("--set %v", err)
		}
	}
	agentVals := param.Values{}
	for _, s := range ddpg.Schema(algo) {
		agentVals[s.Key] = vals[s.Key]
	}
	cfg, err := ddpg.ConfigFromValuesFor(algo, env, agentVals)
	if err != nil {
		return nil, err
	}
	if env == "pointmass" {
		pc, err := control.PointMassFromValues(vals)
		if err != nil {
			return nil, err
		}
		if e, err = control.NewPointMass(pc); err != nil {
			return nil, err
		}
	}
	tr, err := ddpg.NewTrainer(e, cfg, seed)
	if err != nil {
		return nil, err
	}
	return &controlRun{env: env, algo: algo, seed: seed, values: vals, cfg: cfg, tr: tr}, nil
}

// controlColumns are the columns of train --env's rows: an episode as it
// ended, steps the run's step count then, return the sum of its rewards,
// length its steps.
var controlColumns = []column{{"episode", true}, {"steps", true}, {"return", false}, {"length", true}}

// runTrainEnv is "bellman train --env NAME --agent ddpg|td3 ...": it trains
// a DDPG or TD3 agent and writes one CSV row (or JSON object) per finished
// episode.
func runTrainEnv(args []string, stdout io.Writer) error {
	fs := newFlags("train")
	env := fs.String("env", "pendulum", "environment with continuous actions: pendulum, mountaincar, cartpole or pointmass")
	agent := fs.String("agent", "ddpg", "agent: ddpg or td3")
	steps := fs.Int("steps", 20_000, "environment steps to take; an episode still running at the end is not written")
	seed := fs.Uint64("seed", 1, "seed of the random streams (same seed, same output, natively and under WebAssembly)")
	asJSON := fs.Bool("json", false, "write JSON instead of CSV")
	var sets controlSets
	fs.Var(&sets, "set", controlSetHelp)
	so := addSaveFlags(fs, true)
	tf := addTFRecordFlag(fs)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *steps < 1 {
		return fmt.Errorf("--steps %d: give the number of steps to take (≥ 1)", *steps)
	}
	run, err := so.control(func() (*controlRun, error) { return newControlRun(*env, *agent, *seed, sets) }, sets)
	if err != nil {
		return err
	}
	*steps += run.tr.Steps() // with --load, --steps counts the steps to take on top
	traj, err := openTrajectory(*tf)
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
	for tr.Steps() < *steps {
		traj.beforeControl(run)
		res := run.step()
		if err := traj.afterControl(run); err != nil {
			traj.close()
			return out.Fail(err)
		}
		if err := run.diverged(res); err != nil {
			traj.close() // the trajectory file ends where the run stopped
			return out.Fail(err)
		}
		if !res.EpisodeDone {
			continue
		}
		e := tr.Last()
		if err := out.Write(float64(e.Index), float64(e.Steps), e.Return, float64(e.Length)); err != nil {
			return out.Fail(rowDivergence(err, e.Steps, e.Index))
		}
		recent.add(e.Return)
	}
	if err := traj.close(); err != nil {
		return out.Fail(err)
	}
	if err := so.saveControl(run); err != nil {
		return out.Fail(err)
	}
	final := struct {
		Steps    int      `json:"steps"`
		Episodes int      `json:"episodes"`              // finished
		Updates  int      `json:"updates"`               // gradient updates
		Last10   *float64 `json:"mean_last10,omitempty"` // mean return of the last 10 episodes
	}{tr.Steps(), out.Rows(), tr.Agent().Updates(), recent.mean10()}
	return out.Close(final)
}

// ddpgBench is the JSON line bench ddpg prints.
type ddpgBench struct {
	Bench      string       `json:"bench"`
	Env        string       `json:"env"`
	Agent      string       `json:"agent"`
	Hidden     []int        `json:"hidden"` // critic's hidden widths (the actor's are in settings)
	Batch      int          `json:"batch"`
	Replay     int          `json:"replay"` // transitions in the buffer while timing
	Updates    int          `json:"updates"`
	Seconds    float64      `json:"seconds"`
	CPUSeconds float64      `json:"cpu_seconds"`
	PerSec     float64      `json:"updates_per_sec"`
	PerCPUSec  float64      `json:"updates_per_cpu_sec"`
	CPUClock   string       `json:"cpu_clock"`
	Platform   string       `json:"platform"`
	Seed       uint64       `json:"seed"`
	Allocs     uint64       `json:"allocs"` // heap allocations while timing
	Settings   param.Values `json:"settings"`
}

// runBenchDDPG is "bellman bench ddpg --env NAME ...": it fills the replay
// buffer with random actions, then times full updates (critic step, actor
// step, soft target updates; TD3's actor every policy_delay updates).
func runBenchDDPG(args []string, stdout io.Writer) error {
	fs := newFlags("bench ddpg")
	env := fs.String("env", "pendulum", "environment with continuous actions: pendulum, mountaincar, cartpole or pointmass")
	agent := fs.String("agent", "ddpg", "agent: ddpg or td3")
	updates := fs.Int("updates", 2000, "updates to time")
	fill := fs.Int("fill", 0, "random-action transitions put in the replay buffer first (0: as many as it holds)")
	seed := fs.Uint64("seed", 1, "seed of the random streams")
	var sets controlSets
	fs.Var(&sets, "set", controlSetHelp)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *updates < 1 {
		return fmt.Errorf("--updates %d must be at least 1", *updates)
	}
	run, err := newControlRun(*env, *agent, *seed, sets)
	if err != nil {
		return err
	}
	n := *fill
	if capacity := run.cfg.BufferSize; n <= 0 || n > capacity {
		n = capacity
	}
	if n < run.cfg.Batch {
		return fmt.Errorf("--fill %d is less than a batch (%d)", n, run.cfg.Batch)
	}
	// Random actions only and no updates while filling.
	cfg := run.cfg
	cfg.LearningStarts, cfg.UpdatesPerStep = n+1, 0
	if err := run.tr.Retune(cfg); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		run.tr.Step()
	}
	a := run.tr.Agent()
	a.Update() // first update outside the timing
	wall, cpu, clock, allocs := timeControl(func() {
		for i := 0; i < *updates; i++ {
			a.Update()
		}
	})
	res := ddpgBench{Bench: "ddpg", Env: run.env, Agent: run.algo.String(),
		Hidden: run.cfg.Critic.Sizes[1 : len(run.cfg.Critic.Sizes)-1], Batch: run.cfg.Batch,
		Replay: a.Replay().Len(), Updates: *updates, Seconds: wall, CPUSeconds: cpu,
		CPUClock: clock, Platform: runtime.GOOS + "/" + runtime.GOARCH, Seed: run.seed, Allocs: allocs,
		Settings: run.values}
	if wall > 0 {
		res.PerSec = float64(*updates) / wall
	}
	if cpu > 0 {
		res.PerCPUSec = float64(*updates) / cpu
	}
	return json.NewEncoder(stdout).Encode(res)
}

// timeControl runs f and returns its wall and CPU seconds, the clock the
// CPU time comes from (wall time if there is none) and its heap
// allocations.
func timeControl(f func()) (wall, cpu float64, clock string, allocs uint64) {
	var m0, m1 runtime.MemStats
	runtime.GC()                  // start from a collected heap, outside the clocks
	settle()                      // under js/wasm: until V8's background compiles are done
	c0, ok := controlCPUSeconds() // outside the allocation count: it allocates under js
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	f()
	wall = time.Since(t0).Seconds()
	runtime.ReadMemStats(&m1)
	c1, _ := controlCPUSeconds()
	if !ok {
		return wall, wall, "wall (no process CPU clock here)", m1.Mallocs - m0.Mallocs
	}
	return wall, c1 - c0, controlCPUClock, m1.Mallocs - m0.Mallocs
}
