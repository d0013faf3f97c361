package app

import (
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"bellman/sim/session"
)

// learnScene shows an agent learning a grid world from experience: its
// estimates as values, q-triangles and policy, the agent moving with its
// episode's trail, visit counts and traces, and learning curves.
type learnScene struct {
	sess *session.Learn
	snap session.LearnSnapshot
	data gridData
	view gridView

	movedAt   time.Time
	speed     float64 // the game's speed, for smooth motion
	playing   bool
	worldFile string
	charts    []Chart
}

func newLearnScene(sess *session.Learn) *learnScene {
	s := &learnScene{sess: sess}
	s.view.d = &s.data
	s.data.Agent, s.data.From = -1, -1
	defer s.view.reset(sess.World)
	s.view.layers = []layer{
		{"values", "values v(s) = max q as colour", true},
		{"numbers", "numbers", true},
		{"policy", "policy π arrows (ε-greedy)", true},
		{"q", "action values q(s,a)", false},
		{"trail", "agent and its episode's trail", true},
		{"visits", "visit counts as colour", false},
		{"traces", "eligibility traces", true},
		{"errors", "mark states whose greedy action is not optimal", false},
	}
	return s
}

func (s *learnScene) Step()      { s.sess.Step() }
func (s *learnScene) Busy() bool { return true }
func (s *learnScene) Reset()     { s.sess.Reset() }

// Snapshot copies the session's state for drawing; when the agent moved,
// its marker starts gliding from the previous cell.
func (s *learnScene) Snapshot() {
	s.sess.Snapshot(&s.snap)
	sn, d := &s.snap, &s.data
	d.World, d.State, d.S, d.A = sn.World, sn.State, sn.S, sn.A
	d.V, d.Q, d.Pi = sn.V, sn.Q, sn.Pi
	d.Trail, d.Visits, d.Traces, d.Optimal = sn.Trail, sn.Visits, sn.Traces, sn.GreedyOptimal
	d.Terminal = sn.EpisodeDone
	if sn.Cell != d.Agent {
		// Glide from the previous cell of this episode; a new episode's
		// start is a jump.
		d.From = -1
		if len(sn.Trail) >= 2 && sn.EpisodeStep > 0 {
			d.From = sn.Trail[len(sn.Trail)-2]
		}
		d.Agent = sn.Cell
		s.movedAt = time.Now()
	}
}

// fastSpeed is the speed above which the agent is not drawn: it would only
// flicker, and the estimates are what changes visibly.
const fastSpeed = 30

// Draw glides the agent between cells at slow speeds, hides it at high
// speeds, then draws the grid.
func (s *learnScene) Draw(screen *ebiten.Image) {
	d := &s.data
	d.Move = 1
	if s.speed > 0 && s.speed <= 12 && d.From >= 0 {
		d.Move = time.Since(s.movedAt).Seconds() * s.speed * 1.5
		if d.Move > 1 {
			d.Move = 1
		}
	}
	agent := d.Agent
	if s.playing && (s.speed == 0 || s.speed > fastSpeed) {
		d.Agent = -1
	}
	s.view.draw(screen)
	d.Agent = agent
}

func (s *learnScene) Click(x, y float64) { s.view.click(x, y) }

// Apply handles what every grid scene does (applyGrid) and the agent.
func (s *learnScene) Apply(c Command) (string, error) {
	if c.Op == "algorithm" {
		return "", s.sess.SetAgent(c.Key)
	}
	return applyGrid(s.sess, &s.view, &s.worldFile, c)
}

// Status fills in the agent's progress, parameters, estimates, curves and
// the inspector.
func (s *learnScene) Status(st *Status) {
	g, sn := s.sess, &s.snap
	st.Scene = "learn"
	st.World, st.Algorithm = sn.World.Name, sn.Agent
	st.Version = g.Version
	setParams(st, g.Schema(), g.Value)
	st.Sweeps, st.Iterations, st.Converged = sn.Steps, sn.Episode, false
	st.Delta = math.NaN()
	st.Learn = LearnStatus{
		Episode: sn.Episode, EpisodeStep: sn.EpisodeStep, Return: num(sn.Return), Steps: sn.Steps,
		Epsilon: num(sn.Epsilon), Optimal: num(sn.OptimalShare), Gap: num(sn.Gap), GapStep: sn.GapStep,
	}
	if s.worldFile == "" {
		s.worldFile = worldFileOf(g.World)
	}
	st.WorldFile = s.worldFile
	s.publishCharts(st)
	gridStatus(st, &s.view)
	if in := &st.Inspect; st.Selected && in.State >= 0 {
		in.Learn = true
		in.Visits = sn.Visits[in.State]
		in.VStar = sn.VStar[in.State]
		in.Trace = 0
		if sn.Traces != nil {
			in.Trace = sn.Traces[in.State]
		}
		in.Greedy = sn.Greedy[in.State]
		in.GreedyOptimal = sn.GreedyOptimal[in.State]
	}
}

// publishCharts fills the learning curves: return and length per episode
// with moving averages, the share of optimal greedy actions, the gap to v*
// and the size of the updates.
func (s *learnScene) publishCharts(st *Status) {
	sn := &s.snap
	if len(s.charts) == 0 {
		s.charts = []Chart{
			{Title: "Return", Note: "per episode, with moving average", XLabel: "episode",
				Series: []Series{{Name: "return G", Color: "#e06101", Smooth: 20}}},
			{Title: "Episode length", Note: "steps per episode", XLabel: "episode",
				Series: []Series{{Name: "length", Color: "#2166ac", Smooth: 20}}},
			{Title: "Policy vs optimum", Note: "share of states whose greedy action is optimal", XLabel: "episode",
				Fixed: true, YMin: 0, YMax: 1,
				Series: []Series{{Name: "optimal share", Color: "#107a3a"}}},
			{Title: "Gap to v*", Note: "max_s |v_π(s) − v*(s)| of the greedy policy, log scale", XLabel: "evaluation", Log: true,
				Series: []Series{{Name: "gap", Color: "#6a1b9a"}}},
			{Title: "Update size", Note: "mean |TD error| per step, per episode, log scale", XLabel: "episode", Log: true,
				Series: []Series{{Name: "|δ|", Color: "#555555", Smooth: 20}}},
		}
	}
	x0 := sn.HistoryBase + 1
	s.charts[0].X0, s.charts[0].Series[0].Values = x0, sn.Returns
	s.charts[1].X0, s.charts[1].Series[0].Values = x0, sn.Lengths
	s.charts[2].X0, s.charts[2].Series[0].Values = x0, sn.Optimal
	s.charts[3].X0, s.charts[3].Series[0].Values = sn.GapBase+1, sn.Gaps
	s.charts[4].X0, s.charts[4].Series[0].Values = x0, sn.Errors
	st.Charts = s.charts
}

// LearnStatus is a learning scene's progress for the status line.
type LearnStatus struct {
	Episode     int `json:"episode"`
	EpisodeStep int `json:"episodeStep"`
	Return      num `json:"return"`
	Steps       int `json:"steps"`
	Epsilon     num `json:"epsilon"`
	Optimal     num `json:"optimal"`
	Gap         num `json:"gap"`
	GapStep     int `json:"gapStep"`
}
