package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/prefs"
)

// runPrefs is bellman prefs generate|fit.
func runPrefs(args []string, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stdout, "usage: bellman prefs generate|fit [flags]   (bellman prefs generate -h, bellman prefs fit -h)")
			return flag.ErrHelp
		}
		return errors.New("give generate or fit (bellman prefs generate -h, bellman prefs fit -h)")
	}
	switch args[0] {
	case "generate":
		return runPrefsGenerate(args[1:], stdout)
	case "fit":
		return runPrefsFit(args[1:], stdout)
	}
	return fmt.Errorf("unknown subcommand %q: give generate or fit", args[0])
}

// parseJudge reads --judge and --judge-beta: a number, or inf for the
// noiseless judge.
func parseJudge(kind, beta string) (prefs.Judge, error) {
	k, err := prefs.ParseJudge(kind)
	if err != nil {
		return prefs.Judge{}, fmt.Errorf("--judge: %v", err)
	}
	if k == prefs.Person {
		return prefs.Judge{}, errors.New("--judge person: a person's labels come from the page's clicks, not from generate")
	}
	b := strings.ToLower(strings.TrimSpace(beta))
	if b == "inf" || b == "+inf" || b == "∞" {
		if k == prefs.Expected {
			return prefs.Judge{}, errors.New("--judge expected with --judge-beta inf: the expected label of a noiseless judge is the noiseless label; use --judge noiseless")
		}
		return prefs.Judge{Kind: prefs.Noiseless}, nil
	}
	v, err := strconv.ParseFloat(b, 64)
	if err != nil || math.IsNaN(v) {
		return prefs.Judge{}, fmt.Errorf("--judge-beta %q: give a positive number or inf", beta)
	}
	j := prefs.Judge{Kind: k, Beta: v}
	if k == prefs.Noiseless {
		j.Beta = 0
	}
	if err := j.Validate(); err != nil {
		return prefs.Judge{}, fmt.Errorf("--judge-beta: %v", err)
	}
	return j, nil
}

// prefsStart reads --start for a world model: the start state, or −1.
func prefsStart(m *grid.Model, start string) (int, error) {
	switch start {
	case "random":
		return -1, nil
	case "start-cell":
		if m.Start < 0 {
			return 0, fmt.Errorf("--start start-cell: %s has no start cell", m.World.Name)
		}
		return m.Start, nil
	}
	return 0, fmt.Errorf("--start %q: give random or start-cell", start)
}

func runPrefsGenerate(args []string, stdout io.Writer) error {
	fs := newFlags("prefs generate")
	world := fs.String("world", "", "built-in world name or world file")
	pairs := fs.Int("pairs", 1000, "number of labelled pairs")
	judgeKind := fs.String("judge", "bradley-terry", "bradley-terry (labels drawn with Pr(A) = σ(β_j ΔG)), expected (the probability itself) or noiseless")
	judgeBeta := fs.String("judge-beta", "1", "the judge's rationality β_j; inf for a noiseless judge")
	seed := fs.Uint64("seed", 1, "seed of the pairs' and the judge's random streams")
	length := fs.Int("length", 30, "steps T of each trajectory (1: pairs of single steps)")
	gamma := fs.Float64("gamma", 0.9, "discount γ of the returns the judge compares")
	independent := fs.Bool("independent", false, "start the two trajectories of a pair independently (default: in one state)")
	start := fs.String("start", "random", "random (uniform over the non-terminal cells) or start-cell")
	reference := fs.String("reference", "", "policy file of π_ref (default: uniform), e.g. saved by train --save")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	judge, err := parseJudge(*judgeKind, *judgeBeta)
	if err != nil {
		return err
	}
	if *pairs < 1 || *pairs > prefs.MaxPairs {
		return fmt.Errorf("--pairs %d is outside [1, %d]", *pairs, prefs.MaxPairs)
	}
	if !(*gamma >= 0 && *gamma < 1) {
		return fmt.Errorf("--gamma %v is outside [0, 1)", *gamma)
	}
	w, err := loadWorld(*world)
	if err != nil {
		return err
	}
	m, err := w.Build()
	if err != nil {
		return err
	}
	st, err := prefsStart(m, *start)
	if err != nil {
		return err
	}
	ref := prefs.Uniform(m.S, m.A)
	var embed []float64
	if *reference != "" {
		data, err := os.ReadFile(*reference)
		if err != nil {
			return fmt.Errorf("cannot read --reference %q", *reference)
		}
		if ref, err = grid.ParsePolicy(data, m); err != nil {
			return fmt.Errorf("%s: %v", *reference, err)
		}
		embed = ref
	}
	ps, js := prefs.Streams(*seed)
	s, err := prefs.NewSampler(m.Model, ref, st, *length, !*independent, ps)
	if err != nil {
		return err
	}
	l := prefs.NewLabels(m, *gamma, judge, embed)
	if err := l.Generate(s, js, *pairs); err != nil {
		return err
	}
	out := bufio.NewWriter(stdout)
	if err := l.Encode(out, m); err != nil {
		return err
	}
	return out.Flush()
}

// prefsRoute is what fit prints for one route.
type prefsRoute struct {
	Steps     int      `json:"steps"`
	Converged bool     `json:"converged"`
	Loss      float64  `json:"loss"`
	J         float64  `json:"J"`
	KL        float64  `json:"KL"`
	Objective *float64 `json:"objective"` // J − (β/β_j) KL; null for a person's labels
	// Policy is π(a|s) per cell and Greedy its most likely action.
	Policy [][][]float64 `json:"policy"`
	Greedy [][]*string   `json:"greedy"`
	// Reward is r̂(s,a) (reward-model), ImplicitReward β log π/π_ref (both
	// routes: for RLHF the soft advantage q̂ − v̂), per cell, in the
	// judge's units.
	Reward         [][][]float64 `json:"reward,omitempty"`
	ImplicitReward [][][]float64 `json:"implicit_reward"`
	// Induced is r̂'s optimal policy by value iteration (reward-model).
	Induced *prefsInduced `json:"induced,omitempty"`
}

type prefsInduced struct {
	J       float64     `json:"J"`
	Optimal float64     `json:"optimal"` // share of non-terminal states where its action is optimal for r
	Policy  [][]*string `json:"policy"`
}

type prefsScore struct {
	J         float64  `json:"J"`
	KL        float64  `json:"KL"`
	Objective *float64 `json:"objective"`
}

// prefsFit is fit's JSON.
type prefsFit struct {
	World    string  `json:"world"`
	Method   string  `json:"method"`
	Pairs    int     `json:"pairs"`
	Gamma    float64 `json:"gamma"`
	Judge    string  `json:"judge"`
	JudgeB   float64 `json:"judge_beta,omitempty"`
	Beta     float64 `json:"beta"`
	L2       float64 `json:"l2"`
	Features string  `json:"features"`
	DPOFit   string  `json:"dpo_optimizer"`
	// TrueReward is r(s,a) of the world, per cell.
	TrueReward  [][][]float64 `json:"true_reward"`
	RewardModel *prefsRoute   `json:"reward_model,omitempty"`
	DPO         *prefsRoute   `json:"dpo,omitempty"`
	// Target is the optimum of the KL-regularised objective of the judge's
	// utility β_j·r at β (null for a person's labels); Reference π_ref.
	Target    *prefsScore `json:"target"`
	Reference prefsScore  `json:"reference"`
	JStar     float64     `json:"J_star"`
}

func runPrefsFit(args []string, stdout io.Writer) error {
	fs := newFlags("prefs fit")
	world := fs.String("world", "", "built-in world name or world file (the labels' world)")
	labelsFile := fs.String("labels", "", "labels file (from prefs generate or the page), - for stdin")
	method := fs.String("method", "both", "reward-model (RLHF: fit r̂, plan with a KL penalty), dpo, or both")
	cfg := prefs.DefaultConfig()
	beta := fs.Float64("beta", cfg.Beta, "KL coefficient β, in the judge's units")
	l2 := fs.Float64("l2", cfg.Lambda, "L2 coefficient λ of both fits")
	features := fs.String("features", cfg.Features, "the reward model's features: a preset (onehot, poly1…poly3, fourier1…fourier5, tiles4x3) or a spec's JSON")
	optimizer := fs.String("optimizer", "newton", "DPO's: newton (to the minimum) or adam")
	lr := fs.Float64("lr", cfg.LR, "DPO's Adam learning rate")
	steps := fs.Int("steps", 0, "most steps of each fit (default 100 Newton steps, 5000 Adam steps)")
	start := fs.String("start", "random", "d₀ of the returns J: random (uniform over the non-terminal cells) or start-cell")
	asJSON := fs.Bool("json", false, "write JSON instead of text")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	meth, err := prefs.ParseMethod(*method)
	if err != nil {
		return fmt.Errorf("--method: %v", err)
	}
	switch *optimizer {
	case "newton":
	case "adam":
		cfg.Adam = true
	default:
		return fmt.Errorf("--optimizer %q: give newton or adam", *optimizer)
	}
	cfg.Beta, cfg.Lambda, cfg.Features, cfg.LR = *beta, *l2, *features, *lr
	if strings.HasPrefix(strings.TrimSpace(*features), "{") {
		cfg.Features = strings.TrimSpace(*features)
	} else if _, err := os.Stat(*features); err == nil {
		spec, err := readSpec(*features)
		if err != nil {
			return err
		}
		cfg.Features = spec
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if *labelsFile == "" {
		return errors.New("--labels is required (a file from bellman prefs generate, or - for stdin)")
	}
	w, err := loadWorld(*world)
	if err != nil {
		return err
	}
	m, err := w.Build()
	if err != nil {
		return err
	}
	st, err := prefsStart(m, *start)
	if err != nil {
		return err
	}
	var in io.Reader = os.Stdin
	if *labelsFile != "-" {
		f, err := os.Open(*labelsFile)
		if err != nil {
			return fmt.Errorf("cannot read --labels %q", *labelsFile)
		}
		defer f.Close()
		in = f
	}
	labels, err := prefs.ReadLabels(in, m)
	if err != nil {
		return fmt.Errorf("%s: %v", *labelsFile, err)
	}
	if len(labels.Pairs) == 0 {
		return fmt.Errorf("%s: no labelled pairs", *labelsFile)
	}
	tr, err := prefs.NewTrainer(m, labels, st, cfg)
	if err != nil {
		return err
	}
	maxSteps := *steps
	if maxSteps <= 0 {
		maxSteps = 100
	}
	out := prefsFit{World: w.Name, Method: meth.String(), Pairs: len(labels.Pairs), Gamma: labels.Gamma,
		Judge: labels.Judge.Kind.String(), Beta: cfg.Beta, L2: cfg.Lambda, Features: cfg.Features, DPOFit: *optimizer,
		TrueReward: cellRows(m, m.R), Reference: score(tr.RefScore), JStar: jStarOf(tr)}
	if k := labels.Judge.Kind; k == prefs.BradleyTerry || k == prefs.Expected {
		out.JudgeB = labels.Judge.Beta
	}
	if tr.HasTarget {
		s := score(tr.Target)
		out.Target = &s
	}
	S, A := m.S, m.A
	if meth != prefs.MethodDPO {
		if _, err := tr.FitReward(maxSteps); err != nil {
			return err
		}
		r := route(m, tr.RLHF, tr.Plan.Pi, tr.RLHFAdvantage(make([]float64, S*A)))
		r.Steps, r.Converged, r.Loss = tr.Reward.Iterations(), tr.RMConverged, tr.RMLoss
		r.Reward = cellRows(m, tr.RHat)
		greedy := make([]int, S)
		for s := range greedy {
			for a := 0; a < A; a++ {
				if tr.Induced.Pi[s*A+a] == 1 {
					greedy[s] = a
				}
			}
		}
		r.Induced = &prefsInduced{J: tr.InducedScore.J, Optimal: tr.InducedShare, Policy: policyNames(m, greedy)}
		out.RewardModel = &r
	}
	if meth != prefs.MethodRewardModel {
		dpoSteps := *steps
		if dpoSteps <= 0 {
			dpoSteps = 100
			if cfg.Adam {
				dpoSteps = 5000
			}
		}
		conv, err := tr.FitDPO(dpoSteps)
		if err != nil {
			return err
		}
		r := route(m, tr.DPOScore, tr.DPO.ActionProbs(make([]float64, S*A)), tr.DPO.ImplicitReward(make([]float64, S*A)))
		r.Steps, r.Converged, r.Loss = tr.DPO.Steps(), conv, tr.DPO.Loss(tr.Data)
		out.DPO = &r
	}
	bw := bufio.NewWriter(stdout)
	if *asJSON {
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		bw.Write(append(b, '\n'))
	} else {
		writePrefsText(bw, m, out)
	}
	return bw.Flush()
}

func score(s prefs.Score) prefsScore {
	p := prefsScore{J: s.J, KL: s.KL}
	if !math.IsNaN(s.Objective) {
		o := s.Objective
		p.Objective = &o
	}
	return p
}

// jStarOf returns J* = Σ d₀ v* of the trainer's evaluation.
func jStarOf(tr *prefs.Trainer) float64 {
	j := 0.0
	for s, d := range tr.Eval.Exact.D0 {
		j += d * tr.Opt.V[s]
	}
	return j
}

// route lays out a route's policy and implicit reward.
func route(m *grid.Model, sc prefs.Score, pi, implicit []float64) prefsRoute {
	p := score(sc)
	greedy := make([]int, m.S)
	for s := range greedy {
		best := -1.0
		for a := 0; a < m.A; a++ {
			if x := pi[s*m.A+a]; x > best+1e-12 {
				best, greedy[s] = x, a
			}
		}
	}
	return prefsRoute{J: p.J, KL: p.KL, Objective: p.Objective, Policy: cellRows(m, pi), Greedy: policyNames(m, greedy),
		ImplicitReward: cellRows(m, implicit)}
}

// arrows are the actions' glyphs, in order.
var arrows = [5]string{"↑", "→", "↓", "←", "○"}

// writePrefsText writes fit's result for a person: each route's policy as
// arrows of its most likely action, the learned reward beside the true
// one, and the scores.
func writePrefsText(w io.Writer, m *grid.Model, out prefsFit) {
	judge := out.Judge
	if out.JudgeB != 0 {
		judge += " β_j " + param.Format(out.JudgeB)
	}
	fmt.Fprintf(w, "%s: %d pairs, judge %s, γ %s; β %s, λ %s\n", out.World, out.Pairs, judge,
		param.Format(out.Gamma), param.Format(out.Beta), param.Format(out.L2))
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	line := func(name string, s prefsScore) {
		o := ""
		if s.Objective != nil {
			o = "  J − (β/β_j)·KL " + f(*s.Objective)
		}
		fmt.Fprintf(w, "%-22s J %s  KL %s%s\n", name, f(s.J), f(s.KL), o)
	}
	if out.Target != nil {
		line("target (optimum)", *out.Target)
	}
	line("reference π_ref", out.Reference)
	fmt.Fprintf(w, "%-22s J %s\n", "optimal policy", f(out.JStar))
	drawPolicy := func(names [][]*string) {
		for _, row := range names {
			fmt.Fprint(w, "  ")
			for _, n := range row {
				g := "■" // a wall or cliff
				if n != nil {
					a, _ := grid.ActionIndex(*n)
					g = arrows[a]
				}
				fmt.Fprint(w, g)
			}
			fmt.Fprintln(w)
		}
	}
	if r := out.RewardModel; r != nil {
		fmt.Fprintf(w, "\nreward model (%s), %d Newton steps%s, loss %s\n", out.Features, r.Steps, convergedNote(r.Converged), f(r.Loss))
		line("RLHF policy", prefsScore{J: r.J, KL: r.KL, Objective: r.Objective})
		fmt.Fprintf(w, "%-23s J %s  optimal in %s of the states\n", "r̂'s optimal policy", f(r.Induced.J), f(r.Induced.Optimal)) // r̂ is two runes
		fmt.Fprintln(w, "most likely actions of the RLHF policy:")
		drawPolicy(r.Greedy)
		fmt.Fprintln(w, "r̂(s,a) (judge's units) | true r(s,a), actions up right down left stay:")
		for rr, row := range r.Reward {
			for c, x := range row {
				if x == nil {
					continue
				}
				fmt.Fprintf(w, "  (%d,%d) %s | %s\n", rr, c, numbers(x, f), numbers(out.TrueReward[rr][c], f))
			}
		}
	}
	if r := out.DPO; r != nil {
		fmt.Fprintf(w, "\nDPO (%s), %d steps%s, loss %s\n", out.DPOFit, r.Steps, convergedNote(r.Converged), f(r.Loss))
		line("DPO policy", prefsScore{J: r.J, KL: r.KL, Objective: r.Objective})
		fmt.Fprintln(w, "most likely actions of the DPO policy:")
		drawPolicy(r.Greedy)
		fmt.Fprintln(w, "implicit reward β log π/π_ref, actions up right down left stay:")
		for rr, row := range r.ImplicitReward {
			for c, x := range row {
				if x != nil {
					fmt.Fprintf(w, "  (%d,%d) %s\n", rr, c, numbers(x, f))
				}
			}
		}
	}
}

func convergedNote(ok bool) string {
	if ok {
		return ", converged"
	}
	return ", not converged"
}

func numbers(x []float64, f func(float64) string) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = fmt.Sprintf("%8s", f(v))
	}
	return strings.Join(s, " ")
}
