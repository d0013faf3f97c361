package ddpg_test

import (
	"fmt"

	"bellman/sim/control"
	"bellman/sim/ddpg"
)

// Train TD3 on Pendulum with the browser defaults and print each
// episode's return.
func Example() {
	env, err := control.New("pendulum")
	if err != nil {
		panic(err)
	}
	tr, err := ddpg.NewTrainer(env, ddpg.DefaultConfig(ddpg.TD3), 1)
	if err != nil {
		panic(err)
	}
	for tr.Steps() < 20_000 {
		if tr.Step().EpisodeDone {
			e := tr.Last()
			fmt.Printf("episode %d ended at step %d: return %.1f\n", e.Index, e.Steps, e.Return)
		}
	}
}
