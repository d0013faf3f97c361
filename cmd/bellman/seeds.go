package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// maxSeeds bounds the runs of one --seeds.
const maxSeeds = 64

// runTrainSeeds runs `train` once per seed of --seeds (a range "1-8" or a
// list "1,2,7"), up to --parallel at a time (the cores, by default), each
// in its own goroutine with its own session, and prints one CSV with a
// seed column first, or with --json one document holding each seed's run
// and, for every number of the runs' final summaries, its mean, min and
// max over the seeds. A seed's run is the run `train --seed S` prints.
func runTrainSeeds(args []string, stdout io.Writer) error {
	var rest []string
	seedsText, parallel := "", runtime.NumCPU()
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "seeds" && name != "parallel") {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return fmt.Errorf("--%s needs a value", name)
			}
			i++
			val = args[i]
		}
		if name == "seeds" {
			seedsText = val
			continue
		}
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > maxSeeds {
			return fmt.Errorf("--parallel %q is not a number of runs from 1 to %d", val, maxSeeds)
		}
		parallel = n
	}
	if hasFlag(rest, "seed") {
		return fmt.Errorf("--seeds and --seed: give one of them")
	}
	seeds, err := parseSeedList(seedsText)
	if err != nil {
		return err
	}
	jsonOut := hasFlag(rest, "json")
	outs := make([]bytes.Buffer, len(seeds))
	errs := make([]error, len(seeds))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, s := range seeds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = runTrain(append(slices.Clone(rest), "--seed", strconv.FormatUint(s, 10)), &outs[i])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("seed %d: %v", seeds[i], err)
		}
	}
	if jsonOut {
		return mergeJSON(stdout, seeds, outs)
	}
	return mergeCSV(stdout, seeds, outs)
}

// parseSeedList reads "1-8" or "1,2,7" (ranges and lists may mix).
func parseSeedList(text string) ([]uint64, error) {
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("--seeds needs seeds, e.g. 1-8 or 1,2,7")
	}
	var out []uint64
	for _, part := range strings.Split(text, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.ParseUint(strings.TrimSpace(lo), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--seeds %q: %q is not a seed", text, part)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(strings.TrimSpace(hi), 10, 64); err != nil || b < a {
				return nil, fmt.Errorf("--seeds %q: %q is not a range of seeds", text, part)
			}
		}
		for s := a; ; s++ {
			if !slices.Contains(out, s) {
				if len(out) == maxSeeds {
					return nil, fmt.Errorf("--seeds %q: more than %d seeds", text, maxSeeds)
				}
				out = append(out, s)
			}
			if s == b {
				break
			}
		}
	}
	return out, nil
}

// mergeCSV prints the runs' CSVs as one, the seed first on every row.
func mergeCSV(w io.Writer, seeds []uint64, outs []bytes.Buffer) error {
	var header string
	var b strings.Builder
	for i, out := range outs {
		lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
		if len(lines) == 0 {
			continue
		}
		if header == "" {
			header = lines[0]
			b.WriteString("seed," + header + "\n")
		} else if lines[0] != header {
			return fmt.Errorf("seed %d printed other columns (%q, not %q)", seeds[i], lines[0], header)
		}
		for _, l := range lines[1:] {
			if l != "" {
				b.WriteString(strconv.FormatUint(seeds[i], 10) + "," + l + "\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mergeJSON prints {"seeds": [...], "runs": [each run's document],
// "aggregate": {key: {"mean", "min", "max"}}} over the numbers of each
// run's "final" summary.
func mergeJSON(w io.Writer, seeds []uint64, outs []bytes.Buffer) error {
	runs := make([]json.RawMessage, len(outs))
	values := map[string][]float64{}
	for i, out := range outs {
		runs[i] = json.RawMessage(bytes.TrimSpace(out.Bytes()))
		var doc struct {
			Final map[string]any `json:"final"`
		}
		if err := json.Unmarshal(runs[i], &doc); err != nil {
			return fmt.Errorf("seed %d: its JSON: %v", seeds[i], err)
		}
		for k, v := range doc.Final {
			if x, ok := v.(float64); ok {
				values[k] = append(values[k], x)
			}
		}
	}
	agg := map[string]map[string]float64{}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		xs := values[k]
		if len(xs) != len(outs) {
			continue // not every run has it
		}
		sum, lo, hi := 0.0, math.Inf(1), math.Inf(-1)
		for _, x := range xs {
			sum, lo, hi = sum+x, math.Min(lo, x), math.Max(hi, x)
		}
		agg[k] = map[string]float64{"mean": sum / float64(len(xs)), "min": lo, "max": hi}
	}
	data, err := json.MarshalIndent(map[string]any{"seeds": seeds, "runs": runs, "aggregate": agg}, "", " ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
