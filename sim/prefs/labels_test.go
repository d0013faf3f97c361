package prefs_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"bellman/sim/prefs"
)

// A set written and read back is the same set, its reference and person
// marks included.
func TestLabelsRoundTrip(t *testing.T) {
	for _, src := range []string{zhao5x5, slippery, cliff4x12} {
		g := build(t, src)
		ref := make([]float64, g.S*g.A)
		for s := 0; s < g.S; s++ {
			for a := 0; a < g.A; a++ {
				ref[s*g.A+a] = float64(a+1) / float64(g.A*(g.A+1)/2)
			}
		}
		l := generate(t, g, ref, prefs.Judge{Kind: prefs.Expected, Beta: 0.3}, 20, 7, 2)
		l.Add(l.Pairs[3], true)
		l.Pairs[len(l.Pairs)-1].P = 1
		var buf bytes.Buffer
		if err := l.Encode(&buf, g); err != nil {
			t.Fatal(err)
		}
		back, err := prefs.ParseLabels(buf.Bytes(), g)
		if err != nil {
			t.Fatalf("%s: %v", g.World.Name, err)
		}
		var again bytes.Buffer
		if err := back.Encode(&again, g); err != nil {
			t.Fatal(err)
		}
		if again.String() != buf.String() {
			t.Errorf("%s: a second round trip changed the file", g.World.Name)
		}
		if len(back.Pairs) != 21 || !back.ByPerson(20) || back.ByPerson(0) || back.Judge != l.Judge {
			t.Errorf("%s: read back %d pairs, person marks %v, judge %v", g.World.Name, len(back.Pairs), back.Person, back.Judge)
		}
		for i := range ref {
			if back.Reference[i] != ref[i] {
				t.Fatalf("%s: reference[%d] %v, want %v", g.World.Name, i, back.Reference[i], ref[i])
			}
		}
	}
}

// Bad files are refused with a message that names the mismatch.
func TestLabelsErrors(t *testing.T) {
	g := build(t, zhao5x5)
	cliff := build(t, cliff4x12)
	good := `{"format": "bellman-prefs", "version": 1, "world": "zhao-5x5", "rows": 5, "cols": 5, "actions": 5,
		"gamma": 0.9, "judge": {"kind": "noiseless"},
		"pairs": [{"a": {"cells": [0, 1, 6], "actions": ["right", "down"]}, "b": {"cells": [0, 5], "actions": ["down"]}, "p": 1}]}`
	if _, err := prefs.ParseLabels([]byte(good), g); err != nil {
		t.Fatalf("good file: %v", err)
	}
	edit := func(from, to string) string {
		if !strings.Contains(good, from) {
			t.Fatalf("%q is not in the file", from)
		}
		return strings.Replace(good, from, to, 1)
	}
	for _, c := range []struct {
		name, file string
		want       string
	}{
		{"unknown field", edit(`"gamma": 0.9`, `"gamma": 0.9, "gama": 1`), `unknown field "gama"`},
		{"unknown pair field", edit(`"p": 1`, `"p": 1, "q": 0`), `unknown field "q"`},
		{"format", edit(`"bellman-prefs"`, `"bellman-world"`), `format is "bellman-world"`},
		{"version", edit(`"version": 1`, `"version": 2`), "version 2; this build reads version 1"},
		{"world", edit(`"world": "zhao-5x5"`, `"world": "maze-10x10"`), `for world "maze-10x10", not "zhao-5x5"`},
		{"shape", edit(`"rows": 5`, `"rows": 4`), "4x5 world with 5 actions"},
		{"actions", edit(`"actions": 5`, `"actions": 4`), "with 4 actions"},
		{"type", edit(`"p": 1`, `"p": "a"`), `field "pairs.p" should be float64`},
		{"label", edit(`"p": 1`, `"p": 1.5`), "pair 0: label p 1.5 is outside [0, 1]"},
		{"judge", edit(`"noiseless"`, `"oracle"`), `unknown judge "oracle"`},
		{"beta missing", edit(`{"kind": "noiseless"}`, `{"kind": "bradley-terry"}`), "bradley-terry needs a beta"},
		{"beta unwanted", edit(`{"kind": "noiseless"}`, `{"kind": "noiseless", "beta": 2}`), "noiseless takes no beta"},
		{"beta range", edit(`{"kind": "noiseless"}`, `{"kind": "expected", "beta": -1}`), "judge beta -1 is outside"},
		{"gamma", edit(`"gamma": 0.9`, `"gamma": 1`), "gamma 1 is outside [0, 1)"},
		{"cell outside", edit(`[0, 1, 6]`, `[0, 1, 60]`), "pair 0 a: cell 60 (step 2) is outside the 5x5 grid"},
		{"impossible step", edit(`[0, 1, 6]`, `[0, 1, 7]`), "pair 0 a: step 1: down from cell (0,1) cannot reach cell (1,2)"},
		{"cells and actions", edit(`[0, 1, 6]`, `[0, 1]`), "pair 0 a: 2 cells for 2 actions, want 3"},
		{"no steps", edit(`{"cells": [0, 5], "actions": ["down"]}`, `{"cells": [0], "actions": []}`), "pair 0 b: no steps"},
		{"action", edit(`["down"]`, `["north"]`), `pair 0 b: step 0: unknown action "north"`},
		{"reference shape", edit(`"pairs"`, `"reference": [[[1, 0, 0, 0, 0]]], "pairs"`), "reference: 1 rows, the world has 5"},
		{"trailing", good + `{}`, "unexpected data after the JSON object"},
		{"not JSON", `{"format": `, "labels file:"},
		{"empty", ``, "labels file:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := prefs.ParseLabels([]byte(c.file), g)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line containing %q", err, c.want)
			}
		})
	}
	// Another world of the same name but another shape.
	if _, err := prefs.ParseLabels([]byte(strings.ReplaceAll(good, "zhao-5x5", "cliff-4x12")), cliff); err == nil ||
		!strings.Contains(err.Error(), `"cliff-4x12" is 4x12 with 4`) {
		t.Errorf("cliff: %v", err)
	}
	// A trajectory that goes on past an episodic world's terminal cell.
	term := `{"format": "bellman-prefs", "version": 1, "world": "cliff-4x12", "rows": 4, "cols": 12, "actions": 4,
		"gamma": 0.9, "judge": {"kind": "person"},
		"pairs": [{"a": {"cells": [35, 47, 47], "actions": ["down", "up"]}, "b": {"cells": [35, 47], "actions": ["down"]}, "p": 0}]}`
	if _, err := prefs.ParseLabels([]byte(term), cliff); err == nil || !strings.Contains(err.Error(), "goes on from the terminal cell (3,11)") {
		t.Errorf("terminal: %v", err)
	}
	// Too large (the reader's cap is tested in limit_test.go).
	big := make([]byte, prefs.MaxLabelsBytes+1)
	if _, err := prefs.ParseLabels(big, g); err == nil || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Errorf("big: %v", err)
	}
}

// Parsing never panics; whatever it accepts is valid and writes back to a
// file it reads the same.
func FuzzParseLabels(f *testing.F) {
	g := build(f, zhao5x5)
	l := generate(f, g, nil, prefs.Judge{Kind: prefs.BradleyTerry, Beta: 1}, 3, 3, 1)
	var buf bytes.Buffer
	if err := l.Encode(&buf, g); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format": "bellman-prefs", "version": 1, "world": "zhao-5x5", "rows": 5, "cols": 5, "actions": 5, "gamma": 0.5, "judge": {"kind": "person"}, "pairs": []}`))
	f.Add([]byte(`{"format": "bellman-prefs", "version": 1, "world": "zhao-5x5", "rows": 5, "cols": 5, "actions": 5, "gamma": 0, "judge": {"kind": "expected", "beta": 1e6},
		"reference": [[[1,0,0,0,0],[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,1]],[[],[],[],[],[]]], "pairs": [{"a": {"cells": [24, 24], "actions": ["stay"]}, "b": {"cells": [24, 19], "actions": ["up"]}, "p": 0.25, "person": true}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := prefs.ParseLabels(data, g)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error of several lines: %q", err)
			}
			return
		}
		if err := l.Validate(g); err != nil {
			t.Fatalf("accepted an invalid set: %v", err)
		}
		var out bytes.Buffer
		if err := l.Encode(&out, g); err != nil {
			t.Fatal(err)
		}
		back, err := prefs.ParseLabels(out.Bytes(), g)
		if err != nil {
			t.Fatalf("cannot read back what it wrote: %v", err)
		}
		var again bytes.Buffer
		back.Encode(&again, g)
		if !bytes.Equal(out.Bytes(), again.Bytes()) {
			t.Fatal("a second round trip changed the file")
		}
		if !json.Valid(out.Bytes()) {
			t.Fatal("wrote invalid JSON")
		}
	})
}
