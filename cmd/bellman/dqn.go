package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"bellman/sim/dqn"
	"bellman/sim/grid"
	"bellman/sim/nn"
	"bellman/sim/param"
	"bellman/sim/session"
	"bellman/sim/strictjson"
)

const dqnSetHelp = "key=value: a parameter of the agent (keys as on the page: gamma, batch, buffer, target_every, tau, double, dueling, " +
	"eps_start, eps_end, exploration_fraction, q.lr, q.hidden, …; a network key without q. works too, and hidden=64,64 gives two hidden layers of 64) " +
	"or, on a grid, of the episodes and the world; repeatable"

// isDQN reports whether a train or bench command line names a DQN agent.
func isDQN(args []string) bool {
	_, err := dqn.ParseMethod(flagValue(args, "agent")) // flagValue: vfa.go
	return err == nil
}

// dqnSets parses --set assignments in order against sc into a new set of
// values. Besides the schema's keys it takes the Q-network's keys without
// their "q." prefix and hidden=W,W,... for the hidden layers (one width
// for all).
func dqnSets(sc param.Schema, sets []string) (param.Values, error) {
	vals := param.Values{}
	for _, a := range sets {
		key, text, ok := strings.Cut(a, "=")
		if !ok {
			return nil, fmt.Errorf("--set %s is not key=value", strictjson.Short(a))
		}
		key = strings.TrimSpace(key)
		if _, found := sc.Find(key); !found {
			if key == nn.KeyHidden && strings.Contains(text, ",") {
				widths, err := parseNumbers(text)
				if err != nil {
					return nil, fmt.Errorf("--set hidden: %v", err)
				}
				for _, w := range widths {
					if w != widths[0] {
						return nil, fmt.Errorf("--set hidden=%s: the hidden layers have one width here (e.g. 64,64)", text)
					}
				}
				if err := sc.Set(vals, dqn.NetPrefix+"hidden="+param.Format(widths[0])); err != nil {
					return nil, fmt.Errorf("--set %v", err)
				}
				if err := sc.Set(vals, dqn.NetPrefix+"layers="+strconv.Itoa(len(widths))); err != nil {
					return nil, fmt.Errorf("--set %v", err)
				}
				continue
			}
			if _, found := sc.Find(dqn.NetPrefix + key); found {
				a = dqn.NetPrefix + a
			}
		}
		if err := sc.Set(vals, a); err != nil {
			return nil, fmt.Errorf("--set %v", err)
		}
	}
	return vals, nil
}

// setter is a session's Set.
type setter interface {
	Schema() param.Schema
	Set(key string, v float64) (string, error)
}

// applyDQNSets applies the --set assignments to a session in schema order,
// and a run length steps > 0 to the ε schedule's total_steps unless set.
func applyDQNSets(s setter, sets []string, steps int) error {
	sc := s.Schema()
	vals, err := dqnSets(sc, sets)
	if err != nil {
		return err
	}
	if _, ok := vals["total_steps"]; !ok && steps > 0 {
		spec, _ := sc.Find("total_steps")
		vals["total_steps"] = spec.Clamp(float64(steps))
	}
	for _, spec := range sc {
		if v, ok := vals[spec.Key]; ok {
			if _, err := s.Set(spec.Key, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// runTrainDQN is "bellman train --env NAME|--world NAME --agent dqn ...".
func runTrainDQN(args []string, stdout io.Writer) error {
	fs := newFlags("train")
	env := fs.String("env", "", "control task with discrete actions: "+strings.Join(session.DQNEnvs(), ", "))
	world := fs.String("world", "", "or a built-in grid world or world file")
	agent := fs.String("agent", "dqn", "agent: "+strings.Join(dqn.MethodNames(), ", "))
	steps := fs.Int("steps", 0, "environment steps to take (also the run length of the ε schedule unless --set total_steps)")
	seed := fs.Uint64("seed", 1, "seed of the random streams (same seed, same output, natively and under WebAssembly)")
	every := fs.Int("every", 500, "grid: steps between two rows (each an evaluation against the optimum)")
	asJSON := fs.Bool("json", false, "write JSON instead of CSV")
	var sets setFlags
	fs.Var(&sets, "set", dqnSetHelp)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *steps < 1 {
		return fmt.Errorf("--steps %d: give the number of steps to take (≥ 1)", *steps)
	}
	if (*env == "") == (*world == "") {
		return errors.New("give --env (a control task) or --world (a grid world), not both")
	}
	if *seed > session.MaxSeed {
		return fmt.Errorf("--seed %d is above %d", *seed, uint64(session.MaxSeed))
	}
	if *world != "" {
		if *every < 1 {
			return fmt.Errorf("--every %d must be at least 1", *every)
		}
		w, err := loadWorld(*world)
		if err != nil {
			return err
		}
		return trainDQNGrid(w, *agent, *seed, sets, *steps, *every, *asJSON, stdout)
	}
	return trainDQNControl(*env, *agent, *seed, sets, *steps, *asJSON, stdout)
}

func trainDQNControl(env, agent string, seed uint64, sets []string, steps int, asJSON bool, stdout io.Writer) error {
	s, err := session.NewDQNControl(env, agent, seed)
	if err != nil {
		return err
	}
	if err := applyDQNSets(s, sets, steps); err != nil {
		return err
	}
	head := struct {
		Env      string       `json:"env"`
		Agent    string       `json:"agent"`
		Seed     uint64       `json:"seed"`
		Steps    int          `json:"steps"`
		Settings param.Values `json:"settings"`
	}{s.Env(), s.Agent(), seed, steps, s.Values()}
	out, err := newRows(stdout, asJSON, "episodes", controlColumns, head)
	if err != nil {
		return err
	}
	tr := s.Trainer()
	var recent recentReturns
	for s.Steps() < steps {
		s.Step()
		if d := s.Diverged(); d != "" {
			return out.Fail(errors.New(d))
		}
		if !s.Last().EpisodeDone {
			continue
		}
		e := tr.Last()
		if err := out.Write(float64(e.Index), float64(e.Steps), e.Return, float64(e.Length)); err != nil {
			return out.Fail(rowDivergence(err, e.Steps, e.Index))
		}
		recent.add(e.Return)
	}
	return out.Close(struct {
		Steps    int      `json:"steps"`
		Episodes int      `json:"episodes"`
		Updates  int      `json:"updates"`
		Last10   *float64 `json:"mean_last10,omitempty"`
	}{s.Steps(), out.Rows(), tr.Agent().Updates(), recent.mean10()})
}

// dqnGridColumns are the columns of train --world with a DQN agent, a row
// every --every steps: the steps so far; the mean loss, |TD error| and
// Q(s, a) of the updates since the last row; the RMSE of max_a q̂(s, a)
// against v* over the states; the share of non-terminal states whose
// greedy action is optimal; max_s |v_π(s) − v*(s)| of the greedy policy,
// to 1e-6; ε.
var dqnGridColumns = []column{{"steps", true}, {"loss", false}, {"td_error", false}, {"mean_q", false},
	{"value_rmse", false}, {"optimal", false}, {"gap", false}, {"epsilon", false}}

func trainDQNGrid(w grid.World, agent string, seed uint64, sets []string, steps, every int, asJSON bool, stdout io.Writer) error {
	g, err := session.NewDQNGrid(w, agent, seed)
	if err != nil {
		return err
	}
	if err := applyDQNSets(g, sets, steps); err != nil {
		return err
	}
	head := struct {
		World    string       `json:"world"`
		Agent    string       `json:"agent"`
		Seed     uint64       `json:"seed"`
		Steps    int          `json:"steps"`
		Settings param.Values `json:"settings"`
	}{w.Name, g.Agent(), seed, steps, g.Values()}
	out, err := newRows(stdout, asJSON, "rows", dqnGridColumns, head)
	if err != nil {
		return err
	}
	var loss, td, q float64
	n := 0
	for g.Steps() < steps {
		g.Step()
		if d := g.Diverged(); d != "" {
			return out.Fail(errors.New(d))
		}
		if r := g.Last(); r.Updates > 0 {
			loss += r.Loss
			td += r.TDError
			q += r.MeanQ
			n++
		}
		if g.Steps()%every != 0 && g.Steps() < steps {
			continue
		}
		share, rmse, gap := g.Evaluate()
		var mLoss, mTD, mQ float64
		if n > 0 {
			mLoss, mTD, mQ = loss/float64(n), td/float64(n), q/float64(n)
		}
		loss, td, q, n = 0, 0, 0, 0
		if err := out.Write(float64(g.Steps()), mLoss, mTD, mQ, rmse, share, roundGap(gap), g.Trainer().Epsilon()); err != nil {
			if nf, ok := err.(*nonFinite); ok {
				err = &divergence{g.Steps(), "the " + nf.Column + " of the row", nf.Value}
			}
			return out.Fail(err)
		}
	}
	var snap session.DQNGridSnapshot
	g.Snapshot(&snap)
	values := make([][]*float64, w.Rows)
	policy := make([][]*string, w.Rows)
	for r := range values {
		values[r] = make([]*float64, w.Cols)
		policy[r] = make([]*string, w.Cols)
		for c := range values[r] {
			if s := snap.State[r*w.Cols+c]; s >= 0 {
				v, a := snap.V[s], grid.ActionNames[snap.Greedy[s]]
				values[r][c], policy[r][c] = &v, &a
			}
		}
	}
	return out.Close(struct {
		Steps     int          `json:"steps"`
		Updates   int          `json:"updates"`
		Optimal   float64      `json:"optimal"`
		ValueRMSE float64      `json:"value_rmse"`
		Gap       float64      `json:"gap"`
		Values    [][]*float64 `json:"values"` // max_a q̂ by row and column, null for walls and cliffs
		Policy    [][]*string  `json:"policy"` // greedy action of q̂
	}{snap.Steps, snap.Updates, snap.OptimalShare, snap.ValueRMSE, roundGap(snap.Gap), values, policy})
}

// dqnBench is the JSON line bench dqn prints.
type dqnBench struct {
	Bench      string       `json:"bench"`
	Env        string       `json:"env"`
	Agent      string       `json:"agent"`
	Hidden     []int        `json:"hidden"`
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

// runBenchDQN is "bellman bench dqn --env NAME ...": it fills the replay
// buffer with random actions, then times full updates (targets, loss,
// backward pass, optimizer step, target moves).
func runBenchDQN(args []string, stdout io.Writer) error {
	fs := newFlags("bench dqn")
	env := fs.String("env", "cartpole-discrete", "control task with discrete actions: "+strings.Join(session.DQNEnvs(), ", "))
	agent := fs.String("agent", "dqn", "agent: "+strings.Join(dqn.MethodNames(), ", "))
	updates := fs.Int("updates", 3000, "updates to time")
	fill := fs.Int("fill", 0, "random-action transitions put in the replay buffer first (0: as many as it holds)")
	seed := fs.Uint64("seed", 1, "seed of the random streams")
	var sets setFlags
	fs.Var(&sets, "set", dqnSetHelp)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *updates < 1 {
		return fmt.Errorf("--updates %d must be at least 1", *updates)
	}
	if *seed > session.MaxSeed {
		return fmt.Errorf("--seed %d is above %d", *seed, uint64(session.MaxSeed))
	}
	s, err := session.NewDQNControl(*env, *agent, *seed)
	if err != nil {
		return err
	}
	if err := applyDQNSets(s, sets, 0); err != nil {
		return err
	}
	tr := s.Trainer()
	a := tr.Agent()
	cfg := a.Config()
	n := *fill
	if c := cfg.BufferSize; n <= 0 || n > c {
		n = c
	}
	if n < cfg.Batch {
		return fmt.Errorf("--fill %d is less than a batch (%d)", n, cfg.Batch)
	}
	// Random actions only and no updates while filling.
	fillCfg := cfg
	fillCfg.LearningStarts, fillCfg.EpsStart, fillCfg.EpsEnd = n+1, 1, 1
	if err := tr.Retune(fillCfg); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		tr.Step()
	}
	a.Update() // the first update outside the timing
	wall, cpu, clock, allocs := timeControl(func() {
		for i := 0; i < *updates; i++ {
			a.Update()
		}
	})
	res := dqnBench{Bench: "dqn", Env: s.Env(), Agent: s.Agent(), Hidden: cfg.Net.Sizes[1 : len(cfg.Net.Sizes)-1],
		Batch: cfg.Batch, Replay: a.Replay().Len(), Updates: *updates, Seconds: wall, CPUSeconds: cpu,
		CPUClock: clock, Platform: runtime.GOOS + "/" + runtime.GOARCH, Seed: *seed, Allocs: allocs, Settings: s.Values()}
	if wall > 0 {
		res.PerSec = float64(*updates) / wall
	}
	if cpu > 0 {
		res.PerCPUSec = float64(*updates) / cpu
	}
	return json.NewEncoder(stdout).Encode(res)
}
