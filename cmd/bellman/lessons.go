package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"bellman/assets"
	"bellman/sim/param"
	"bellman/sim/session"
)

func runLessons(args []string, stdout io.Writer) error {
	fs := newFlags("lessons")
	asJSON := fs.Bool("json", false, "write the lessons as JSON, what to watch included")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(assets.Lessons())
	}
	for _, l := range assets.Lessons() {
		fmt.Fprintf(stdout, "%-17s %s\n%17s %s, %s%s · %s\n", l.Key, l.Title, "", l.World, l.Algorithm, lessonSets(l, ", "), l.Source)
	}
	return nil
}

// lessonSets returns the lesson's parameters as key=value, sorted, each
// after sep.
func lessonSets(l assets.Lesson, sep string) string {
	var sb strings.Builder
	for _, k := range slices.Sorted(maps.Keys(l.Params)) {
		sb.WriteString(sep + k + "=" + param.Format(l.Params[k]))
	}
	return sb.String()
}

// expandLesson replaces --lesson KEY in train's arguments by the lesson's
// world (or task), agent and parameters; --set flags given as well apply
// after the lesson's.
func expandLesson(args []string) ([]string, error) {
	var key string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := strings.TrimLeft(args[i], "-")
		switch {
		case strings.HasPrefix(args[i], "-") && a == "lesson":
			if i+1 >= len(args) {
				return nil, fmt.Errorf("--lesson needs a lesson's key")
			}
			key = args[i+1]
			i++
		case strings.HasPrefix(args[i], "-") && strings.HasPrefix(a, "lesson="):
			if key = strings.TrimPrefix(a, "lesson="); key == "" {
				return nil, fmt.Errorf("--lesson needs a lesson's key")
			}
		default:
			rest = append(rest, args[i])
		}
	}
	if key == "" {
		return args, nil
	}
	for _, f := range []string{"world", "env", "agent"} {
		if hasFlag(rest, f) {
			return nil, fmt.Errorf("--lesson sets the world and agent; leave out --%s", f)
		}
	}
	l, err := assets.LessonByKey(key)
	if err != nil {
		return nil, err
	}
	where := "--world"
	switch {
	case slices.Contains(session.ControlEnvs(), l.World):
		where = "--env"
	case l.Algorithm == "lab":
		return nil, fmt.Errorf("lesson %s is the stochastic-approximation lab, which runs only in the page", key)
	case !slices.ContainsFunc(session.LearnAgents, func(a session.Algorithm) bool { return a.Key == l.Algorithm }):
		solve := "bellman solve --world " + l.World + " --method " + l.Algorithm
		if g, ok := l.Params["gamma"]; ok {
			solve += " --gamma " + param.Format(g)
		}
		return nil, fmt.Errorf("lesson %s plans with %s, which train does not: %s", key, l.Algorithm, solve)
	}
	out := []string{where, l.World, "--agent", l.Algorithm}
	for _, kv := range strings.Fields(lessonSets(l, " ")) {
		out = append(out, "--set", kv)
	}
	return append(out, rest...), nil
}
