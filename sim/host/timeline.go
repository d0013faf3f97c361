package host

import (
	"fmt"
	"time"

	"bellman/sim/proto"
)

// Timeline limits: the memory its kept snapshots may take, how many it
// keeps at most, and how often it keeps one at first (the interval doubles
// each time it thins).
var (
	timelineBudget = 16 << 20
	timelineMost   = 400
	timelineEvery  = time.Second
)

// timeline keeps snapshots of the run as it goes, to scrub back to: one a
// second of running at first; when the budget fills, every other one is
// dropped and the interval doubles, so the whole run stays in view at a
// bounded size.
type timeline struct {
	frames       [][]byte
	steps        []float64 // the step of each frame
	size         int
	every        time.Duration
	last         time.Time
	at           int // the frame shown, −1 for live
	scratch      proto.Snapshot
	run, version int // of the frames kept: another run's start a new timeline
}

func (t *timeline) clear() {
	t.frames, t.steps, t.size, t.every, t.at = t.frames[:0], t.steps[:0], 0, timelineEvery, -1
	t.last = time.Time{}
}

// record keeps a snapshot of the run if one is due.
func (h *Host) record(now time.Time) {
	t := &h.tl
	if t.every == 0 {
		t.clear()
	}
	if !t.last.IsZero() && now.Sub(t.last) < t.every {
		return
	}
	t.last = now
	s := &t.scratch
	h.fill(s)
	if len(t.frames) > 0 && (s.Run != t.run || s.Version != t.version) {
		t.clear() // a restart, another world or method: a new timeline
		t.last = now
	}
	t.run, t.version = s.Run, s.Version
	s.Notices = s.Notices[:0]
	data := proto.AppendSnapshot(nil, s)
	t.frames = append(t.frames, data)
	t.steps = append(t.steps, float64(h.run.steps()))
	t.size += len(data)
	for (t.size > timelineBudget || len(t.frames) > timelineMost) && len(t.frames) > 2 {
		// Thin: keep the first, every other one, and the newest.
		keep, steps, size := t.frames[:0], t.steps[:0], 0
		n := len(t.frames)
		for i := 0; i < n; i++ {
			if i%2 == 0 || i == n-1 {
				keep, steps = append(keep, t.frames[i]), append(steps, t.steps[i])
				size += len(t.frames[i])
			}
		}
		clear(t.frames[len(keep):n])
		t.frames, t.steps, t.size = keep, steps, size
		t.every *= 2
		if t.at >= len(t.frames) {
			t.at = len(t.frames) - 1
		}
	}
}

// show picks the kept moment the page shows (−1: live).
func (h *Host) show(i int) error {
	t := &h.tl
	if i < 0 {
		t.at = -1
		return nil
	}
	if i >= len(t.frames) {
		return fmt.Errorf("the timeline keeps %d moments; %d is not one", len(t.frames), i)
	}
	t.at = i
	return nil
}

// past returns the message of the kept moment shown, with the live run's
// notices, state and timeline in it, or nil when the page shows the run
// live.
func (h *Host) past(live *proto.Snapshot) []byte {
	t := &h.tl
	if t.at < 0 || t.at >= len(t.frames) {
		return nil
	}
	s := &t.scratch
	if proto.DecodeSnapshot(t.frames[t.at], s) != nil {
		t.at = -1
		return nil
	}
	s.Seq, s.Applied, s.Notices = live.Seq, live.Applied, append(s.Notices[:0], live.Notices...)
	s.Playing, s.Speed, s.StepsPerSec, s.UpdatesPerSec = live.Playing, live.Speed, live.StepsPerSec, live.UpdatesPerSec
	s.TimelineAt, s.TimelineSteps = t.at, append(s.TimelineSteps[:0], t.steps...)
	s.LiveSteps = live.Progress.Steps
	return proto.AppendSnapshot(nil, s)
}
