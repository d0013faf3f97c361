// Package app is the ebiten game behind Bellman's page. It steps nothing:
// the runs live in hosts (Web Workers, see wasm/worker and package client),
// and the game draws the newest snapshot of the run on screen with the
// renderers of package scene. The page talks to the game through a small
// bridge (bridge_js.go) that queues requests and returns the status as JSON.
package app
