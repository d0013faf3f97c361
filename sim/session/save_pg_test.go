package session

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"bellman/sim/pg"
)

func pgBytes(t testing.TB, p *PG) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := p.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A policy-gradient run saved mid-episode and loaded continues bit for bit:
// after M more steps both runs save the same bytes and show the same
// snapshot, for every method, in a slippery world, after a parameter
// changed mid-run.
func TestPGSaveContinuesExactly(t *testing.T) {
	for _, m := range pg.Methods {
		t.Run(m.Key, func(t *testing.T) {
			const N, M = 1333, 1777 // episodes are 100 steps long: N ends mid-episode
			straight, err := NewPG(builtin(t, "zhao-5x5"), m.Key, 4)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := straight.Set("slip", 0.1); err != nil {
				t.Fatal(err)
			}
			straight.StepN(N / 2)
			if _, err := straight.Set("r-other", -0.01); err != nil {
				t.Fatal(err)
			}
			straight.StepN(N - N/2)
			file := pgBytes(t, straight)
			straight.StepN(M)
			resumed, err := OpenPG(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			if resumed.Steps() != N {
				t.Fatalf("loaded run has %d steps, want %d", resumed.Steps(), N)
			}
			resumed.StepN(M)
			if d := firstDiff(pgBytes(t, straight), pgBytes(t, resumed)); d != "" {
				t.Errorf("save files differ after %d more steps: %s", M, d)
			}
			var sa, sb PGSnapshot
			straight.Snapshot(&sa)
			resumed.Snapshot(&sb)
			sb.Version, sb.Run = sa.Version, sa.Run
			if !reflect.DeepEqual(sa, sb) {
				t.Errorf("snapshots differ after %d more steps", M)
			}
		})
	}
}

// Load refuses a file for another world or kind, or one whose tables do not
// fit, and leaves the session unchanged.
func TestPGLoadRefuses(t *testing.T) {
	src, err := NewPG(builtin(t, "zhao-5x5"), "a2c", 1)
	if err != nil {
		t.Fatal(err)
	}
	src.StepN(150)
	good := string(pgBytes(t, src))
	i := strings.Index(good, `"h":[`) + len(`"h":[`)
	short := good[:i] + good[i+strings.IndexByte(good[i:], ',')+1:]
	for _, c := range []struct{ name, file, world, want string }{
		{"another world", good, "cliff-4x12", `it is for world "zhao-5x5", not "cliff-4x12"`},
		{"kind", strings.Replace(good, `"kind":"pg"`, `"kind":"learn"`, 1), "zhao-5x5", "holds a learn run, not a pg run"},
		{"shape", short, "zhao-5x5", "h has 124 values, the world and method need 125"},
		{"unknown field", strings.Replace(good, `"trainer":{`, `"trainer":{"x":1,`, 1), "zhao-5x5", `unknown field "x"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := NewPG(builtin(t, c.world), "reinforce", 2)
			if err != nil {
				t.Fatal(err)
			}
			p.StepN(20)
			before := pgBytes(t, p)
			if err := p.Load(strings.NewReader(c.file)); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load: %v, want %q", err, c.want)
			}
			if !bytes.Equal(pgBytes(t, p), before) {
				t.Error("a refused load changed the session")
			}
		})
	}
}

// Whatever bytes it is given, OpenPG returns an error or a session that
// steps.
func FuzzOpenPG(f *testing.F) {
	for _, m := range []string{"reinforce-baseline", "qac", "offpolicy-ac"} {
		p, err := NewPG(builtin(f, "zhao-2x2"), m, 1)
		if err != nil {
			f.Fatal(err)
		}
		p.StepN(33)
		f.Add(pgBytes(f, p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := OpenPG(bytes.NewReader(data))
		if err != nil {
			return
		}
		p.StepN(50)
		var s PGSnapshot
		p.Snapshot(&s)
	})
}
