package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"bellman/record/tfrecord"
	"bellman/sim/control"
	"bellman/sim/session"
)

// tfrecordHelp is the help of the --tfrecord flags.
const tfrecordHelp = "also write every step as a TFRecord file of tf.Example protos (features state, observation, action, reward, next_state, terminated, truncated, episode, step)"

// addTFRecordFlag declares --tfrecord on fs.
func addTFRecordFlag(fs *flag.FlagSet) *string { return fs.String("tfrecord", "", tfrecordHelp) }

// trajectory writes the steps of a run to a TFRecord file; a nil
// trajectory (no --tfrecord) records nothing.
type trajectory struct {
	path string
	f    *os.File
	buf  *bufio.Writer
	w    *tfrecord.Writer

	state, obs []float64 // of a control run, before its step
	episode    int
	index      int
}

// openTrajectory creates the --tfrecord file, or returns nil for "".
func openTrajectory(path string) (*trajectory, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %v", path, errText(err))
	}
	b := bufio.NewWriter(f)
	return &trajectory{path: path, f: f, buf: b, w: tfrecord.NewWriter(b)}, nil
}

func (t *trajectory) write(s tfrecord.Step) error {
	if err := t.w.Write(s); err != nil {
		return fmt.Errorf("%s: %v", t.path, err)
	}
	return nil
}

// learnStep records the step a learning session just took.
func (t *trajectory) learnStep(l *session.Learn) error {
	if t == nil {
		return nil
	}
	return t.write(tfrecord.GridStep(l.Model, l.LastTransition(), l.Episode(), l.Runner().T-1))
}

// beforeControl starts the episode if one is due and notes the state and
// observation the next step starts from.
func (t *trajectory) beforeControl(run *controlRun) {
	if t == nil {
		return
	}
	if run.sess != nil {
		run.sess.BeginEpisode()
	} else {
		run.tr.BeginEpisode()
	}
	tr := run.tr
	t.state = tr.Env().State(t.state)
	t.obs = append(t.obs[:0], tr.Obs()...)
	t.episode = tr.Episodes() + 1
	_, t.index = tr.Current()
}

// afterControl records the step a control run just took.
func (t *trajectory) afterControl(run *controlRun) error {
	if t == nil {
		return nil
	}
	tr := run.tr
	res := tr.LastStep()
	return t.write(tfrecord.ControlStep(t.state, t.obs, tr.Action(), tr.Env().State(nil), false,
		res.Reward, res.Terminated, res.Truncated, t.episode, t.index))
}

// close flushes and closes the file.
func (t *trajectory) close() error {
	if t == nil {
		return nil
	}
	err := t.buf.Flush()
	if e := t.f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", t.path, err)
	}
	return nil
}

// writeRollout writes a rollout of env from start through actions, whose
// outcomes res holds, as one episode to the --tfrecord file path (nothing
// for "").
func writeRollout(path, env string, start []float64, actions [][]float64, res rolloutResult) error {
	if path == "" {
		return nil
	}
	e, err := control.New(env)
	if err != nil {
		return err
	}
	if err := e.SetState(start); err != nil {
		return err
	}
	obs := make([]float64, e.ObsDim())
	control.Observe(e, obs)
	t, err := openTrajectory(path)
	if err != nil {
		return err
	}
	state, discrete := start, control.NumActions(e) > 0
	for i := range res.Rewards {
		s := tfrecord.ControlStep(state, obs, actions[i], res.States[i], discrete, res.Rewards[i], res.Terminated[i], res.Truncated[i], 1, i)
		if err := t.write(s); err != nil {
			t.close()
			return err
		}
		state, obs = res.States[i], res.Obs[i]
	}
	return t.close()
}
