package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"bellman/sim/agent"
	"bellman/sim/param"
	"bellman/sim/session"
)

// episodeRow is one row of train's output: an episode as it ended.
type episodeRow struct {
	Episode int     `json:"episode"`
	Steps   int     `json:"steps"`   // steps of the run when it ended
	Return  float64 `json:"return"`  // sum of its rewards
	Length  int     `json:"length"`  // its steps
	Optimal float64 `json:"optimal"` // share of reachable non-terminal states whose greedy action is optimal
	Gap     float64 `json:"gap"`     // max_s |v_π(s) − v*(s)| of the greedy policy π, to 1e-6
	Error   float64 `json:"error"`   // mean |TD error| (MC: |G − q|) per step
	Epsilon float64 `json:"epsilon"` // exploration rate of the episode
}

const trainColumns = "episode,steps,return,length,optimal,gap,error,epsilon"

func (r episodeRow) csv() string {
	f := param.Format
	return strings.Join([]string{strconv.Itoa(r.Episode), strconv.Itoa(r.Steps), f(r.Return), strconv.Itoa(r.Length),
		f(r.Optimal), f(r.Gap), f(r.Error), f(r.Epsilon)}, ",")
}

// roundGap rounds a gap to 1e-6, above the error of the iterative policy
// evaluation it comes from (below 1e-8 for γ ≤ 0.99).
func roundGap(g float64) float64 { return math.Round(g*1e6) / 1e6 }

// setFlags collects repeated --set key=value flags.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, " ") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

// newLearn builds a learning session from the common flags of train and
// bench td: the world, the agent, the seed and the --set assignments,
// each parsed through the session's schema.
func newLearn(worldName, agentName string, seed uint64, sets []string) (*session.Learn, error) {
	w, err := loadWorld(worldName)
	if err != nil {
		return nil, err
	}
	if agentName == "" {
		return nil, fmt.Errorf("--agent is required (%s)", strings.Join(agent.Names(), ", "))
	}
	l, err := session.NewLearn(w, agentName, seed)
	if err != nil {
		return nil, err
	}
	sc := l.Schema()
	vals := param.Values{}
	for _, s := range sets {
		if err := sc.Set(vals, s); err != nil {
			return nil, fmt.Errorf("--set %s", err)
		}
	}
	for _, spec := range sc { // schema order, so the result does not depend on map order
		if v, ok := vals[spec.Key]; ok {
			if _, err := l.Set(spec.Key, v); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

func runTrain(args []string, stdout io.Writer) error {
	args, err := expandLesson(args)
	if err != nil {
		return err
	}
	if loadedKind(args) == session.KindControl {
		return runTrainEnv(args, stdout) // --load of a DDPG or TD3 run: save.go
	}
	if isDQN(args) {
		return runTrainDQN(args, stdout) // DQN on a discrete control task or a grid world
	}
	if isVFAAgent(args) {
		return runTrainVFA(args, stdout) // linear methods: vfa.go
	}
	if hasFlag(args, "env") {
		if isPPOAgent(args) {
			return runTrainPPO(args, stdout) // PPO, A2C (ppo.go)
		}
		return runTrainEnv(args, stdout) // continuous control: DDPG, TD3
	}
	if isPGAgent(args) {
		return runTrainPG(args, stdout) // policy gradient: pg.go
	}
	fs := newFlags("train")
	fs.String("lesson", "", "a learning lesson's key (bellman lessons): its world, agent and --set flags")
	world := fs.String("world", "", "built-in world name or world file")
	agentName := fs.String("agent", "", "agent: "+strings.Join(agent.Names(), ", "))
	steps := fs.Int("steps", 0, "environment steps to take; an episode still running at the end is not written")
	seed := fs.Uint64("seed", 1, "seed of the random streams (same seed, same output)")
	asJSON := fs.Bool("json", false, "write JSON instead of CSV")
	var sets setFlags
	fs.Var(&sets, "set", "key=value: a parameter of the agent, the episodes or the world (repeatable; keys as on the page)")
	so := addSaveFlags(fs, false)
	tf := addTFRecordFlag(fs)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *steps < 1 {
		return fmt.Errorf("--steps %d: give the number of steps to take (≥ 1)", *steps)
	}
	l, err := so.learn(func() (*session.Learn, error) { return newLearn(*world, *agentName, *seed, sets) }, sets)
	if err != nil {
		return err
	}
	l.GapEvery = 0 // evaluated at every episode end below
	// With --load, --steps counts the steps to take on top.
	*steps += l.Steps()
	traj, err := openTrajectory(*tf)
	if err != nil {
		return err
	}

	out := bufio.NewWriter(stdout)
	if *asJSON {
		settings, _ := json.Marshal(l.Values())
		head, _ := json.Marshal(struct {
			World string `json:"world"`
			Agent string `json:"agent"`
			Seed  uint64 `json:"seed"`
			Steps int    `json:"steps"`
		}{l.World.Name, l.Agent, uint64(l.Values()[session.KeySeed]), *steps})
		fmt.Fprintf(out, "%s,\"settings\":%s,\"episodes\":[", head[:len(head)-1], settings)
	} else {
		fmt.Fprintln(out, trainColumns)
	}
	n := 0
	for l.Steps() < *steps {
		ended := l.Step()
		if err := traj.learnStep(l); err != nil {
			return err
		}
		if !ended {
			continue
		}
		e := l.LastEpisode()
		share, gap := l.Evaluate()
		row := episodeRow{e.Episode, e.Steps, e.Return, e.Length, share, roundGap(gap), e.Error, e.Epsilon}
		if *asJSON {
			b, _ := json.Marshal(row)
			if n > 0 {
				out.WriteByte(',')
			}
			out.Write(b)
		} else {
			fmt.Fprintln(out, row.csv())
		}
		n++
	}
	if err := traj.close(); err != nil {
		return err
	}
	if err := so.saveLearn(l); err != nil {
		return err
	}
	if *asJSON {
		share, gap := l.Evaluate()
		final, _ := json.Marshal(struct {
			Steps    int     `json:"steps"`
			Episodes int     `json:"episodes"` // finished
			Optimal  float64 `json:"optimal"`
			Gap      float64 `json:"gap"`
		}{l.Steps(), n, share, roundGap(gap)})
		fmt.Fprintf(out, "],\"final\":%s}\n", final)
	}
	return out.Flush()
}

// hasFlag reports whether args set the flag name (as -name or --name, with
// or without =value).
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if !strings.HasPrefix(a, "-") {
			continue // a flag's value, such as a world named "env"
		}
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}
