// Package tabular declares what a tabular method can show: state values,
// action values and a policy, each written into a caller's buffer. The
// renderer type-asserts these small interfaces and never reaches into a
// method's internals.
package tabular

// StateValuer has state values v(s), len S.
type StateValuer interface {
	StateValues(dst []float64) []float64
}

// ActionValuer has action values q(s,a), len S*A, row s holding the actions in order.
type ActionValuer interface {
	ActionValues(dst []float64) []float64
}

// Policy has action probabilities π(a|s), len S*A.
type Policy interface {
	ActionProbs(dst []float64) []float64
}
