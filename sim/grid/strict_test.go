package grid_test

import (
	"strings"
	"testing"

	"bellman/sim/grid"
)

// Files are read strictly: a key given twice, data after the object, a
// file or a name over its limit are errors that say so; a character that is
// not a cell is shown as itself, and columns count characters.
func TestParseStrict(t *testing.T) {
	big := `{"layout": ["T"], "name": "` + strings.Repeat("x", grid.MaxWorldFileBytes) + `"}`
	for _, tc := range []struct{ src, want string }{
		{`{"layout": ["T"], "layout": ["T."]}`, `key "layout" appears twice`},
		{`{"layout": ["T"], "rewards": {"target": 1, "other": 0, "target": 5}}`, `key "target" appears twice in "rewards"`},
		{`{"layout": ["T"], "Layout": ["T."]}`, `key "Layout" appears twice`}, // encoding/json matches fields ignoring case
		{`{"layout": ["T"]} x`, "unexpected data"},
		{`{"layout": ["T"]}]`, "unexpected data"},
		{`{"layout": ["..é", "..T"]}`, `layout row 0 col 2: unknown cell 'é'`},
		{`{"layout": ["é.T", "..."]}`, `layout row 0 col 0: unknown cell 'é'`},
		{`{"layout": ["...", "..T", ".."]}`, "row 2 has 2 cells, row 0 has 3"},
		{`{"layout": ["T"], "name": "` + strings.Repeat("n", grid.MaxNameBytes+1) + `"}`, "name is 201 bytes long, more than the limit of 200"},
		{big, "more than the limit of 1 MiB (1048576 bytes)"},
	} {
		_, err := grid.Parse([]byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") || len(err.Error()) > 300 {
			t.Errorf("%.80s: error %.300v, want one short line with %q", tc.src, err, tc.want)
		}
	}
	// At the limits it is accepted: a name of 200 bytes, a 200x200 layout.
	row := `"` + strings.Repeat(".", grid.MaxSide) + `"`
	rows := strings.Repeat(row+",", grid.MaxSide-1) + `"T` + strings.Repeat(".", grid.MaxSide-1) + `"`
	w, err := grid.Parse([]byte(`{"name": "` + strings.Repeat("é", grid.MaxNameBytes/2) + `", "layout": [` + rows + `]}`))
	if err != nil || w.Rows != grid.MaxSide || w.Cols != grid.MaxSide {
		t.Errorf("200x200 world with a 200-byte name: %v", err)
	}
	// "é." is two cells, not three bytes.
	if _, err := grid.Parse([]byte(`{"layout": ["T.", "é."]}`)); err == nil || !strings.Contains(err.Error(), "row 1 col 0: unknown cell 'é'") {
		t.Errorf("é in a row of two cells: %v", err)
	}
}

func TestParsePolicyStrict(t *testing.T) {
	m := mustBuild(t, `{"layout": [".T"]}`)
	for _, tc := range []struct{ src, want string }{
		{`{"policy": [["right", "stay"]]} {"policy": []}`, "unexpected data"},
		{`{"policy": [["right", "stay"]]}x`, "unexpected data"},
		{`{"policy": [["right", "stay"]], "policy": [["up", "up"]]}`, `key "policy" appears twice`},
		{`{"policy": [["` + strings.Repeat("a", 1000) + `", "stay"]]}`, `unknown action "aaaa`},
		{`{"policy": "` + strings.Repeat("a", grid.MaxPolicyFileBytes) + `"}`, "more than the limit of 16 MiB"},
	} {
		_, err := grid.ParsePolicy([]byte(tc.src), m)
		if err == nil || !strings.Contains(err.Error(), tc.want) || len(err.Error()) > 200 {
			t.Errorf("%.60s: error %.300v, want a short line with %q", tc.src, err, tc.want)
		}
	}
}

// |v(s)| reaches max|r|/(1−γ): at γ 0.9 a reward of 1e308 overflows
// (1e309), 1e307 does not (1e308 < 1.797e308) but does when differences of
// values count (2e308); a huge reward no outcome pays (a cliff reward
// without cliffs) is harmless.
func TestCheckOverflow(t *testing.T) {
	for _, tc := range []struct {
		src    string
		gamma  float64
		factor float64
		want   string // "" for no error
	}{
		{`{"layout": [".T"], "rewards": {"target": 1e308}}`, 0.9, 1, "reward r_target = 1e+308 makes v(s) overflow at γ 0.9"},
		{`{"layout": [".T"], "rewards": {"target": 1e307}}`, 0.9, 1, ""},
		{`{"layout": [".T"], "rewards": {"target": 1e307}}`, 0.9, 2, "reward r_target = 1e+307 makes the learning updates overflow"},
		{`{"layout": [".T"], "rewards": {"boundary": -1e300}}`, 0.99, 1, ""},
		{`{"layout": [".T"], "rewards": {"boundary": -1e300}}`, 1 - 1e-9, 1, "reward r_boundary = -1e+300"},
		{`{"layout": [".T"], "rewards": {"cliff": 1e308}}`, 0.9, 2, ""},
		{`{"layout": ["T"], "rewards": {"other": 1e308}}`, 0.5, 1, ""}, // a single target cell never pays r_other
	} {
		m := mustBuild(t, tc.src)
		err := m.CheckOverflow(tc.gamma, tc.factor)
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s γ %v ×%v: %v, want %q", tc.src, tc.gamma, tc.factor, err, tc.want)
		}
	}
}
