package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// --seeds runs the seeds side by side and prints what each --seed run
// prints, with the seed in front; --json adds the summaries' mean, min and
// max.
func TestTrainSeeds(t *testing.T) {
	base := []string{"train", "--world", "zhao-5x5", "--agent", "qlearning", "--steps", "3000"}
	var all, errOut bytes.Buffer
	if code := run(append(base, "--seeds", "1-3", "--parallel", "2"), &all, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var one bytes.Buffer
	if code := run(append(base, "--seed", "2"), &one, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(one.String()), "\n")
	var seed2 []string
	for _, l := range strings.Split(strings.TrimSpace(all.String()), "\n")[1:] {
		if rest, ok := strings.CutPrefix(l, "2,"); ok {
			seed2 = append(seed2, rest)
		}
	}
	if strings.Join(seed2, "\n") != strings.Join(lines[1:], "\n") {
		t.Fatalf("seed 2 among three differs from seed 2 alone (%d vs %d rows)", len(seed2), len(lines)-1)
	}
	var doc struct {
		Seeds     []uint64                      `json:"seeds"`
		Runs      []json.RawMessage             `json:"runs"`
		Aggregate map[string]map[string]float64 `json:"aggregate"`
	}
	var js bytes.Buffer
	if code := run(append(base, "--seeds", "4,5", "--json"), &js, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil || len(doc.Runs) != 2 || len(doc.Aggregate) == 0 {
		t.Fatalf("JSON: %v, %d runs, aggregate %v", err, len(doc.Runs), doc.Aggregate)
	}
	for k, a := range doc.Aggregate {
		if a["min"] > a["mean"] || a["mean"] > a["max"] {
			t.Fatalf("%s: %v", k, a)
		}
	}
	for _, bad := range [][]string{{"--seeds", "3-1"}, {"--seeds", "1-100"}, {"--seeds", "1-2", "--seed", "3"}, {"--seeds", "1", "--parallel", "0"}} {
		errOut.Reset()
		if code := run(append(base, bad...), &bytes.Buffer{}, &errOut); code == 0 || strings.Count(errOut.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, %q", bad, code, errOut.String())
		}
	}
}
