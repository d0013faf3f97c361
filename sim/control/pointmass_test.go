package control_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"bellman/sim/control"
	"bellman/sim/param"
)

func newPointMass(t *testing.T, edit func(*control.PointMassConfig)) *control.PointMass {
	t.Helper()
	c := control.DefaultPointMass()
	if edit != nil {
		edit(&c)
	}
	p, err := control.NewPointMass(c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The default layout is the book's 5x5 world, row 0 at the top.
func TestPointMassDefaultLayout(t *testing.T) {
	c := control.DefaultPointMass()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	layout := []string{".....", ".FF..", "..F..", ".FTF.", ".F..."} // Zhao, Figure 3.4
	p := newPointMass(t, nil)
	obs := make([]float64, 4)
	for row, line := range layout {
		for col, ch := range line {
			// The centre of cell (row, col), at rest, with no force.
			x, y := 0.1+0.2*float64(col), 0.9-0.2*float64(row)
			if err := p.SetState([]float64{x, y, 0, 0}); err != nil {
				t.Fatal(err)
			}
			r, term := p.Step([]float64{0, 0}, obs)
			want := map[rune]float64{'.': 0, 'F': -1, 'T': 1}[ch]
			if r != want || term {
				t.Errorf("cell (%d,%d) %c: reward %v terminated %v, want %v false", row, col, ch, r, term, want)
			}
		}
	}
	if c.Target != control.Rect(0.4, 0.2, 0.6, 0.4) {
		t.Errorf("target %+v, want [0.4, 0.6]×[0.2, 0.4]", c.Target)
	}
}

func TestPointMassByHand(t *testing.T) {
	for _, c := range []struct {
		name   string
		edit   func(*control.PointMassConfig)
		state  []float64
		action []float64
		want   []float64
		reward float64
		term   bool
	}{
		// v = 0 + 0.1·(2·1 − 2·0) = 0.2, x = 0.5 + 0.1·0.2 = 0.52: inside
		// the forbidden cell (2,2); reward −1 − 0.01·1.
		{"push into forbidden", nil, []float64{0.5, 0.5, 0, 0}, []float64{1, 0},
			[]float64{0.52, 0.5, 0.2, 0}, -1.01, false},
		// The force is clipped to (−1, 1): v = 0.1·(−2, 2), cost 0.01·2.
		{"clipped force", nil, []float64{0.1, 0.1, 0, 0}, []float64{-5, 3},
			[]float64{0.08, 0.12, -0.2, 0.2}, -0.02, false},
		// Damping alone: v = 0.5·(1 − 0.2) = 0.4, x = 0.1 + 0.04.
		{"damping", nil, []float64{0.1, 0.9, 0.5, -0.5}, []float64{0, 0},
			[]float64{0.14, 0.86, 0.4, -0.4}, 0, false},
		// v = 1 + 0.1·(2 − 2) = 1, x = 0.99 + 0.1 > 1: clamped to the wall,
		// vx zeroed, vy kept; reward −1 − 0.01.
		{"right wall", nil, []float64{0.99, 0.9, 1, 0.1}, []float64{1, 0},
			[]float64{1, 0.9 + 0.1*0.08, 0, 0.08}, -1.01, false},
		{"bottom-left corner", nil, []float64{0.01, 0.01, -1, -1}, []float64{0, 0},
			[]float64{0, 0, 0, 0}, -1, false},
		// Staying in the target keeps paying, unless it is terminal.
		{"target", nil, []float64{0.5, 0.3, 0, 0}, []float64{0, 0}, []float64{0.5, 0.3, 0, 0}, 1, false},
		{"terminal target", func(c *control.PointMassConfig) { c.Terminal = true },
			[]float64{0.5, 0.3, 0, 0}, []float64{0, 0}, []float64{0.5, 0.3, 0, 0}, 1, true},
		{"circle target", func(c *control.PointMassConfig) { c.Target = control.Circle(0.9, 0.1, 0.05) },
			[]float64{0.9, 0.14, 0, 0}, []float64{0, 0}, []float64{0.9, 0.14, 0, 0}, 1, false},
		{"outside circle", func(c *control.PointMassConfig) { c.Target = control.Circle(0.9, 0.1, 0.05) },
			[]float64{0.9, 0.16, 0, 0}, []float64{0, 0}, []float64{0.9, 0.16, 0, 0}, 0, false},
		{"rewards", func(c *control.PointMassConfig) {
			c.RewardOther, c.RewardForbidden, c.ControlCost = -0.1, -10, 0.5
		}, []float64{0.5, 0.5, 0, 0}, []float64{0.5, -0.5}, []float64{0.51, 0.49, 0.1, -0.1}, -0.1 - 10 - 0.25, false},
	} {
		p := newPointMass(t, c.edit)
		s, _, r, term := step1(t, p, c.state, c.action...)
		fx, fy := p.LastForce()
		if fx != math.Max(-1, math.Min(c.action[0], 1)) || fy != math.Max(-1, math.Min(c.action[1], 1)) {
			t.Errorf("%s: LastForce() = %v, %v for action %v", c.name, fx, fy, c.action)
		}
		if wall := strings.Contains(c.name, "wall") || strings.Contains(c.name, "corner"); p.Bumped() != wall {
			t.Errorf("%s: Bumped() = %v", c.name, p.Bumped())
		}
		checkVec(t, c.name+" state", s, c.want, 1e-12)
		checkNum(t, c.name+" reward", r, c.reward, 1e-12)
		if term != c.term {
			t.Errorf("%s: terminated %v, want %v", c.name, term, c.term)
		}
	}
}

func TestPointMassReset(t *testing.T) {
	p := newPointMass(t, nil)
	c := p.Config()
	rng := rand.New(rand.NewPCG(5, 5))
	obs := make([]float64, 4)
	for i := 0; i < 1000; i++ {
		p.Reset(rng, obs)
		x, y := obs[0], obs[1]
		if c.Target.Contains(x, y) || obs[2] != 0 || obs[3] != 0 {
			t.Fatalf("start %v in the target or moving", obs)
		}
		for _, f := range c.Forbidden {
			if f.Contains(x, y) {
				t.Fatalf("start %v in a forbidden region", obs)
			}
		}
	}
	fixed := newPointMass(t, func(c *control.PointMassConfig) { c.RandomStart, c.Start = false, [2]float64{0.3, 0.7} })
	fixed.Reset(rng, obs)
	checkVec(t, "fixed start", obs, []float64{0.3, 0.7, 0, 0}, 0)
	// No free space: Reset falls back to Start.
	full := newPointMass(t, func(c *control.PointMassConfig) { c.Forbidden = []control.Region{control.Rect(0, 0, 1, 1)} })
	full.Reset(rng, obs)
	checkVec(t, "start without free space", obs, []float64{0.1, 0.9, 0, 0}, 0)
}

func TestPointMassCopiesRegions(t *testing.T) {
	c := control.DefaultPointMass()
	p, err := control.NewPointMass(c)
	if err != nil {
		t.Fatal(err)
	}
	c.Forbidden[0] = control.Rect(0, 0, 1, 1)
	p.Config().Forbidden[1] = control.Rect(0, 0, 1, 1)
	if !reflect.DeepEqual(p.Config(), control.DefaultPointMass()) {
		t.Error("the world shares its regions with the caller")
	}
}

func TestPointMassValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*control.PointMassConfig)
		want string
	}{
		{func(c *control.PointMassConfig) { c.Dt = 0 }, "time step"},
		{func(c *control.PointMassConfig) { c.Dt = math.NaN() }, "time step"},
		{func(c *control.PointMassConfig) { c.Gain = -1 }, "gain"},
		{func(c *control.PointMassConfig) { c.Damping = 10 }, "damping"},
		{func(c *control.PointMassConfig) { c.Damping = -1 }, "damping"},
		{func(c *control.PointMassConfig) { c.ControlCost = -1 }, "control cost"},
		{func(c *control.PointMassConfig) { c.Start = [2]float64{2, 0} }, "start"},
		{func(c *control.PointMassConfig) { c.MaxSteps = 0 }, "episode length"},
		{func(c *control.PointMassConfig) { c.RewardTarget = math.Inf(1) }, "reward target"},
		{func(c *control.PointMassConfig) { c.Forbidden[2] = control.Rect(0.5, 0, 0.4, 1) }, "forbidden region 2: rectangle"},
		{func(c *control.PointMassConfig) { c.Forbidden[0] = control.Rect(0, 0, 1.5, 1) }, "leaves the unit square"},
		{func(c *control.PointMassConfig) { c.Target = control.Circle(0.5, 0.5, 0) }, "target: circle radius"},
		{func(c *control.PointMassConfig) { c.Target = control.Circle(1.5, 0.5, 0.1) }, "target: circle centre"},
		{func(c *control.PointMassConfig) { c.Target.Shape = 7 }, "unknown shape"},
		{func(c *control.PointMassConfig) { c.Forbidden = make([]control.Region, 65) }, "at most 64"},
	} {
		cfg := control.DefaultPointMass()
		c.edit(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "pointmass: ") {
			t.Errorf("error %v, want one about %q", err, c.want)
		}
		if _, err := control.NewPointMass(cfg); err == nil {
			t.Errorf("NewPointMass accepted a config with %q wrong", c.want)
		}
	}
}

func TestSchema(t *testing.T) {
	sc := control.Schema()
	seen := map[string]bool{}
	for _, s := range sc {
		if seen[s.Key] {
			t.Errorf("key %q declared twice", s.Key)
		}
		seen[s.Key] = true
		if s.Clamp(s.Default) != s.Default || s.Label == "" || s.Help == "" || !s.Reset {
			t.Errorf("spec %q: default %v out of range, or label, help or reset missing", s.Key, s.Default)
		}
	}
	if s, ok := sc.Find("env"); !ok || !reflect.DeepEqual(s.Choices, control.Names()) {
		t.Errorf("env choice %+v, want the names", s)
	}
	// The schema's defaults are DefaultPointMass.
	got, err := control.PointMassFromValues(sc.Defaults())
	if err != nil || !reflect.DeepEqual(got, control.DefaultPointMass()) {
		t.Errorf("config from the defaults %+v (%v), want DefaultPointMass", got, err)
	}
	// Every corner of the sliders' ranges is a valid world.
	for _, k := range [][2]string{{"pm_dt", "pm_damping"}, {"pm_dt", "pm_gain"}} {
		a, _ := sc.Find(k[0])
		b, _ := sc.Find(k[1])
		for _, va := range []float64{a.Min, a.Max} {
			for _, vb := range []float64{b.Min, b.Max} {
				v := sc.Defaults()
				v[k[0]], v[k[1]] = va, vb
				if _, err := control.PointMassFromValues(v); err != nil {
					t.Errorf("%s=%v %s=%v: %v", k[0], va, k[1], vb, err)
				}
			}
		}
	}
	v := sc.Defaults()
	for _, set := range []string{"env=pointmass", "pm_damping=3", "pm_terminal=true", "pm_max_steps=50"} {
		if err := sc.Set(v, set); err != nil {
			t.Fatal(err)
		}
	}
	env, err := control.FromValues(v)
	if err != nil {
		t.Fatal(err)
	}
	pm, ok := env.(*control.PointMass)
	if !ok {
		t.Fatalf("env=pointmass built %T", env)
	}
	if c := pm.Config(); c.Damping != 3 || !c.Terminal || c.MaxSteps != 50 || pm.MaxEpisodeSteps() != 50 {
		t.Errorf("config %+v, want damping 3, terminal, 50 steps", c)
	}
	v = param.Values{"env": 1}
	if env, err := control.FromValues(v); err != nil || env.Name() != "mountaincar" {
		t.Errorf("env=1: %v %v, want mountaincar", env, err)
	}
	for _, bad := range []param.Values{{"env": 9}, {"env": 0.5}, {"env": 4, "pm_gain": -1}} {
		if _, err := control.FromValues(bad); err == nil {
			t.Errorf("FromValues(%v) gave no error", bad)
		}
	}
}
