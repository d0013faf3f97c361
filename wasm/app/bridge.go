package app

import (
	"sync"

	"bellman/sim/proto"
)

// requestKind says what a request of the page asks for.
type requestKind uint8

const (
	reqCommand    requestKind = iota // a command for the runs
	reqClick                         // a click on the canvas at (x, y)
	reqCompare                       // start a comparison (text: its spec)
	reqEndCompare                    // end it, keeping the run on screen
	reqRestart                       // restart run id
	reqSelectRun                     // draw run id
	reqAddress                       // set up what an address says (text)
	reqBad                           // a call the bridge could not read (text: why)
	reqPNG                           // offer the canvas as a PNG file
	reqPresenter                     // presenter view on (id 1) or off
	reqMotion                        // the agent glides (id 1) or jumps
	reqPaint                         // paint cell kind text at canvas point (x, y)
	reqReshape                       // add or remove the last row or column (text)
)

// request is one call of the page, applied by the game loop.
type request struct {
	kind requestKind
	cmd  proto.Command
	x, y float64
	id   int
	text string
}

// Bridge carries the page's requests to the game loop. Its methods are
// safe for concurrent use: JS callbacks run on their own goroutines.
type Bridge struct {
	mu    sync.Mutex
	queue []request
	paint string // the cell kind the canvas paints, "" to select cells
}

// Push queues a request. A set that follows a set of the same key
// replaces it, so that a slider dragged through many values while a frame
// runs costs one change, not one each (a new γ re-solves the world the
// agent is measured against).
func (b *Bridge) Push(r request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n := len(b.queue); n > 0 && r.kind == reqCommand && r.cmd.Op == proto.OpSet {
		if last := &b.queue[n-1]; last.kind == reqCommand && last.cmd.Op == proto.OpSet && last.cmd.Key == r.cmd.Key {
			*last = r
			return
		}
	}
	const most = 4096 // a page that floods the bridge loses the oldest
	if len(b.queue) == most {
		b.queue = append(b.queue[:0], b.queue[1:]...)
	}
	b.queue = append(b.queue, r)
}

// drain moves the queued requests into dst[:0] and returns it.
func (b *Bridge) drain(dst []request) []request {
	b.mu.Lock()
	dst = append(dst[:0], b.queue...)
	b.queue = b.queue[:0]
	b.mu.Unlock()
	return dst
}
