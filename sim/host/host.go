package host

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"bellman/sim/grid"
	"bellman/sim/proto"
)

// Library is where a host finds its built-in worlds and lessons: package
// assets in the binaries, a test's own in tests.
type Library struct {
	// World returns a built-in world by name.
	World func(name string) (grid.World, error)
	// WorldNames lists the built-in worlds in menu order; the first is
	// where a host starts.
	WorldNames []string
	Lessons    []proto.Lesson
	// Trajectories encodes recorded steps as a file (TFRecord of
	// tf.Examples in the binaries, which may use a protobuf library that
	// sim/ may not); nil leaves trajectories out of the exports.
	Trajectories func(steps []Step) (proto.File, error)
}

// Step is one recorded step of a trajectory, for Library.Trajectories.
// Grid worlds record indices (Discrete): the state, the observation as row
// and column, the action.
type Step struct {
	State, Observation, Action, NextState []float64
	Discrete                              bool
	Reward                                float64
	Terminated, Truncated                 bool
	Episode, Index                        int64 // episode from 1, step in it from 0
}

// run is one kind of session on screen: planning, a learning agent, a
// control task or the lab.
type run interface {
	scene() string
	kind() string      // KindGrid, KindContinuous, …
	algorithm() string // the method's key
	// apply handles a command the host does not (set, world and load
	// within the scene, algorithm, layer, select) and returns a notice.
	apply(h *Host, c proto.Command) (note string, err error)
	step()
	busy() bool // stepping still changes something
	reset()
	steps() int64   // the step counter: sweeps, environment steps, iterations
	updates() int64 // network updates so far (0 if none)
	diverged() string
	fill(h *Host, s *proto.Snapshot)
}

// MaxSpeed bounds the steps a second a person can ask for; more is "as fast
// as possible" (speed 0).
const MaxSpeed = 1e6

// maxNotices bounds the notices a snapshot carries; the rest are counted.
const maxNotices = 16

// Host runs one session for the page. It is not safe for concurrent use:
// Serve (or a test) owns it.
type Host struct {
	lib Library
	cat proto.Catalog
	now func() time.Time

	run     run
	serial  int // runs switched to so far: a new run has a new schema
	playing bool
	speed   float64 // steps a second; 0 as fast as possible
	acc     float64 // steps owed to the speed
	last    time.Time
	stopAt  int64
	lesson  *proto.Lesson
	ramp    time.Time // when a lesson whose speed ramps up opened (zero: no ramp)

	notices  []proto.Notice
	dropped  int    // notices past maxNotices since the last snapshot
	reported string // the divergence already reported
	crashed  string

	handled int64 // messages handled that proto.Counts
	want    bool  // the client asked for a snapshot
	dirty   bool  // something changed since the last snapshot
	seq     int64
	snap    proto.Snapshot
	cmds    []proto.Command

	tl    timeline
	files []proto.File // files to send (OpExport)

	winStart        time.Time
	winSteps, winUp int64
	stepsPerSec     float64
	updatesPerSec   float64
	memoryMB        float64
}

// New returns a host on the library's first world with value iteration,
// playing at the planning speed.
func New(lib Library) (*Host, error) {
	if lib.World == nil || len(lib.WorldNames) == 0 {
		return nil, errors.New("host: a library needs worlds")
	}
	h := &Host{lib: lib, now: time.Now, playing: true, dirty: true}
	h.cat = catalog(lib)
	w, err := lib.World(lib.WorldNames[0])
	if err != nil {
		return nil, err
	}
	r, err := newGridRun(w, "vi", nil)
	if err != nil {
		return nil, err
	}
	h.use(r, planSpeed)
	return h, nil
}

// Speeds a run starts at: planning slowly enough to watch each sweep, an
// agent fast enough to see episodes, deep RL as fast as possible.
const (
	planSpeed    = 2
	learnSpeed   = 10
	controlSpeed = 0
	labSpeed     = 20
)

// use makes r the current run at speed.
func (h *Host) use(r run, speed float64) {
	h.run, h.speed, h.acc, h.ramp = r, speed, 0, time.Time{}
	h.tl.clear()
	h.serial++
	h.crashed, h.reported = "", ""
}

// Catalog returns what the host offers: worlds, methods and lessons.
func (h *Host) Catalog() *proto.Catalog { return &h.cat }

// Handle applies the commands of one message. A malformed message is
// reported as a notice; the commands before the problem still apply.
func (h *Host) Handle(msg []byte) {
	cmds, err := proto.DecodeCommands(msg, h.cmds[:0])
	h.cmds = cmds
	if proto.Counts(cmds) || err != nil {
		h.handled++
	}
	for _, c := range cmds {
		h.Apply(c)
	}
	if err != nil {
		h.say("error: a malformed message from the page: "+err.Error(), true)
	}
}

// Apply carries out one command.
func (h *Host) Apply(c proto.Command) {
	if c.Op == proto.OpWant {
		h.want = true
		return
	}
	defer h.recoverRun("the command " + c.Op.String())
	h.dirty = true
	var note string
	var err error
	switch c.Op {
	case proto.OpPlay:
		err = h.play(true)
	case proto.OpPause:
		h.playing = false
	case proto.OpToggle:
		err = h.play(!h.playing)
	case proto.OpStep:
		h.playing = false
		if err = h.usable(); err == nil {
			h.run.step()
		}
	case proto.OpReset:
		if h.crashed != "" {
			err = h.rebuild()
		} else {
			h.run.reset()
		}
		h.acc = 0
		h.tl.clear()
		note = "reset"
	case proto.OpSpeed:
		note, err = h.setSpeed(c.Value)
	case proto.OpLesson:
		note, err = h.startLesson(c.Key)
	case proto.OpSetup:
		err = h.setup(c.Text)
	case proto.OpBad:
		err = errors.New(c.Text)
	case proto.OpTimeline:
		if math.IsNaN(c.Value) {
			err = errors.New("timeline: not a moment")
		} else {
			err = h.show(int(math.Max(-1, math.Min(c.Value, 1e6))))
		}
	case proto.OpAct:
		note, err = h.act(int(c.Value))
	case proto.OpPair, proto.OpLabel:
		note, err = h.labelPair(c)
	case proto.OpExport:
		err = h.export(c.Key)
	case proto.OpImport:
		note, err = h.importFile(c.Key, c.Text)
	case proto.OpStopAt:
		if math.IsNaN(c.Value) || c.Value < 0 || c.Value > math.MaxInt64/2 {
			err = fmt.Errorf("stop at %v is not a step count (0 for never)", c.Value)
		} else {
			h.stopAt = int64(c.Value)
		}
	default:
		if c.Op != proto.OpSelect && c.Op != proto.OpLayer {
			if err = h.usable(); err != nil {
				break
			}
		}
		var done bool
		if done, note, err = h.switchRun(c); !done && err == nil {
			note, err = h.run.apply(h, c)
		}
		if err == nil && (c.Op == proto.OpWorld || c.Op == proto.OpAlgorithm || c.Op == proto.OpLoad) {
			h.lesson = nil // the setup is the person's own now
		}
	}
	if err != nil {
		h.say("error: "+err.Error(), true)
	} else if note != "" {
		h.say(note, false)
	}
	switch c.Op {
	case proto.OpReset, proto.OpWorld, proto.OpLoad, proto.OpAlgorithm, proto.OpSet, proto.OpLesson, proto.OpSetup:
		// A new or changed run that diverges again is reported again.
		h.reported = ""
	}
}

// usable refuses to work a run that crashed.
func (h *Host) usable() error {
	if h.crashed != "" {
		return errors.New("the run stopped on an internal error; reset it or choose another world or method")
	}
	return nil
}

func (h *Host) play(on bool) error {
	if on {
		if err := h.usable(); err != nil {
			return err
		}
		h.last = h.now() // no steps owed for the time spent paused
	}
	h.playing = on
	return nil
}

func (h *Host) setSpeed(v float64) (note string, err error) {
	if math.IsNaN(v) || v < 0 {
		return "", fmt.Errorf("speed %v is not a number of steps per second (0 for as fast as possible); kept %v", v, h.speed)
	}
	if v > MaxSpeed {
		note = fmt.Sprintf("speed %v is more than %g steps a second: running as fast as possible", v, MaxSpeed)
		v = 0
	}
	h.speed, h.acc, h.ramp = v, 0, time.Time{}
	return note, nil
}

// rebuild replaces a crashed run with a fresh one of the same world and
// method, from what its last snapshot said.
func (h *Host) rebuild() error {
	s := &h.snap
	setup := proto.Setup{Algorithm: s.Algorithm, Speed: h.speed}
	if s.HasGrid && !h.isBuiltIn(s.World) {
		setup.WorldFile = s.Grid.WorldFile
	} else {
		setup.World = s.World
	}
	h.crashed = ""
	return h.setup(setup.Text())
}

func (h *Host) isBuiltIn(world string) bool { return slices.Contains(h.lib.WorldNames, world) }

// say queues a notice for the next snapshot.
func (h *Host) say(text string, isErr bool) {
	if len(h.notices) == maxNotices {
		h.dropped++
		return
	}
	h.notices = append(h.notices, proto.Notice{Text: text, Error: isErr})
}

// recoverRun turns a panic inside a run into a crash of that run: it stops
// and says why, and the host goes on.
func (h *Host) recoverRun(what string) {
	r := recover()
	if r == nil {
		return
	}
	h.crash(what, r)
}

func (h *Host) crash(what string, r any) {
	msg := fmt.Sprint(r)
	// The first frame inside Bellman locates it.
	for _, line := range strings.Split(string(debug.Stack()), "\n") {
		if strings.Contains(line, "bellman/sim/") && !strings.Contains(line, "sim/host.(*Host).") {
			msg += " (" + strings.TrimSpace(line) + ")"
			break
		}
	}
	h.crashed = what + " failed: " + msg
	h.playing = false
	h.dirty = true
	h.say("error: "+h.crashed, true)
}

// Wants reports whether a snapshot is due: the client asked for one and
// something changed since the last.
func (h *Host) Wants() bool { return h.want && h.dirty }

// workSlice is the longest a host works before it looks at its messages
// again, so that a pause or a slider change takes effect within a frame.
const workSlice = 8 * time.Millisecond

// Work steps the run as the speed asks for, for at most budget, and
// returns how long the host may wait before it has work again (negative:
// none until a message comes).
func (h *Host) Work(budget time.Duration) (wait time.Duration) {
	start := h.now()
	defer h.recoverRun("a step")
	h.window(start)
	if !h.playing || h.crashed != "" || !h.run.busy() {
		h.acc, h.last = 0, start
		if h.playing && h.stepsPerSec != 0 {
			return time.Second // the rate falls to 0 at the next window
		}
		return -1
	}
	if !h.ramp.IsZero() && h.lesson != nil {
		// A lesson opens slowly enough to follow its first episodes and
		// speeds up to its own speed.
		t := start.Sub(h.ramp).Seconds()
		h.speed = h.lesson.SpeedAt(t)
		if t >= proto.RampSeconds {
			h.ramp = time.Time{}
		}
	}
	dt := start.Sub(h.last).Seconds()
	h.last = start
	if dt > 0.25 || dt < 0 {
		dt = 0.25 // after a stall (a hidden tab), do not try to catch up
	}
	owed := int64(math.MaxInt64)
	if h.speed > 0 {
		h.acc += h.speed * dt
		if most := h.speed*0.25 + 1; h.acc > most {
			h.acc = most // never a backlog
		}
		owed = int64(h.acc)
	}
	if h.stopAt > 0 {
		owed = min(owed, h.stopAt-h.run.steps())
	}
	// Step in chunks, looking at the clock between chunks.
	var done int64
	chunk := int64(1)
	r := h.run
	for done < owed && r.busy() {
		n := min(chunk, owed-done)
		// Planning stops at convergence, not at the end of a chunk.
		for i := int64(0); i < n && r.busy(); i++ {
			r.step()
			done++
		}
		el := h.now().Sub(start)
		if el >= budget {
			break
		}
		if el < budget/8 {
			chunk *= 2
		}
	}
	if h.speed > 0 {
		h.acc -= float64(done)
	}
	if done > 0 {
		h.dirty = true
		h.record(h.now())
	}
	if d := h.run.diverged(); d != "" && d != h.reported {
		// Stop where it happened, so the numbers stay on screen.
		h.reported, h.playing = d, false
		h.say("error: diverged: "+d+h.divergenceHint(), true)
	}
	if h.stopAt > 0 && h.run.steps() >= h.stopAt {
		h.playing = false
		h.say(fmt.Sprintf("stopped at step %d, as the comparison asks", h.stopAt), false)
	}
	if !h.playing || !h.run.busy() {
		return -1
	}
	if h.speed == 0 {
		return 0
	}
	return time.Duration((1 - h.acc) / h.speed * float64(time.Second))
}

// divergenceHint says what to change after a divergence, for methods
// that have a step size.
func (h *Host) divergenceHint() string {
	for _, p := range h.snap.Params {
		switch p.Key {
		case "alpha", "lr", "actor.lr", "critic.lr":
			return "; lower the step size or learning rate, then reset"
		}
	}
	return "; then reset"
}

// window measures steps and updates per second once a second.
func (h *Host) window(now time.Time) {
	if h.winStart.IsZero() {
		h.winStart, h.winSteps, h.winUp = now, h.run.steps(), h.run.updates()
		return
	}
	el := now.Sub(h.winStart).Seconds()
	if el < 1 {
		return
	}
	steps, up := h.run.steps(), h.run.updates()
	sps, ups := float64(steps-h.winSteps)/el, float64(up-h.winUp)/el
	if sps < 0 || ups < 0 { // a reset
		sps, ups = 0, 0
	}
	if sps != h.stepsPerSec || ups != h.updatesPerSec || h.playing {
		h.dirty = true // and a playing run says it is alive once a second
	}
	h.stepsPerSec, h.updatesPerSec = sps, ups
	h.winStart, h.winSteps, h.winUp = now, steps, up
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.memoryMB = float64(ms.Sys) / (1 << 20)
}

// AppendSnapshot fills a snapshot of the run and appends its message to
// dst. The notices since the last snapshot go with it.
func (h *Host) AppendSnapshot(dst []byte) []byte {
	s := &h.snap
	h.fill(s)
	h.seq++
	s.Seq, s.Applied = h.seq, h.handled
	if past := h.past(s); past != nil {
		dst = append(dst, past...)
	} else {
		dst = proto.AppendSnapshot(dst, s)
	}
	h.notices = h.notices[:0]
	h.dropped = 0
	h.dirty, h.want = false, false
	return dst
}

// Snapshot fills s as AppendSnapshot would, without taking the notices.
func (h *Host) Snapshot(s *proto.Snapshot) { h.fill(s) }

func (h *Host) fill(s *proto.Snapshot) {
	keep := h.snap.Params // rebuild reads the last snapshot's
	func() {
		defer func() {
			if r := recover(); r != nil {
				h.crash("drawing the run", r)
			}
		}()
		s.HasGrid, s.HasCtl, s.HasLab, s.HasNet, s.HasPair = false, false, false, false, false
		s.Charts, s.Line = s.Charts[:0], s.Line[:0]
		s.Diverged = ""
		if h.crashed == "" {
			h.run.fill(h, s)
		}
	}()
	if h.crashed != "" && len(s.Params) == 0 {
		s.Params = keep
	}
	s.Version += h.serial * 1_000_000 // a new run has a new schema
	s.Playing, s.Speed = h.playing, h.speed
	s.StepsPerSec, s.UpdatesPerSec, s.MemoryMB = h.stepsPerSec, h.updatesPerSec, h.memoryMB
	s.Busy = h.crashed == "" && h.run.busy()
	s.Crashed = h.crashed
	s.Kind = h.run.kind()
	s.Diverged = h.reported // until a reset or a change
	s.StopAt = h.stopAt
	s.TimelineAt, s.LiveSteps = -1, 0
	s.TimelineSteps = append(s.TimelineSteps[:0], h.tl.steps...)
	s.Lesson = ""
	if h.lesson != nil {
		s.Lesson = h.lesson.Key
	}
	s.Notices = append(s.Notices[:0], h.notices...)
	if h.dropped > 0 {
		s.Notices = append(s.Notices, proto.Notice{Text: fmt.Sprintf("and %d more", h.dropped), Error: true})
	}
}

// Files returns the files to send and forgets them.
func (h *Host) Files() []proto.File {
	f := h.files
	h.files = nil
	return f
}
