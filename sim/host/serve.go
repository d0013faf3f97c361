package host

import (
	"time"

	"bellman/sim/proto"
)

// Transport carries a host's messages: commands in, the catalog and
// snapshots out. In the browser it is a Web Worker's postMessage; natively
// a pair of channels (NewLocal).
type Transport interface {
	// Recv appends to dst the messages that have arrived, waiting up to
	// wait for the first (0: only yield, so that pending messages are
	// delivered; negative: until one comes). It reports false once the
	// transport is closed.
	Recv(dst [][]byte, wait time.Duration) ([][]byte, bool)
	// Send delivers msg; the host reuses msg's memory afterwards.
	Send(msg []byte)
}

// Serve runs h over t until t closes: it sends the catalog, then applies
// commands as they come, steps the run, and sends a snapshot whenever the
// client has asked for one and something changed (so a slow client gets
// the newest state, never a backlog).
func Serve(h *Host, t Transport) {
	t.Send(proto.AppendCatalog(nil, h.Catalog()))
	var (
		msgs [][]byte
		buf  []byte
		wait time.Duration
		ok   bool
	)
	for {
		if msgs, ok = t.Recv(msgs[:0], wait); !ok {
			return
		}
		for _, m := range msgs {
			h.Handle(m)
		}
		for _, f := range h.Files() {
			t.Send(proto.AppendFile(buf[:0], &f))
		}
		wait = h.Work(workSlice)
		// After the work, before waiting: the step that ends a run (a
		// convergence) is the last change, and the wait may be long.
		if h.Wants() {
			buf = h.AppendSnapshot(buf[:0])
			t.Send(buf)
		}
	}
}

// Local is a host served in a goroutine, spoken to in the same byte
// messages as a Web Worker: what native tests and benchmarks use.
type Local struct {
	in   chan []byte
	out  chan []byte
	done chan struct{}
}

// NewLocal serves h in a new goroutine.
func NewLocal(h *Host) *Local {
	l := &Local{in: make(chan []byte, 64), out: make(chan []byte, 4), done: make(chan struct{})}
	go func() {
		defer close(l.out)
		Serve(h, (*localEnd)(l))
	}()
	return l
}

// Post sends a copy of msg to the host.
func (l *Local) Post(msg []byte) {
	select {
	case l.in <- append([]byte(nil), msg...):
	case <-l.done:
	}
}

// Messages delivers what the host sends: the catalog first, then
// snapshots. It is closed when the host stops.
func (l *Local) Messages() <-chan []byte { return l.out }

// Close stops the host.
func (l *Local) Close() {
	select {
	case <-l.done:
	default:
		close(l.done)
	}
}

// localEnd is the host's side of a Local.
type localEnd Local

func (e *localEnd) Recv(dst [][]byte, wait time.Duration) ([][]byte, bool) {
	var timer <-chan time.Time
	switch {
	case wait == 0:
		timer = closed
	case wait > 0:
		t := time.NewTimer(wait)
		defer t.Stop()
		timer = t.C
	}
	select {
	case m := <-e.in:
		dst = append(dst, m)
	case <-timer:
		return dst, true
	case <-e.done:
		return dst, false
	}
	for { // and whatever else is waiting
		select {
		case m := <-e.in:
			dst = append(dst, m)
		default:
			return dst, true
		}
	}
}

func (e *localEnd) Send(msg []byte) {
	select {
	case e.out <- append([]byte(nil), msg...):
	case <-e.done:
	}
}

// closed is a channel that is always ready.
var closed = func() chan time.Time {
	c := make(chan time.Time)
	close(c)
	return c
}()
