// Package save holds the file format in which Bellman saves a run, so that
// the page and the CLI (bellman train --save, --load) read and write the
// same files. A save file is one versioned JSON document:
//
//	{"format": "bellman-agent", "version": 1, "kind": "learn",
//	 "setup": {"world": {...the world file...}, "method": "qlearning",
//	           "params": {"alpha": 0.1, "gamma": 0.9, ...}, "seed": 1},
//	 "state": {...}}
//
// The setup rebuilds the run (the world or task, the method, every
// parameter's value, the seed); the state is what the run has learned and
// where it is: tables, network weights with their optimizers' moments, the
// episode in progress, the histories the charts draw and the states of the
// random streams (PCG's MarshalBinary, as base64), so that a loaded run
// continues bit for bit as the one that was not interrupted would have.
// Each session kind declares its state in package session; the agents'
// parts are in their packages (agent.State, nn.OptimState, ddpg.State).
//
// Numbers are written by encoding/json, which writes the shortest decimal
// that reads back as the same float64: the round trip is exact. Files are
// refused, with a one-line message naming the problem, when they are not
// Bellman save files, are of another version or kind, are larger than
// MaxBytes, have fields the reader does not know, or hold tables and
// networks of another shape than their setup builds.
package save
