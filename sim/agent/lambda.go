package agent

// traceCut is the eligibility below which a pair leaves the active list.
// A trace that small moves q by less than α·|δ|·1e-12.
const traceCut = 1e-12

// lambda is Sarsa(λ) or Watkins's Q(λ) with accumulating or replacing
// traces (Sutton & Barto 1998, figures 7.11 and 7.14). Each step computes
// ONE TD error δ and moves every traced pair by α δ e(s,a). The traced
// pairs are kept in an active list, so a step costs O(number of traced
// pairs), not O(S·A).
type lambda struct {
	table
	watkins bool
	e       []float64 // e(s,a)
	active  []int32   // pairs with e > 0
	in      []bool    // pair is in active
	next    int       // action chosen for the next state
}

func newLambda(t table, watkins bool) *lambda {
	n := t.S * t.A
	return &lambda{table: t, watkins: watkins, e: make([]float64, n), active: make([]int32, 0, n), in: make([]bool, n)}
}

func (l *lambda) Begin(s int) int {
	l.begin()
	l.clearTraces()
	l.s = s
	l.next = l.egreedy(s)
	return s
}

func (l *lambda) Act() int {
	l.a = l.next
	return l.a
}

// Learn chooses a' in s' from the ε-greedy policy of the q before the
// update; δ = r + γ q(s',a') − q(s,a) for Sarsa(λ), and r + γ max q(s',·) −
// q(s,a) for Q(λ). After the update every trace decays by γλ; Q(λ) cuts all
// traces instead when a' is not greedy (ties count as greedy). Traces end
// with the episode.
func (l *lambda) Learn(r float64, next int, terminated, truncated bool) float64 {
	sa := l.s*l.A + l.a
	delta := r - l.q[sa]
	greedy := true
	if !terminated {
		l.next = l.egreedy(next)
		v := l.q[next*l.A+l.next]
		if l.watkins {
			best := l.maxQ(next)
			greedy = v == best
			v = best
		}
		delta += float64(l.cfg.Gamma * v)
	}
	if l.cfg.Trace == Replacing {
		l.e[sa] = 1
	} else {
		l.e[sa]++
	}
	if !l.in[sa] {
		l.in[sa] = true
		l.active = append(l.active, int32(sa))
	}
	decay := l.cfg.Gamma * l.cfg.Lambda
	cut := terminated || truncated || !greedy
	w := 0
	// Visits are counted whatever the schedule, so switching to α = 1/k
	// mid-run finds every traced pair with k ≥ 1.
	l.k[sa]++
	for _, p := range l.active {
		e := l.e[p]
		alpha := l.cfg.Alpha
		if l.cfg.Schedule == OneOverK {
			alpha = 1 / l.k[p] // α = 1/k, k counting the visits of the pair
		}
		l.q[p] += float64(float64(alpha*delta) * e)
		if cut {
			l.e[p], l.in[p] = 0, false
			continue
		}
		e *= decay
		if e < traceCut {
			l.e[p], l.in[p] = 0, false
			continue
		}
		l.e[p] = e
		l.active[w] = p
		w++
	}
	l.active = l.active[:w]
	l.s = next
	return abs(delta)
}

func (l *lambda) clearTraces() {
	for _, p := range l.active {
		l.e[p], l.in[p] = 0, false
	}
	l.active = l.active[:0]
}

func (l *lambda) Traces(dst []float64) []float64 { return append(dst[:0], l.e...) }
