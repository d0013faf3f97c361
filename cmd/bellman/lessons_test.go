package main

import (
	"strings"
	"testing"

	"bellman/assets"
)

// lessons lists every lesson; train --lesson is the same run as the
// lesson's world, agent and --set flags spelled out, with later --set
// flags on top.
func TestLessons(t *testing.T) {
	out, stderr, code := bellman("lessons")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, l := range assets.Lessons() {
		if !strings.Contains(out, l.Key+" ") || !strings.Contains(out, l.Title) {
			t.Errorf("lessons does not list %s", l.Key)
		}
	}
	for _, tc := range []struct{ lesson, spelled []string }{
		{[]string{"--lesson", "cliff-sarsa", "--steps", "2000"},
			[]string{"--world", "cliff-4x12", "--agent", "sarsa", "--set", "alpha=0.2", "--set", "epsilon=0.1", "--set", "epsilon-decay=1",
				"--set", "gamma=0.99", "--set", "q0=0", "--steps", "2000"}},
		{[]string{"--lesson=mc-basic-1", "--steps", "500", "--set", "episode-length=3", "--seed", "2"},
			[]string{"--world", "zhao-5x5", "--agent", "mc-basic", "--set", "episode-length=3", "--steps", "500", "--seed", "2"}},
	} {
		a, errA, codeA := bellman(append([]string{"train"}, tc.lesson...)...)
		b, errB, codeB := bellman(append([]string{"train"}, tc.spelled...)...)
		if codeA != 0 || codeB != 0 {
			t.Fatalf("%v: %s %s", tc.lesson, errA, errB)
		}
		if a != b || strings.Count(a, "\n") < 3 {
			t.Errorf("train %v differs from train %v", tc.lesson, tc.spelled)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--lesson", "nope", "--steps", "10"}, `no lesson "nope"`},
		{[]string{"train", "--lesson", "cliff-sarsa", "--agent", "qlearning", "--steps", "10"}, "leave out --agent"},
		{[]string{"train", "--lesson", "fig-3-4", "--steps", "10"}, "bellman solve --world zhao-5x5 --method vi"},
		{[]string{"train", "--lesson", "gamma-0.5", "--steps", "10"}, "bellman solve --world zhao-5x5 --method vi --gamma 0.5"},
		{[]string{"train", "--lesson", "sa-lab", "--steps", "10"}, "runs only in the page"},
		{[]string{"train", "--lesson=", "--steps", "10"}, "needs a lesson's key"},
		{[]string{"train", "--steps", "10", "--lesson"}, "needs a lesson's key"},
	} {
		_, stderr, code := bellman(tc.args...)
		if code == 0 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want one line with %q", tc.args, code, stderr, tc.want)
		}
	}
}
