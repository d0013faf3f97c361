//go:build !js

package client

import (
	"bellman/assets"
	"bellman/record/tfrecord"
	"bellman/sim/host"
)

// Where is where this build hosts its runs.
const Where = "in-process"

// Open starts a host in a goroutine (the native stand-in for a Web
// Worker), over the same messages.
func Open(deliver func(msg []byte, err error)) (Port, error) {
	lib := assets.Library()
	lib.Trajectories = tfrecord.HostSteps
	h, err := host.New(lib)
	if err != nil {
		return nil, err
	}
	l := host.NewLocal(h)
	go func() {
		for msg := range l.Messages() {
			deliver(msg, nil)
		}
	}()
	return l, nil
}
