// Package nn provides small multi-layer perceptrons (MLPs) over float64 for
// deep reinforcement learning in the browser: batched forward and backward
// passes into preallocated buffers, parameters and gradients in one flat
// slice each, losses, and optimizers with PyTorch's semantics.
//
// # Layout
//
// A network with Sizes {n0, n1, ..., nL} has L linear layers. Layer l maps
// n_l inputs to n_{l+1} outputs: z = x·Wᵀ + b, then y = act(z). The flat
// parameter slice holds W0, b0, W1, b1, ... in that order, each W row-major
// as out×in, exactly like the state_dict of a torch.nn.Sequential of Linear
// layers. The gradient slice has the same layout. Batches are row-major:
// row r of a batch×n matrix is x[r*n : (r+1)*n].
//
// # Training step
//
//	out := net.Forward(x, batch)          // view of an internal buffer
//	loss := nn.MSE(dOut, out, target)     // dOut: caller-owned buffer
//	net.ZeroGrad()
//	net.Backward(dOut)                    // accumulates net.Grads()
//	opt.Step(net.Params(), net.Grads())
//
// None of these allocate once the buffers have grown to the largest batch.
//
// # Reproducibility
//
// Randomness comes only from the *rand.Rand passed to New. The exponential,
// tanh and erf used by the activations are computed by this package from
// math.Expm1, math.Log1p, math.Ldexp and math.Sqrt, which are pure Go on
// both amd64 and WebAssembly, because math.Exp has an amd64 assembly version
// whose results differ from the pure Go one used under WebAssembly. So a
// seeded run gives bit-identical results natively on amd64 (the default
// GOAMD64=v1) and under WebAssembly (TestDeterminism). Builds whose compiler
// fuses multiply-adds (GOAMD64=v3, arm64) compile this package and Go's math
// package differently and may differ in the last bits.
//
// # Speed
//
// All matrix products go through one 2×4 register-blocked kernel over flat
// slices: under WebAssembly it is about 2.7× faster than gonum's Gemm
// (BenchmarkKernel), natively about 1.3× slower, and one code path keeps
// native and browser results identical. See BenchmarkUpdate.
package nn
