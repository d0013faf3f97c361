package assets

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

//go:embed lessons.json
var lessonsFile []byte

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
	Speed     float64            `json:"speed"`            // steps (planning: sweeps) a second; 0 as fast as the frame allows
	Ramp      float64            `json:"ramp,omitempty"`   // if set, the speed the lesson opens at, rising to Speed over RampSeconds
	Watch     string             `json:"watch"`            // what to look for, for the class
}

// RampSeconds is how long a lesson with a Ramp takes to reach its Speed.
// The speed rises geometrically (doubling at a constant rate), so that the
// first episodes can be followed at Ramp steps a second and the point still
// comes within about 20 seconds.
const RampSeconds = 10

// SpeedAt returns the lesson's speed t seconds after it opened: Speed, or
// with a Ramp, Ramp·(Speed/Ramp)^(t/RampSeconds) until RampSeconds. 0 means
// as fast as the frame allows.
func (l Lesson) SpeedAt(t float64) float64 {
	if l.Ramp <= 0 || l.Speed <= l.Ramp || t >= RampSeconds {
		return l.Speed
	}
	return l.Ramp * math.Pow(l.Speed/l.Ramp, math.Max(t, 0)/RampSeconds)
}

// StepsWithin returns the steps (planning: sweeps) the lesson takes in its
// first t seconds at SpeedAt, +Inf for a lesson that runs as fast as it can.
func (l Lesson) StepsWithin(t float64) float64 {
	if l.Speed == 0 {
		return math.Inf(1)
	}
	if l.Ramp <= 0 || l.Speed <= l.Ramp || t <= 0 {
		return l.Speed * math.Max(t, 0)
	}
	// ∫ r·q^(u/T) du = r·T·(q^(u/T) − 1)/ln q over the ramp, then Speed.
	ramp := math.Min(t, RampSeconds)
	q := l.Speed / l.Ramp
	steps := l.Ramp * RampSeconds * (math.Pow(q, ramp/RampSeconds) - 1) / math.Log(q)
	return steps + l.Speed*(t-ramp)
}

// Lessons returns the built-in lessons in the order a course meets them.
func Lessons() []Lesson {
	var ls []Lesson
	if err := json.Unmarshal(lessonsFile, &ls); err != nil {
		panic("assets: lessons.json: " + err.Error()) // embedded: a test parses it
	}
	return ls
}

// LessonByKey returns the lesson with the given key.
func LessonByKey(key string) (Lesson, error) {
	ls := Lessons()
	keys := make([]string, len(ls))
	for i, l := range ls {
		if l.Key == key {
			return l, nil
		}
		keys[i] = l.Key
	}
	return Lesson{}, fmt.Errorf("no lesson %q (lessons: %s)", key, strings.Join(keys, ", "))
}

// LessonsFile returns the lessons' file as embedded.
func LessonsFile() []byte { return append([]byte(nil), lessonsFile...) }
