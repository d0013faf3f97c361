package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// MLP is a multi-layer perceptron with its parameters, gradients and the
// work buffers of its forward and backward passes. Make one with New or by
// decoding JSON into a zero MLP; it is not safe for concurrent use.
type MLP struct {
	cfg    Config
	params []float64 // W0, b0, W1, b1, ...
	grads  []float64 // same layout as params
	wOff   []int     // offset of W_l in params
	bOff   []int     // offset of b_l in params
	maxW   int       // largest layer size

	batch int         // rows of the last Forward
	cap   int         // rows the buffers hold
	x     []float64   // copy of the last input, cap×n0
	z     [][]float64 // z[l]: pre-activations of layer l, cap×n_{l+1}
	y     [][]float64 // y[l]: activations of layer l (aliases z[l] for Identity)
	dx    []float64   // gradient with respect to the input, cap×n0
	g0    []float64   // backward scratch, cap×maxW
	g1    []float64   // backward scratch, cap×maxW
	tA    []float64   // transposed scratch, cap×maxW
	tB    []float64   // transposed scratch, max(cap, maxW)×maxW
}

// New returns a network for cfg with parameters drawn from rng.
func New(cfg Config, rng *rand.Rand) (*MLP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("nn: New needs a *rand.Rand")
	}
	m := build(cfg)
	m.initParams(rng)
	return m, nil
}

// build allocates a network for a valid cfg with zero parameters.
func build(cfg Config) *MLP {
	cfg = cfg.clone()
	L := len(cfg.Sizes) - 1
	m := &MLP{cfg: cfg, wOff: make([]int, L), bOff: make([]int, L)}
	off := 0
	for l := 0; l < L; l++ {
		in, out := cfg.Sizes[l], cfg.Sizes[l+1]
		m.wOff[l] = off
		off += in * out
		m.bOff[l] = off
		off += out
	}
	for _, n := range cfg.Sizes {
		if n > m.maxW {
			m.maxW = n
		}
	}
	m.params = make([]float64, off)
	m.grads = make([]float64, off)
	m.z = make([][]float64, L)
	m.y = make([][]float64, L)
	return m
}

// initParams fills the parameters as cfg.Init and cfg.FinalInit say.
func (m *MLP) initParams(rng *rand.Rand) {
	L := m.Layers()
	for l := 0; l < L; l++ {
		in, out := m.cfg.Sizes[l], m.cfg.Sizes[l+1]
		w, b := m.Layer(l)
		var wb, bb float64 // bounds of the uniform draws
		switch m.cfg.Init {
		case InitDefault:
			wb = 1 / math.Sqrt(float64(in))
			bb = wb
		case InitXavier:
			wb = math.Sqrt(6 / float64(in+out))
		case InitHe:
			wb = math.Sqrt(6 / float64(in))
		}
		if l == L-1 && m.cfg.FinalInit > 0 {
			wb, bb = m.cfg.FinalInit, m.cfg.FinalInit
		}
		uniform(w, wb, rng)
		uniform(b, bb, rng)
	}
}

// uniform fills dst with draws from U(−bound, bound); zeros if bound is 0.
func uniform(dst []float64, bound float64, rng *rand.Rand) {
	for i := range dst {
		if bound == 0 {
			dst[i] = 0
			continue
		}
		dst[i] = bound * (2*rng.Float64() - 1)
	}
}

// Config returns the network's configuration.
func (m *MLP) Config() Config { return m.cfg.clone() }

// Layers returns the number of linear layers.
func (m *MLP) Layers() int { return len(m.cfg.Sizes) - 1 }

// Inputs returns the input size.
func (m *MLP) Inputs() int { return m.cfg.Sizes[0] }

// Outputs returns the output size.
func (m *MLP) Outputs() int { return m.cfg.Sizes[len(m.cfg.Sizes)-1] }

// Params returns the flat parameter slice W0, b0, W1, b1, ... (not a copy).
func (m *MLP) Params() []float64 { return m.params }

// Grads returns the flat gradient slice, laid out like Params (not a copy).
func (m *MLP) Grads() []float64 { return m.grads }

// Layer returns views of layer l's weights (out×in, row-major) and biases.
func (m *MLP) Layer(l int) (w, b []float64) {
	in, out := m.cfg.Sizes[l], m.cfg.Sizes[l+1]
	return m.params[m.wOff[l] : m.wOff[l]+in*out], m.params[m.bOff[l] : m.bOff[l]+out]
}

// ZeroGrad sets every gradient to zero.
func (m *MLP) ZeroGrad() {
	clear(m.grads)
}

// Clone returns a copy of m with the same parameters and zero gradients.
func (m *MLP) Clone() *MLP {
	c := build(m.cfg)
	copy(c.params, m.params)
	return c
}

// grow makes the buffers hold at least batch rows.
func (m *MLP) grow(batch int) {
	if batch <= m.cap {
		return
	}
	c := batch
	if c < 2*m.cap {
		c = 2 * m.cap
	}
	m.cap = c
	s := m.cfg.Sizes
	m.x = make([]float64, c*s[0])
	m.dx = make([]float64, c*s[0])
	for l := range m.z {
		m.z[l] = make([]float64, c*s[l+1])
		m.y[l] = m.z[l]
		if m.act(l) != Identity {
			m.y[l] = make([]float64, c*s[l+1])
		}
	}
	m.g0 = make([]float64, c*m.maxW)
	m.g1 = make([]float64, c*m.maxW)
	m.tA = make([]float64, c*m.maxW)
	r := c
	if m.maxW > r {
		r = m.maxW
	}
	m.tB = make([]float64, r*m.maxW)
}

// act returns the activation of layer l.
func (m *MLP) act(l int) Activation {
	if l == m.Layers()-1 {
		return m.cfg.Output
	}
	return m.cfg.Hidden
}

// Forward computes the outputs for batch rows of inputs x (batch×Inputs,
// row-major) and returns them as a batch×Outputs view of an internal
// buffer, valid until the next Forward. It keeps what Backward needs.
func (m *MLP) Forward(x []float64, batch int) []float64 {
	n0 := m.cfg.Sizes[0]
	if batch < 1 || len(x) != batch*n0 {
		panic(fmt.Sprintf("nn: Forward: input has length %d, want batch %d × %d inputs", len(x), batch, n0))
	}
	m.grow(batch)
	m.batch = batch
	copy(m.x, x)
	src := m.x[:batch*n0]
	for l := range m.z {
		in, out := m.cfg.Sizes[l], m.cfg.Sizes[l+1]
		w, b := m.Layer(l)
		z := m.z[l][:batch*out]
		for r := 0; r < batch; r++ {
			copy(z[r*out:r*out+out], b)
		}
		gemmNT(z, src, w, batch, out, in)
		y := m.y[l][:batch*out]
		m.act(l).forward(y, z, m.cfg.LeakySlope)
		src = y
	}
	return src
}

// Backward takes dOut, the gradient of a scalar loss with respect to the
// outputs of the last Forward (batch×Outputs), adds the gradient with
// respect to the parameters to Grads, and returns the gradient with respect
// to the inputs (batch×Inputs) as a view of an internal buffer, valid until
// the next Backward or BackwardInput. dOut is not modified.
func (m *MLP) Backward(dOut []float64) []float64 {
	return m.backward(dOut, true)
}

// BackwardInput is Backward without the parameter gradients: it only
// returns the gradient with respect to the inputs, e.g. ∂Q/∂a of a critic
// for the actor update of DDPG. Grads is unchanged.
func (m *MLP) BackwardInput(dOut []float64) []float64 {
	return m.backward(dOut, false)
}

func (m *MLP) backward(dOut []float64, params bool) []float64 {
	batch := m.batch
	if batch == 0 {
		panic("nn: Backward before Forward")
	}
	if len(dOut) != batch*m.Outputs() {
		panic(fmt.Sprintf("nn: Backward: dOut has length %d, want batch %d × %d outputs", len(dOut), batch, m.Outputs()))
	}
	g, next := m.g0, m.g1
	copy(g, dOut)
	for l := m.Layers() - 1; l >= 0; l-- {
		in, out := m.cfg.Sizes[l], m.cfg.Sizes[l+1]
		gl := g[:batch*out]
		m.act(l).backward(gl, m.z[l][:batch*out], m.y[l][:batch*out], m.cfg.LeakySlope)
		w, _ := m.Layer(l)
		if params {
			var src []float64
			if l == 0 {
				src = m.x[:batch*in]
			} else {
				src = m.y[l-1][:batch*in]
			}
			gw := m.grads[m.wOff[l] : m.wOff[l]+in*out]
			gb := m.grads[m.bOff[l] : m.bOff[l]+out]
			for r := 0; r < batch; r++ {
				row := gl[r*out : r*out+out]
				gb := gb[:len(row)]
				for o, v := range row {
					gb[o] += v
				}
			}
			// gw += glᵀ·src, as (out×batch)·(in×batch)ᵀ.
			transpose(m.tA, gl, batch, out)
			transpose(m.tB, src, batch, in)
			gemmNT(gw, m.tA, m.tB, out, in, batch)
		}
		// The gradient with respect to this layer's input: gl·W, as gl·(Wᵀ)ᵀ.
		dst := next
		if l == 0 {
			dst = m.dx
		}
		dst = dst[:batch*in]
		clear(dst)
		transpose(m.tB, w, out, in)
		gemmNT(dst, gl, m.tB, batch, in, out)
		g, next = dst, g
	}
	return m.dx[:batch*m.cfg.Sizes[0]]
}
