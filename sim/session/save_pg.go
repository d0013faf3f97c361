package session

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"bellman/sim/grid"
	"bellman/sim/pg"
	"bellman/sim/save"
)

// KindPG is the kind of a policy-gradient session's save files.
const KindPG = "pg"

// pgState is a PG session's part of a save file.
type pgState struct {
	Trainer   pg.State   `json:"trainer"`
	Trail     []int      `json:"trail"`
	Visits    []int      `json:"visits"`
	Share     float64    `json:"share"`
	Gap       float64    `json:"gap"`
	Returns   curveState `json:"returns"`
	Objective curveState `json:"objective"`
	Cosine    curveState `json:"cosine"`
	SqError   curveState `json:"sq_error"`
	Entropy   curveState `json:"entropy"`
	Optimal   curveState `json:"optimal"`
	Recent    []float64  `json:"recent"`
	NRecent   int        `json:"recent_count"`
	Last      pg.Episode `json:"last"`
}

// Save writes the run to w as a save file (package save): the world file,
// the method, every parameter and the seed, the preferences and critics,
// the episode in progress, the random streams and the curves. Loading it
// continues the run exactly. A diverged run is an error.
func (p *PG) Save(w io.Writer) error {
	world, err := json.Marshal(p.base)
	if err != nil {
		return err
	}
	tr, err := p.tr.SaveState()
	if err != nil {
		return fmt.Errorf("save: %v", err)
	}
	st := pgState{Trainer: tr, Trail: slices.Clone(p.trail), Visits: slices.Clone(p.visits), Share: p.share, Gap: p.gap,
		Returns: p.returns.save(), Objective: p.objective.save(), Cosine: p.cosine.save(), SqError: p.sqErr.save(),
		Entropy: p.entropy.save(), Optimal: p.optimal.save(), Recent: slices.Clone(p.recent[:]), NRecent: p.nRecent, Last: p.last}
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save: %s (the run diverged?)", save.Message(err))
	}
	return save.Write(w, save.File{Kind: KindPG, State: state, Setup: save.Setup{
		World: world, Method: p.Method.String(), Params: p.vals.Clone(), Seed: uint64(p.vals[KeySeed])}})
}

// OpenPG reads a PG session's save file and returns the session it holds.
func OpenPG(r io.Reader) (*PG, error) {
	f, err := save.Read(r)
	if err != nil {
		return nil, err
	}
	return openPG(f)
}

// Load replaces the run by the one in a save file written by Save for the
// same world (see Learn.Load); on error the session is unchanged.
func (p *PG) Load(r io.Reader) error {
	f, err := save.Read(r)
	if err != nil {
		return err
	}
	n, err := openPG(f)
	if err != nil {
		return err
	}
	if err := sameWorld(n.base, p.base); err != nil {
		return err
	}
	n.Version, n.Run = p.Version+1, p.Run+1
	*p = *n
	return nil
}

func openPG(f save.File) (*PG, error) {
	if err := f.Check(KindPG); err != nil {
		return nil, err
	}
	if len(f.Setup.World) == 0 {
		return nil, fmt.Errorf("save file: the setup has no world")
	}
	world, err := grid.Parse(f.Setup.World)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	m, err := pg.ParseMethod(f.Setup.Method)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	sc, err := pgSchema(world, m)
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	vals, err := setupValues(sc, f.Setup.Params, m.String())
	if err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if uint64(vals[KeySeed]) != f.Setup.Seed {
		return nil, fmt.Errorf("save file: the setup's seed %d differs from its parameter seed %v", f.Setup.Seed, vals[KeySeed])
	}
	var st pgState
	if err := save.Decode(f.State, &st); err != nil {
		return nil, fmt.Errorf("save file: state: %v", err)
	}
	p := &PG{}
	if err := p.load(world, m.String(), vals); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	if err := p.restore(st); err != nil {
		return nil, fmt.Errorf("save file: %v", err)
	}
	return p, nil
}

// restore puts a saved state into a session freshly built from the same
// setup; on error the caller drops the session.
func (p *PG) restore(st pgState) error {
	m := p.Model
	cells := p.World.Rows * p.World.Cols
	switch {
	case len(st.Trail) > maxTrail:
		return fmt.Errorf("the trail has %d cells, at most %d are kept", len(st.Trail), maxTrail)
	case save.Indices("trail", st.Trail, cells) != nil:
		return save.Indices("trail", st.Trail, cells)
	case len(st.Visits) != m.S:
		return save.Len("visits", len(st.Visits), m.S)
	case len(st.Recent) != VarianceWindow:
		return save.Len("recent", len(st.Recent), VarianceWindow)
	case st.NRecent < 0:
		return fmt.Errorf("recent_count %d is negative", st.NRecent)
	}
	for i, v := range st.Visits {
		if v < 0 {
			return fmt.Errorf("visits[%d] = %d is negative", i, v)
		}
	}
	for _, c := range []struct {
		name string
		s    curveState
	}{{"returns", st.Returns}, {"objective", st.Objective}, {"cosine", st.Cosine}, {"sq_error", st.SqError},
		{"entropy", st.Entropy}, {"optimal", st.Optimal}} {
		if err := c.s.check(c.name); err != nil {
			return err
		}
	}
	if err := save.Finite("scores", append([]float64{st.Share, st.Gap}, st.Recent...)); err != nil {
		return err
	}
	if err := p.tr.LoadState(st.Trainer); err != nil {
		return err
	}
	p.trail = append(p.trail[:0], st.Trail...)
	copy(p.visits, st.Visits)
	p.share, p.gap = st.Share, st.Gap
	p.returns.load(st.Returns)
	p.objective.load(st.Objective)
	p.cosine.load(st.Cosine)
	p.sqErr.load(st.SqError)
	p.entropy.load(st.Entropy)
	p.optimal.load(st.Optimal)
	copy(p.recent[:], st.Recent)
	p.nRecent, p.last = st.NRecent, st.Last
	return nil
}
