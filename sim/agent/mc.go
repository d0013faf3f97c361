package agent

// mcBasic is Zhao's MC Basic (Algorithm 5.1): policy iteration in which
// q_{π_k}(s,a) is the mean discounted return of Episodes episodes that start
// with pair (s,a) and then follow π_k, the pairs taken in turn. After every
// pair has been estimated, π_{k+1} is greedy in q (ties to the first action
// within 1e-9, as package dp).
type mcBasic struct {
	table
	pol   []int   // π_k, one action per state
	pairs []int32 // non-terminal pairs in order
	idx   int     // current pair
	done  int     // episodes of the current pair finished
	sum   float64 // their returns
	g     float64 // return of the running episode
	disc  float64 // γ^t
	t     int
	iter  int
}

func newMCBasic(t table) *mcBasic {
	b := &mcBasic{table: t, pol: make([]int, t.S)}
	for _, s := range t.starts {
		for a := 0; a < t.A; a++ {
			b.pairs = append(b.pairs, s*int32(t.A)+int32(a))
		}
	}
	return b
}

// Epsilon is 0: MC Basic evaluates deterministic policies.
func (b *mcBasic) Epsilon() float64 { return 0 }

// Iteration returns the number of completed policy improvements.
func (b *mcBasic) Iteration() int { return b.iter }

func (b *mcBasic) Begin(int) int {
	b.episodes++
	p := int(b.pairs[b.idx])
	b.s, b.a = p/b.A, p%b.A
	b.g, b.disc, b.t = 0, 1, 0
	return b.s
}

func (b *mcBasic) Act() int {
	if b.t > 0 {
		b.a = b.pol[b.s]
	}
	return b.a
}

func (b *mcBasic) Learn(r float64, next int, terminated, truncated bool) float64 {
	b.g += float64(b.disc * r)
	b.disc *= b.cfg.Gamma
	b.s = next
	b.t++
	if !terminated && !truncated {
		return 0
	}
	p := int(b.pairs[b.idx])
	err := abs(b.g - b.q[p])
	b.sum += b.g
	b.done++
	if b.done < b.cfg.Episodes {
		return err
	}
	b.q[p] = b.sum / float64(b.done)
	b.sum, b.done = 0, 0
	b.idx++
	if b.idx == len(b.pairs) {
		b.idx = 0
		b.iter++
		for _, s := range b.starts {
			row := b.q[int(s)*b.A : (int(s)+1)*b.A]
			best, ba := row[0], 0
			for a := 1; a < len(row); a++ {
				if row[a] > best+1e-9 {
					best, ba = row[a], a
				}
			}
			b.pol[s] = ba
		}
	}
	return err
}

func (b *mcBasic) ActionProbs(dst []float64) []float64 {
	dst = dst[:b.S*b.A]
	clear(dst)
	for s, a := range b.pol {
		dst[s*b.A+a] = 1
	}
	return dst
}

// mc is Monte Carlo control with exploring starts (then greedy) or with an
// ε-greedy policy, first-visit or every-visit (Zhao, Algorithms 5.2–5.3):
// at the end of an episode the returns are computed backwards and each
// updated pair moves toward its return with its step size (1/k: the mean).
type mc struct {
	table
	exploring bool
	st, ac    []int32
	rw        []float64
	first     []int32 // time of a pair's first visit in the episode
	stamp     []int32 // episode of first[...]
}

func newMC(t table, exploring bool) *mc {
	n := t.S * t.A
	return &mc{table: t, exploring: exploring, first: make([]int32, n), stamp: make([]int32, n)}
}

// Epsilon is 0 for exploring starts, which then act greedily.
func (m *mc) Epsilon() float64 {
	if m.exploring {
		return 0
	}
	return m.eps
}

func (m *mc) Begin(s int) int {
	m.begin()
	m.st, m.ac, m.rw = m.st[:0], m.ac[:0], m.rw[:0]
	m.s, m.a = s, -1
	if m.exploring {
		m.s = int(m.starts[m.rng.IntN(len(m.starts))])
		m.a = m.rng.IntN(m.A)
	}
	return m.s
}

func (m *mc) Act() int {
	switch {
	case m.exploring && len(m.st) == 0:
		// the exploring start's action, drawn in Begin
	case m.exploring:
		m.a = m.greedyRandom(m.s)
	default:
		m.a = m.egreedy(m.s)
	}
	return m.a
}

func (m *mc) Learn(r float64, next int, terminated, truncated bool) float64 {
	sa := m.s*m.A + m.a
	if m.stamp[sa] != int32(m.episodes) {
		m.stamp[sa], m.first[sa] = int32(m.episodes), int32(len(m.st))
	}
	m.st = append(m.st, int32(m.s))
	m.ac = append(m.ac, int32(m.a))
	m.rw = append(m.rw, r)
	m.s = next
	if !terminated && !truncated {
		return 0
	}
	g, err := 0.0, 0.0
	for t := len(m.st) - 1; t >= 0; t-- {
		g = m.rw[t] + float64(m.cfg.Gamma*g)
		p := int(m.st[t])*m.A + int(m.ac[t])
		if m.cfg.Visit == FirstVisit && int(m.first[p]) != t {
			continue
		}
		err += abs(m.update(p, g))
	}
	return err
}

func (m *mc) ActionProbs(dst []float64) []float64 {
	if m.exploring {
		return m.egreedyProbs(dst, 0)
	}
	return m.egreedyProbs(dst, m.eps)
}
