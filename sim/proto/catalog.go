package proto

import (
	"encoding/json"
	"fmt"
	"math"
)

// Item is one entry of a picker: a world, a control task or a method.
type Item struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Help  string `json:"help,omitempty"`
}

// Group is a labelled part of a picker.
type Group struct {
	Label string `json:"label"`
	Items []Item `json:"items"`
}

// Lesson is a ready-made setup for a class: a world, an algorithm, the
// parameters that differ from their defaults, and what to watch for.
type Lesson struct {
	Key       string             `json:"key"`              // its name in the address and the CLI
	Title     string             `json:"title"`            // its name in the menu
	Source    string             `json:"source"`           // where the books treat it
	World     string             `json:"world"`            // a built-in world, a control task or the lab
	Algorithm string             `json:"algorithm"`        // as in the page's algorithm picker
	Params    map[string]float64 `json:"params,omitempty"` // schema keys that differ from their defaults
	Layers    map[string]bool    `json:"layers,omitempty"` // grid layers switched on or off
	Speed     float64            `json:"speed"`            // steps (planning: sweeps) a second; 0 as fast as possible
	Ramp      float64            `json:"ramp,omitempty"`   // if set, the speed it opens at, rising to Speed over RampSeconds (SpeedAt)
	Watch     string             `json:"watch"`            // what to look for, for the class
	// Compare, if set, starts a comparison once the lesson is set up, in
	// the address's form: "seeds=1-3&b.algorithm=reinforce&stop=20000".
	Compare string `json:"compare,omitempty"`
}

// Catalog is what a host offers, sent once when it starts: the world
// picker, the methods of each kind of scene and the lessons.
type Catalog struct {
	Worlds     []Group            `json:"worlds"`
	Algorithms map[string][]Group `json:"algorithms"` // by kind of world (Snapshot.Kind)
	Lessons    []Lesson           `json:"lessons"`
}

// AppendCatalog appends a message holding c to dst.
func AppendCatalog(dst []byte, c *Catalog) []byte {
	data, err := json.Marshal(c)
	if err != nil {
		panic("proto: catalog: " + err.Error()) // strings and finite numbers only
	}
	return append(append(dst, kindCatalog), data...)
}

// DecodeCatalog reads a message made by AppendCatalog.
func DecodeCatalog(msg []byte) (*Catalog, error) {
	if len(msg) == 0 || msg[0] != kindCatalog {
		return nil, fmt.Errorf("catalog: not a catalog message")
	}
	var c Catalog
	if err := json.Unmarshal(msg[1:], &c); err != nil {
		return nil, fmt.Errorf("catalog: %v", err)
	}
	return &c, nil
}

// Setup is what it takes to start a run again: a restart after a crash, one
// run of a comparison. Values are parameters that differ from the
// defaults of the world and algorithm (or from the lesson's values).
type Setup struct {
	World     string             `json:"world,omitempty"`     // a built-in world or control task
	WorldFile string             `json:"worldFile,omitempty"` // a world loaded from a file, instead
	Algorithm string             `json:"algorithm,omitempty"`
	Lesson    string             `json:"lesson,omitempty"` // set up by this lesson first
	Values    map[string]float64 `json:"values,omitempty"`
	Layers    map[string]bool    `json:"layers,omitempty"`
	Speed     float64            `json:"speed"`
	Playing   bool               `json:"playing"`
	// StopAt, if positive, pauses the run when its step counter reaches it
	// (the runs of a comparison stop at the same point).
	StopAt int64 `json:"stopAt,omitempty"`
	// Loose leaves out values the method has no parameter for (a
	// comparison's B with another method) instead of refusing the setup.
	Loose bool `json:"loose,omitempty"`
}

// Text returns s as the Text of an OpSetup command. Non-finite values,
// which no parameter takes, are left out.
func (s *Setup) Text() string {
	c := *s
	c.Values = make(map[string]float64, len(s.Values))
	for k, v := range s.Values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			c.Values[k] = v
		}
	}
	if math.IsNaN(c.Speed) || math.IsInf(c.Speed, 0) {
		c.Speed = 0
	}
	data, err := json.Marshal(&c)
	if err != nil {
		panic("proto: setup: " + err.Error()) // strings, bools and finite numbers only
	}
	return string(data)
}

// ParseSetup reads the Text of an OpSetup command.
func ParseSetup(text string) (Setup, error) {
	var s Setup
	if err := json.Unmarshal([]byte(text), &s); err != nil {
		return Setup{}, fmt.Errorf("setup: %v", err)
	}
	return s, nil
}
