package agent

import (
	"fmt"

	"bellman/sim/mdp"
)

// model is a learned tabular model: the last outcome seen of each pair (as
// Sutton & Barto's tabular Dyna-Q; exact in deterministic worlds). A
// truncated transition is stored like any other, so planning bootstraps
// from it; a terminated one is stored as terminal.
type model struct {
	next   []int32
	reward []float64
	term   []bool
	seen   []int32 // pairs seen, in order of first sight
	known  []bool
}

func newModel(n int) model {
	return model{next: make([]int32, n), reward: make([]float64, n), term: make([]bool, n),
		seen: make([]int32, 0, n), known: make([]bool, n)}
}

func (m *model) store(sa, next int, r float64, term bool) {
	m.next[sa], m.reward[sa], m.term[sa] = int32(next), r, term
	if !m.known[sa] {
		m.known[sa] = true
		m.seen = append(m.seen, int32(sa))
	}
}

// modelTarget returns the Q-learning target of pair sa under the model.
func (t *table) modelTarget(m *model, sa int) float64 {
	if m.term[sa] {
		return m.reward[sa]
	}
	return m.reward[sa] + float64(t.cfg.Gamma*t.maxQ(int(m.next[sa])))
}

// dyna is Dyna-Q (Sutton & Barto, section 8.2): a Q-learning update from
// the real step, then Planning updates of pairs drawn uniformly among those
// seen, from the model.
type dyna struct {
	table
	model
}

func newDyna(t table) *dyna { return &dyna{table: t, model: newModel(t.S * t.A)} }

func (d *dyna) Begin(s int) int {
	d.begin()
	d.s = s
	return s
}

func (d *dyna) Act() int {
	d.a = d.egreedy(d.s)
	return d.a
}

func (d *dyna) Learn(r float64, next int, terminated, truncated bool) float64 {
	sa := d.s*d.A + d.a
	d.store(sa, next, r, terminated)
	err := abs(d.update(sa, d.modelTarget(&d.model, sa)))
	d.plan()
	d.s = next
	return err
}

// plan makes the planning updates: modelTarget and update written out,
// as this loop is where Dyna-Q spends its time.
func (d *dyna) plan() {
	q, A, g := d.q, d.A, d.cfg.Gamma
	nx, rw, term, seen := d.next, d.reward, d.term, d.seen
	n := len(seen)
	for i := 0; i < d.cfg.Planning; i++ {
		p := int(seen[d.rng.IntN(n)])
		target := rw[p]
		if !term[p] {
			j := int(nx[p]) * A
			row := q[j : j+A]
			best := row[0]
			for _, v := range row[1:] {
				if v > best {
					best = v
				}
			}
			target += float64(g * best)
		}
		q[p] += float64(d.alpha(p) * (target - q[p]))
	}
}

// sweeping is prioritized sweeping (Sutton & Barto, section 8.4, for a
// deterministic environment): the real step only updates the model and
// queues its pair if |TD error| > θ; then up to Planning pairs are popped,
// largest priority first, and updated from the model, and every pair
// predicted to lead to the updated state is queued with its own |TD error|
// if above θ. A pair already queued keeps the larger priority.
//
// Predecessor lists: pred[off[s]:off[s]+n[s]] holds the pairs seen to lead to
// state s. Their capacity is preallocated from the model's structure (the
// pairs with any outcome into s), so recording one never allocates.
type sweeping struct {
	table
	model
	pq    *pqueue
	off   []int32
	npred []int32
	pred  []int32
	hit   []bool // hit[o]: outcome o of the structure (pair, next) is in a list
}

func newSweeping(t table) *sweeping {
	m := t.m
	n := t.S * t.A
	w := &sweeping{table: t, model: newModel(n), pq: newPQueue(n),
		off: make([]int32, t.S+1), npred: make([]int32, t.S), hit: make([]bool, n*m.K)}
	// Count the distinct pairs that can lead to each state.
	for sa := 0; sa < n; sa++ {
		for k := 0; k < m.K; k++ {
			o := sa*m.K + k
			if m.Prob[o] > 0 && !dupBefore(m, sa, k) {
				w.off[m.Next[o]+1]++
			}
		}
	}
	for s := 0; s < t.S; s++ {
		w.off[s+1] += w.off[s]
	}
	w.pred = make([]int32, w.off[t.S])
	return w
}

// dupBefore reports whether an earlier possible outcome of pair sa has the
// same next state as outcome k.
func dupBefore(m *mdp.Model, sa, k int) bool {
	next := m.Next[sa*m.K+k]
	for j := 0; j < k; j++ {
		if o := sa*m.K + j; m.Prob[o] > 0 && m.Next[o] == next {
			return true
		}
	}
	return false
}

func (w *sweeping) Begin(s int) int {
	w.begin()
	w.s = s
	return s
}

func (w *sweeping) Act() int {
	w.a = w.egreedy(w.s)
	return w.a
}

// addPred records that pair sa leads to state next.
func (w *sweeping) addPred(sa, next int) {
	m := w.m
	found := false
	for k := 0; k < m.K; k++ {
		o := sa*m.K + k
		if int(m.Next[o]) == next && m.Prob[o] > 0 {
			if !found && !w.hit[o] {
				i := w.off[next] + w.npred[next]
				w.pred[i] = int32(sa)
				w.npred[next]++
			}
			found = true
			w.hit[o] = true
		}
	}
	if !found {
		panic("agent: prioritized sweeping saw a transition its model's structure does not allow")
	}
}

func (w *sweeping) Learn(r float64, next int, terminated, truncated bool) float64 {
	sa := w.s*w.A + w.a
	w.store(sa, next, r, terminated)
	w.addPred(sa, next)
	p := abs(w.modelTarget(&w.model, sa) - w.q[sa])
	if p > w.cfg.Theta {
		w.pq.Raise(sa, p)
	}
	w.plan()
	w.s = next
	return p
}

// plan pops up to Planning pairs, largest priority first, updates each
// from the model, and queues every pair predicted to lead to the updated
// pair's state s with its |TD error| if above θ (a pair already queued
// keeps the larger priority). Those pairs all bootstrap from
// max_a q(s, a), so it is computed once per update. modelTarget and
// update are written out, as this loop is where the agent spends its time.
func (w *sweeping) plan() {
	pq, q, A, g, theta := w.pq, w.q, w.A, w.cfg.Gamma, w.cfg.Theta
	nx, rw, term := w.next, w.reward, w.term
	off, npred, pred := w.off, w.npred, w.pred
	for i := 0; i < w.cfg.Planning && len(pq.heap) > 0; i++ {
		top, _ := pq.Pop()
		target := rw[top]
		if !term[top] {
			target += float64(g * w.maxQ(int(nx[top])))
		}
		q[top] += float64(w.alpha(top) * (target - q[top]))
		s := top / A
		gv := float64(g * w.maxQ(s))
		start := int(off[s])
		for _, pre := range pred[start : start+int(npred[s])] {
			if int(nx[pre]) != s {
				continue // the model now predicts another state for this pair
			}
			t := rw[pre]
			if !term[pre] {
				t += gv
			}
			if d := abs(t - q[pre]); d > theta {
				pq.Raise(int(pre), d)
			}
		}
	}
}

// Queued returns the number of pairs in the priority queue.
func (w *sweeping) Queued() int { return w.pq.Len() }

// SetConfig refuses planning below 1: prioritized sweeping learns only by
// planning, as New insists.
func (p *sweeping) SetConfig(c Config) error {
	if c.Planning < 1 {
		return fmt.Errorf("prioritized sweeping needs planning ≥ 1 (it learns only by planning), not %d", c.Planning)
	}
	return p.table.SetConfig(c)
}
