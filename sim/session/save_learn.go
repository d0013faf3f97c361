package session

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"bellman/sim/agent"
	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/save"
)

// KindLearn is the kind of a learning session's save files.
const KindLearn = "learn"

// learnState is a learning session's part of a save file: the agent's
// tables, the runner's episode, the random streams and what the charts
// show, so that a loaded run continues as the saved one would have.
type learnState struct {
	Agent        agent.State       `json:"agent"`
	Runner       agent.RunnerState `json:"runner"`
	EnvRNG       []byte            `json:"env_rng"`
	AgentRNG     []byte            `json:"agent_rng"`
	Trail        []int             `json:"trail"`
	Visits       []int             `json:"visits"`
	EpisodeError float64           `json:"episode_error"`
	Episodes     historyState      `json:"episodes"`
	Gaps         historyState      `json:"gaps"`
	Share        float64           `json:"share"`
	Gap          float64           `json:"gap"`
	GapStep      int               `json:"gap_step"`
	GapValues    []float64         `json:"gap_values"` // v_π of the last evaluation, the next one's start
	GapEvery     int               `json:"gap_every"`
	Last         EpisodeStats      `json:"last"`
}

// historyState is a history's points and its pending partial point.
type historyState struct {
	X      []float64   `json:"x"`
	Y      [][]float64 `json:"y"`
	Stride int         `json:"stride"`
	AX     float64     `json:"ax"`
	AY     []float64   `json:"ay"`
	AN     int         `json:"an"`
}

func (h *history) save() historyState {
	y := make([][]float64, len(h.y))
	for i := range y {
		y[i] = slices.Clone(h.y[i])
	}
	return historyState{X: slices.Clone(h.x), Y: y, Stride: h.stride, AX: h.ax, AY: slices.Clone(h.ay), AN: h.an}
}

// check reports a saved history that does not fit h.
func (h *history) check(what string, s historyState) error {
	if len(s.Y) != len(h.y) || len(s.AY) != len(h.ay) {
		return fmt.Errorf("history %s has %d series, want %d", what, len(s.Y), len(h.y))
	}
	if len(s.X) > h.max {
		return fmt.Errorf("history %s has %d points, at most %d are kept", what, len(s.X), h.max)
	}
	for _, y := range s.Y {
		if len(y) != len(s.X) {
			return fmt.Errorf("history %s has series of %d and %d points", what, len(s.X), len(y))
		}
	}
	if s.Stride < 1 || s.AN < 0 || s.AN >= s.Stride {
		return fmt.Errorf("history %s has stride %d and %d pending points", what, s.Stride, s.AN)
	}
	return nil
}

// load replaces h's points by s (checked), keeping h's memory.
func (h *history) load(s historyState) {
	h.x = append(h.x[:0], s.X...)
	for i := range h.y {
		h.y[i] = append(h.y[i][:0], s.Y[i]...)
	}
	copy(h.ay, s.AY)
	h.stride, h.ax, h.an = s.Stride, s.AX, s.AN
}

// Save writes the run to w as a save file (package save): the world file,
// the agent, every parameter and the seed, the agent's tables, the episode
// in progress, the random streams and the histories. Loading it continues
// the run exactly. A run whose values went NaN or infinite is an error.
func (l *Learn) Save(w io.Writer) error {
	world, err := json.Marshal(l.base)
	if err != nil {
		return err
	}
	ag, err := agent.SaveState(l.runner.Agent)
	if err != nil {
		return fmt.Errorf("save: %v", err)
	}
	st := learnState{
		Agent: ag, Runner: l.runner.SaveState(),
		EnvRNG: save.RNG(l.envSrc), AgentRNG: save.RNG(l.agSrc),
		Trail: slices.Clone(l.trail), Visits: slices.Clone(l.visits), EpisodeError: l.epErr,
		Episodes: l.episodes.save(), Gaps: l.gaps.save(),
		Share: l.share, Gap: l.gap, GapStep: l.gapStep, GapValues: slices.Clone(l.opt.PolicyValues()), GapEvery: l.GapEvery, Last: l.last,
	}
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save: %s (the run diverged?)", save.Message(err))
	}
	return save.Write(w, save.File{Kind: KindLearn, State: state, Setup: save.Setup{
		World: world, Method: l.Agent, Params: l.vals.Clone(), Seed: uint64(l.vals[KeySeed])}})
}

// OpenLearn reads a learning session's save file and returns the session
// it holds, ready to continue: the setup comes from the file.
func OpenLearn(r io.Reader) (*Learn, error) {
	f, err := save.Read(r)
	if err != nil {
		return nil, err
	}
	return openLearn(f)
}

// Load replaces the run by the one in a save file written by Save for the
// same world: the agent, the parameters and the seed come from the file,
// and the run continues from where it was saved. A file for another world
// (another name, layout, rewards, slip, actions or ending) is refused,
// naming the difference, and so is a file of another version or kind or
// whose tables do not fit; then the session is unchanged. Version and Run
// count the load as a change and a restart. GapEvery, an option of the
// session rather than of the run, stays as it was.
func (l *Learn) Load(r io.Reader) error {
	f, err := save.Read(r)
	if err != nil {
		return err
	}
	n, err := openLearn(f)
	if err != nil {
		return err
	}
	if err := sameWorld(n.base, l.base); err != nil {
		return err
	}
	n.Version, n.Run, n.GapEvery = l.Version+1, l.Run+1, l.GapEvery
	*l = *n
	return nil
}

// sameWorld names the first difference between a save file's world and the
// session's.
func sameWorld(file, have grid.World) error {
	pre := fmt.Sprintf("save file: it is for world %q", file.Name)
	switch {
	case file.Name != have.Name:
		return fmt.Errorf("%s, not %q", pre, have.Name)
	case file.Rows != have.Rows || file.Cols != have.Cols:
		return fmt.Errorf("%s of %dx%d cells, this one has %dx%d", pre, file.Rows, file.Cols, have.Rows, have.Cols)
	case !slices.Equal(file.Cells, have.Cells):
		i := 0
		for file.Cells[i] == have.Cells[i] {
			i++
		}
		return fmt.Errorf("%s with another layout (row %d, column %d differs)", pre, i/file.Cols, i%file.Cols)
	case file.Actions != have.Actions:
		return fmt.Errorf("%s with %d actions, this one has %d", pre, file.Actions, have.Actions)
	case file.Rewards != have.Rewards:
		return fmt.Errorf("%s with other rewards in its file (%+v, this one %+v)", pre, file.Rewards, have.Rewards)
	case file.Slip != have.Slip:
		return fmt.Errorf("%s with slip %v in its file, this one has %v", pre, file.Slip, have.Slip)
	case file.Terminal != have.Terminal:
		return fmt.Errorf("%s with terminal %v, this one has %v", pre, file.Terminal, have.Terminal)
	}
	return nil
}

// setupValues returns the schema's values with the file's applied: a key
// the schema does not have, or a value outside its range, is an error; a
// key the file lacks keeps its default (a parameter added since the file
// was written).
func setupValues(sc param.Schema, params param.Values, method string) (param.Values, error) {
	vals := sc.Defaults()
	for _, k := range slices.Sorted(maps.Keys(params)) {
		v := params[k]
		s, ok := sc.Find(k)
		if !ok {
			return nil, fmt.Errorf("parameter %q is not one of %s's (%s)", k, method, joinKeys(sc))
		}
		if c := s.Clamp(v); c != v {
			return nil, fmt.Errorf("parameter %s = %v is outside its range (it would be %v)", k, v, c)
		}
		vals[k] = v
	}
	return vals, nil
}

func joinKeys(sc param.Schema) string {
	s := ""
	for i, k := range sc.Keys() {
		if i > 0 {
			s += ", "
		}
		s += k
	}
	return s
}

func openLearn(f save.File) (*Learn, error) {
	if err := f.Check(KindLearn); err != nil {
		return nil, err
	}
	if len(f.Setup.World) == 0 {
		return nil, fmt.Errorf("save file: the setup has no world")
	}
	world, err := grid.Parse(f.Setup.World)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	sc, err := learnSchema(world, f.Setup.Method)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	vals, err := setupValues(sc, f.Setup.Params, f.Setup.Method)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if uint64(vals[KeySeed]) != f.Setup.Seed {
		return nil, fmt.Errorf("save file: the setup's seed %d differs from its parameter seed %v", f.Setup.Seed, vals[KeySeed])
	}
	var st learnState
	if err := save.Decode(f.State, &st); err != nil {
		return nil, fmt.Errorf("save file: state: %v", err)
	}
	l := &Learn{GapEvery: DefaultGapEvery, episodes: newHistory(4, maxLearnHistory), gaps: newHistory(1, maxLearnHistory)}
	if err := l.load(world, f.Setup.Method, vals); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := l.restore(st); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	return l, nil
}

// restore puts a saved state into a session freshly built from the same
// setup; on error the caller drops the session.
func (l *Learn) restore(st learnState) error {
	m := l.Model
	cells := l.World.Rows * l.World.Cols
	switch {
	case len(st.Trail) > maxTrail:
		return fmt.Errorf("the trail has %d cells, at most %d are kept", len(st.Trail), maxTrail)
	case save.Indices("trail", st.Trail, cells) != nil:
		return save.Indices("trail", st.Trail, cells)
	case len(st.Visits) != m.S:
		return save.Len("visits", len(st.Visits), m.S)
	case st.GapEvery < 0:
		return fmt.Errorf("gap_every %d is negative", st.GapEvery)
	case st.GapStep < 0 || st.GapStep > st.Runner.Steps:
		return fmt.Errorf("gap_step %d is outside the run's %d steps", st.GapStep, st.Runner.Steps)
	}
	for i, v := range st.Visits {
		if v < 0 {
			return fmt.Errorf("visits[%d] = %d is negative", i, v)
		}
	}
	if err := save.Finite("scores", []float64{st.EpisodeError, st.Share, st.Gap, st.Last.Return, st.Last.Error, st.Last.Optimal, st.Last.Epsilon}); err != nil {
		return err
	}
	for _, h := range []struct {
		name string
		h    *history
		s    historyState
	}{{"episodes", &l.episodes, st.Episodes}, {"gaps", &l.gaps, st.Gaps}} {
		if err := h.h.check(h.name, h.s); err != nil {
			return err
		}
	}
	if !st.Runner.Ended && st.Runner.State != st.Agent.State {
		return fmt.Errorf("the agent is in state %d, the episode in %d", st.Agent.State, st.Runner.State)
	}
	if err := l.runner.LoadState(st.Runner); err != nil {
		return err
	}
	if err := agent.LoadState(l.runner.Agent, st.Agent); err != nil {
		return err
	}
	if err := l.opt.SetPolicyValues(st.GapValues); err != nil {
		return err
	}
	if err := save.SetRNG(l.envSrc, st.EnvRNG, "env_rng"); err != nil {
		return err
	}
	if err := save.SetRNG(l.agSrc, st.AgentRNG, "agent_rng"); err != nil {
		return err
	}
	l.trail = append(l.trail[:0], st.Trail...)
	copy(l.visits, st.Visits)
	l.epErr = st.EpisodeError
	l.episodes.load(st.Episodes)
	l.gaps.load(st.Gaps)
	l.share, l.gap, l.gapStep, l.GapEvery, l.last = st.Share, st.Gap, st.GapStep, st.GapEvery, st.Last
	return nil
}
