package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bellman/assets"
	"bellman/sim/prefs"
)

// generate writes a labels file that reads back for its world: N pairs of
// T steps, each pair from one start, labels of the judge asked for.
func TestPrefsGenerate(t *testing.T) {
	stdout, stderr, code := bellman("prefs", "generate", "--world", "zhao-5x5", "--pairs", "40", "--judge-beta", "inf", "--length", "7", "--seed", "2")
	if code != 0 {
		t.Fatal(stderr)
	}
	w, _ := assets.World("zhao-5x5")
	m, _ := w.Build()
	l, err := prefs.ParseLabels([]byte(stdout), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Pairs) != 40 || l.Judge.Kind != prefs.Noiseless || l.Gamma != 0.9 || l.Reference != nil {
		t.Fatalf("%d pairs, judge %v, γ %v, reference %v", len(l.Pairs), l.Judge, l.Gamma, l.Reference)
	}
	for i, p := range l.Pairs {
		ga, gb := prefs.Return(m.Model, p.A, 0.9), prefs.Return(m.Model, p.B, 0.9)
		if p.A.Len() != 7 || p.B.Len() != 7 || p.A.States[0] != p.B.States[0] || p.P != (prefs.Judge{Kind: prefs.Noiseless}).Prob(ga, gb) {
			t.Fatalf("pair %d: %+v", i, p)
		}
	}
	again, _, _ := bellman("prefs", "generate", "--world", "zhao-5x5", "--pairs", "40", "--judge-beta", "inf", "--length", "7", "--seed", "2")
	if again != stdout {
		t.Error("the same seed wrote another file")
	}
}

// A reference policy file is embedded in the labels and drives the pairs:
// a reference that always goes right has only right in its trajectories.
func TestPrefsGenerateReference(t *testing.T) {
	row := `[0, 1, 0, 0, 0]`
	cells := strings.TrimSuffix(strings.Repeat(row+", ", 5), ", ")
	rows := strings.TrimSuffix(strings.Repeat("["+cells+"], ", 5), ", ")
	ref := writeFile(t, "ref.json", `{"probabilities": [`+rows+`]}`)
	stdout, stderr, code := bellman("prefs", "generate", "--world", "zhao-5x5", "--pairs", "5", "--reference", ref, "--length", "3")
	if code != 0 {
		t.Fatal(stderr)
	}
	if !strings.Contains(stdout, `"reference":[[[0,1,0,0,0]`) || strings.Contains(stdout, `"up"`) || strings.Contains(stdout, `"stay"`) {
		t.Errorf("labels: %.400s", stdout)
	}
	// DPO needs a reference that can take every action.
	labels := writeFile(t, "labels.json", stdout)
	_, stderr, code = bellman("prefs", "fit", "--world", "zhao-5x5", "--labels", labels, "--method", "dpo")
	if code == 0 || !strings.Contains(stderr, "every action possible") {
		t.Errorf("DPO on a deterministic reference: %q", stderr)
	}
}

type fitOutput struct {
	Pairs       int
	Judge       string
	JudgeBeta   float64       `json:"judge_beta"`
	TrueReward  [][][]float64 `json:"true_reward"`
	RewardModel *struct {
		Steps     int
		Converged bool
		J, KL     float64
		Reward    [][][]float64
		Induced   struct{ J, Optimal float64 }
	} `json:"reward_model"`
	DPO *struct {
		Converged bool
		J, KL     float64
		Policy    [][][]float64
	} `json:"dpo"`
	Target    *struct{ J, KL float64 }
	Reference struct{ J, KL float64 }
	JStar     float64 `json:"J_star"`
}

// fit --json on expected labels: both routes within their margins of the
// target (as sim/prefs's TestBothRoutesReachTheRegularisedOptimum), the
// true reward laid out by cell, π_ref's J −3.52 and J* 7.80.
func TestPrefsFitJSON(t *testing.T) {
	labels := filepath.Join(t.TempDir(), "labels.json")
	stdout, stderr, code := bellman("prefs", "generate", "--world", "zhao-5x5", "--pairs", "300", "--judge", "expected", "--length", "50", "--seed", "1")
	if code != 0 {
		t.Fatal(stderr)
	}
	if err := os.WriteFile(labels, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = bellman("prefs", "fit", "--world", "zhao-5x5", "--labels", labels, "--method", "both", "--beta", "1", "--json")
	if code != 0 {
		t.Fatal(stderr)
	}
	var out fitOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if out.Pairs != 300 || out.Judge != "expected" || out.JudgeBeta != 1 || out.Target == nil || out.RewardModel == nil || out.DPO == nil {
		t.Fatalf("output: %.500s", stdout)
	}
	if math.Abs(out.Reference.J+3.52) > 1e-9 || math.Abs(out.JStar-7.7994) > 1e-4 {
		t.Errorf("J(π_ref) %v, J* %v", out.Reference.J, out.JStar)
	}
	if r := out.TrueReward[0][0]; r[0] != -1 || r[1] != 0 || out.TrueReward[2][2][2] != 1 {
		t.Errorf("true reward of (0,0) %v, of (2,2) down %v", r, out.TrueReward[2][2][2])
	}
	rm, dpo := out.RewardModel, out.DPO
	if !rm.Converged || !dpo.Converged || math.Abs(rm.J-out.Target.J) > 0.005 || math.Abs(dpo.J-out.Target.J) > 0.03 {
		t.Errorf("target J %v; RLHF J %v (converged %v), DPO J %v (converged %v)", out.Target.J, rm.J, rm.Converged, dpo.J, dpo.Converged)
	}
	if rm.Induced.Optimal != 1 || len(rm.Reward) != 5 || len(dpo.Policy[4][4]) != 5 {
		t.Errorf("induced %v, reward rows %d", rm.Induced, len(rm.Reward))
	}
	// The text form says the same.
	text, stderr, code := bellman("prefs", "fit", "--world", "zhao-5x5", "--labels", labels, "--method", "reward-model")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{"zhao-5x5: 300 pairs, judge expected β_j 1", "target (optimum)", "reward model (onehot)", "converged", "RLHF policy", "(2,2)"} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "DPO") {
		t.Error("--method reward-model printed DPO")
	}
}

func TestPrefsErrors(t *testing.T) {
	cliff := filepath.Join(t.TempDir(), "cliff.json")
	stdout, _, _ := bellman("prefs", "generate", "--world", "cliff-4x12", "--pairs", "3")
	os.WriteFile(cliff, []byte(stdout), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"prefs"}, "give generate or fit"},
		{[]string{"prefs", "train"}, `unknown subcommand "train"`},
		{[]string{"prefs", "generate", "--world", "zhao-5x5", "--judge-beta", "many"}, `--judge-beta "many": give a positive number or inf`},
		{[]string{"prefs", "generate", "--world", "zhao-5x5", "--judge-beta", "0"}, "judge beta 0 is outside"},
		{[]string{"prefs", "generate", "--world", "zhao-5x5", "--judge", "person"}, "come from the page's clicks"},
		{[]string{"prefs", "generate", "--world", "zhao-5x5", "--judge", "oracle"}, `unknown judge "oracle"`},
		{[]string{"prefs", "generate", "--world", "zhao-5x5", "--pairs", "0"}, "--pairs 0 is outside"},
		{[]string{"prefs", "generate", "--world", "zhao-5x5", "--length", "0"}, "trajectory length 0 is outside"},
		{[]string{"prefs", "generate", "--world", "zhao-5x5", "--start", "start-cell"}, "zhao-5x5 has no start cell"},
		{[]string{"prefs", "generate", "--world", "mars"}, `no built-in world or readable file "mars"`},
		{[]string{"prefs", "generate", "--world", "zhao-5x5", "--size", "3"}, "flag provided but not defined: -size"},
		{[]string{"prefs", "fit", "--world", "zhao-5x5"}, "--labels is required"},
		{[]string{"prefs", "fit", "--world", "zhao-5x5", "--labels", "/nonexistent"}, `cannot read --labels "/nonexistent"`},
		{[]string{"prefs", "fit", "--world", "zhao-5x5", "--labels", cliff}, `labels are for world "cliff-4x12", not "zhao-5x5"`},
		{[]string{"prefs", "fit", "--world", "cliff-4x12", "--labels", cliff, "--method", "ppo"}, `--method: unknown method "ppo"`},
		{[]string{"prefs", "fit", "--world", "cliff-4x12", "--labels", cliff, "--optimizer", "sgd"}, `--optimizer "sgd"`},
		{[]string{"prefs", "fit", "--world", "cliff-4x12", "--labels", cliff, "--beta", "-1"}, "beta -1 is outside"},
		{[]string{"prefs", "fit", "--world", "cliff-4x12", "--labels", cliff, "--features", "tiles9"}, `"tiles9" is not a preset`},
	} {
		_, stderr, code := bellman(c.args...)
		if code == 0 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", c.args, code, stderr, c.want)
		}
	}
}
