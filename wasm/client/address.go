package client

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"bellman/sim/proto"
)

// Limits on an address, which anyone can hand-edit.
const (
	MaxAddress     = 8 << 10
	maxAddressKeys = 200
	maxKey         = 64
)

// Address is a shareable setup as the page's address carries it after
// '#': world=…&algorithm=…&lesson=…, then the parameters that differ from
// their defaults (or from the lesson's values) as key=value, and a
// comparison as cmp.seeds=1-4&cmp.b.alpha=0.5&cmp.stop=20000.
type Address struct {
	World, Algorithm, Lesson string
	Values                   []Value // in the address's order
	Compare                  *Compare
	// Hide and Lock are a teacher's link's lists of controls (Control
	// names): hidden ones are not shown, locked ones keep their value.
	Hide, Lock []string
}

// Value is a parameter the address sets.
type Value struct {
	Key   string
	Value float64
}

// ParseAddress reads an address (with or without its leading '#'). What it
// cannot use is listed in problems, each naming its key; the rest still
// applies.
func ParseAddress(hash string) (a Address, problems []string) {
	hash = strings.TrimPrefix(hash, "#")
	if len(hash) > MaxAddress {
		return Address{}, []string{fmt.Sprintf("the address is %d bytes, more than %d: ignored", len(hash), MaxAddress)}
	}
	if hash == "" {
		return Address{}, nil
	}
	seen := map[string]bool{}
	var cmp []string
	for i, part := range strings.Split(hash, "&") {
		if part == "" {
			continue
		}
		if i == maxAddressKeys {
			problems = append(problems, fmt.Sprintf("more than %d keys: the rest are ignored", maxAddressKeys))
			break
		}
		rawKey, rawVal, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(rawKey)
		val, err2 := url.QueryUnescape(rawVal)
		switch {
		case err1 != nil || err2 != nil:
			problems = append(problems, fmt.Sprintf("%.40q is not key=value", part))
			continue
		case len(key) == 0 || len(key) > maxKey:
			problems = append(problems, fmt.Sprintf("key %.40q: not a parameter name", key))
			continue
		case seen[key]:
			problems = append(problems, fmt.Sprintf("%s is given twice: the last one counts", key))
		}
		seen[key] = true
		switch {
		case key == "world":
			a.World = val
		case key == "algorithm":
			a.Algorithm = val
		case key == "lesson":
			a.Lesson = val
		case key == "hide" || key == "lock":
			var list []string
			for _, c := range strings.Split(val, ",") {
				if c = strings.TrimSpace(c); c == "" {
					continue
				}
				if !validControl(c) {
					problems = append(problems, fmt.Sprintf("%s: %.40q is not a control", key, c))
					continue
				}
				list = append(list, c)
			}
			if key == "hide" {
				a.Hide = list
			} else {
				a.Lock = list
			}
		case strings.HasPrefix(key, "cmp."):
			cmp = append(cmp, url.QueryEscape(key[4:])+"="+url.QueryEscape(val))
		default:
			x, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				problems = append(problems, fmt.Sprintf("%s: %.40q is not a number", key, val))
				continue
			}
			for j := range a.Values {
				if a.Values[j].Key == key {
					a.Values = append(a.Values[:j], a.Values[j+1:]...)
					break
				}
			}
			a.Values = append(a.Values, Value{key, x})
		}
	}
	if len(cmp) > 0 {
		c, err := ParseCompare(strings.Join(cmp, "&"))
		if err != nil {
			problems = append(problems, err.Error())
		} else {
			a.Compare = &c
		}
	}
	return a, problems
}

// Commands returns what sets the address's setup up, in order: the world,
// the algorithm and the lesson (which replaces both), then each parameter.
// The host reports unknown keys and clamps values out of range.
func (a Address) Commands() []proto.Command {
	var cmds []proto.Command
	if a.World != "" {
		cmds = append(cmds, proto.Command{Op: proto.OpWorld, Key: a.World})
	}
	if a.Algorithm != "" {
		cmds = append(cmds, proto.Command{Op: proto.OpAlgorithm, Key: a.Algorithm})
	}
	if a.Lesson != "" {
		cmds = append(cmds, proto.Command{Op: proto.OpLesson, Key: a.Lesson})
	}
	for _, v := range a.Values {
		cmds = append(cmds, proto.Command{Op: proto.OpSet, Key: v.Key, Value: v.Value})
	}
	return cmds
}

// AddressOf writes the address of what a snapshot shows: the world (if it
// is built in: a world from a file has no name to bring back), the method,
// the lesson, the parameters that differ from the lesson's values or their
// defaults, and the comparison.
func AddressOf(s *proto.Snapshot, lesson *proto.Lesson, builtIn bool, cmp *Compare, hide, lock []string) string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	if builtIn {
		add("world", s.World)
	}
	add("algorithm", s.Algorithm)
	var base map[string]float64
	if lesson != nil {
		add("lesson", lesson.Key)
		base = lesson.Params
	}
	for _, p := range s.Params {
		ref, ok := base[p.Key]
		if !ok {
			ref = p.Default
		}
		if p.Value != ref {
			add(p.Key, strconv.FormatFloat(p.Value, 'g', -1, 64))
		}
	}
	if len(hide) > 0 {
		add("hide", strings.Join(hide, ","))
	}
	if len(lock) > 0 {
		add("lock", strings.Join(lock, ","))
	}
	if cmp != nil {
		q, _ := url.ParseQuery(cmp.String())
		for _, k := range []string{"seeds", "stop"} {
			if v := q.Get(k); v != "" {
				add("cmp."+k, v)
			}
		}
		keys := make([]string, 0, len(q))
		for k := range q {
			if strings.HasPrefix(k, "b.") {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			add("cmp."+k, q.Get(k))
		}
	}
	return b.String()
}

// Controls a teacher's link can hide or lock: the pickers, the speed, the
// run's buttons, a parameter (param:KEY), a layer (layer:KEY), the charts,
// the inspector, the world file's editor and comparisons.
var fixedControls = []string{"world", "algorithm", "lesson", "speed", "buttons", "charts", "inspector", "world-file", "compare", "layers", "params"}

// validControl reports whether name is a control a link can name.
func validControl(name string) bool {
	if slices.Contains(fixedControls, name) {
		return true
	}
	for _, prefix := range []string{"param:", "layer:"} {
		if k, ok := strings.CutPrefix(name, prefix); ok && k != "" && len(k) <= maxKey && !strings.ContainsAny(k, ",&=#") {
			return true
		}
	}
	return false
}

// locked says why a command may not change what a teacher's link locked,
// or returns "".
func locked(lock []string, c proto.Command) string {
	has := func(name string) bool { return slices.Contains(lock, name) }
	switch c.Op {
	case proto.OpWorld:
		if has("world") {
			return "the world is locked by the teacher's link"
		}
	case proto.OpLoad:
		if has("world") || has("world-file") {
			return "the world is locked by the teacher's link"
		}
	case proto.OpAlgorithm:
		if has("algorithm") {
			return "the algorithm is locked by the teacher's link"
		}
	case proto.OpLesson:
		if has("lesson") || has("world") || has("algorithm") {
			return "lessons are locked by the teacher's link"
		}
	case proto.OpSpeed:
		if has("speed") {
			return "the speed is locked by the teacher's link"
		}
	case proto.OpSet:
		if has("param:"+c.Key) || has("params") {
			return c.Key + " is locked by the teacher's link"
		}
	case proto.OpLayer:
		if has("layer:"+c.Key) || has("layers") {
			return "the layer " + c.Key + " is locked by the teacher's link"
		}
	case proto.OpPlay, proto.OpPause, proto.OpToggle, proto.OpStep, proto.OpReset:
		if has("buttons") {
			return c.Op.String() + " is locked by the teacher's link"
		}
	}
	return ""
}
