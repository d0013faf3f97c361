// Package sim is the root of Bellman's simulation core: environments,
// agents, networks, the parameter schema and the session. Everything under
// sim/ is pure Go over the standard library and gonum, so it builds and tests
// the same natively and as WebAssembly; purity_test.go enforces that.
package sim
