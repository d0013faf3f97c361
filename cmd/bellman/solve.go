package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"bellman/sim/dp"
	"bellman/sim/dp/exact"
	"bellman/sim/grid"
	"bellman/sim/param"
	"bellman/sim/strictjson"
)

// maxSweeps bounds a solve that does not converge.
const maxSweeps = 1_000_000

// solution is the JSON that solve prints. Walls and cliff cells are null.
type solution struct {
	World      string       `json:"world"`
	Method     string       `json:"method"`
	Gamma      float64      `json:"gamma"`
	Values     [][]*float64 `json:"values"`
	Policy     [][]*string  `json:"policy"`
	Iterations int          `json:"iterations"`
	Sweeps     int          `json:"sweeps"`
	Delta      float64      `json:"delta"`
}

func runSolve(args []string, stdout io.Writer) error {
	if flagValue(args, "method") == "gradient" {
		return runGradient(args, stdout) // the exact policy gradient: pg.go
	}
	fs := newFlags("solve")
	world := fs.String("world", "", "built-in world name or world file")
	method := fs.String("method", "vi", "vi (value iteration), pi (policy iteration), tpi (truncated policy iteration), eval (iterative policy evaluation), closed (closed-form evaluation) or gradient (J and its exact policy gradient)")
	gamma := fs.Float64("gamma", 0.9, "discount γ in [0, 1)")
	tol := fs.Float64("tol", 1e-10, "stop when max |Δv| of a sweep is below this")
	j := fs.Int("j", 3, "evaluation sweeps per iteration of tpi")
	policyFile := fs.String("policy", "", "policy file to evaluate (eval, closed) or to start pi/tpi from")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	w, err := loadWorld(*world)
	if err != nil {
		return err
	}
	m, err := w.Build()
	if err != nil {
		return err
	}
	var policy []float64
	if *policyFile != "" {
		f, err := os.Open(*policyFile)
		if err != nil {
			return fmt.Errorf("cannot read policy file %s", strictjson.Short(*policyFile))
		}
		data, err := strictjson.ReadAll(f, grid.MaxPolicyFileBytes)
		f.Close()
		if err != nil {
			return fmt.Errorf("policy file %s: %v", *policyFile, err)
		}
		if policy, err = grid.ParsePolicy(data, m); err != nil {
			return fmt.Errorf("%s: %v", *policyFile, err)
		}
	} else if *method == "eval" || *method == "closed" {
		return fmt.Errorf("--method %s evaluates a given policy: add --policy FILE", *method)
	}

	cfg := dp.Config{Gamma: *gamma, Tol: *tol, J: *j}
	out := solution{World: w.Name, Method: *method, Gamma: *gamma}
	if *gamma >= 0 && *gamma < 1 { // else the method's own check says so
		if err := m.CheckOverflow(*gamma, 1); err != nil {
			return err
		}
	}
	var v []float64
	if *method == "closed" {
		if v, err = exact.Evaluate(nil, m.Model, policy, *gamma); err != nil {
			return err
		}
		out.Policy = policyNames(m, dp.Greedy(make([]int, m.S), m.Model, v, *gamma))
	} else {
		if cfg.Method, err = dp.ParseMethod(*method); err != nil {
			return err
		}
		s, err := dp.New(m.Model, cfg, policy)
		if err != nil {
			return err
		}
		if !runSolver(s, maxSweeps) {
			return fmt.Errorf("%s did not converge in %d sweeps (max |Δv| %g)", *method, s.Sweeps, s.Delta)
		}
		v = s.V
		out.Iterations, out.Sweeps, out.Delta = s.Iters, s.Sweeps, s.Delta
		if cfg.Method == dp.Evaluate {
			out.Iterations = s.Sweeps
		}
		out.Policy = policyNames(m, s.Greedy(make([]int, m.S)))
	}
	for st, x := range v {
		if !finite(x) {
			r, c := m.RowCol(st)
			return fmt.Errorf("v(s) of cell (%d,%d) became %s", r, c, param.Format(x))
		}
	}
	out.Values = cellValues(m, v)
	enc := json.NewEncoder(stdout)
	return enc.Encode(out)
}

// progressEvery is how often a long solve reports its progress on stderr.
var progressEvery = 2 * time.Second

// runSolver sweeps until s converges or has run maxSweeps sweeps in all,
// and reports whether it converged. Every progressEvery it writes a line
// to progress: the sweep, max |Δv| and, for the methods whose max |Δv|
// shrinks by a steady factor (vi, eval), how many more sweeps that factor
// needs to reach the tolerance.
func runSolver(s *dp.Solver, maxSweeps int) bool {
	start := time.Now()
	next := start.Add(progressEvery)
	lastSweeps, lastDelta := 0, 0.0
	for !s.Done && s.Sweeps < maxSweeps {
		s.Step()
		if now := time.Now(); !now.Before(next) {
			next = now.Add(progressEvery)
			line := fmt.Sprintf("solve: %s sweep %d of at most %d, max |Δv| %.3g after %.0f s", s.Method, s.Sweeps, maxSweeps, s.Delta, now.Sub(start).Seconds())
			if k := s.Sweeps - lastSweeps; lastSweeps > 0 && k > 0 && (s.Method == dp.ValueIteration || s.Method == dp.Evaluate) {
				rate := math.Pow(s.Delta/lastDelta, 1/float64(k)) // per sweep
				if more := math.Log(s.Tol/s.Delta) / math.Log(rate); rate > 0 && rate < 1 && finite(more) {
					n := fmt.Sprintf("%.3g", more)
					if more < 1e7 {
						n = strconv.Itoa(int(math.Ceil(more)))
					}
					line += fmt.Sprintf("; falling ×%.8g a sweep, about %s more to reach %g", rate, n, s.Tol)
					if float64(s.Sweeps)+more > float64(maxSweeps) {
						line += " (more than allowed: lower γ or raise --tol)"
					}
				}
			}
			fmt.Fprintln(progress, line)
			lastSweeps, lastDelta = s.Sweeps, s.Delta
		}
	}
	return s.Done
}

func cellValues(m *grid.Model, v []float64) [][]*float64 {
	w := &m.World
	rows := make([][]*float64, w.Rows)
	for r := range rows {
		rows[r] = make([]*float64, w.Cols)
		for c := range rows[r] {
			if s := m.StateAt(r, c); s >= 0 {
				x := v[s]
				rows[r][c] = &x
			}
		}
	}
	return rows
}

func policyNames(m *grid.Model, actions []int) [][]*string {
	w := &m.World
	rows := make([][]*string, w.Rows)
	for r := range rows {
		rows[r] = make([]*string, w.Cols)
		for c := range rows[r] {
			if s := m.StateAt(r, c); s >= 0 {
				name := grid.ActionNames[actions[s]]
				rows[r][c] = &name
			}
		}
	}
	return rows
}
