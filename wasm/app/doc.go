// Package app is the ebiten game behind Bellman's page. Update applies the
// page's queued commands and runs as many sweeps or steps as the speed asks
// and the frame budget allows; Draw only reads snapshots. The page talks to
// the game through a small bridge (bridge_js.go) that queues commands and
// returns the published status as JSON.
package app
