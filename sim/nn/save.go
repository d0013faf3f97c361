package nn

import (
	"fmt"
	"math"
	"slices"
)

// NetState is a network's layer sizes and parameters, for a save file
// whose setup rebuilds the network's configuration.
type NetState struct {
	Sizes  []int     `json:"sizes"`
	Params []float64 `json:"params"`
}

// State returns a copy of the network's sizes and parameters.
func (m *MLP) State() NetState {
	return NetState{Sizes: slices.Clone(m.cfg.Sizes), Params: slices.Clone(m.params)}
}

// SetState replaces the parameters by those of s, which must be of a
// network of the same sizes; what names the network in errors. On error m
// is unchanged.
func (m *MLP) SetState(what string, s NetState) error {
	if !slices.Equal(s.Sizes, m.cfg.Sizes) {
		return fmt.Errorf("%s has layer sizes %v, the setup builds %v", what, s.Sizes, m.cfg.Sizes)
	}
	if len(s.Params) != len(m.params) {
		return fmt.Errorf("%s has %d parameters, its sizes need %d", what, len(s.Params), len(m.params))
	}
	if err := finite(what, s.Params); err != nil {
		return err
	}
	copy(m.params, s.Params)
	return nil
}

// OptimState is an optimizer's state: its kind, step count and buffers
// (Adam's and AdamW's moments m and v and, with AMSGrad, max v; SGD's
// momentum buffer).
type OptimState struct {
	Kind  OptimKind `json:"kind"`
	Steps int       `json:"steps"`
	M     []float64 `json:"m,omitempty"`
	V     []float64 `json:"v,omitempty"`
	Max   []float64 `json:"max_v,omitempty"`
	Buf   []float64 `json:"momentum,omitempty"`
}

// MarshalText writes the kind's name.
func (k OptimKind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("nn: invalid optimizer kind %d", int(k))
	}
	return []byte(optimNames[k]), nil
}

// UnmarshalText reads a kind's name.
func (k *OptimKind) UnmarshalText(b []byte) error {
	for i, n := range optimNames {
		if n == string(b) {
			*k = OptimKind(i)
			return nil
		}
	}
	return fmt.Errorf("nn: unknown optimizer %q", b)
}

// OptimizerState returns a copy of the state of o (made by NewOptimizer).
func OptimizerState(o Optimizer) (OptimState, error) {
	switch x := o.(type) {
	case *SGD:
		return OptimState{Kind: KindSGD, Steps: x.t, Buf: slices.Clone(x.buf)}, nil
	case *Adam:
		return x.adamState.state(KindAdam), nil
	case *AdamW:
		return x.adamState.state(KindAdamW), nil
	}
	return OptimState{}, fmt.Errorf("nn: cannot save a %T", o)
}

// SetOptimizerState restores what OptimizerState returned into an
// optimizer of the same kind and size; what names it in errors. On error o
// is unchanged.
func SetOptimizerState(o Optimizer, what string, s OptimState) error {
	if s.Steps < 0 {
		return fmt.Errorf("%s has %d steps", what, s.Steps)
	}
	kind := o.Config().Kind
	if s.Kind != kind {
		return fmt.Errorf("%s is %s, the setup builds %s", what, s.Kind, kind)
	}
	for _, b := range []struct {
		name string
		v    []float64
	}{{"m", s.M}, {"v", s.V}, {"max_v", s.Max}, {"momentum", s.Buf}} {
		if err := finite(what+" "+b.name, b.v); err != nil {
			return err
		}
	}
	switch x := o.(type) {
	case *SGD:
		if err := sized(what+" momentum", s.Buf, x.buf); err != nil {
			return err
		}
		x.t = s.Steps
		copy(x.buf, s.Buf)
		return nil
	case *Adam:
		return x.adamState.setState(what, s)
	case *AdamW:
		return x.adamState.setState(what, s)
	}
	return fmt.Errorf("nn: cannot load into a %T", o)
}

func (s *adamState) state(k OptimKind) OptimState {
	return OptimState{Kind: k, Steps: s.t, M: slices.Clone(s.m), V: slices.Clone(s.v), Max: slices.Clone(s.u)}
}

func (s *adamState) setState(what string, st OptimState) error {
	for _, b := range []struct {
		name      string
		got, have []float64
	}{{"m", st.M, s.m}, {"v", st.V, s.v}, {"max_v", st.Max, s.u}} {
		if err := sized(what+" "+b.name, b.got, b.have); err != nil {
			return err
		}
	}
	for i, v := range st.V {
		if v < 0 {
			return fmt.Errorf("%s v[%d] = %v is negative", what, i, v)
		}
	}
	s.t = st.Steps
	copy(s.m, st.M)
	copy(s.v, st.V)
	copy(s.u, st.Max)
	return nil
}

// sized reports a saved buffer whose length is not the optimizer's.
func sized(what string, got, have []float64) error {
	if len(got) != len(have) {
		return fmt.Errorf("%s has %d values, the setup needs %d", what, len(got), len(have))
	}
	return nil
}

func finite(what string, xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s[%d] is %v: the run diverged", what, i, x)
		}
	}
	return nil
}
