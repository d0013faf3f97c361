package dp_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"bellman/sim/dp"
)

// largeWorld returns an n×n world: forbidden cells scattered with a fixed
// seed (one in six), the target in the middle.
func largeWorld(n int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]string, n)
	for r := range rows {
		var b strings.Builder
		for c := 0; c < n; c++ {
			switch {
			case r == n/2 && c == n/2:
				b.WriteByte('T')
			case rng.IntN(6) == 0:
				b.WriteByte('F')
			default:
				b.WriteByte('.')
			}
		}
		rows[r] = b.String()
	}
	data, _ := json.Marshal(map[string]any{"layout": rows})
	return string(data)
}

func benchSweep(b *testing.B, src string, method dp.Method) {
	m := build(b, src)
	c := dp.Default()
	c.Method = method
	s, err := dp.New(m.Model, c, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Step()
		if s.Done {
			s.Reset()
		}
	}
}

func BenchmarkSweepVI5x5(b *testing.B)   { benchSweep(b, zhao5x5, dp.ValueIteration) }
func BenchmarkSweepVI50x50(b *testing.B) { benchSweep(b, largeWorld(50), dp.ValueIteration) }
func BenchmarkSweepPI50x50(b *testing.B) { benchSweep(b, largeWorld(50), dp.PolicyIteration) }

// A sweep of any method allocates nothing.
func TestSweepAllocs(t *testing.T) {
	m := build(t, largeWorld(20))
	for _, method := range []dp.Method{dp.ValueIteration, dp.PolicyIteration, dp.TruncatedPolicyIteration, dp.Evaluate} {
		c := dp.Default()
		c.Method = method
		s, err := dp.New(m.Model, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(50, s.Step); n != 0 {
			t.Errorf("%v: %v allocations per sweep", method, n)
		}
	}
}

// The 50x50 world used by the benchmarks is solvable and the methods agree.
func TestLargeWorld(t *testing.T) {
	m := build(t, largeWorld(50))
	vi := solve(t, m, dp.Default())
	c := dp.Default()
	c.Method = dp.PolicyIteration
	pi := solve(t, m, c)
	for st := range vi.V {
		if d := vi.V[st] - pi.V[st]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("v(%d): vi %v pi %v", st, vi.V[st], pi.V[st])
		}
	}
}
