package assets

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"bellman/sim/host"
	"bellman/sim/proto"
)

//go:embed lessons.json
var lessonsFile []byte

// Lesson is a ready-made setup for a class: a world, an algorithm, the
// parameters that differ from their defaults, and what to watch for. The
// type is the page protocol's, so hosts serve lessons as they are. In
// lessons.json, "speed" is steps (planning lessons: sweeps) a second, 0
// for as fast as possible; "ramp", if set, the speed a lesson opens at,
// from which it rises geometrically to "speed" over proto.RampSeconds
// (10 s): see Lesson.SpeedAt and Lesson.StepsWithin. Each lesson's speed
// is chosen so that its point shows within about 20 seconds.
type Lesson = proto.Lesson

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

// Library returns the built-in worlds (the default first) and lessons, as
// a host serves them.
func Library() host.Library {
	names := []string{DefaultWorld}
	for _, n := range WorldNames() {
		if n != DefaultWorld {
			names = append(names, n)
		}
	}
	return host.Library{World: World, WorldNames: names, Lessons: Lessons()}
}
