package client

import "bellman/sim/proto"

// SetupOf describes the run a snapshot shows, so that it can be started
// again: a world loaded from a file travels as its file. Every parameter's
// value goes with it (not only the changed ones: under a lesson, a value
// put back to its default differs from the lesson's).
func SetupOf(s *proto.Snapshot, builtIn bool) proto.Setup {
	st := proto.Setup{Algorithm: s.Algorithm, Lesson: s.Lesson, Speed: s.Speed, Playing: s.Playing,
		Values: make(map[string]float64, len(s.Params))}
	if s.HasGrid && !builtIn {
		st.WorldFile = s.Grid.WorldFile
	} else {
		st.World = s.World
	}
	for _, p := range s.Params {
		st.Values[p.Key] = p.Value
	}
	if s.HasGrid {
		st.Layers = make(map[string]bool, len(s.Grid.Layers))
		for _, l := range s.Grid.Layers {
			st.Layers[l.Key] = l.On
		}
	}
	return st
}
