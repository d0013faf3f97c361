// Package salab is the stochastic-approximation lab of Zhao's chapter 6:
// estimating a mean from noisy samples incrementally, Robbins–Monro root
// finding with different step-size schedules, and stochastic, mini-batch
// and batch gradient descent on the book's 2D mean-estimation problem. It
// computes iterate paths and error curves as data a page draws: the paths
// over the samples, the errors on a log scale.
//
// Every experiment draws from its own random stream of one seed, so that
// moving one slider (the batch size, say) changes only the experiments
// that read it.
package salab

import (
	"fmt"
	"math"
	"math/rand/v2"

	"bellman/sim/param"
)

// Schedule is the shape f(k) of the step sizes α_k = a·f(k), k = 1, 2, ...
type Schedule int

const (
	OneOverK     Schedule = iota // 1/k: Σα = ∞, Σα² < ∞ (the Robbins–Monro conditions hold)
	Constant                     // 1: Σα² = ∞, the iterate keeps fluctuating
	OneOverSqrtK                 // 1/√k: Σα² = ∞, converges slowly in practice
	OneOverK2                    // 1/k²: Σα < ∞, the iterate stops short
)

// ScheduleNames are the schedules' names, in order.
var ScheduleNames = []string{"1/k", "constant", "1/sqrt(k)", "1/k^2"}

// Step returns α_k = a·f(k) for k ≥ 1.
func (s Schedule) Step(a float64, k int) float64 {
	x := float64(k)
	switch s {
	case Constant:
		return a
	case OneOverSqrtK:
		return a / math.Sqrt(x)
	case OneOverK2:
		return a / (x * x)
	}
	return a / x
}

// The problems' fixed numbers.
const (
	TrueMean = 5.0 // mean of the 1D samples
	RMStart  = 3.0 // w_1 of Robbins–Monro
	RMRoot   = 1.0 // root of g(w) = tanh(w − 1)
)

// Config sets up the lab.
type Config struct {
	Schedule   Schedule
	Alpha      float64 // scale a of the step sizes, > 0
	Batch      int     // mini-batch size m of MBGD, 1..Samples
	Noise      float64 // standard deviation of the 1D samples and of Robbins–Monro's observation noise (uniform), ≥ 0
	Spread     float64 // half the side of the square the 2D points are drawn in (centred at the origin), > 0
	Samples    int     // n: number of 1D samples and of 2D points
	Iterations int     // K: iterations of every method
	Seed       uint64
}

// DefaultConfig returns α_k = 1/k, m = 5, noise 1, points in [−10, 10]²,
// n = 100, K = 200 and seed 1.
func DefaultConfig() Config {
	return Config{Schedule: OneOverK, Alpha: 1, Batch: 5, Noise: 1, Spread: 10, Samples: 100, Iterations: 200, Seed: 1}
}

// Limits of the sizes, so that a change recomputes within a frame.
const (
	MaxSamples    = 1000
	MaxIterations = 5000
)

// Validate checks the configuration.
func (c Config) Validate() error {
	switch {
	case c.Schedule < OneOverK || c.Schedule > OneOverK2:
		return fmt.Errorf("salab: unknown schedule %d", int(c.Schedule))
	case !(c.Alpha > 0) || math.IsInf(c.Alpha, 0):
		return fmt.Errorf("salab: step-size scale %v must be positive", c.Alpha)
	case c.Samples < 1 || c.Samples > MaxSamples:
		return fmt.Errorf("salab: samples %d outside [1, %d]", c.Samples, MaxSamples)
	case c.Batch < 1 || c.Batch > c.Samples:
		return fmt.Errorf("salab: batch %d outside [1, samples %d]", c.Batch, c.Samples)
	case !(c.Noise >= 0) || math.IsInf(c.Noise, 0):
		return fmt.Errorf("salab: noise %v must be ≥ 0", c.Noise)
	case !(c.Spread > 0) || math.IsInf(c.Spread, 0):
		return fmt.Errorf("salab: spread %v must be positive", c.Spread)
	case c.Iterations < 1 || c.Iterations > MaxIterations:
		return fmt.Errorf("salab: iterations %d outside [1, %d]", c.Iterations, MaxIterations)
	}
	return nil
}

// Schema declares the lab's sliders.
func Schema() param.Schema {
	d := DefaultConfig()
	return param.Schema{
		{Key: "schedule", Label: "step sizes α_k", Kind: param.Choice, Choices: ScheduleNames, Default: float64(d.Schedule),
			Help: "1/k meets Robbins–Monro's conditions; constant never settles; 1/k² stops before the goal"},
		{Key: "alpha", Label: "step-size scale a", Min: 0.01, Max: 2, Step: 0.01, Default: d.Alpha,
			Help: "α_k = a·f(k)"},
		{Key: "batch", Label: "mini-batch m", Kind: param.Int, Min: 1, Max: MaxSamples, Step: 1, Default: float64(d.Batch),
			Help: "samples averaged per step of mini-batch gradient descent (at most the sample count)"},
		{Key: "noise", Label: "noise σ", Min: 0, Max: 10, Step: 0.1, Default: d.Noise,
			Help: "standard deviation of the samples of the mean and of Robbins–Monro's observations"},
		{Key: "spread", Label: "square half-side", Min: 0.5, Max: 50, Step: 0.5, Default: d.Spread,
			Help: "the 2D points are uniform in a square of this half-side around the origin"},
		{Key: "samples", Label: "samples n", Kind: param.Int, Min: 1, Max: MaxSamples, Step: 1, Default: float64(d.Samples),
			Help: "number of samples (1D) and points (2D)"},
		{Key: "iterations", Label: "iterations K", Kind: param.Int, Min: 1, Max: MaxIterations, Step: 1, Default: float64(d.Iterations),
			Help: "steps of every method"},
		{Key: "seed", Label: "seed", Kind: param.Int, Min: 0, Max: 1e9, Step: 1, Default: float64(d.Seed),
			Help: "seed of the samples and of the methods' draws"},
	}
}

// ConfigFromValues returns the defaults with the values of v applied; the
// batch is cut to the sample count.
func ConfigFromValues(v param.Values) (Config, error) {
	c := DefaultConfig()
	c.Schedule = Schedule(v.Get("schedule", float64(c.Schedule)))
	c.Alpha = v.Get("alpha", c.Alpha)
	c.Batch = int(v.Get("batch", float64(c.Batch)))
	c.Noise = v.Get("noise", c.Noise)
	c.Spread = v.Get("spread", c.Spread)
	c.Samples = int(v.Get("samples", float64(c.Samples)))
	c.Iterations = int(v.Get("iterations", float64(c.Iterations)))
	c.Seed = uint64(v.Get("seed", float64(c.Seed)))
	if c.Batch > c.Samples {
		c.Batch = c.Samples
	}
	return c, c.Validate()
}

// Values returns c as parameter values of Schema.
func (c Config) Values() param.Values {
	return param.Values{"schedule": float64(c.Schedule), "alpha": c.Alpha, "batch": float64(c.Batch),
		"noise": c.Noise, "spread": c.Spread, "samples": float64(c.Samples), "iterations": float64(c.Iterations),
		"seed": float64(c.Seed)}
}

// SetParam changes one parameter of Schema and recomputes the lab, for a
// page's sliders. A value out of range is clamped and the returned note
// says so, as does a mini-batch cut to the sample count. An unknown key is
// an error.
func (l *Lab) SetParam(key string, value float64) (note string, err error) {
	sc := Schema()
	_, v, note, err := sc.Clamp(key, value)
	if err != nil {
		return "", err
	}
	vals := l.Config.Values()
	vals[key] = v
	c, err := ConfigFromValues(vals)
	if err != nil {
		return note, err
	}
	if c.Batch != int(vals["batch"]) {
		if note != "" {
			note += "; "
		}
		note += fmt.Sprintf("mini-batch m cut to the %d samples", c.Samples)
	}
	return note, l.Set(c)
}

// Streams of the experiments.
const (
	streamMean = iota + 1
	streamRM
	streamPoints
	streamSGD
	streamMBGD
)

// Path is a method's iterates w_1 … w_{K+1} and their errors.
type Path struct {
	W   []float64 // 1D: one value per iterate; 2D: x, y interleaved
	Err []float64 // distance of each iterate from the goal, len K+1
}

// Lab holds the inputs and results of the three experiments. Run fills
// them; the slices are reused from run to run.
type Lab struct {
	Config

	// Mean estimation: samples x_k = TrueMean + noise and the iterates
	// w_{k+1} = w_k − α_k (w_k − x_k) from w_1 = 0, the samples taken in
	// turn (again from the first after n). Err is |w_k − TrueMean|.
	Samples1D []float64
	Mean      Path

	// Robbins–Monro on g(w) = tanh(w − 1) observed with noise:
	// w_{k+1} = w_k − α_k g̃(w_k) from w_1 = 3. Err is |w_k − 1|.
	RM Path

	// 2D mean estimation: minimise J(w) = E ½‖w − X‖² over the n points
	// (gradient w − x), from w_1 = (3s, 3s) for half-side s. SGD takes one
	// point per step, MBGD m points, both drawn uniformly with replacement;
	// BGD all n. Err is ‖w_k − x̄‖, x̄ the points' mean (the minimiser).
	Points        []float64 // x, y interleaved
	Centre        [2]float64
	SGD, MBGD, GD Path

	src [streamMBGD + 1]*rand.PCG
	rng [streamMBGD + 1]*rand.Rand
}

// New returns a lab with c's results computed.
func New(c Config) (*Lab, error) {
	l := &Lab{}
	if err := l.Set(c); err != nil {
		return nil, err
	}
	return l, nil
}

// Set recomputes everything for c.
func (l *Lab) Set(c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	l.Config = c
	l.Run()
	return nil
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// stream returns experiment s's random stream, seeded afresh.
func (l *Lab) stream(s int) *rand.Rand {
	if l.src[s] == nil {
		l.src[s] = rand.NewPCG(0, 0)
		l.rng[s] = rand.New(l.src[s])
	}
	l.src[s].Seed(l.Seed, uint64(s))
	return l.rng[s]
}

// Run computes the three experiments for the current Config, reusing the
// slices; it allocates nothing once they have grown to the sizes.
func (l *Lab) Run() {
	c := l.Config
	n, K := c.Samples, c.Iterations

	// Mean estimation.
	rng := l.stream(streamMean)
	l.Samples1D = grow(l.Samples1D, n)
	for i := range l.Samples1D {
		l.Samples1D[i] = TrueMean + noise(rng, c.Noise)
	}
	l.Mean.W, l.Mean.Err = grow(l.Mean.W, K+1), grow(l.Mean.Err, K+1)
	w := 0.0
	for k := 1; ; k++ {
		l.Mean.W[k-1], l.Mean.Err[k-1] = w, math.Abs(w-TrueMean)
		if k > K {
			break
		}
		w -= float64(c.Schedule.Step(c.Alpha, k) * (w - l.Samples1D[(k-1)%n]))
	}

	// Robbins–Monro.
	rng = l.stream(streamRM)
	l.RM.W, l.RM.Err = grow(l.RM.W, K+1), grow(l.RM.Err, K+1)
	w = RMStart
	for k := 1; ; k++ {
		l.RM.W[k-1], l.RM.Err[k-1] = w, math.Abs(w-RMRoot)
		if k > K {
			break
		}
		g := Tanh(w-RMRoot) + noise(rng, c.Noise)
		w -= float64(c.Schedule.Step(c.Alpha, k) * g)
	}

	// The 2D points and their mean.
	rng = l.stream(streamPoints)
	l.Points = grow(l.Points, 2*n)
	sx, sy := 0.0, 0.0
	for i := 0; i < n; i++ {
		x := c.Spread * (2*rng.Float64() - 1)
		y := c.Spread * (2*rng.Float64() - 1)
		l.Points[2*i], l.Points[2*i+1] = x, y
		sx += x
		sy += y
	}
	l.Centre = [2]float64{sx / float64(n), sy / float64(n)}
	l.descend(&l.SGD, l.stream(streamSGD), 1)
	l.descend(&l.MBGD, l.stream(streamMBGD), c.Batch)
	l.descend(&l.GD, nil, 0)
}

// descend runs gradient descent on J with batches of m points drawn with
// rng, or every point if rng is nil.
func (l *Lab) descend(p *Path, rng *rand.Rand, m int) {
	c := l.Config
	n, K := c.Samples, c.Iterations
	p.W, p.Err = grow(p.W, 2*(K+1)), grow(p.Err, K+1)
	x, y := 3*c.Spread, 3*c.Spread
	for k := 1; ; k++ {
		p.W[2*k-2], p.W[2*k-1] = x, y
		dx, dy := x-l.Centre[0], y-l.Centre[1]
		p.Err[k-1] = math.Sqrt(dx*dx + dy*dy)
		if k > K {
			break
		}
		gx, gy := 0.0, 0.0
		if rng == nil {
			for i := 0; i < n; i++ {
				gx += x - l.Points[2*i]
				gy += y - l.Points[2*i+1]
			}
			m = n
		} else {
			for j := 0; j < m; j++ {
				i := rng.IntN(n)
				gx += x - l.Points[2*i]
				gy += y - l.Points[2*i+1]
			}
		}
		a := c.Schedule.Step(c.Alpha, k) / float64(m)
		x -= float64(a * gx)
		y -= float64(a * gy)
	}
}

// noise returns zero-mean noise of standard deviation sigma: uniform in
// [−√3σ, √3σ], drawn with rng.Float64 alone so that every platform draws
// the same numbers.
func noise(rng *rand.Rand, sigma float64) float64 {
	return float64(sigma*math.Sqrt(3)) * (2*rng.Float64() - 1)
}

// Tanh is tanh(x) from math.Expm1, which is pure Go on every platform, so
// that the lab computes the same numbers natively and under WebAssembly.
func Tanh(x float64) float64 {
	if x > 20 {
		return 1
	}
	if x < -20 {
		return -1
	}
	e := math.Expm1(2 * x)
	return e / (e + 2)
}
