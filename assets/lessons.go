package assets

import (
	_ "embed"
	"encoding/json"
	"fmt"
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
	Speed     float64            `json:"speed"`            // steps a second; 0 as fast as the frame allows
	Watch     string             `json:"watch"`            // what to look for, for the class
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
