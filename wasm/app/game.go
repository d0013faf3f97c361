package app

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"bellman/assets"
	"bellman/sim/session"
)

// frameBudget is how long the steps of one frame may take, so the page
// keeps its frame rate at any speed.
const frameBudget = 10 * time.Millisecond

// DefaultSpeed is sweeps per second at start: slow enough to watch.
const DefaultSpeed = 2

// startup holds when the app reached each point of its start, on the
// page's clock (ms since the iframe's navigation), for the benchmarks.
var startup Startup

// Startup marks the app's start: main entered, game built, first Update,
// first Draw done.
type Startup struct{ Main, Game, Update, Draw float64 }

// Scene is one kind of environment on screen.
type Scene interface {
	// Apply handles a command the game itself does not; it returns a notice
	// for the status line (or "").
	Apply(c Command) (string, error)
	// Step runs one unit of work: a sweep or an environment step.
	Step()
	// Busy reports whether stepping still changes anything.
	Busy() bool
	// Reset starts the scene's method again.
	Reset()
	// Click handles a click at screen position (x, y).
	Click(x, y float64)
	// Status fills the scene's part of the status.
	Status(s *Status)
	// Draw draws the scene, reading only its snapshot.
	Draw(screen *ebiten.Image)
	// Snapshot copies the session's state for drawing.
	Snapshot()
}

// Game is the ebiten game.
type Game struct {
	bridge  *Bridge
	scene   Scene
	cmds    []Command
	playing bool
	speed   float64 // steps per second; 0 runs as fast as the frame budget allows
	acc     float64 // steps owed to the speed
	last    time.Time
	spent   time.Duration // step time used in the current frame

	frames       int
	updateMs     float64
	drawMs       float64
	firstFrameMs float64
	stepsWindow  int
	stepsPerSec  int
	windowStart  time.Time
	notice       string
	noticeSeq    int
	status       Status
	dirty        bool           // the state changed since the last snapshot
	sceneSerial  int            // scenes switched to so far
	diverged     bool           // divergence was reported and the run paused
	lesson       *assets.Lesson // the lesson that set up the scene, until the person changes world or algorithm

	mallocs        uint64  // heap allocations at the last measurement
	allocFrames    int     // frames at the last measurement
	allocsPerFrame float64 // heap allocations per frame over the last second, the page's requests included

	gameAllocs         uint64  // allocations inside the sampled frames' Draw and all Updates before it
	gameFrames         int     // sampled frames since the last measurement
	gameAllocsPerFrame float64 // allocations per frame inside Update and Draw over the last second
}

// allocSample is how often Update and Draw count their own allocations:
// every allocSample-th frame (reading the statistics stops the world).
const allocSample = 8

// heapMallocs returns the heap allocations so far.
func heapMallocs() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}

// Run starts the game on the default world with value iteration.
func Run() error {
	startup.Main = pageNow()
	g, err := NewGame()
	if err != nil {
		return err
	}
	startup.Game = pageNow()
	ebiten.SetWindowTitle("Bellman")
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	g.bridge.install()
	return ebiten.RunGame(g)
}

// NewGame returns a game on the default world, playing value iteration at
// the default speed.
func NewGame() (*Game, error) {
	w, err := assets.World(assets.DefaultWorld)
	if err != nil {
		return nil, err
	}
	sess, err := session.NewGrid(w, "vi")
	if err != nil {
		return nil, err
	}
	g := &Game{bridge: &Bridge{}, playing: true, speed: DefaultSpeed, dirty: true}
	g.scene = newDPScene(sess)
	g.scene.Snapshot()
	return g, nil
}

// Speeds a scene starts at: planning slowly enough to watch each sweep, an
// agent fast enough to see episodes, deep RL as fast as the frame allows.
const (
	learnSpeed   = 10
	controlSpeed = 0
	labSpeed     = 20
)

// Groups of the pickers.
var (
	gridAlgorithmGroups = []Group{
		{"Planning (knows the model)", session.GridAlgorithms},
		{"Learning (from experience)", session.LearnAgents},
	}
	controlAlgorithmGroups = []Group{{"Actor-critic (continuous actions)", session.ControlAgents}}
	labAlgorithmGroups     = []Group{{"Experiments", []session.Algorithm{{Key: "lab", Label: "mean, Robbins–Monro, SGD"}}}}
	worldGroups            = func() []Group {
		var grids, envs []session.Algorithm
		for _, n := range assets.WorldNames() {
			grids = append(grids, session.Algorithm{Key: n, Label: n})
		}
		for _, n := range session.ControlEnvs() {
			envs = append(envs, session.Algorithm{Key: n, Label: n})
		}
		return []Group{{"Grid worlds", grids}, {"Continuous control", envs},
			{"Labs", []session.Algorithm{{Key: labKey, Label: "stochastic approximation (ch. 6)"}}}}
	}()
)

// Group is a labelled part of a picker.
type Group struct {
	Label string              `json:"label"`
	Items []session.Algorithm `json:"items"`
}

func inGroups(groups []Group, key string) bool {
	for _, g := range groups {
		for _, it := range g.Items {
			if it.Key == key {
				return true
			}
		}
	}
	return false
}

func isLearnAgent(key string) bool { return inGroups(gridAlgorithmGroups[1:], key) }
func isControlEnv(key string) bool { return inGroups(worldGroups[1:2], key) }

// switchScene handles the world and algorithm commands that move between
// kinds of scene: a grid world to a continuous-control environment and
// back, planning to learning and back. It reports whether it handled c.
func (g *Game) switchScene(c Command) (bool, string, error) {
	var next Scene
	var speed float64
	_, inLab := g.scene.(*labScene)
	switch {
	case c.Op == "world" && c.Key == labKey:
		if inLab {
			return true, "", nil
		}
		lab, err := newLabScene()
		if err != nil {
			return true, "", err
		}
		next, speed = lab, labSpeed
	case c.Op == "world" && isControlEnv(c.Key):
		if _, ok := g.scene.(*controlScene); ok {
			return false, "", nil // the control scene switches tasks itself
		}
		sess, err := session.NewControl(c.Key, "ddpg", 1)
		if err != nil {
			return true, "", err
		}
		next, speed = newControlScene(sess), controlSpeed
	case (c.Op == "world" || c.Op == "load") && !isControlEnv(c.Key):
		if _, ok := g.scene.(*controlScene); !ok && !inLab {
			return false, "", nil
		}
		w, err := worldFor(c)
		if err != nil {
			return true, "", err
		}
		sess, err := session.NewGrid(w, "vi")
		if err != nil {
			return true, "", err
		}
		next, speed = newDPScene(sess), DefaultSpeed
	case c.Op == "algorithm" && isLearnAgent(c.Key):
		dp, ok := g.scene.(*dpScene)
		if !ok {
			return false, "", nil
		}
		sess, err := session.NewLearn(dp.sess.World, c.Key, 1)
		if err != nil {
			return true, "", err
		}
		next, speed = newLearnScene(sess), learnSpeed
	case c.Op == "algorithm" && inGroups(gridAlgorithmGroups[:1], c.Key):
		ls, ok := g.scene.(*learnScene)
		if !ok {
			return false, "", nil
		}
		sess, err := session.NewGrid(ls.sess.World, c.Key)
		if err != nil {
			return true, "", err
		}
		next, speed = newDPScene(sess), DefaultSpeed
	default:
		return false, "", nil
	}
	g.scene, g.speed, g.acc = next, speed, 0
	g.sceneSerial++
	return true, "", nil
}

// startLesson sets up a built-in lesson: a fresh session of its world and
// algorithm with default parameters, then its own parameters, layers and
// speed. On error the current scene stays. An empty key ends the lesson and
// keeps the scene.
func (g *Game) startLesson(key string) (string, error) {
	if key == "" { // the person's own setup from here on
		g.lesson = nil
		return "", nil
	}
	l, err := assets.LessonByKey(key)
	if err != nil {
		return "", err
	}
	var next Scene
	switch {
	case l.World == labKey:
		if next, err = newLabScene(); err != nil {
			return "", err
		}
	case isControlEnv(l.World):
		sess, err := session.NewControl(l.World, l.Algorithm, 1)
		if err != nil {
			return "", err
		}
		next = newControlScene(sess)
	default:
		w, err := assets.World(l.World)
		if err != nil {
			return "", err
		}
		if isLearnAgent(l.Algorithm) {
			sess, err := session.NewLearn(w, l.Algorithm, 1)
			if err != nil {
				return "", err
			}
			next = newLearnScene(sess)
		} else {
			sess, err := session.NewGrid(w, l.Algorithm)
			if err != nil {
				return "", err
			}
			next = newDPScene(sess)
		}
	}
	keys := make([]string, 0, len(l.Params)+len(l.Layers))
	for k := range l.Params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := next.Apply(Command{Op: "set", Key: k, Value: l.Params[k]}); err != nil {
			return "", fmt.Errorf("lesson %s: %v", key, err)
		}
	}
	for k, on := range l.Layers {
		v := 0.0
		if on {
			v = 1
		}
		if _, err := next.Apply(Command{Op: "layer", Key: k, Value: v}); err != nil {
			return "", fmt.Errorf("lesson %s: %v", key, err)
		}
	}
	g.scene, g.speed, g.acc, g.playing = next, l.Speed, 0, true
	g.sceneSerial++
	g.lesson = &l
	return "lesson: " + l.Title, nil
}

// Update applies queued commands and input, then runs the steps the speed
// asks for within the frame budget.
func (g *Game) Update() error {
	start := time.Now()
	if g.frames%allocSample == 0 {
		m0 := heapMallocs()
		defer func() { g.gameAllocs += heapMallocs() - m0 }()
	}
	if startup.Update == 0 {
		startup.Update = pageNow()
	}
	g.cmds = g.bridge.drain(g.cmds)
	for _, c := range g.cmds {
		g.apply(c)
	}
	g.run(start)
	if g.dirty {
		g.scene.Snapshot()
		g.dirty = false
	}
	g.publish()
	g.updateMs = ema(g.updateMs, float64(time.Since(start).Microseconds())/1000)
	return nil
}

func ema(prev, x float64) float64 {
	if prev == 0 {
		return x
	}
	return prev + (x-prev)*0.1
}

// apply carries out one command from the page.
func (g *Game) apply(c Command) {
	var note string
	var err error
	switch c.Op {
	case "play":
		g.playing = true
	case "pause":
		g.playing = false
	case "toggle":
		g.playing = !g.playing
	case "step":
		g.playing = false
		g.scene.Step()
		g.stepsWindow++
	case "reset":
		g.scene.Reset()
		g.acc = 0
		note = "reset"
	case "bad":
		err = errors.New(c.Key)
	case "click":
		g.scene.Click(c.Value, float64(c.Row)) // screen pixels
	case "speed":
		if v := c.Value; math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			err = fmt.Errorf("speed %v is not a number of steps per second (0 for as fast as possible); kept %v", v, g.speed)
		} else {
			g.speed = v
		}
	case "lesson":
		note, err = g.startLesson(c.Key)
	default:
		var done bool
		if done, note, err = g.switchScene(c); !done {
			note, err = g.scene.Apply(c)
		}
		if err == nil && (c.Op == "world" || c.Op == "algorithm" || c.Op == "load") {
			g.lesson = nil // the setup is the person's own now
		}
	}
	if err != nil {
		note = "error: " + err.Error()
	}
	if note != "" {
		g.say(note)
	}
	switch c.Op {
	case "reset", "world", "load", "algorithm", "set", "lesson":
		// A new run, or a changed one, that diverges again is reported
		// again, even within its first frame.
		g.diverged = false
	}
	g.dirty = true
}

func (g *Game) say(note string) {
	g.notice = note
	g.noticeSeq++
}

// run steps the scene as the speed asks, never past the frame budget.
func (g *Game) run(start time.Time) {
	now := start
	if g.last.IsZero() {
		g.last = now
	}
	dt := now.Sub(g.last).Seconds()
	g.last = now
	if dt > 0.25 {
		dt = 0.25 // after a stall (a hidden tab), do not try to catch up
	}
	if now.Sub(g.windowStart) >= time.Second {
		g.stepsPerSec, g.stepsWindow, g.windowStart = g.stepsWindow, 0, now
		g.measureAllocs()
	}
	if !g.playing || !g.scene.Busy() {
		g.acc = 0
		return
	}
	budget := frameBudget - g.spent
	if budget <= 0 {
		return
	}
	owed := math.MaxInt
	if g.speed > 0 {
		g.acc += g.speed * dt
		owed = int(g.acc)
		g.acc -= float64(owed)
	}
	// Step in chunks, looking at the clock between chunks.
	done, chunk := 0, 1
	for done < owed && g.scene.Busy() {
		n := chunk
		if owed-done < n {
			n = owed - done
		}
		for i := 0; i < n; i++ {
			g.scene.Step()
		}
		done += n
		el := time.Since(start)
		if el >= budget {
			break
		}
		if el < budget/8 {
			chunk *= 2
		}
	}
	g.spent += time.Since(start)
	g.stepsWindow += done
	if done > 0 {
		g.dirty = true
	}
}

// measureAllocs sets allocsPerFrame from the heap allocations since the
// last call (once a second: reading the statistics stops the world).
func (g *Game) measureAllocs() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if frames := g.frames - g.allocFrames; g.allocFrames > 0 && frames > 0 {
		g.allocsPerFrame = float64(ms.Mallocs-g.mallocs) / float64(frames)
	}
	g.mallocs, g.allocFrames = ms.Mallocs, g.frames
	if g.gameFrames > 0 {
		g.gameAllocsPerFrame = float64(g.gameAllocs) / float64(g.gameFrames)
	}
	g.gameAllocs, g.gameFrames = 0, 0
}

// publish hands the current status to the bridge.
func (g *Game) publish() {
	s := &g.status
	s.Frame, s.Playing, s.Speed = g.frames, g.playing, g.speed
	s.Notice, s.NoticeSeq = g.notice, g.noticeSeq
	s.UpdateMs, s.DrawMs, s.FirstFrameMs, s.Steps = g.updateMs, g.drawMs, g.firstFrameMs, g.stepsPerSec
	s.AllocsPerFrame, s.GameAllocsPerFrame = g.allocsPerFrame, g.gameAllocsPerFrame
	s.Startup, s.Diverged, s.Lesson = startup, "", g.lesson
	s.WorldGroups, s.AlgorithmGroups = worldGroups, gridAlgorithmGroups
	switch g.scene.(type) {
	case *controlScene:
		s.AlgorithmGroups = controlAlgorithmGroups
	case *labScene:
		s.AlgorithmGroups = labAlgorithmGroups
	}
	if ls, ok := g.scene.(*learnScene); ok {
		ls.speed, ls.playing = g.speed, g.playing
	}
	g.scene.Status(s)
	s.Version += g.sceneSerial * 1_000_000 // a new scene has a new schema
	if s.Diverged != "" && !g.diverged {
		// Stop where it happened, so the numbers stay on screen.
		g.diverged, g.playing = true, false
		g.say("error: diverged: " + s.Diverged + "; " + divergenceAdvice(g.scene))
		s.Notice, s.NoticeSeq, s.Playing = g.notice, g.noticeSeq, false
	}
	if s.Diverged == "" {
		g.diverged = false
	}
	g.bridge.publish(s)
}

// divergenceAdvice says what to change when a scene's numbers stop being
// finite. Planning has no step size: its values overflow only when the
// rewards are too large for γ.
func divergenceAdvice(sc Scene) string {
	switch sc.(type) {
	case *dpScene:
		return "the rewards are too large for γ (|v| reaches max |r|/(1−γ)): make them smaller or lower γ, then reset"
	case *controlScene:
		return "lower the learning rates (actor.lr, critic.lr), then reset"
	}
	return "lower the step size α (or λ), then reset"
}

// Draw draws the scene from its snapshot.
func (g *Game) Draw(screen *ebiten.Image) {
	start := time.Now()
	if g.frames%allocSample == 0 {
		m0 := heapMallocs()
		defer func() { g.gameAllocs += heapMallocs() - m0; g.gameFrames++ }()
	}
	screen.Fill(background)
	g.scene.Draw(screen)
	g.frames++
	if g.frames == 1 {
		g.firstFrameMs = pageNow()
		startup.Draw = g.firstFrameMs
	}
	g.spent = 0
	g.drawMs = ema(g.drawMs, float64(time.Since(start).Microseconds())/1000)
}

// background is colBackground as an interface value made once: Fill would
// box the colour on every frame.
var background color.Color = colBackground

// LayoutF uses the device's pixels for crisp lines and text.
func (g *Game) LayoutF(w, h float64) (float64, float64) {
	s := ebiten.Monitor().DeviceScaleFactor()
	return w * s, h * s
}

// Layout is not used (LayoutF is), but ebiten.Game requires it.
func (g *Game) Layout(w, h int) (int, int) { return w, h }
