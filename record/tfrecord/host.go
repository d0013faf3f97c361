package tfrecord

import (
	"fmt"

	"bellman/sim/host"
	"bellman/sim/proto"
)

// HostSteps encodes a host's recorded steps as a TFRecord file of
// tf.Examples: what the page downloads as trajectories (host.Library's
// Trajectories).
func HostSteps(steps []host.Step) (proto.File, error) {
	out := make([]Step, len(steps))
	for i, s := range steps {
		value := func(x []float64) Value {
			if !s.Discrete {
				return Floats(clone(x)...)
			}
			v := make([]int64, len(x))
			for j, f := range x {
				v[j] = int64(f)
			}
			return Ints(v...)
		}
		out[i] = Step{State: value(s.State), Observation: value(s.Observation), Action: value(s.Action),
			NextState: value(s.NextState), Reward: s.Reward, Terminated: s.Terminated, Truncated: s.Truncated,
			Episode: s.Episode, Index: s.Index}
	}
	data, err := Encode(out)
	if err != nil {
		return proto.File{}, fmt.Errorf("trajectories: %v", err)
	}
	return proto.File{Name: fmt.Sprintf("bellman-trajectories-%d-steps.tfrecord", len(steps)), Type: "application/octet-stream", Data: data}, nil
}
