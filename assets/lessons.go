package assets

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"bellman/sim/host"
	"bellman/sim/proto"
	"bellman/sim/strictjson"
)

// MaxLessonsFileBytes bounds a lessons file.
const MaxLessonsFileBytes = 1 << 20

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
