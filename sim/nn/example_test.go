package nn_test

import (
	"math/rand/v2"

	"bellman/sim/nn"
)

// A regression step: forward, loss, backward, optimizer step.
func Example() {
	net, err := nn.New(nn.DefaultConfig(4, 1), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	opt, err := nn.NewOptimizer(nn.DefaultOptimConfig(), len(net.Params()))
	if err != nil {
		panic(err)
	}
	const batch = 32
	x := make([]float64, batch*4) // inputs, row-major
	y := make([]float64, batch)   // targets
	dOut := make([]float64, batch)
	for step := 0; step < 100; step++ {
		out := net.Forward(x, batch)
		nn.MSE(dOut, out, y)
		net.ZeroGrad()
		net.Backward(dOut)
		opt.Step(net.Params(), net.Grads())
	}
}

// The DDPG actor update: push ∂Q/∂a from the critic, whose input is
// [state, action], back through the actor; then move the target networks.
func ExampleMLP_BackwardInput() {
	const states, actions, batch = 3, 1, 64
	rng := rand.New(rand.NewPCG(1, 2))
	actorCfg := nn.DefaultConfig(states, actions)
	actorCfg.Output = nn.Tanh // bounded actions
	actorCfg.FinalInit = 3e-3 // as in the DDPG paper
	actor, _ := nn.New(actorCfg, rng)
	critic, _ := nn.New(nn.DefaultConfig(states+actions, 1), rng)
	actorTarget, criticTarget := actor.Clone(), critic.Clone()
	actorOpt, _ := nn.NewOptimizer(nn.DefaultOptimConfig(), len(actor.Params()))

	s := make([]float64, batch*states)
	sa := make([]float64, batch*(states+actions))
	dQ := make([]float64, batch)
	dA := make([]float64, batch*actions)

	a := actor.Forward(s, batch)
	for r := 0; r < batch; r++ {
		copy(sa[r*(states+actions):], s[r*states:(r+1)*states])
		copy(sa[r*(states+actions)+states:], a[r*actions:(r+1)*actions])
	}
	critic.Forward(sa, batch)
	for i := range dQ {
		dQ[i] = -1.0 / batch // maximise the mean of Q: minimise −Q/batch
	}
	dSA := critic.BackwardInput(dQ) // ∂(−mean Q)/∂[s, a], critic grads untouched
	for r := 0; r < batch; r++ {
		copy(dA[r*actions:(r+1)*actions], dSA[r*(states+actions)+states:])
	}
	actor.ZeroGrad()
	actor.Backward(dA)
	actorOpt.Step(actor.Params(), actor.Grads())

	nn.SoftUpdate(actorTarget.Params(), actor.Params(), 0.005)
	nn.SoftUpdate(criticTarget.Params(), critic.Params(), 0.005)
}
