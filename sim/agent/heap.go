package agent

// pqueue is an indexed binary max-heap of items 0..n−1 keyed by priority,
// preallocated for all n items: Set inserts an item or changes its priority
// (up or down) in O(log n), Pop removes the largest in O(log n), and
// nothing allocates. Ties pop in an order fixed by the operations, so runs
// are reproducible.
type pqueue struct {
	heap []int32   // items in heap order
	pos  []int32   // index of each item in heap, −1 if absent
	pri  []float64 // priority of each item in the heap
}

func newPQueue(n int) *pqueue {
	q := &pqueue{heap: make([]int32, 0, n), pos: make([]int32, n), pri: make([]float64, n)}
	for i := range q.pos {
		q.pos[i] = -1
	}
	return q
}

func (q *pqueue) Len() int { return len(q.heap) }

// Contains reports whether item is queued.
func (q *pqueue) Contains(item int) bool { return q.pos[item] >= 0 }

// Priority returns the priority of a queued item.
func (q *pqueue) Priority(item int) float64 { return q.pri[item] }

// Set queues item with priority p, or changes its priority to p.
func (q *pqueue) Set(item int, p float64) {
	i := q.pos[item]
	if i < 0 {
		i = int32(len(q.heap))
		q.heap = append(q.heap, int32(item))
		q.pos[item] = i
		q.pri[item] = p
		q.up(int(i))
		return
	}
	old := q.pri[item]
	q.pri[item] = p
	if p > old {
		q.up(int(i))
	} else if p < old {
		q.down(int(i))
	}
}

// Pop removes and returns the item of largest priority and its priority.
// It panics on an empty queue.
func (q *pqueue) Pop() (item int, p float64) {
	top := q.heap[0]
	last := len(q.heap) - 1
	q.swap(0, last)
	q.heap = q.heap[:last]
	q.pos[top] = -1
	if last > 0 {
		q.down(0)
	}
	return int(top), q.pri[top]
}

// Clear empties the queue.
func (q *pqueue) Clear() {
	for _, it := range q.heap {
		q.pos[it] = -1
	}
	q.heap = q.heap[:0]
}

func (q *pqueue) less(i, j int) bool { return q.pri[q.heap[i]] < q.pri[q.heap[j]] }

func (q *pqueue) swap(i, j int) {
	h := q.heap
	h[i], h[j] = h[j], h[i]
	q.pos[h[i]] = int32(i)
	q.pos[h[j]] = int32(j)
}

func (q *pqueue) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(p, i) {
			break
		}
		q.swap(p, i)
		i = p
	}
}

func (q *pqueue) down(i int) {
	n := len(q.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && q.less(l, r) {
			c = r
		}
		if !q.less(i, c) {
			return
		}
		q.swap(i, c)
		i = c
	}
}
