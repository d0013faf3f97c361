package nn

import (
	"encoding/json"
	"fmt"
)

// jsonVersion is the format version written by MarshalJSON.
const jsonVersion = 1

type savedMLP struct {
	Version int       `json:"version"`
	Config  Config    `json:"config"`
	Params  []float64 `json:"params"`
}

// MarshalJSON writes the configuration and parameters:
//
//	{"version":1,"config":{"sizes":[4,64,64,1],"hidden":"relu",...},"params":[...]}
//
// Numbers are written exactly, so a loaded network computes the same
// outputs bit for bit. Gradients and buffers are not saved.
func (m *MLP) MarshalJSON() ([]byte, error) {
	return json.Marshal(savedMLP{Version: jsonVersion, Config: m.cfg, Params: m.params})
}

// UnmarshalJSON replaces m by the network that MarshalJSON wrote, after
// checking the version, the configuration and the number of parameters.
// Decode into a zero MLP: var m nn.MLP; json.Unmarshal(data, &m).
func (m *MLP) UnmarshalJSON(data []byte) error {
	var s savedMLP
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("nn: reading network: %w", err)
	}
	if s.Version != jsonVersion {
		return fmt.Errorf("nn: network format version %d, want %d", s.Version, jsonVersion)
	}
	if err := s.Config.Validate(); err != nil {
		return err
	}
	if want := numParams(s.Config.Sizes); len(s.Params) != want {
		return fmt.Errorf("nn: network has %d parameters, its sizes need %d", len(s.Params), want)
	}
	n := build(s.Config)
	copy(n.params, s.Params)
	*m = *n
	return nil
}
