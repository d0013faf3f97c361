package agent

// pqueue is an indexed binary max-heap of items 0..n−1 keyed by priority,
// preallocated for all n items: Set inserts an item or changes its priority
// (up or down) in O(log n), Pop removes the largest in O(log n), and
// nothing allocates. Ties pop in an order fixed by the operations, so runs
// are reproducible.
//
// The priorities are kept in heap order beside the items, so that a
// comparison reads one array, and the sifts move a hole rather than swap
// (the same comparisons and the same final order as swapping).
type pqueue struct {
	heap []int32   // items in heap order
	key  []float64 // key[i]: the priority of heap[i]
	pos  []int32   // index of each item in heap, −1 if absent
}

func newPQueue(n int) *pqueue {
	q := &pqueue{heap: make([]int32, 0, n), key: make([]float64, 0, n), pos: make([]int32, n)}
	for i := range q.pos {
		q.pos[i] = -1
	}
	return q
}

func (q *pqueue) Len() int { return len(q.heap) }

// Contains reports whether item is queued.
func (q *pqueue) Contains(item int) bool { return q.pos[item] >= 0 }

// Priority returns the priority of a queued item.
func (q *pqueue) Priority(item int) float64 { return q.key[q.pos[item]] }

// Set queues item with priority p, or changes its priority to p.
func (q *pqueue) Set(item int, p float64) {
	i := q.pos[item]
	if i < 0 {
		q.heap = append(q.heap, int32(item))
		q.key = append(q.key, p)
		q.up(len(q.heap)-1, int32(item), p)
		return
	}
	if old := q.key[i]; p > old {
		q.up(int(i), int32(item), p)
	} else if p < old {
		q.down(int(i), int32(item), p)
	}
}

// Raise queues item with priority p unless it is queued with a priority
// of at least p, in which case it keeps that one.
func (q *pqueue) Raise(item int, p float64) {
	i := q.pos[item]
	if i < 0 {
		q.heap = append(q.heap, int32(item))
		q.key = append(q.key, p)
		i = int32(len(q.heap) - 1)
	} else if q.key[i] >= p {
		return
	}
	q.up(int(i), int32(item), p)
}

// Pop removes and returns the item of largest priority and its priority.
// It panics on an empty queue.
func (q *pqueue) Pop() (item int, p float64) {
	top, topP := q.heap[0], q.key[0]
	last := len(q.heap) - 1
	it, k := q.heap[last], q.key[last]
	q.heap, q.key = q.heap[:last], q.key[:last]
	q.pos[top] = -1
	if last > 0 {
		q.down(0, it, k)
	}
	return int(top), topP
}

// Clear empties the queue.
func (q *pqueue) Clear() {
	for _, it := range q.heap {
		q.pos[it] = -1
	}
	q.heap, q.key = q.heap[:0], q.key[:0]
}

// up puts item with priority p at index i, or above it while its parent's
// priority is lower.
func (q *pqueue) up(i int, item int32, p float64) {
	h, key, pos := q.heap, q.key[:len(q.heap)], q.pos
	for i > 0 {
		par := (i - 1) / 2
		if !(key[par] < p) {
			break
		}
		h[i], key[i] = h[par], key[par]
		pos[h[i]] = int32(i)
		i = par
	}
	h[i], key[i] = item, p
	pos[item] = int32(i)
}

// down puts item with priority p at index i, or below it while a child's
// priority is higher (the right child's if it is higher than the left's).
func (q *pqueue) down(i int, item int32, p float64) {
	h, key, pos := q.heap, q.key[:len(q.heap)], q.pos
	n := len(h)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && key[c] < key[r] {
			c = r
		}
		if !(p < key[c]) {
			break
		}
		h[i], key[i] = h[c], key[c]
		pos[h[i]] = int32(i)
		i = c
	}
	h[i], key[i] = item, p
	pos[item] = int32(i)
}
