package grid

import (
	"fmt"
	"math"
)

// CheckOverflow reports a reward of the model so large that computing with
// discount gamma overflows a float64. Values reach |r|/(1−γ) for the
// largest |r| of an outcome; updates that subtract values (a TD error
// r + γq' − q) reach 2|r|/(1−γ). factor is that multiple: 1 for planning,
// 2 for learning. The error names the reward, e.g. "reward r_target =
// 1e+308 makes v(s) overflow at γ 0.9: ...".
func (g *Model) CheckOverflow(gamma, factor float64) error {
	m := g.Model
	worst := 0.0
	for i, r := range m.Reward {
		if m.Prob[i] > 0 && math.Abs(r) > worst {
			worst = math.Abs(r)
		}
	}
	limit := math.MaxFloat64 * (1 - gamma) / factor
	if worst <= limit {
		return nil
	}
	rw := g.World.Rewards
	name := "a reward"
	for _, c := range []struct {
		key string
		v   float64
	}{{"r_target", rw.Target}, {"r_forbidden", rw.Forbidden}, {"r_boundary", rw.Boundary}, {"r_other", rw.Other}, {"r_cliff", rw.Cliff}} {
		if math.Abs(c.v) == worst {
			name = fmt.Sprintf("reward %s = %g", c.key, c.v)
			break
		}
	}
	what, reach := "v(s)", "|v(s)| reaches |r|/(1−γ)"
	if factor != 1 {
		what, reach = "the learning updates", fmt.Sprintf("values and TD errors reach %g·|r|/(1−γ)", factor)
	}
	return fmt.Errorf("%s makes %s overflow at γ %g: %s, so |r| must stay below %.3g", name, what, gamma, reach, limit)
}
