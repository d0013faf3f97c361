package proto

import (
	"fmt"
	"strings"
)

// Op is what a command asks of the host.
type Op uint8

// The operations. Their numbers are the wire format: append, never reorder.
const (
	OpNone      Op = iota
	OpPlay         // start stepping at the current speed
	OpPause        // stop stepping
	OpToggle       // play if paused, pause if playing
	OpStep         // pause, then take one step (a sweep, an environment step)
	OpReset        // start the method again with the same parameters
	OpSet          // set parameter Key to Value
	OpWorld        // switch to the built-in world, control task or lab named Key
	OpLoad         // load the world file in Text
	OpAlgorithm    // switch to the method named Key
	OpSpeed        // Value steps a second; 0 runs as fast as possible
	OpLayer        // switch layer Key on (Value ≠ 0) or off
	OpSelect       // inspect cell (Row, Col); a cell outside the grid clears the selection
	OpLesson       // set up the lesson named Key ("" ends the lesson, keeping the run)
	OpWant         // send a snapshot when the state has changed (at most one per Want)
	OpSetup        // restore a run from the Setup JSON in Text (a restart, a compare run)
	OpBad          // a request the sender could not turn into a command; Text says why
	OpStopAt       // pause when the step counter reaches Value (0: never)
	OpAct          // take one step with action Value, a person's move
	OpPair         // draw the next pair of trajectories for a person to compare
	OpLabel        // label pair Row: A preferred if Value ≠ 0, else B
	OpExport       // send the file named Key: "labels", "agent", "report", "trajectories"
	OpImport       // read the file named Key from Text
	OpTimeline     // show kept moment Value of the run's timeline (−1: live)
	opCount
)

var opNames = [...]string{"none", "play", "pause", "toggle", "step", "reset", "set", "world", "load",
	"algorithm", "speed", "layer", "select", "lesson", "want", "setup", "bad", "stopAt", "act", "pair", "label",
	"export", "import", "timeline"}

// String returns the operation's name, as the page's bridge spells it.
func (o Op) String() string {
	if o < opCount {
		return opNames[o]
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

// ParseOp returns the operation of a name.
func ParseOp(name string) (Op, error) {
	for i, n := range opNames {
		if n == name && Op(i) != OpNone {
			return Op(i), nil
		}
	}
	return OpNone, fmt.Errorf("unknown command %q (valid: %s)", name, strings.Join(opNames[1:], ", "))
}

// Command is one request to a host.
type Command struct {
	Op    Op
	Key   string  // parameter, world, algorithm, layer or lesson name
	Value float64 // parameter value, speed, layer on (≠ 0) or off
	Row   int     // select: the cell's row
	Col   int     // select: the cell's column
	Text  string  // load: a world file; setup: a Setup; bad: the problem
}

// Limits on a command's strings: a world file, and everything else.
const (
	MaxText = 1 << 20
	MaxKey  = 256
)

// Message kinds: the first byte of every message.
const (
	kindCommands = 'C'
	kindSnapshot = 'S'
	kindCatalog  = 'K'
	kindFile     = 'F'
)

// File is a file a host sends on OpExport: a download for the page.
type File struct {
	Name string // a file name, e.g. "bellman-zhao-5x5-labels.json"
	Type string // its media type
	Data []byte
}

// MaxFile bounds a file a host sends.
const MaxFile = 64 << 20

// AppendFile appends a message holding f to dst.
func AppendFile(dst []byte, f *File) []byte {
	w := writer{dst}
	w.u8(kindFile)
	w.str(f.Name)
	w.str(f.Type)
	w.bytes(f.Data)
	return w.b
}

// DecodeFile reads a message made by AppendFile.
func DecodeFile(msg []byte) (File, error) {
	r := reader{b: msg}
	if k := r.u8("kind"); r.err == nil && k != kindFile {
		return File{}, fmt.Errorf("file: message of kind %q, not a file", k)
	}
	f := File{Name: r.str("name"), Type: r.str("type"), Data: r.bytes("data", nil)}
	if r.err == nil && r.off != len(msg) {
		r.fail("end", "%d bytes after the file", len(msg)-r.off)
	}
	if r.err != nil {
		return File{}, fmt.Errorf("file: %v", r.err)
	}
	if len(f.Data) > MaxFile {
		return File{}, fmt.Errorf("file: %d bytes, more than %d", len(f.Data), MaxFile)
	}
	return f, nil
}

// AppendCommands appends a message holding cmds to dst.
func AppendCommands(dst []byte, cmds []Command) []byte {
	w := writer{dst}
	w.u8(kindCommands)
	w.uint(uint64(len(cmds)))
	for _, c := range cmds {
		w.u8(byte(c.Op))
		w.str(c.Key)
		w.f64(c.Value)
		w.int(c.Row)
		w.int(c.Col)
		w.str(c.Text)
	}
	return w.b
}

// DecodeCommands reads a message made by AppendCommands into dst[:0]. A
// malformed message is an error naming what was wrong; the commands read
// before the problem are returned with it.
func DecodeCommands(msg []byte, dst []Command) ([]Command, error) {
	dst = dst[:0]
	r := reader{b: msg}
	if k := r.u8("kind"); r.err == nil && k != kindCommands {
		return dst, fmt.Errorf("commands: message of kind %q, not commands", k)
	}
	n := r.length("count", 12)
	for i := 0; i < n && r.err == nil; i++ {
		var c Command
		c.Op = Op(r.u8("op"))
		c.Key = r.str("key")
		c.Value = r.f64("value")
		c.Row = r.int("row")
		c.Col = r.int("col")
		c.Text = r.str("text")
		if r.err != nil {
			break
		}
		switch {
		case c.Op == OpNone || c.Op >= opCount:
			r.fail("op", "%d is not a command", uint8(c.Op))
		case len(c.Key) > MaxKey:
			r.fail("key", "%d bytes, more than %d", len(c.Key), MaxKey)
		case len(c.Text) > MaxText:
			r.fail("text", "%d bytes, more than %d", len(c.Text), MaxText)
		default:
			dst = append(dst, c)
		}
	}
	if r.err == nil && r.off != len(msg) {
		r.fail("end", "%d bytes after the last command", len(msg)-r.off)
	}
	if r.err != nil {
		return dst, fmt.Errorf("commands: %v", r.err)
	}
	return dst, nil
}

// Kind reports what a message holds: "commands", "snapshot", "catalog" or
// "" for none of them.
func Kind(msg []byte) string {
	if len(msg) == 0 {
		return ""
	}
	switch msg[0] {
	case kindCommands:
		return "commands"
	case kindSnapshot:
		return "snapshot"
	case kindCatalog:
		return "catalog"
	case kindFile:
		return "file"
	}
	return ""
}

// Counts reports whether a message of cmds counts towards a snapshot's
// Applied: every message does but one that only asks for a snapshot.
func Counts(cmds []Command) bool {
	for _, c := range cmds {
		if c.Op != OpWant {
			return true
		}
	}
	return false
}
