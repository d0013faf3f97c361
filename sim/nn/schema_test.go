package nn

import (
	"reflect"
	"strings"
	"testing"

	"bellman/sim/param"
)

// Every spec is well formed and its default is a valid value.
func TestSchemaSpecs(t *testing.T) {
	sc := Schema("critic.", "critic")
	seen := map[string]bool{}
	for _, s := range sc {
		if !strings.HasPrefix(s.Key, "critic.") || !strings.HasPrefix(s.Label, "critic ") {
			t.Errorf("%s: key or label %q lacks the prefix", s.Key, s.Label)
		}
		if seen[s.Key] {
			t.Errorf("%s declared twice", s.Key)
		}
		seen[s.Key] = true
		if s.Help == "" || s.Label == "" {
			t.Errorf("%s: missing label or help", s.Key)
		}
		if s.Clamp(s.Default) != s.Default {
			t.Errorf("%s: default %v outside its range", s.Key, s.Default)
		}
		if s.Log && s.Min <= 0 {
			t.Errorf("%s: log slider needs Min > 0", s.Key)
		}
	}
	if s, _ := sc.Find("critic.activation"); !reflect.DeepEqual(s.Choices, ActivationNames()) {
		t.Errorf("activation choices %v", s.Choices)
	}
}

// The schema's defaults give DefaultConfig and DefaultOptimConfig.
func TestSchemaDefaults(t *testing.T) {
	base := DefaultConfig(4, 1)
	base.Output = Tanh
	vals := Schema("", "").Defaults()
	cfg, err := ConfigFromValues(base, "", vals)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, base) {
		t.Errorf("defaults give %+v, want %+v", cfg, base)
	}
	oc, err := OptimConfigFromValues("", vals)
	if err != nil {
		t.Fatal(err)
	}
	if oc != DefaultOptimConfig() {
		t.Errorf("defaults give %+v, want %+v", oc, DefaultOptimConfig())
	}
	// Missing keys mean defaults too.
	if cfg, err := ConfigFromValues(base, "x.", param.Values{}); err != nil || !reflect.DeepEqual(cfg, base) {
		t.Errorf("empty values give %+v, %v", cfg, err)
	}
}

// Values set as a person would (--set key=value) reach the configs.
func TestSchemaSet(t *testing.T) {
	sc := Schema("actor.", "actor")
	vals := sc.Defaults()
	for _, a := range []string{
		"actor.hidden=32", "actor.layers=3", "actor.activation=silu", "actor.init=he",
		"actor.final_init=0.003", "actor.optimizer=adamw", "actor.lr=0.0003", "actor.weight_decay=0.01",
		"actor.amsgrad=true", "actor.max_grad_norm=1",
	} {
		if err := sc.Set(vals, a); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := ConfigFromValues(DefaultConfig(3, 1), "actor.", vals)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Sizes: []int{3, 32, 32, 32, 1}, Hidden: SiLU, Output: Identity, Init: InitHe, FinalInit: 0.003, LeakySlope: 0.01}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config %+v, want %+v", cfg, want)
	}
	oc, err := OptimConfigFromValues("actor.", vals)
	if err != nil {
		t.Fatal(err)
	}
	wantO := OptimConfig{Kind: KindAdamW, LR: 0.0003, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, AMSGrad: true, WeightDecay: 0.01, MaxGradNorm: 1}
	if oc != wantO {
		t.Errorf("optimizer %+v, want %+v", oc, wantO)
	}
}

func TestSchemaRejects(t *testing.T) {
	base := DefaultConfig(3, 1)
	if _, err := ConfigFromValues(base, "", param.Values{KeyHidden: 1e6}); err == nil {
		t.Error("accepted a hidden width out of range")
	}
	if _, err := ConfigFromValues(base, "", param.Values{KeyActivation: 2.5}); err == nil {
		t.Error("accepted a fractional choice")
	}
	if _, err := OptimConfigFromValues("", param.Values{KeyLR: -1}); err == nil {
		t.Error("accepted a negative learning rate")
	}
	// Nesterov without momentum is in range for each key but invalid together.
	if _, err := OptimConfigFromValues("", param.Values{KeyOptimizer: float64(KindSGD), KeyNesterov: 1}); err == nil {
		t.Error("accepted Nesterov without momentum")
	}
	if _, err := ConfigFromValues(Config{}, "", nil); err == nil {
		t.Error("accepted a base config without sizes")
	}
}
