package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"bellman/sim/ddpg"
	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/session"
)

// divergence is a number of a run that became NaN or ±Inf: the run stops
// there, and the command exits non-zero with its message on stderr.
type divergence struct {
	Step  int    // the environment step (from 1) after which it was found
	What  string // e.g. "q(s,a) of cell (2,3), action up"
	Value float64
}

func (d *divergence) Error() string {
	return fmt.Sprintf("diverged at step %d: %s became %s", d.Step, d.What, param.Format(d.Value))
}

// finite reports whether x is neither NaN nor ±Inf.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// rowDivergence turns a value that rows refused into a divergence of the
// episode that ended at step.
func rowDivergence(err error, step, episode int) error {
	if nf, ok := err.(*nonFinite); ok {
		return &divergence{step, fmt.Sprintf("the %s of episode %d", nf.Column, episode), nf.Value}
	}
	return err
}

// rewardOverflow reports rewards of world w that overflow the learning
// updates (grid.Model.CheckOverflow, factor 2) at γ: gamma, the method's
// default, or what a --set gives, with the --set assignments that change a
// reward applied. It runs before a session is made, whose optimum would
// otherwise fail with a less telling error; assignments it cannot read are
// left to the session's schema to report.
func rewardOverflow(w grid.World, gamma float64, sets []string) error {
	rw := &w.Rewards
	for _, s := range sets {
		key, text, ok := strings.Cut(s, "=")
		x, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if !ok || err != nil || !finite(x) {
			continue
		}
		if dst, ok := map[string]*float64{"gamma": &gamma, "r-boundary": &rw.Boundary, "r-forbidden": &rw.Forbidden,
			"r-target": &rw.Target, "r-other": &rw.Other, "r-cliff": &rw.Cliff}[strings.TrimSpace(key)]; ok {
			*dst = x
		}
	}
	if !(gamma >= 0 && gamma < 1) {
		return nil
	}
	m, err := w.Build()
	if err != nil {
		return nil
	}
	return m.CheckOverflow(gamma, 2)
}

// learnWatch finds the first step at which a learning session's numbers
// stop being finite: the return of the episode after every step, and the
// agent's action values q(s,a) every few steps (so the scans cost about
// scanPerStep values a step) and at every episode's end. When a scan finds
// a non-finite q after a stretch of unscanned steps, the run is replayed
// (the same seed gives the same run) to name the exact step.
type learnWatch struct {
	l       *session.Learn
	rebuild func() (*session.Learn, error) // the same session afresh
	q       []float64
	every   int // steps between scans
	clean   int // last step whose scan found everything finite
}

// scanPerStep is the number of action values a step's share of the scans
// costs at most. At 8, train on zhao-5x5 with Q-learning costs 1.02× the
// CPU time it did without checks (farm-bench --vs); scanning all 125
// values every step cost 2.3×.
const scanPerStep = 8

func newLearnWatch(l *session.Learn, rebuild func() (*session.Learn, error)) *learnWatch {
	n := l.Model.S * l.Model.A
	return &learnWatch{l: l, rebuild: rebuild, q: make([]float64, n), every: max(1, n/scanPerStep), clean: l.Steps()}
}

// check looks at the session after a step and returns the first
// non-finite number, or nil. all says to scan the action values now: the
// step ended an episode, or the run.
func (w *learnWatch) check(all bool) *divergence {
	l := w.l
	step := l.Steps()
	if r := l.Runner(); !finite(r.Return) {
		return &divergence{step, fmt.Sprintf("the return of episode %d (the sum of its rewards)", r.Episode), r.Return}
	}
	if !all && step-w.clean < w.every {
		return nil
	}
	d := w.scan(l, step)
	if d == nil {
		w.clean = step
		return nil
	}
	if step-w.clean > 1 && w.rebuild != nil {
		if exact := w.replay(step); exact != nil {
			return exact
		}
	}
	return d
}

// scan returns the first non-finite q(s,a) of session l, or nil.
func (w *learnWatch) scan(l *session.Learn, step int) *divergence {
	q := l.Runner().Agent.ActionValues(w.q)
	m := l.Model
	for i, x := range q {
		if !finite(x) {
			return &divergence{step, qName(m, i/m.A, i%m.A), x}
		}
	}
	return nil
}

// replay runs the session again to the last clean scan, then scans after
// every step up to step, and returns the first divergence it finds.
func (w *learnWatch) replay(step int) *divergence {
	l, err := w.rebuild()
	if err != nil {
		return nil
	}
	l.GapEvery = 0
	for l.Steps() < w.clean {
		l.Step()
	}
	for l.Steps() < step {
		l.Step()
		if d := w.scan(l, l.Steps()); d != nil {
			return d
		}
	}
	return nil
}

// qName names the action value of state s and action a by its cell.
func qName(m *grid.Model, s, a int) string {
	r, c := m.RowCol(s)
	return fmt.Sprintf("q(s,a) of cell (%d,%d), action %s", r, c, grid.ActionNames[a])
}

// controlDivergence returns the first non-finite number of a DDPG or TD3
// step: the reward, the critic's loss and mean Q of the step's updates,
// the episode's return so far, the action taken and the observation
// reached; nil if all are finite.
func controlDivergence(tr *ddpg.Trainer, res ddpg.StepResult) *divergence {
	step := tr.Steps()
	for _, c := range []struct {
		what string
		v    float64
	}{{"the reward", res.Reward}, {"the critic's loss", res.CriticLoss}, {"the mean Q(s,a) of the update's batch", res.MeanQ}} {
		if !finite(c.v) {
			return &divergence{step, c.what, c.v}
		}
	}
	if ret, _ := tr.Current(); !finite(ret) {
		return &divergence{step, "the return of the episode (the sum of its rewards)", ret}
	}
	for i, x := range tr.Action() {
		if !finite(x) {
			return &divergence{step, fmt.Sprintf("the actor's action (component %d)", i), x}
		}
	}
	for i, x := range tr.Obs() { // after the step, even one that ended an episode
		if !finite(x) {
			return &divergence{step, fmt.Sprintf("the observation (component %d)", i), x}
		}
	}
	return nil
}
