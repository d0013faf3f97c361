package assets

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"bellman/sim/strictjson"
)

// MaxLessonsFileBytes bounds a lessons file.
const MaxLessonsFileBytes = 1 << 20

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
	ls, err := ParseLessons(lessonsFile)
	if err != nil {
		panic("assets: " + err.Error()) // embedded: a test parses it
	}
	return ls
}

// ParseLessons reads a lessons file: a JSON array of lessons, read
// strictly (unknown fields, a key given twice in an object and data after
// the array are errors). Every lesson needs a key, unique in the file, a
// title, a world and an algorithm; a speed is at least 0.
func ParseLessons(data []byte) ([]Lesson, error) {
	var ls []Lesson
	if err := strictjson.Decode(data, &ls, MaxLessonsFileBytes); err != nil {
		return nil, fmt.Errorf("lessons file: %v", err)
	}
	if ls == nil {
		return nil, errors.New("lessons file: want a JSON array of lessons")
	}
	seen := map[string]bool{}
	for i, l := range ls {
		switch {
		case l.Key == "":
			return nil, fmt.Errorf("lessons file: lesson %d has no key", i+1)
		case seen[l.Key]:
			return nil, fmt.Errorf("lessons file: lesson %d: key %s is taken by an earlier lesson", i+1, strictjson.Short(l.Key))
		case l.Title == "" || l.World == "" || l.Algorithm == "":
			return nil, fmt.Errorf("lessons file: lesson %s needs a title, a world and an algorithm", strictjson.Short(l.Key))
		case !(l.Speed >= 0):
			return nil, fmt.Errorf("lessons file: lesson %s: speed %g is negative", strictjson.Short(l.Key), l.Speed)
		}
		seen[l.Key] = true
	}
	return ls, nil
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
