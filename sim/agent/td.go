package agent

type tdKind int

const (
	tdSarsa tdKind = iota
	tdExpected
	tdQ
)

// td is one-step Sarsa, Expected Sarsa or Q-learning.
type td struct {
	table
	kind tdKind
	next int // Sarsa: the action already chosen for the current state, or -1
}

func (t *td) Begin(s int) int {
	t.begin()
	t.s, t.next = s, -1
	return s
}

func (t *td) Act() int {
	switch {
	case t.next >= 0:
		t.a, t.next = t.next, -1
	case t.kind == tdQ && t.cfg.Behaviour == Uniform:
		t.a = t.rng.IntN(t.A)
	default:
		t.a = t.egreedy(t.s)
	}
	return t.a
}

// Learn updates q(s,a). Sarsa chooses a' before the update, as in Sutton &
// Barto's box, and takes it next; on a truncated step a' is drawn only to
// bootstrap from.
func (t *td) Learn(r float64, next int, terminated, truncated bool) float64 {
	sa := t.s*t.A + t.a
	target := r
	if !terminated {
		var v float64
		switch t.kind {
		case tdSarsa:
			t.next = t.egreedy(next)
			v = t.q[next*t.A+t.next]
		case tdExpected:
			v = t.expectedQ(next)
		case tdQ:
			v = t.maxQ(next)
		}
		target += float64(t.cfg.Gamma * v)
	}
	d := t.update(sa, target)
	t.s = next
	return abs(d)
}

func (t *td) ActionProbs(dst []float64) []float64 {
	if t.kind == tdQ && t.cfg.Behaviour == Uniform {
		dst = dst[:t.S*t.A]
		for i := range dst {
			dst[i] = 1 / float64(t.A)
		}
		return dst
	}
	return t.table.ActionProbs(dst)
}

// nstep is n-step Sarsa (Sutton & Barto, section 7.2), with a ring buffer
// of the last n+1 states, actions and rewards.
type nstep struct {
	table
	n      int
	st, ac []int32   // S_t and A_t at index t mod (n+1)
	rw     []float64 // R_t at index t mod (n+1)
	t      int       // time of the current state
}

func newNStep(t table) *nstep {
	n := t.cfg.N
	return &nstep{table: t, n: n, st: make([]int32, n+1), ac: make([]int32, n+1), rw: make([]float64, n+1)}
}

func (t *nstep) Begin(s int) int {
	t.begin()
	t.s, t.t = s, 0
	t.a = t.egreedy(s)
	t.st[0], t.ac[0] = int32(s), int32(t.a)
	return s
}

func (t *nstep) Act() int { return t.a }

// Learn stores R_{t+1}, S_{t+1} (and A_{t+1}), updates the pair of time
// τ = t+1−n and, when the episode ends at T = t+1, the pairs of τ+1 … T−1.
// Returns after T are summed without bootstrapping if the episode
// terminated; after a truncation they bootstrap from q(S_T, A_T), A_T drawn
// from the ε-greedy policy.
func (t *nstep) Learn(r float64, next int, terminated, truncated bool) float64 {
	L := t.n + 1
	t.t++
	i := t.t % L
	t.rw[i], t.st[i] = r, int32(next)
	t.s = next
	if !terminated {
		t.a = t.egreedy(next)
		t.ac[i] = int32(t.a)
	}
	ended := terminated || truncated
	err := 0.0
	tau := t.t - t.n
	if tau >= 0 {
		err += abs(t.updateAt(tau, terminated))
	}
	if ended {
		if tau < 0 {
			tau = -1
		}
		for tau++; tau < t.t; tau++ {
			err += abs(t.updateAt(tau, terminated))
		}
	}
	return err
}

// updateAt updates the pair of time tau from the rewards up to now (time
// t.t) and, unless the episode terminated within n steps, q(S_{τ+n}, A_{τ+n}).
func (t *nstep) updateAt(tau int, terminated bool) float64 {
	L := t.n + 1
	end := tau + t.n // time of the bootstrap state
	if end > t.t {
		end = t.t
	}
	g, disc := 0.0, 1.0
	for k := tau + 1; k <= end; k++ {
		g += float64(disc * t.rw[k%L])
		disc *= t.cfg.Gamma
	}
	if !(terminated && end == t.t) {
		j := end % L
		g += float64(disc * t.q[int(t.st[j])*t.A+int(t.ac[j])])
	}
	j := tau % L
	return t.update(int(t.st[j])*t.A+int(t.ac[j]), g)
}

// Epsilon is the exploration rate the agent acts with: 1 for off-policy
// Q-learning from the uniform behaviour policy.
func (t *td) Epsilon() float64 {
	if t.kind == tdQ && t.cfg.Behaviour == Uniform {
		return 1
	}
	return t.eps
}
