// Command bellman is the headless face of Bellman: it solves grid worlds
// exactly, trains agents and times them, with JSON or CSV output. It runs
// natively and under node as WebAssembly, on the same simulation core as the
// page.
//
// Usage:
//
//	bellman worlds
//	bellman lessons [--json]
//	bellman solve --world NAME|FILE --method vi|pi|tpi|eval|closed [--gamma 0.9] [--tol 1e-10] [--j 3] [--policy FILE]
//	bellman train --world NAME|FILE --agent NAME --steps N [--seed S] [--set key=value ...] [--json] [--save FILE]
//	bellman train --load FILE --steps N [--set key=value ...] [--json] [--save FILE] [--save-replay]
//	bellman train ... [--tfrecord FILE] [--report FILE] [--curves FILE]   (tabular agents, DDPG, TD3)
//	bellman train --lesson KEY --steps N [--seed S] [--set key=value ...] [--json]
//	bellman bench td --world NAME|FILE --agent NAME --steps N [--seed S] [--set key=value ...]
//	bellman bench dp --world NAME|FILE --method vi|pi --sweeps N [--gamma 0.9]
//	bellman train --env pendulum --agent ddpg|td3 --steps N [--seed S] [--set key=value ...] [--json] [--save FILE [--save-replay]]
//	bellman train --world NAME|FILE --agent td-linear|linear-sarsa|linear-qlearning --steps N [--features FILE|JSON] [--set ...] [--json]
//	bellman train --env mountaincar-discrete|acrobot|cartpole-discrete --agent nstep-sarsa-tiles|linear-qlearning --steps N [--features FILE|JSON] [--set ...] [--json]
//	bellman bench ddpg --env pendulum --updates N [--agent td3] [--seed S] [--set key=value ...]
//	bellman train --env NAME --agent ppo|a2c --steps N [--seed S] [--set key=value ...] [--json]
//	bellman bench ppo --env NAME --iterations N [--agent a2c] [--seed S] [--set key=value ...]
//	bellman train --env cartpole-discrete|acrobot|mountaincar-discrete --agent dqn|double-dqn|dueling-dqn --steps N [--seed S] [--set key=value ...] [--json]
//	bellman train --world NAME|FILE --agent dqn|double-dqn|dueling-dqn --steps N [--every N] [--seed S] [--set key=value ...] [--json]
//	bellman bench dqn --env cartpole-discrete --updates N [--agent double-dqn] [--seed S] [--set key=value ...]
//	bellman rollout --env NAME --state v1,v2,... --actions FILE|- [--tfrecord FILE]
//	bellman train --world NAME|FILE --agent reinforce|reinforce-baseline|qac|a2c|offpolicy-ac --steps N [--seed S] [--set key=value ...] [--json] [--save FILE]
//	bellman solve --world NAME|FILE --method gradient [--policy FILE] [--gamma 0.9] [--start start-cell|uniform]
//	bellman bench pg --world NAME|FILE --agent METHOD --steps N [--seed S] [--set key=value ...]
//	bellman prefs generate --world NAME|FILE --pairs N --judge-beta B|inf --seed S [--length T] [--reference FILE] > labels.json
//	bellman prefs fit --world NAME|FILE --labels FILE --method reward-model|dpo|both --beta B [--json]
//
// Run "bellman COMMAND -h" for a command's flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(args []string, stdout io.Writer) error
}

var commands = map[string]command{
	"worlds":  {"list the built-in worlds", runWorlds},
	"lessons": {"list the built-in lessons (ready-made setups from the books)", runLessons},
	"solve":   {"solve a grid world by dynamic programming (JSON)", runSolve},
	"rollout": {"step a control environment from a state through given actions (JSON)", runRollout},
	"train":   {"train an agent from experience; one CSV (or JSON) row per episode", runTrain},
	"bench":   {"time an agent's steps (td) or dynamic-programming sweeps (dp); one JSON line", runBench},
	"prefs":   {"learn from preferences: generate labelled pairs, fit a reward model (RLHF) or DPO", runPrefs},
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run executes one command line and returns the exit code. Every error is
// one line on stderr.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "bellman: unknown command %q (commands: %s)\n", args[0], strings.Join(commandNames(), ", "))
		return 2
	}
	run := cmd.run
	if args[0] == "train" && hasFlag(args[1:], "seeds") {
		run = runTrainSeeds // the same run once per seed, in goroutines
	}
	if err := run(args[1:], stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		msg := strings.ReplaceAll(err.Error(), "\n", " ")
		fmt.Fprintf(stderr, "bellman %s: %s\n", args[0], msg)
		return 1
	}
	return 0
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "bellman: a reinforcement-learning playground, headless")
	fmt.Fprintln(w, "usage: bellman COMMAND [flags]   (bellman COMMAND -h for its flags)")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
}

// newFlags returns a flag set that reports errors instead of printing them.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args and rejects stray positional arguments; -h prints
// the flags to stdout.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "usage: bellman %s [flags]\n", fs.Name())
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return err
		}
		return fmt.Errorf("%v (see bellman %s -h)", err, fs.Name())
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (see bellman %s -h)", fs.Arg(0), fs.Name())
	}
	return nil
}
