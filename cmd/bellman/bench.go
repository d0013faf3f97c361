package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"bellman/sim/agent"
	"bellman/sim/dp"
	"bellman/sim/strictjson"
)

// benchResult is the JSON line bench prints. Rates per CPU second use the
// process's CPU time where the platform has a clock for it (CPUClock
// "getrusage"), otherwise wall time, as CPUClock says.
type benchResult struct {
	Bench         string             `json:"bench"`
	World         string             `json:"world"`
	States        int                `json:"states"`
	Agent         string             `json:"agent,omitempty"`
	Method        string             `json:"method,omitempty"`
	Gamma         float64            `json:"gamma"`
	Steps         int                `json:"steps,omitempty"`
	Sweeps        int                `json:"sweeps,omitempty"`
	Seconds       float64            `json:"seconds"`
	CPUSeconds    float64            `json:"cpu_seconds"`
	StepsPerSec   *float64           `json:"steps_per_sec,omitempty"`
	StepsPerCPU   *float64           `json:"steps_per_cpu_sec,omitempty"`
	SweepsPerSec  *float64           `json:"sweeps_per_sec,omitempty"`
	SweepsPerCPU  *float64           `json:"sweeps_per_cpu_sec,omitempty"`
	CPUClock      string             `json:"cpu_clock"`
	Platform      string             `json:"platform"`
	Settings      map[string]float64 `json:"settings,omitempty"`
	Seed          uint64             `json:"seed,omitempty"`
	EpisodesBegun int                `json:"episodes,omitempty"`
	AllocsInLoop  uint64             `json:"allocs"` // heap allocations during the timed loop
}

// timed runs f and returns its wall and CPU seconds (CPU = wall without a
// CPU clock) and the heap allocations it made.
func timed(f func()) (wall, cpu float64, allocs uint64) {
	var m0, m1 runtime.MemStats
	runtime.GC()                  // start from a collected heap, outside the clocks
	settle()                      // under js/wasm: until V8's background compiles are done
	c0, ok := controlCPUSeconds() // node's process.cpuUsage under js/wasm
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	f()
	wall = time.Since(t0).Seconds()
	runtime.ReadMemStats(&m1)
	c1, _ := controlCPUSeconds()
	cpu = c1 - c0
	if !ok {
		cpu = wall
	}
	return wall, cpu, m1.Mallocs - m0.Mallocs
}

// rate returns n/seconds, or nil if the time is too short to measure.
func rate(n int, seconds float64) *float64 {
	if !(seconds > 0) {
		return nil
	}
	r := float64(n) / seconds
	return &r
}

func runBench(args []string, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stdout, "usage: bellman bench td --world W --agent A --steps N [--seed S] [--set key=value ...]")
			fmt.Fprintln(stdout, "       bellman bench dp --world W --method vi|pi --sweeps N [--gamma 0.9]")
			fmt.Fprintln(stdout, "       bellman bench ddpg --env pendulum --updates N [--agent td3] [--seed S] [--set key=value ...]")
			fmt.Fprintln(stdout, "       bellman bench dqn --env cartpole-discrete --updates N [--agent double-dqn] [--seed S] [--set key=value ...]")
			fmt.Fprintln(stdout, "       bellman bench pg --world W --agent reinforce|reinforce-baseline|qac|a2c|offpolicy-ac --steps N [--seed S] [--set key=value ...]")
			fmt.Fprintln(stdout, "       bellman bench ppo --env cartpole-discrete --iterations N [--agent a2c] [--seed S] [--set key=value ...]")
			return flag.ErrHelp
		}
		return errors.New("say what to time: bench td (an agent's steps), bench dp (dynamic-programming sweeps), bench ddpg or bench dqn (deep RL updates) or bench pg (policy-gradient steps)")
	}
	switch args[0] {
	case "td":
		return benchTD(args[1:], stdout)
	case "dp":
		return benchDP(args[1:], stdout)
	case "ddpg":
		return runBenchDDPG(args[1:], stdout)
	case "dqn":
		return runBenchDQN(args[1:], stdout)
	case "pg":
		return benchPG(args[1:], stdout) // pg.go
	case "ppo":
		return runBenchPPO(args[1:], stdout) // ppo.go
	}
	return fmt.Errorf("unknown benchmark %s (td, dp, ddpg, dqn, pg or ppo)", strictjson.Short(args[0]))
}

func benchTD(args []string, stdout io.Writer) error {
	fs := newFlags("bench td")
	world := fs.String("world", "", "built-in world name or world file")
	agentName := fs.String("agent", "", "agent: "+strings.Join(agent.Names(), ", "))
	steps := fs.Int("steps", 1_000_000, "environment steps to time, from a fresh agent")
	seed := fs.Uint64("seed", 1, "seed of the random streams")
	var sets setFlags
	fs.Var(&sets, "set", "key=value: a parameter of the agent, the episodes or the world (repeatable)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *steps < 1 {
		return fmt.Errorf("--steps %d must be at least 1", *steps)
	}
	l, err := newLearn(*world, *agentName, *seed, sets)
	if err != nil {
		return err
	}
	r := l.Runner()
	n := *steps
	wall, cpu, allocs := timed(func() {
		for i := 0; i < n; i++ {
			r.Step()
		}
	})
	res := benchResult{Bench: "td", World: l.World.Name, States: l.Model.S, Agent: l.Agent,
		Gamma: l.Values()[agent.KeyGamma], Steps: n, Seconds: wall, CPUSeconds: cpu,
		StepsPerSec: rate(n, wall), StepsPerCPU: rate(n, cpu), CPUClock: controlCPUClock,
		Platform: runtime.GOOS + "/" + runtime.GOARCH, Settings: l.Values(), Seed: uint64(l.Values()["seed"]),
		EpisodesBegun: r.Episode, AllocsInLoop: allocs}
	return json.NewEncoder(stdout).Encode(res)
}

func benchDP(args []string, stdout io.Writer) error {
	fs := newFlags("bench dp")
	world := fs.String("world", "", "built-in world name or world file")
	method := fs.String("method", "vi", "vi (value iteration) or pi (policy iteration)")
	sweeps := fs.Int("sweeps", 10_000, "sweeps to time; a solver that converges starts again from v = 0")
	gamma := fs.Float64("gamma", 0.9, "discount γ in [0, 1)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *method != "vi" && *method != "pi" {
		return fmt.Errorf("--method %s: vi or pi", strictjson.Short(*method))
	}
	if *sweeps < 1 {
		return fmt.Errorf("--sweeps %d must be at least 1", *sweeps)
	}
	w, err := loadWorld(*world)
	if err != nil {
		return err
	}
	m, err := w.Build()
	if err != nil {
		return err
	}
	c := dp.Default()
	c.Gamma = *gamma
	c.Method, _ = dp.ParseMethod(*method)
	s, err := dp.New(m.Model, c, nil)
	if err != nil {
		return err
	}
	n := *sweeps
	wall, cpu, allocs := timed(func() {
		for i := 0; i < n; i++ {
			s.Step()
			if s.Done {
				s.Reset()
			}
		}
	})
	res := benchResult{Bench: "dp", World: w.Name, States: m.S, Method: *method, Gamma: *gamma,
		Sweeps: n, Seconds: wall, CPUSeconds: cpu, SweepsPerSec: rate(n, wall), SweepsPerCPU: rate(n, cpu),
		CPUClock: controlCPUClock, Platform: runtime.GOOS + "/" + runtime.GOARCH, AllocsInLoop: allocs}
	return json.NewEncoder(stdout).Encode(res)
}
