package session

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"bellman/sim/ppo"
	"bellman/sim/save"
)

// KindPPO is the kind of a PPO or A2C session's save files.
const KindPPO = "ppo"

// ppoState is a PPO session's part of a save file.
type ppoState struct {
	Trainer      ppo.State    `json:"trainer"`
	Trajectory   []Point      `json:"trajectory"`
	Previous     []Point      `json:"previous_trajectory"`
	Curves       []curveState `json:"curves"` // returns, policy loss, value loss, entropy, KL, clip fraction, explained variance, lr
	HeatmapEvery int          `json:"heatmap_every"`
	Value        []float64    `json:"value"`
	Out          []float64    `json:"out"`
	Std          []float64    `json:"std,omitempty"`
	Greedy       []int        `json:"greedy,omitempty"`
	Entropy      []float64    `json:"entropy,omitempty"`
	ValueMin     float64      `json:"value_min"`
	ValueMax     float64      `json:"value_max"`
	HeatmapStep  int          `json:"heatmap_step"`
}

func (p *PPO) curves() []*curve {
	return []*curve{&p.returns, &p.policyLoss, &p.valueLoss, &p.entropyC, &p.approxKL, &p.clipFrac, &p.explained, &p.lr}
}

// Save writes the run to w as a save file: the task, the agent, every
// parameter and the seed, the networks with their optimizers' state, the
// rollout collected so far, every environment's episode, the normalisers,
// the random streams, the curves and the heatmaps. Loading it continues
// the run exactly. A diverged run is an error.
func (p *PPO) Save(w io.Writer) error {
	tr, err := p.tr.SaveState()
	if err != nil {
		return fmt.Errorf("save: %v", err)
	}
	st := ppoState{Trainer: tr, Trajectory: slices.Clone(p.traj), Previous: slices.Clone(p.prevTraj),
		Curves: saveCurves(p.curves()), HeatmapEvery: p.HeatmapEvery, Value: slices.Clone(p.value), Out: slices.Clone(p.out),
		Std: slices.Clone(p.std), Greedy: slices.Clone(p.greedy), Entropy: slices.Clone(p.entropy),
		ValueMin: p.vmin, ValueMax: p.vmax, HeatmapStep: p.heatAt}
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save: %s (the run diverged?)", save.Message(err))
	}
	return save.Write(w, save.File{Kind: KindPPO, State: state, Setup: save.Setup{
		Env: p.env, Method: p.agent.String(), Params: p.vals.Clone(), Seed: uint64(p.vals[KeySeed])}})
}

// OpenPPO reads a PPO session's save file and returns the session it
// holds.
func OpenPPO(r io.Reader) (*PPO, error) {
	f, err := save.Read(r)
	if err != nil {
		return nil, err
	}
	return openPPO(f)
}

// Load replaces the run by the one in a save file for the same task (see
// Control.Load); on error the session is unchanged.
func (p *PPO) Load(r io.Reader) error {
	f, err := save.Read(r)
	if err != nil {
		return err
	}
	if f.Kind == KindPPO && f.Setup.Env != p.env {
		return fmt.Errorf("save file: it is for %s, this session runs %s", f.Setup.Env, p.env)
	}
	n, err := openPPO(f)
	if err != nil {
		return err
	}
	n.version = p.version + 1
	n.HeatmapEvery = p.HeatmapEvery
	*p = *n
	return nil
}

func openPPO(f save.File) (*PPO, error) {
	if err := f.Check(KindPPO); err != nil {
		return nil, err
	}
	if !slices.Contains(PPOEnvs(), f.Setup.Env) {
		return nil, fmt.Errorf("save file: unknown task %q (valid: %v)", f.Setup.Env, PPOEnvs())
	}
	algo, err := ppo.ParseAlgo(f.Setup.Method)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	sc, err := ppoSchema(f.Setup.Env, algo)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	vals, err := setupValues(sc, f.Setup.Params, algo.String())
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := seedMatches(vals, f); err != nil {
		return nil, err
	}
	var st ppoState
	if err := save.Decode(f.State, &st); err != nil {
		return nil, fmt.Errorf("save file: state: %v", err)
	}
	p := &PPO{}
	if err := p.load(f.Setup.Env, algo.String(), vals); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := p.restore(st); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	return p, nil
}

func (p *PPO) restore(st ppoState) error {
	switch {
	case len(st.Trajectory) > cap(p.traj) || len(st.Previous) > cap(p.prevTraj):
		return fmt.Errorf("trajectories of %d and %d points, an episode has at most %d", len(st.Trajectory), len(st.Previous), cap(p.traj))
	case len(st.Value) != len(p.value) || len(st.Out) != len(p.out) || len(st.Std) != len(p.std) ||
		len(st.Greedy) != len(p.greedy) || len(st.Entropy) != len(p.entropy):
		return fmt.Errorf("heatmaps of other sizes than the task's")
	case st.HeatmapEvery < 0 || st.HeatmapStep < 0:
		return fmt.Errorf("heatmap_every %d and heatmap_step %d must not be negative", st.HeatmapEvery, st.HeatmapStep)
	}
	if err := save.Indices("greedy", st.Greedy, p.nOut); err != nil {
		return err
	}
	heat := append(append(append(append([]float64{}, st.Value...), st.Out...), st.Std...), st.Entropy...)
	if err := save.Finite("heatmaps", heat); err != nil {
		return err
	}
	if err := checkPoints(append(slices.Clone(st.Trajectory), st.Previous...)); err != nil {
		return err
	}
	if err := loadCurves(p.curves(), st.Curves); err != nil {
		return err
	}
	if err := p.tr.LoadState(st.Trainer); err != nil {
		return err
	}
	p.state = p.tr.Env(0).State(p.state)
	p.traj = append(p.traj[:0], st.Trajectory...)
	p.prevTraj = append(p.prevTraj[:0], st.Previous...)
	p.HeatmapEvery = st.HeatmapEvery
	copy(p.value, st.Value)
	copy(p.out, st.Out)
	copy(p.std, st.Std)
	copy(p.greedy, st.Greedy)
	copy(p.entropy, st.Entropy)
	p.vmin, p.vmax, p.heatAt = st.ValueMin, st.ValueMax, st.HeatmapStep
	return nil
}
