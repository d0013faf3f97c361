// Package client is the game's side of the hosts that run sessions: it
// starts them (Web Workers in the browser, goroutines natively), sends the
// page's commands, keeps the newest snapshot of each run, watches for runs
// that fail or stop answering, runs comparisons of several seeds or two
// setups, and builds the status the page reads. It does not draw, so it is
// tested natively over the same messages the browser uses.
package client

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"bellman/sim/proto"
)

// Port is the game's end of one host.
type Port interface {
	// Post sends a message to the host.
	Post(msg []byte)
	// Close stops the host.
	Close()
}

// Opener starts a host and returns its port. The host's messages, and
// any failure of the host itself, arrive through deliver, on any
// goroutine.
type Opener func(deliver func(msg []byte, err error)) (Port, error)

// Silence is how long a playing run may go without a snapshot before it is
// reported as not answering.
const Silence = 5 * time.Second

// Run is one host and what it last sent.
type Run struct {
	ID    int
	Group int    // 0 for A, 1 for B in a comparison
	Seed  uint64 // the seed a comparison gave it
	Snap  proto.Snapshot
	Have  bool // a snapshot arrived
	// Failed says why the host itself stopped (it crashed, closed or
	// stopped answering); such a run must be restarted.
	Failed string

	port     Port
	posted   int64     // messages posted to the host
	wanted   time.Time // when the outstanding Want was sent (zero: none)
	answered time.Time // when the last message came
	setup    proto.Setup
	fresh    bool // a snapshot arrived since the last Drawn
	playing  bool // it was playing when it failed
}

// incoming is a message from a host, queued for the game loop.
type incoming struct {
	run *Run
	msg []byte
	err error
}

// Client holds the runs on screen: one, or those of a comparison.
type Client struct {
	open Opener
	now  func() time.Time

	mu    sync.Mutex
	inbox []incoming

	runs     []*Run
	selected int // index into runs of the run drawn
	nextID   int
	catalog  *proto.Catalog
	compare  *Compare

	hide, lock []string // a teacher's link's (see Address)
	file       *proto.File
	fileSeq    int
	paints     []paint // painted since the last FlushPaint

	notices   []proto.Notice // the latest, for the page
	noticeSeq int            // notices so far
	lastFile  string
	fileID    int
	out       []proto.Command
	buf       []byte
}

// New starts one host with open.
func New(open Opener) (*Client, error) {
	c := &Client{open: open, now: time.Now}
	r, err := c.start(0, 0, nil)
	if err != nil {
		return nil, err
	}
	c.runs = []*Run{r}
	return c, nil
}

// start opens a host for a new run; a setup, if given, is sent first.
func (c *Client) start(group int, seed uint64, setup *proto.Setup) (*Run, error) {
	r := &Run{ID: c.nextID, Group: group, Seed: seed, answered: c.now()}
	c.nextID++
	port, err := c.open(func(msg []byte, err error) {
		c.mu.Lock()
		c.inbox = append(c.inbox, incoming{r, msg, err})
		c.mu.Unlock()
	})
	if err != nil {
		return nil, err
	}
	r.port = port
	var cmds []proto.Command
	if setup != nil {
		r.setup = *setup
		cmds = append(cmds, proto.Command{Op: proto.OpSetup, Text: setup.Text()})
	}
	cmds = append(cmds, proto.Command{Op: proto.OpWant})
	r.wanted = c.now()
	r.post(proto.AppendCommands(nil, cmds), proto.Counts(cmds))
	return r, nil
}

// post sends msg; counts says it holds more than a request for a snapshot
// (proto.Counts), which the host's Applied then includes.
func (r *Run) post(msg []byte, counts bool) {
	if counts {
		r.posted++
	}
	r.port.Post(msg)
}

// Synced reports whether the run's snapshot reflects every command sent to
// it so far.
func (r *Run) Synced() bool { return r.Have && r.Snap.Applied >= r.posted }

// Poll takes in what the hosts sent since the last call: the newest
// snapshot of each run replaces its older ones. It reports whether any
// snapshot arrived.
func (c *Client) Poll() bool {
	c.mu.Lock()
	in := c.inbox
	c.inbox = nil
	c.mu.Unlock()
	got := false
	for _, m := range in {
		r := m.run
		if !c.live(r) {
			continue // a run since closed
		}
		r.answered = c.now()
		switch {
		case m.err != nil:
			c.fail(r, m.err.Error())
		case proto.Kind(m.msg) == "file":
			f, err := proto.DecodeFile(m.msg)
			if err != nil {
				c.say("error: "+err.Error(), true)
				continue
			}
			c.SetFile(f)
		case proto.Kind(m.msg) == "catalog":
			cat, err := proto.DecodeCatalog(m.msg)
			if err != nil {
				c.say("error: "+err.Error(), true)
				continue
			}
			c.catalog = cat
		case proto.Kind(m.msg) == "snapshot":
			// Decode into a scratch copy, so that a bad message leaves the
			// last good snapshot on screen.
			var s proto.Snapshot
			if r.Have {
				s = r.Snap
			}
			if err := proto.DecodeSnapshot(m.msg, &s); err != nil {
				c.say(fmt.Sprintf("error: run %d sent a bad snapshot: %v", r.ID, err), true)
				r.wanted = time.Time{}
				continue
			}
			r.Snap, r.Have, r.fresh, r.wanted, got = s, true, true, time.Time{}, true
			for _, n := range s.Notices {
				switch {
				case len(c.runs) == 1 || r == c.runs[c.selected]:
					c.say(n.Text, n.Error)
				case n.Error: // another run of a comparison: its problems only
					c.say(fmt.Sprintf("run %d: %s", r.ID, n.Text), true)
				}
			}
		default:
			c.say(fmt.Sprintf("error: run %d sent a message of unknown kind (%d bytes)", r.ID, len(m.msg)), true)
		}
	}
	c.watch()
	return got
}

func (c *Client) live(r *Run) bool {
	for _, x := range c.runs {
		if x == r {
			return true
		}
	}
	return false
}

// watch reports a playing run that has not answered a request for longer
// than Silence.
func (c *Client) watch() {
	now := c.now()
	for _, r := range c.runs {
		if r.Failed == "" && !r.wanted.IsZero() && r.Snap.Playing && r.Snap.Busy && now.Sub(r.wanted) > Silence && now.Sub(r.answered) > Silence {
			c.fail(r, fmt.Sprintf("stopped answering (no snapshot for %.0f s)", now.Sub(r.answered).Seconds()))
		}
	}
}

func (c *Client) fail(r *Run, why string) {
	if r.Failed != "" {
		return
	}
	r.Failed = why
	r.playing, r.Snap.Playing = r.Snap.Playing, false // a restart plays on if it was playing
	c.say(fmt.Sprintf("error: run %d %s — restart it", r.ID, why), true)
}

// say queues a notice for the page.
func (c *Client) say(text string, isErr bool) {
	const most = 32
	if len(c.notices) == most {
		copy(c.notices, c.notices[1:])
		c.notices = c.notices[:most-1]
	}
	c.notices = append(c.notices, proto.Notice{Text: text, Error: isErr})
	c.noticeSeq++
}

// Say adds a notice of the game's own (a bad call from the page, say).
func (c *Client) Say(text string, isErr bool) { c.say(text, isErr) }

// Drawn tells the client a frame was drawn: each run whose snapshot was
// used is asked for the next one, so hosts send at most one a frame.
func (c *Client) Drawn() {
	now := c.now()
	for _, r := range c.runs {
		if r.Failed == "" && (r.fresh || (r.wanted.IsZero() && !r.Have)) {
			r.fresh = false
			r.wanted = now
			r.post(proto.AppendCommands(c.buf[:0], []proto.Command{{Op: proto.OpWant}}), false)
		}
	}
}

// Selected returns the run drawn, and whether it has a snapshot yet.
func (c *Client) Selected() (*Run, bool) {
	r := c.runs[c.selected]
	return r, r.Have
}

// Runs returns the runs on screen.
func (c *Client) Runs() []*Run { return c.runs }

// Catalog returns what the hosts offer (nil until the first one said).
func (c *Client) Catalog() *proto.Catalog { return c.catalog }

// Select draws run id.
func (c *Client) Select(id int) error {
	for i, r := range c.runs {
		if r.ID == id {
			c.selected = i
			return nil
		}
	}
	return fmt.Errorf("no run %d", id)
}

// Send carries a command to the runs: playing, pausing, stepping,
// resetting, the speed, layers and the selection go to every run of a
// comparison; anything that changes the setup ends the comparison first,
// keeping the run on screen.
func (c *Client) Send(cmds ...proto.Command) {
	for _, cmd := range cmds {
		if why := locked(c.lock, cmd); why != "" {
			c.say("error: "+why, true)
			continue
		}
		switch cmd.Op {
		case proto.OpPlay, proto.OpPause, proto.OpToggle, proto.OpStep, proto.OpReset, proto.OpSpeed, proto.OpLayer, proto.OpSelect:
		default:
			if c.compare != nil {
				c.EndCompare()
				c.say("comparison ended: the setup changed", false)
			}
		}
		if cmd.Op == proto.OpToggle && len(c.runs) > 1 {
			// Every run follows the one on screen, so they stay together.
			cmd.Op = proto.OpPlay
			if r, ok := c.Selected(); ok && r.Snap.Playing {
				cmd.Op = proto.OpPause
			}
		}
		c.out = append(c.out, cmd)
	}
	c.flush()
}

func (c *Client) flush() {
	if len(c.out) == 0 {
		return
	}
	msg := proto.AppendCommands(c.buf[:0], c.out)
	counts := proto.Counts(c.out)
	c.out = c.out[:0]
	for _, r := range c.runs {
		if r.Failed == "" {
			r.post(msg, counts)
		}
	}
	c.buf = msg
}

// Restart replaces run id's host with a new one set up as the run was
// (from its last snapshot), or resets a run whose method crashed inside a
// host that still answers.
func (c *Client) Restart(id int) error {
	for i, r := range c.runs {
		if r.ID != id {
			continue
		}
		if r.Failed == "" {
			r.post(proto.AppendCommands(nil, []proto.Command{{Op: proto.OpReset}}), true)
			return nil
		}
		setup := r.setup
		if r.Have {
			setup = SetupOf(&r.Snap, c.builtIn(r.Snap.World))
			setup.StopAt, setup.Playing = r.setup.StopAt, r.playing
		}
		r.port.Close()
		nr, err := c.start(r.Group, r.Seed, &setup)
		if err != nil {
			return err
		}
		nr.ID = r.ID // the page knows it by its number
		c.nextID--
		c.runs[i] = nr
		c.say(fmt.Sprintf("run %d restarted", id), false)
		return nil
	}
	return fmt.Errorf("no run %d", id)
}

// builtIn reports whether a world is one the hosts know by name.
func (c *Client) builtIn(world string) bool {
	if c.catalog == nil {
		return true
	}
	for _, g := range c.catalog.Worlds {
		for _, it := range g.Items {
			if it.Key == world {
				return true
			}
		}
	}
	return false
}

// Terminate closes every host (the page is going away).
func (c *Client) Terminate() {
	for _, r := range c.runs {
		r.port.Close()
	}
}

// Teach applies a teacher's link's lists: hidden controls are the page's to
// leave out; locked ones refuse every later change, from the page, the
// bridge or an edited address. Locks only grow: a later address cannot
// lift them.
func (c *Client) Teach(hide, lock []string) {
	if hide != nil {
		c.hide = append([]string(nil), hide...)
	}
	for _, l := range lock {
		if !slices.Contains(c.lock, l) {
			c.lock = append(c.lock, l)
		}
	}
}

// SetFile offers a file to the page to download (an export of a host's,
// or the canvas as a picture).
func (c *Client) SetFile(f proto.File) {
	c.file = &f
	c.fileSeq++
	c.say(fmt.Sprintf("%s ready (%d bytes)", f.Name, len(f.Data)), false)
}

// TakeFile returns the file on offer and forgets it.
func (c *Client) TakeFile() (proto.File, bool) {
	if c.file == nil {
		return proto.File{}, false
	}
	f := *c.file
	c.file = nil
	return f, true
}
