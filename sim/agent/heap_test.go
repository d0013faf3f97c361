package agent

import (
	"math/rand/v2"
	"testing"
)

// The indexed heap against a brute-force reference: after every random
// Set (insert, increase-key, decrease-key), Raise or Pop, the popped item has the
// largest priority of the reference map, and the sizes agree.
func TestPQueueAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const n = 50
	q := newPQueue(n)
	ref := map[int]float64{}
	for op := 0; op < 20000; op++ {
		if k := rng.IntN(4); k == 3 { // Raise keeps the larger priority
			it, p := rng.IntN(n), float64(rng.IntN(1000))
			q.Raise(it, p)
			if old, ok := ref[it]; !ok || p > old {
				ref[it] = p
			}
		} else if k > 0 {
			it, p := rng.IntN(n), float64(rng.IntN(1000))
			q.Set(it, p)
			ref[it] = p
		} else if len(ref) > 0 {
			it, p := q.Pop()
			best := -1.0
			for _, v := range ref {
				if v > best {
					best = v
				}
			}
			if p != best || ref[it] != p {
				t.Fatalf("op %d: popped %d with %v; reference max %v, item's %v", op, it, p, best, ref[it])
			}
			delete(ref, it)
		}
		if q.Len() != len(ref) {
			t.Fatalf("op %d: size %d, reference %d", op, q.Len(), len(ref))
		}
		for it := 0; it < n; it++ {
			if _, ok := ref[it]; ok != q.Contains(it) {
				t.Fatalf("op %d: Contains(%d) = %v", op, it, q.Contains(it))
			}
		}
	}
	q.Clear()
	if q.Len() != 0 || q.Contains(0) {
		t.Error("Clear left items")
	}
	if a := testing.AllocsPerRun(100, func() { q.Set(rng.IntN(n), rng.Float64()); q.Pop() }); a != 0 {
		t.Errorf("%v allocations per Set+Pop", a)
	}
}
