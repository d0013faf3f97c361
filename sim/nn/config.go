package nn

import (
	"errors"
	"fmt"
	"math"
)

// Init is a weight initialisation scheme. Each draws from the *rand.Rand
// given to New, layer by layer, all weights (row-major) before the biases.
type Init int

const (
	// InitDefault is PyTorch's default for nn.Linear: weights and biases
	// uniform in ±1/√fan_in.
	InitDefault Init = iota
	// InitXavier is Glorot/Xavier uniform: weights in ±√(6/(fan_in+fan_out)),
	// biases zero.
	InitXavier
	// InitHe is He/Kaiming uniform for ReLU (gain √2): weights in
	// ±√(6/fan_in), biases zero.
	InitHe
	numInits
)

var initNames = [numInits]string{"default", "xavier", "he"}

// InitNames returns the names of the schemes, indexed by Init.
func InitNames() []string { return append([]string(nil), initNames[:]...) }

// Valid reports whether i is one of the declared schemes.
func (i Init) Valid() bool { return i >= 0 && i < numInits }

// String returns the scheme's name, e.g. "xavier".
func (i Init) String() string {
	if !i.Valid() {
		return fmt.Sprintf("Init(%d)", int(i))
	}
	return initNames[i]
}

// ParseInit returns the scheme with the given name.
func ParseInit(name string) (Init, error) {
	for i, n := range initNames {
		if n == name {
			return Init(i), nil
		}
	}
	return 0, fmt.Errorf("nn: unknown init %q", name)
}

// MarshalText writes the scheme's name.
func (i Init) MarshalText() ([]byte, error) {
	if !i.Valid() {
		return nil, fmt.Errorf("nn: invalid init %d", int(i))
	}
	return []byte(initNames[i]), nil
}

// UnmarshalText reads a scheme's name.
func (i *Init) UnmarshalText(text []byte) error {
	v, err := ParseInit(string(text))
	if err != nil {
		return err
	}
	*i = v
	return nil
}

// Limits checked by Validate, so that a bad configuration is an error
// rather than an enormous allocation.
const (
	MaxWidth  = 1 << 14 // largest layer size
	MaxParams = 1 << 24 // largest number of parameters
)

// Config describes a multi-layer perceptron.
type Config struct {
	// Sizes are the layer widths: inputs, hidden layers..., outputs.
	Sizes []int `json:"sizes"`
	// Hidden is the activation after every hidden layer.
	Hidden Activation `json:"hidden"`
	// Output is the activation after the last layer, e.g. Tanh for bounded actions.
	Output Activation `json:"output"`
	// Init is the initialisation scheme.
	Init Init `json:"init"`
	// FinalInit, when positive, draws the last layer's weights and biases
	// uniformly in ±FinalInit instead (the DDPG paper uses 3e-3).
	FinalInit float64 `json:"final_init"`
	// LeakySlope is LeakyReLU's slope for negative inputs.
	LeakySlope float64 `json:"leaky_slope"`
}

// DefaultConfig returns a network with two hidden layers of 64 ReLU units,
// an identity output, PyTorch's default initialisation and LeakyReLU slope
// 0.01.
func DefaultConfig(inputs, outputs int) Config {
	return Config{
		Sizes:      []int{inputs, 64, 64, outputs},
		Hidden:     ReLU,
		Output:     Identity,
		Init:       InitDefault,
		LeakySlope: 0.01,
	}
}

// Validate reports the first problem with c.
func (c Config) Validate() error {
	if len(c.Sizes) < 2 {
		return errors.New("nn: Sizes needs at least an input and an output size")
	}
	for i, n := range c.Sizes {
		if n < 1 || n > MaxWidth {
			return fmt.Errorf("nn: Sizes[%d] = %d is outside [1, %d]", i, n, MaxWidth)
		}
	}
	if n := numParams(c.Sizes); n > MaxParams {
		return fmt.Errorf("nn: %d parameters exceed the limit of %d", n, MaxParams)
	}
	if !c.Hidden.Valid() {
		return fmt.Errorf("nn: invalid hidden activation %d", int(c.Hidden))
	}
	if !c.Output.Valid() {
		return fmt.Errorf("nn: invalid output activation %d", int(c.Output))
	}
	if !c.Init.Valid() {
		return fmt.Errorf("nn: invalid init %d", int(c.Init))
	}
	if !(c.FinalInit >= 0) || math.IsInf(c.FinalInit, 0) {
		return fmt.Errorf("nn: FinalInit = %v must be finite and ≥ 0", c.FinalInit)
	}
	if math.IsNaN(c.LeakySlope) || math.IsInf(c.LeakySlope, 0) {
		return fmt.Errorf("nn: LeakySlope = %v must be finite", c.LeakySlope)
	}
	return nil
}

// clone returns c with its own copy of Sizes.
func (c Config) clone() Config {
	c.Sizes = append([]int(nil), c.Sizes...)
	return c
}

// numParams counts the weights and biases of a network with these sizes.
func numParams(sizes []int) int {
	n := 0
	for l := 0; l+1 < len(sizes); l++ {
		n += (sizes[l] + 1) * sizes[l+1]
	}
	return n
}
