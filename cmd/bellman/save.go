package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"bellman/sim/ddpg"
	"bellman/sim/param"
	"bellman/sim/save"
	"bellman/sim/session"
)

// saveOpts are train's --save and --load flags: the run is saved after
// training, and a saved run is continued instead of starting one. Both
// use the page's save format (package save).
type saveOpts struct {
	fs     *flag.FlagSet
	save   *string
	load   *string
	replay *bool // control runs: save the replay buffer too
	report *string
	curves *string
}

// addSaveFlags declares --save and --load on fs (and --save-replay when
// replay is set, for control runs).
func addSaveFlags(fs *flag.FlagSet, replay bool) *saveOpts {
	o := &saveOpts{fs: fs,
		save: fs.String("save", "", "after training, save the run (the setup, what the agent learned, the random streams) to this file, as the page's save button does"),
		load: fs.String("load", "", "continue the run saved in this file for --steps more steps; the world or task, agent, seed and parameters come from the file (--set changes parameters that need no restart)")}
	if replay {
		o.replay = fs.Bool("save-replay", false, "with --save, save the replay buffer too, so that --load continues exactly (about 20 bytes per number: 9 per pendulum transition)")
	}
	o.report = fs.String("report", "", "after training, write the run's report (setup, seed, curves, final values) to this JSON file, as the page's export does")
	o.curves = fs.String("curves", "", "after training, write the run's curves to this CSV file (curve,x,y), as the page's export does")
	return o
}

// session reports whether the run needs a session: it is saved or loaded,
// or its report or curves are written.
func (o *saveOpts) session() bool {
	return *o.save != "" || *o.load != "" || *o.report != "" || *o.curves != ""
}

// writeReport writes the report and curves, as asked.
func (o *saveOpts) writeReport(report func() session.Report) error {
	if *o.report == "" && *o.curves == "" {
		return nil
	}
	r := report()
	for _, f := range []struct {
		path  string
		write func(io.Writer) error
	}{{*o.report, r.WriteJSON}, {*o.curves, r.WriteCSV}} {
		if f.path == "" {
			continue
		}
		var b bytes.Buffer
		if err := f.write(&b); err != nil {
			return err
		}
		if err := os.WriteFile(f.path, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("cannot write %s: %v", f.path, errText(err))
		}
	}
	return nil
}

// setFlags returns the flags given on the command line.
func (o *saveOpts) given() map[string]bool {
	m := map[string]bool{}
	o.fs.Visit(func(f *flag.Flag) { m[f.Name] = true })
	return m
}

// checkLoad refuses flags that the file decides when --load is given.
func (o *saveOpts) checkLoad(setup ...string) error {
	g := o.given()
	for _, name := range setup {
		if g[name] {
			return fmt.Errorf("--load takes the %s from the file: leave out --%s", strings.ReplaceAll(name, "-", " "), name)
		}
	}
	return nil
}

// readFile reads a save file given to --load.
func readSave(path string) (save.File, error) {
	data, err := readLimited(path, save.MaxBytes)
	if err != nil {
		return save.File{}, err
	}
	f, err := save.Parse(data)
	if err != nil {
		return save.File{}, fmt.Errorf("%s: %v", path, err)
	}
	return f, nil
}

func readLimited(path string, limit int) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, errText(err))
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", path, errText(err))
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%s: larger than the limit of %s for a save file", path, save.Bytes(limit))
	}
	return data, nil
}

// errText drops the path from an *os.PathError's message.
func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// loadedKind returns the kind of the save file given to --load in args,
// or "" if there is none or it cannot be read (the command that opens it
// reports why).
func loadedKind(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "load" {
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return ""
			}
			val = args[i+1]
		}
		if f, err := readSave(val); err == nil {
			return f.Kind
		}
		return ""
	}
	return ""
}

// applySets applies --set assignments to a loaded run as the page's
// sliders would: parameters that need a restart are refused, since the
// restart would throw the loaded run away.
func applySets(sc param.Schema, sets []string, apply func(key string, v float64) error, parse func(vals param.Values, assignment string) error) error {
	vals := param.Values{}
	for _, s := range sets {
		if err := parse(vals, s); err != nil {
			return fmt.Errorf("--set %v", err)
		}
	}
	for _, spec := range sc { // schema order, so the result does not depend on map order
		v, ok := vals[spec.Key]
		if !ok {
			continue
		}
		if spec.Reset {
			return fmt.Errorf("--set %s: changing it restarts the run, which would throw the loaded one away", spec.Key)
		}
		if err := apply(spec.Key, v); err != nil {
			return fmt.Errorf("--set %s: %v", spec.Key, err)
		}
	}
	return nil
}

// learn returns the learning session to train: the one saved in --load
// with the --set changes applied, or the one fresh builds.
func (o *saveOpts) learn(fresh func() (*session.Learn, error), sets []string) (*session.Learn, error) {
	if *o.load == "" {
		return fresh()
	}
	if err := o.checkLoad("world", "agent", "seed", "lesson"); err != nil {
		return nil, err
	}
	data, err := readLimited(*o.load, save.MaxBytes)
	if err != nil {
		return nil, err
	}
	l, err := session.OpenLearn(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", *o.load, err)
	}
	sc := l.Schema()
	err = applySets(sc, sets, func(k string, v float64) error { _, err := l.Set(k, v); return err }, sc.Set)
	return l, err
}

// saveLearn writes the session to --save and its report to --report and
// --curves, as given.
func (o *saveOpts) saveLearn(l *session.Learn) error {
	if err := o.writeReport(l.Report); err != nil {
		return err
	}
	if *o.save == "" {
		return nil
	}
	return o.write(l.Save)
}

// write saves through fn into the --save file, replacing it only once the
// whole file is written.
func (o *saveOpts) write(fn func(io.Writer) error) error {
	var b bytes.Buffer
	if err := fn(&b); err != nil {
		return err
	}
	if err := os.WriteFile(*o.save, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %v", *o.save, errText(err))
	}
	return nil
}

// control returns the control run to train: a session (which keeps the
// curves) when the run is saved, loaded or reported, else the plain
// trainer that fresh builds.
func (o *saveOpts) control(fresh func() (*controlRun, error), sets []string) (*controlRun, error) {
	if *o.load == "" {
		run, err := fresh()
		if err != nil || !o.session() {
			return run, err
		}
		sess, err := session.NewControlWith(run.env, run.algo.String(), withSeed(run.values, run.seed))
		if err != nil {
			return nil, err
		}
		run.sess, run.tr = sess, sess.Trainer()
		return run, nil
	}
	if err := o.checkLoad("env", "agent", "seed"); err != nil {
		return nil, err
	}
	data, err := readLimited(*o.load, save.MaxBytes)
	if err != nil {
		return nil, err
	}
	sess, err := session.OpenControl(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", *o.load, err)
	}
	sc := sess.Schema()
	err = applySets(sc, sets, func(k string, v float64) error { _, err := sess.Set(k, v); return err },
		func(vals param.Values, a string) error { return applySet(sc, vals, a) })
	if err != nil {
		return nil, err
	}
	vals := sess.Values()
	algo := sess.Agent()
	run := &controlRun{env: sess.Env(), seed: uint64(vals["seed"]), sess: sess, tr: sess.Trainer()}
	run.algo, _ = ddpg.ParseAlgo(algo)
	delete(vals, "seed")
	run.values, run.cfg = vals, sess.Trainer().Agent().Config()
	return run, nil
}

// saveControl writes the control session to --save and its report to
// --report and --curves, as given.
func (o *saveOpts) saveControl(run *controlRun) error {
	if run.sess == nil {
		return nil
	}
	if err := o.writeReport(run.sess.Report); err != nil {
		return err
	}
	if *o.save == "" {
		return nil
	}
	run.sess.SaveReplay = o.replay != nil && *o.replay
	return o.write(run.sess.Save)
}

// withSeed returns vals with the seed added, as a session's values hold it.
func withSeed(vals param.Values, seed uint64) param.Values {
	v := vals.Clone()
	v["seed"] = float64(seed)
	return v
}

// step takes one step of the run, through its session if it has one, and
// reports whether it ended an episode.
func (r *controlRun) step() bool {
	if r.sess == nil {
		return r.tr.Step().EpisodeDone
	}
	n := r.tr.Episodes()
	r.sess.Step()
	return r.tr.Episodes() > n
}
