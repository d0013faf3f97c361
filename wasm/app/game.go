package app

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"bellman/sim/proto"
	"bellman/wasm/client"
	"bellman/wasm/draw"
	"bellman/wasm/scene"
)

// startup holds when the app reached each point of its start, on the
// page's clock (ms since the iframe's navigation), for the benchmarks.
var startup Startup

// Startup marks the app's start: main entered, game built, first Update,
// first Draw done, first snapshot drawn.
type Startup struct{ Main, Game, Update, Draw, Snapshot float64 }

// Game is the ebiten game: it draws the newest snapshot of the run on
// screen and forwards the page's requests; the runs themselves step in
// their hosts (Web Workers).
type Game struct {
	mu     sync.Mutex // held by Update, Draw and the page's status requests
	client *client.Client
	bridge *Bridge
	reqs   []request

	grid *scene.Grid
	ctl  *scene.Control
	lab  *scene.Lab

	world, sceneName string // of the last snapshot drawn: a new one resets the view
	pendingCompare   *client.Compare
	comparedLesson   string // the lesson whose comparison was started
	wantPNG          bool   // the page asked for the canvas as a PNG
	lastPaint        [2]int // the cell painted last this frame
	lastKind         byte
	pngPix           []byte

	frames       int
	updateMs     float64
	drawMs       float64
	firstFrameMs float64

	status      []byte // the page's status, made at most once a frame
	statusFrame int

	mallocs            uint64
	allocFrames        int
	allocsPerFrame     float64
	lastMeasure        time.Time
	gameAllocs         uint64
	gameFrames         int
	gameAllocsPerFrame float64
	memoryMB           float64
}

// allocSample is how often Update and Draw count their own allocations:
// every allocSample-th frame (reading the statistics stops the world).
const allocSample = 8

func heapMallocs() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}

// Run starts the game: one host on the default world.
func Run() error {
	startup.Main = pageNow()
	g, err := NewGame(client.Open)
	if err != nil {
		return err
	}
	startup.Game = pageNow()
	ebiten.SetWindowTitle("Bellman")
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	g.bridge.install(g)
	return ebiten.RunGame(g)
}

// NewGame returns a game whose runs are hosted by open.
func NewGame(open client.Opener) (*Game, error) {
	c, err := client.New(open)
	if err != nil {
		return nil, err
	}
	return &Game{client: c, bridge: &Bridge{}, grid: scene.NewGrid(), ctl: scene.NewControl(), lab: scene.NewLab(),
		statusFrame: -1}, nil
}

// Update forwards the page's requests and takes in the hosts' snapshots.
func (g *Game) Update() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	start := time.Now()
	if g.frames%allocSample == 0 {
		m0 := heapMallocs()
		defer func() { g.gameAllocs += heapMallocs() - m0 }()
	}
	if startup.Update == 0 {
		startup.Update = pageNow()
	}
	g.reqs = g.bridge.drain(g.reqs)
	for _, r := range g.reqs {
		g.handle(r)
	}
	g.client.FlushPaint() // a drag's cells, as one new world
	g.lastPaint = [2]int{-1, -1}
	g.client.Poll()
	g.lessonCompare()
	if g.pendingCompare != nil {
		if r, ok := g.client.Selected(); ok && r.Synced() {
			if err := g.client.StartCompare(*g.pendingCompare); err != nil {
				g.client.Say("error: "+err.Error(), true)
			}
			g.pendingCompare = nil
		}
	}
	g.measure(start)
	g.updateMs = ema(g.updateMs, float64(time.Since(start).Microseconds())/1000)
	return nil
}

func ema(prev, x float64) float64 {
	if prev == 0 {
		return x
	}
	return prev + (x-prev)*0.1
}

// handle carries out one request of the page.
func (g *Game) handle(r request) {
	c := g.client
	switch r.kind {
	case reqCommand:
		c.Send(r.cmd)
	case reqClick:
		row, col, ok := g.grid.Cell(r.x, r.y)
		if run, have := c.Selected(); have && run.Snap.HasGrid {
			in := &run.Snap.Grid
			if !ok || (in.Selected && in.Inspect.Row == row && in.Inspect.Col == col) {
				row, col = -1, -1 // a click outside, or on the selected cell, clears
			}
			c.Send(proto.Command{Op: proto.OpSelect, Row: row, Col: col})
		}
	case reqCompare:
		cmp, err := client.ParseCompare(r.text)
		if err == nil {
			err = c.StartCompare(cmp)
		}
		if err != nil {
			c.Say("error: "+err.Error(), true)
		}
	case reqEndCompare:
		c.EndCompare()
	case reqRestart:
		if err := c.Restart(r.id); err != nil {
			c.Say("error: "+err.Error(), true)
		}
	case reqSelectRun:
		if err := c.Select(r.id); err != nil {
			c.Say("error: "+err.Error(), true)
		}
	case reqAddress:
		a, problems := client.ParseAddress(r.text)
		for _, p := range problems {
			c.Say("error: address: "+p, true)
		}
		c.Send(a.Commands()...) // a locked control refuses its part
		c.Send(proto.Command{Op: proto.OpWant})
		c.Teach(a.Hide, a.Lock)
		g.pendingCompare = a.Compare
	case reqBad:
		c.Say("error: "+r.text, true)
	case reqPNG:
		g.wantPNG = true
	case reqPresenter:
		g.grid.Boost, g.ctl.Boost = 1, 1
		if r.id == 1 {
			g.grid.Boost, g.ctl.Boost = 1.5, 1.5
		}
	case reqMotion:
		g.grid.Still = r.id == 0
	case reqPaint:
		if row, col, ok := g.grid.Cell(r.x, r.y); ok && (row != g.lastPaint[0] || col != g.lastPaint[1] || r.text[0] != g.lastKind) {
			g.lastPaint, g.lastKind = [2]int{row, col}, r.text[0]
			if err := c.Paint(row, col, r.text[0]); err != nil {
				c.Say("error: "+err.Error(), true)
			}
		}
	case reqReshape:
		if err := c.Reshape(r.text); err != nil {
			c.Say("error: "+err.Error(), true)
		}
	}
}

// measure sets the allocation figures once a second (reading the
// statistics stops the world).
func (g *Game) measure(now time.Time) {
	if now.Sub(g.lastMeasure) < time.Second {
		return
	}
	g.lastMeasure = now
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if frames := g.frames - g.allocFrames; g.allocFrames > 0 && frames > 0 {
		g.allocsPerFrame = float64(ms.Mallocs-g.mallocs) / float64(frames)
	}
	g.mallocs, g.allocFrames = ms.Mallocs, g.frames
	g.memoryMB = float64(ms.Sys) / (1 << 20)
	if g.gameFrames > 0 {
		g.gameAllocsPerFrame = float64(g.gameAllocs) / float64(g.gameFrames)
	}
	g.gameAllocs, g.gameFrames = 0, 0
}

// Draw draws the newest snapshot of the run on screen, then asks the hosts
// for the next ones.
func (g *Game) Draw(screen *ebiten.Image) {
	g.mu.Lock()
	defer g.mu.Unlock()
	start := time.Now()
	if g.frames%allocSample == 0 {
		m0 := heapMallocs()
		defer func() { g.gameAllocs += heapMallocs() - m0; g.gameFrames++ }()
	}
	screen.Fill(background)
	if r, ok := g.client.Selected(); ok {
		s := &r.Snap
		if s.World != g.world || s.Scene != g.sceneName {
			g.world, g.sceneName = s.World, s.Scene
			g.grid.Reset()
			g.ctl.Reset()
		}
		switch {
		case s.HasGrid:
			g.grid.Draw(screen, s)
		case s.HasCtl:
			g.ctl.Draw(screen, s)
		case s.HasLab:
			g.lab.Draw(screen, s)
		}
		if startup.Snapshot == 0 {
			startup.Snapshot = pageNow()
		}
		if g.wantPNG {
			g.wantPNG = false
			g.offerPNG(screen, s)
		}
	}
	g.client.Drawn()
	g.frames++
	if g.frames == 1 {
		g.firstFrameMs = pageNow()
		startup.Draw = g.firstFrameMs
	}
	g.drawMs = ema(g.drawMs, float64(time.Since(start).Microseconds())/1000)
}

// background is draw.Background as an interface value made once: Fill
// would box the colour on every frame.
var background color.Color = draw.Background

// StatusJSON returns the page's status, made at most once a frame however
// often the page asks.
func (g *Game) StatusJSON() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.status == nil || g.statusFrame != g.frames {
		x, y, cell := g.grid.Geom()
		g.status = g.client.Status(&client.Frame{Frame: g.frames, UpdateMs: g.updateMs, DrawMs: g.drawMs,
			FirstFrameMs: g.firstFrameMs, AllocsPerFrame: g.allocsPerFrame, GameAllocsPerFrame: g.gameAllocsPerFrame,
			Startup: startup, Geom: client.Geom{X: x, Y: y, Cell: cell}, Scale: g.grid.Scale(), Worker: client.Where,
			MemoryMB: g.memoryMB})
		g.statusFrame = g.frames
	}
	return string(g.status)
}

// Lessons returns the lessons the hosts offer, as JSON.
func (g *Game) Lessons() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.client.LessonsJSON()
}

// WorldFile returns the world file of the run on screen.
func (g *Game) WorldFile() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.client.WorldFile()
}

// LayoutF uses the device's pixels for crisp lines and text.
func (g *Game) LayoutF(w, h float64) (float64, float64) {
	s := ebiten.Monitor().DeviceScaleFactor()
	return w * s, h * s
}

// Layout is not used (LayoutF is), but ebiten.Game requires it.
func (g *Game) Layout(w, h int) (int, int) { return w, h }

// TakeFile returns the file on offer for the page, and forgets it.
func (g *Game) TakeFile() (proto.File, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.client.TakeFile()
}

// offerPNG offers what was just drawn as a PNG file.
func (g *Game) offerPNG(screen *ebiten.Image, s *proto.Snapshot) {
	b := screen.Bounds()
	if need := 4 * b.Dx() * b.Dy(); len(g.pngPix) != need {
		g.pngPix = make([]byte, need)
	}
	screen.ReadPixels(g.pngPix)
	img := &image.RGBA{Pix: g.pngPix, Stride: 4 * b.Dx(), Rect: image.Rect(0, 0, b.Dx(), b.Dy())}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		g.client.Say("error: the picture: "+err.Error(), true)
		return
	}
	name := fmt.Sprintf("bellman-%s-%s-step%d.png", s.World, s.Algorithm, s.Progress.Steps)
	g.client.SetFile(proto.File{Name: name, Type: "image/png", Data: buf.Bytes()})
}

// lessonCompare starts a lesson's comparison once the lesson is on screen
// (once per lesson picked: ending the comparison keeps it ended).
func (g *Game) lessonCompare() {
	r, ok := g.client.Selected()
	if !ok || !r.Synced() {
		return
	}
	key := r.Snap.Lesson
	if key == g.comparedLesson {
		return
	}
	g.comparedLesson = key
	l := g.client.Lesson(key)
	if l == nil || l.Compare == "" || g.client.Comparing() != nil {
		return
	}
	cmp, err := client.ParseCompare(l.Compare)
	if err == nil {
		err = g.client.StartCompare(cmp)
	}
	if err != nil {
		g.client.Say("error: lesson "+key+": "+err.Error(), true)
	}
}
