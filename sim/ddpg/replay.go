package ddpg

import (
	"fmt"
	"math/rand/v2"
)

// Replay is a fixed-capacity ring of transitions (s, a, r, s′, terminated),
// all its storage allocated by NewReplay. Once full, each Add overwrites the
// oldest transition. It is not safe for concurrent use.
type Replay struct {
	obsDim, actDim int
	capacity       int
	next, size     int // slot of the next Add; transitions held
	obs, act       []float64
	rew, term      []float64
	nextObs        []float64
}

// NewReplay returns an empty buffer for capacity transitions.
func NewReplay(capacity, obsDim, actDim int) (*Replay, error) {
	if capacity < 1 || capacity > MaxBufferSize {
		return nil, fmt.Errorf("ddpg: replay capacity %d is not in [1, %d]", capacity, MaxBufferSize)
	}
	if obsDim < 1 || actDim < 1 {
		return nil, fmt.Errorf("ddpg: replay needs positive sizes, got obs %d and action %d", obsDim, actDim)
	}
	return &Replay{
		obsDim: obsDim, actDim: actDim, capacity: capacity,
		obs:     make([]float64, capacity*obsDim),
		act:     make([]float64, capacity*actDim),
		rew:     make([]float64, capacity),
		term:    make([]float64, capacity),
		nextObs: make([]float64, capacity*obsDim),
	}, nil
}

// Len returns the number of transitions held.
func (b *Replay) Len() int { return b.size }

// Cap returns the capacity.
func (b *Replay) Cap() int { return b.capacity }

// Clear empties the buffer.
func (b *Replay) Clear() { b.next, b.size = 0, 0 }

// Add stores a transition; terminated is stored as 1 or 0. It panics if a
// slice has the wrong length.
func (b *Replay) Add(obs, act []float64, reward float64, nextObs []float64, terminated bool) {
	if len(obs) != b.obsDim || len(nextObs) != b.obsDim || len(act) != b.actDim {
		panic("ddpg: Replay.Add: wrong transition size")
	}
	i := b.next
	copy(b.obs[i*b.obsDim:], obs)
	copy(b.act[i*b.actDim:], act)
	copy(b.nextObs[i*b.obsDim:], nextObs)
	b.rew[i] = reward
	b.term[i] = 0
	if terminated {
		b.term[i] = 1
	}
	b.next++
	if b.next == b.capacity {
		b.next = 0
	}
	if b.size < b.capacity {
		b.size++
	}
}

// At writes transition i (0 the oldest held) into the slices, which must
// have the right lengths, and returns its reward and terminated flag.
func (b *Replay) At(i int, obs, act, nextObs []float64) (reward float64, terminated bool) {
	if i < 0 || i >= b.size {
		panic("ddpg: Replay.At: index out of range")
	}
	j := i
	if b.size == b.capacity {
		j = (b.next + i) % b.capacity
	}
	b.copyOut(j, 0, obs, act, nextObs, nil, nil)
	return b.rew[j], b.term[j] == 1
}

// Sample draws n transitions uniformly with replacement using rng and
// writes them row by row into obs (n×obsDim), act (n×actDim), rew (n),
// nextObs (n×obsDim) and term (n, 1 for terminated). It panics if the
// buffer is empty or a slice is too short.
func (b *Replay) Sample(rng *rand.Rand, n int, obs, act, rew, nextObs, term []float64) {
	if b.size == 0 {
		panic("ddpg: Replay.Sample: empty buffer")
	}
	if len(obs) < n*b.obsDim || len(nextObs) < n*b.obsDim || len(act) < n*b.actDim || len(rew) < n || len(term) < n {
		panic("ddpg: Replay.Sample: buffers too short")
	}
	for r := 0; r < n; r++ {
		b.copyOut(rng.IntN(b.size), r, obs, act, nextObs, rew, term)
	}
}

// copyOut writes slot j into row r of the destination slices (rew and term
// may be nil).
func (b *Replay) copyOut(j, r int, obs, act, nextObs, rew, term []float64) {
	o, a := b.obsDim, b.actDim
	copy(obs[r*o:r*o+o], b.obs[j*o:j*o+o])
	copy(nextObs[r*o:r*o+o], b.nextObs[j*o:j*o+o])
	copy(act[r*a:r*a+a], b.act[j*a:j*a+a])
	if rew != nil {
		rew[r] = b.rew[j]
		term[r] = b.term[j]
	}
}
