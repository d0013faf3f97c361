// Package control holds continuous-state control environments with
// Gymnasium's semantics: Pendulum-v1, MountainCarContinuous-v0, CartPole-v1
// (with a continuous force and the discrete left/right action),
// MountainCar-v0 (three discrete pushes), Acrobot-v1, and a point mass in
// the unit square, the continuous cousin of the book's grid world.
//
// An Env is stepped with caller-owned buffers and allocates nothing. Step
// returns the reward and whether the episode terminated (a true end, after
// which the value of the next state is zero); time limits are a TimeLimit
// wrapper's job, which reports truncation separately so that agents
// bootstrap on truncated steps.
//
// The Gymnasium environments follow its step functions operation by
// operation, including the float32 rounding that Gymnasium applies:
// observations are float32 values (stored in float64), Pendulum and
// CartPole keep a float64 internal state, and MountainCarContinuous stores
// its state as float32 after every step, with the intermediate float32
// arithmetic that NumPy 2 performs on it. MountainCar-v0 keeps a float64
// state; Acrobot-v1 starts from a float32 state and computes in float64.
// Actions are taken as float64 values, as if passed to Gymnasium in a
// float64 array.
//
// Discrete environments (cartpole-discrete, mountaincar-discrete, acrobot)
// implement Discrete: the action is one number, the index of the chosen
// action.
//
// Every environment names a plane through its state space (Plane,
// PlaneObs, PlanePoint) over which a page draws value and policy heatmaps.
package control
