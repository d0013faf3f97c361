package ppo

import "math"

// normEps is the ε of Gymnasium's normalisation wrappers: x/√(var + ε).
const normEps = 1e-8

// RunningMeanStd is Gymnasium's RunningMeanStd (v0.29, as CleanRL uses
// it): the mean and variance of the values seen, per component, starting
// from mean 0, variance 1 and a count of 1e-4. Each Update adds one value
// as a batch of one, by update_mean_var_count_from_moments.
type RunningMeanStd struct {
	Mean, Var []float64
	Count     float64
}

// NewRunningMeanStd returns the statistics of dim components.
func NewRunningMeanStd(dim int) *RunningMeanStd {
	r := &RunningMeanStd{Mean: make([]float64, dim), Var: make([]float64, dim)}
	r.Reset()
	return r
}

// Reset forgets every value seen.
func (r *RunningMeanStd) Reset() {
	clear(r.Mean)
	for i := range r.Var {
		r.Var[i] = 1
	}
	r.Count = 1e-4
}

// Update adds the value x (of the statistics' dimension): with batch mean
// x, batch variance 0 and batch count 1, δ = x − mean, n = count + 1,
// mean += δ/n, var = (var·count + δ²·count/n)/n, count = n.
func (r *RunningMeanStd) Update(x []float64) {
	n := r.Count + 1
	x = x[:len(r.Mean)]
	v := r.Var[:len(r.Mean)]
	for i, m := range r.Mean {
		d := x[i] - m
		r.Mean[i] = m + d/n
		v[i] = (float64(v[i]*r.Count) + float64(float64(d*d)*r.Count)/n) / n
	}
	r.Count = n
}

// clip limits x to [−c, c].
func clip(x, c float64) float64 {
	if x < -c {
		return -c
	}
	if x > c {
		return c
	}
	return x
}

// obsNormalizer is NormalizeObservation followed by CleanRL's clip of the
// normalised observation to ±clip.
type obsNormalizer struct{ rms *RunningMeanStd }

// normalize writes the normalised x into dst, first adding x to the
// statistics if update is set (as the wrapper does on every step and
// reset).
func (o *obsNormalizer) normalize(dst, x []float64, c float64, update bool) {
	if update {
		o.rms.Update(x)
	}
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = clip((v-o.rms.Mean[i])/math.Sqrt(o.rms.Var[i]+normEps), c)
	}
}

// rewardNormalizer is Gymnasium 0.29's NormalizeReward followed by
// CleanRL's clip: it keeps the discounted return G ← γ·G·(1 − terminated)
// + r (not reset by truncation, as in that version), adds G to the
// statistics and divides r by their standard deviation.
type rewardNormalizer struct {
	rms *RunningMeanStd
	ret []float64 // the discounted return G, as a one-element slice for Update
}

func newRewardNormalizer() *rewardNormalizer {
	return &rewardNormalizer{rms: NewRunningMeanStd(1), ret: make([]float64, 1)}
}

func (n *rewardNormalizer) normalize(r float64, terminated bool, gamma, c float64) float64 {
	keep := gamma
	if terminated {
		keep = 0
	}
	n.ret[0] = float64(n.ret[0]*keep) + r
	n.rms.Update(n.ret)
	return clip(r/math.Sqrt(n.rms.Var[0]+normEps), c)
}
