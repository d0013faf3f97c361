package session

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"bellman/sim/prefs"
)

func newPrefs(t *testing.T, src, method string, seed uint64) *Prefs {
	t.Helper()
	p, err := NewPrefs(parseWorld(t, src), method, seed)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrefsMenu(t *testing.T) {
	if len(PrefsMethods) != 3 || PrefsMethods[0].Key != "both" {
		t.Fatalf("menu %v", PrefsMethods)
	}
	for _, a := range PrefsMethods {
		p, err := NewPrefs(parseWorld(t, learnZhao), a.Key, 1)
		if err != nil || p.Method.String() != a.Key || a.Label == "" || a.Help == "" {
			t.Errorf("%s: %v", a.Key, err)
		}
	}
	if _, err := NewPrefs(parseWorld(t, learnZhao), "ppo", 1); err == nil || !strings.Contains(err.Error(), "valid: both") {
		t.Errorf("unknown method: %v", err)
	}
}

// The schema holds the brief's keys; Set clamps, restarts on the data
// keys and applies β, λ and the method at once.
func TestPrefsSchemaAndSet(t *testing.T) {
	p := newPrefs(t, learnCliff, "both", 2)
	keys := " " + strings.Join(p.Schema().Keys(), " ") + " "
	for _, k := range []string{"method", "beta", "judge", "judge-beta", "labels", "length", "same-start", "gamma", "l2", "features", "optimizer", "lr", "reference-steps", "start", "seed"} {
		if !strings.Contains(keys, " "+k+" ") {
			t.Errorf("schema lacks %s:%s", k, keys)
		}
	}
	if strings.Contains(" "+strings.Join(newPrefs(t, learnZhao, "both", 1).Schema().Keys(), " ")+" ", " start ") {
		t.Error("a world without a start cell has a start key")
	}
	if _, err := p.Set("epsilon", 0.1); err == nil {
		t.Error("unknown key accepted")
	}
	if note, err := p.Set("labels", 1e6); err != nil || !strings.Contains(note, "clamped to 20000") {
		t.Errorf("Set(labels, 1e6) = %q, %v", note, err)
	}
	p.Set("labels", 200)
	p.StepN(3)
	run := p.Run
	if note, err := p.Set("judge-beta", 3); err != nil || !strings.Contains(note, "restarted") || p.Run != run+1 || p.Steps() != 0 {
		t.Errorf("Set(judge-beta) = %q, %v; run %d → %d, steps %d", note, err, run, p.Run, p.Steps())
	}
	p.StepN(5)
	var before, after PrefsSnapshot
	p.Snapshot(&before)
	if note, err := p.Set("beta", 10); err != nil || note != "" {
		t.Errorf("Set(beta) = %q, %v", note, err)
	}
	p.Snapshot(&after)
	if after.Steps != before.Steps || !(after.RLHF.KL < before.RLHF.KL) || after.Beta != 10 || !reflect.DeepEqual(after.RewardHat, before.RewardHat) {
		t.Errorf("β 1 → 10: steps %d → %d, RLHF KL %v → %v, r̂ kept %v", before.Steps, after.Steps, before.RLHF.KL, after.RLHF.KL, reflect.DeepEqual(after.RewardHat, before.RewardHat))
	}
	if err := p.SetAgent("dpo"); err != nil || p.Method != prefs.MethodDPO || p.Steps() != after.Steps {
		t.Errorf("SetAgent(dpo): %v, method %v, steps %d", err, p.Method, p.Steps())
	}
	rm := p.Trainer().Reward.Iterations()
	p.StepN(3)
	if p.Trainer().Reward.Iterations() != rm {
		t.Error("the DPO method stepped the reward model")
	}
	if err := p.SetWorld(parseWorld(t, learnZhao)); err != nil || p.Value("labels") != 200 || p.Value("judge-beta") != 3 {
		t.Errorf("SetWorld: %v, labels %v", err, p.Value("labels"))
	}
}

// With expected labels both routes converge within a few dozen steps, the
// RLHF policy near the target (sim/prefs checks the margins exactly).
func TestPrefsConverges(t *testing.T) {
	p := newPrefs(t, learnZhao, "both", 1)
	for k, v := range map[string]float64{"judge": float64(prefs.Expected), "labels": 300, "length": 50} {
		if _, err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 60 && !p.Done(); i++ {
		p.Step()
	}
	var s PrefsSnapshot
	p.Snapshot(&s)
	if !s.Done || !s.RewardConverged || !s.DPOConverged || !s.HasTarget {
		t.Fatalf("after %d steps: done %v, converged %v %v", s.Steps, s.Done, s.RewardConverged, s.DPOConverged)
	}
	if math.Abs(s.RLHF.J-s.Target.J) > 0.01 || math.Abs(s.DPO.J-s.Target.J) > 0.05 || s.InducedShare != 1 {
		t.Errorf("target J %v; RLHF %v, DPO %v, induced share %v", s.Target.J, s.RLHF.J, s.DPO.J, s.InducedShare)
	}
	if len(s.RewardLossCurve.Y) != s.Steps || len(s.DPOJ.Y) != s.Steps || s.RewardLossCurve.Y[0] < s.RewardLossCurve.Y[s.Steps-1] {
		t.Errorf("curves of %d and %d points after %d steps", len(s.RewardLossCurve.Y), len(s.DPOJ.Y), s.Steps)
	}
	if len(s.TargetAdvantage) != s.S*s.A || s.JudgeScale != 1 || s.Pairs != 300 || s.Pair.Index != 0 || len(s.Pair.CellsA) != 51 {
		t.Errorf("snapshot: %d target advantages, scale %v, %d pairs, pair %+v", len(s.TargetAdvantage), s.JudgeScale, s.Pairs, s.Pair.Index)
	}
	if m := s.Pair; m.CellsA[0] != m.CellsB[0] || math.IsNaN(m.P) || m.Pending || m.Person {
		t.Errorf("pair shown: %+v", m)
	}
	for i, kl := range s.KLRLHF {
		if !(kl >= 0) {
			t.Fatalf("KL of state %d is %v", i, kl)
		}
	}
}

// A person's labels: NextPair draws a pair, Label adds it or overrides an
// old one, the set saves and loads back, and the fits use it.
func TestPrefsPersonLabels(t *testing.T) {
	p := newPrefs(t, learnZhao, "both", 3)
	if _, err := p.Set("judge", float64(prefs.Person)); err != nil {
		t.Fatal(err)
	}
	var s PrefsSnapshot
	p.Snapshot(&s)
	if s.Pairs != 0 || !s.Done || s.HasTarget || len(s.Pair.CellsA) != 0 {
		t.Fatalf("a person's session starts with %d pairs, done %v", s.Pairs, s.Done)
	}
	p.Step() // nothing to fit
	for k := 0; k < 30; k++ {
		i := p.NextPair()
		if i != k {
			t.Fatalf("NextPair returned %d, want %d", i, k)
		}
		p.Snapshot(&s)
		if !s.Pair.Pending || !math.IsNaN(s.Pair.P) || len(s.Pair.CellsA) != 31 || len(s.Pair.ActionsB) != 30 || s.Pair.CellsA[0] != s.Pair.CellsB[0] {
			t.Fatalf("pending pair %+v", s.Pair)
		}
		// The person prefers the better return, as the noiseless judge would.
		if err := p.Label(i, s.Pair.ReturnA >= s.Pair.ReturnB); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Label(31, true); err == nil || !strings.Contains(err.Error(), "pair 31 does not exist (30 labelled") {
		t.Errorf("Label(31): %v", err)
	}
	if err := p.Label(30, true); err == nil {
		t.Error("labelled a pair that was not drawn")
	}
	p.Snapshot(&s)
	if s.Pairs != 30 || s.PersonLabels != 30 || s.Pair.Index != 29 || s.Pair.Pending || !s.Pair.Person || s.Done {
		t.Errorf("after 30 clicks: %d pairs, %d by a person, pair %+v, done %v", s.Pairs, s.PersonLabels, s.Pair, s.Done)
	}
	p.StepN(40)
	p.Snapshot(&s)
	if !(s.RLHF.J > s.Reference.J+1) || !(s.DPO.J > s.Reference.J+1) || !math.IsNaN(s.RLHF.Objective) {
		t.Errorf("fitted on clicks: RLHF %v DPO %v, π_ref %v", s.RLHF, s.DPO, s.Reference)
	}
	// Overriding a label, then saving and loading.
	if err := p.Label(0, false); err != nil {
		t.Fatal(err)
	}
	if p.Trainer().Data.P[0] != 0 || p.Labels().Pairs[0].P != 0 {
		t.Error("the override did not reach the fit")
	}
	data, err := p.SaveLabels()
	if err != nil {
		t.Fatal(err)
	}
	q := newPrefs(t, learnZhao, "dpo", 9)
	if err := q.LoadLabels(data); err != nil {
		t.Fatal(err)
	}
	if q.Value("judge") != float64(prefs.Person) || len(q.Labels().Pairs) != 30 || !reflect.DeepEqual(q.Labels().Pairs, p.Labels().Pairs) {
		t.Errorf("loaded: judge %v, %d pairs", q.Value("judge"), len(q.Labels().Pairs))
	}
	again, _ := q.SaveLabels()
	if string(again) != string(data) {
		t.Error("saved, loaded and saved again: the file changed")
	}
	if err := q.LoadLabels([]byte(strings.Replace(string(data), `"world":""`, `"world":"other"`, 1))); err == nil {
		t.Error("loaded labels of another world")
	}
	if len(q.Labels().Pairs) != 30 {
		t.Error("a failed load changed the labels")
	}
	// A length change keeps a person's labels.
	q.Set("length", 5)
	if len(q.Labels().Pairs) != 30 || len(q.Labels().Pairs[0].A.Actions) != 30 {
		t.Error("a length change dropped a person's labels")
	}
	if i := q.NextPair(); i != 30 {
		t.Errorf("NextPair after a load: %d", i)
	}
	var qs PrefsSnapshot
	q.Snapshot(&qs)
	if len(qs.Pair.ActionsA) != 5 {
		t.Errorf("a pair of %d steps after length 5", len(qs.Pair.ActionsA))
	}
}

// A trained reference: π_ref from A2C, embedded in the labels, positive.
func TestPrefsTrainedReference(t *testing.T) {
	p := newPrefs(t, learnZhao, "both", 4)
	if _, err := p.Set("reference-steps", 20000); err != nil {
		t.Fatal(err)
	}
	l := p.Labels()
	if l.Reference == nil {
		t.Fatal("labels of a trained reference carry none")
	}
	var s PrefsSnapshot
	p.Snapshot(&s)
	if !(s.Reference.J > -3.52+1) || s.Reference.KL != 0 {
		t.Errorf("π_ref after 20,000 A2C steps: J %v, KL %v", s.Reference.J, s.Reference.KL)
	}
	for i, x := range s.PiRef {
		if !(x > 0) {
			t.Fatalf("π_ref[%d] = %v", i, x)
		}
	}
}

// Same seed, same session; Step and Snapshot allocate nothing.
func TestPrefsDeterministicAndAllocationFree(t *testing.T) {
	a := newPrefs(t, learnZhao, "both", 5)
	b := newPrefs(t, learnZhao, "both", 5)
	for _, q := range []*Prefs{a, b} {
		q.Set("labels", 300)
		q.StepN(4)
	}
	var sa, sb PrefsSnapshot
	a.Snapshot(&sa)
	b.Snapshot(&sb)
	if !reflect.DeepEqual(sa.RewardHat, sb.RewardHat) || !reflect.DeepEqual(sa.PiDPO, sb.PiDPO) || sa.RLHF != sb.RLHF {
		t.Error("two sessions of seed 5 differ")
	}
	a.Set("optimizer", 1) // Adam never finishes: every step works
	if n := testing.AllocsPerRun(20, func() { a.Step() }); n != 0 {
		t.Errorf("Step allocates %v times", n)
	}
	a.Snapshot(&sa)
	if n := testing.AllocsPerRun(20, func() { a.Snapshot(&sa) }); n != 0 {
		t.Errorf("Snapshot allocates %v times", n)
	}
}
