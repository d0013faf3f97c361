// Package host runs one session for the page: it applies the commands of
// package proto, steps the session as the speed asks and fills snapshots
// of everything on screen. The page runs a host in a Web Worker (wasm/worker);
// natively a host runs in a goroutine behind the same byte messages
// (NewLocal), so tests and benchmarks take the browser's path.
//
// A host holds one run at a time: planning or a learning agent on a grid
// world, an actor-critic on a control task, or the stochastic-approximation
// lab. World and algorithm commands switch between them; lessons and
// setups start a run from a description. Every problem a command meets
// becomes a notice in the next snapshot, and a panic inside a run stops
// that run and is reported (Snapshot.Crashed), never the host.
package host
