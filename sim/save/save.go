package save

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
)

// Format is the value of every save file's "format" field.
const Format = "bellman-agent"

// Version is the version of the format this package writes and reads. A
// file of another version is refused: a later change to what a run keeps
// changes the version.
const Version = 1

// MaxBytes bounds a save file: Read refuses larger ones and Write does not
// write them. A run's tables and networks take kilobytes to a few
// megabytes; a DDPG replay buffer saved with it about 20 bytes per
// number (100,000 pendulum transitions: 18 MB).
const MaxBytes = 256 << 20

// File is a save file: the setup that rebuilds a run and the state that
// lets it continue exactly where it was saved.
type File struct {
	Format  string `json:"format"`  // Format
	Version int    `json:"version"` // Version
	// Kind names the session kind that wrote the file ("learn",
	// "control", …); only the same kind reads it.
	Kind  string          `json:"kind"`
	Setup Setup           `json:"setup"`
	State json.RawMessage `json:"state"` // the kind's own, see its package
}

// Setup is what a run is made from.
type Setup struct {
	// World is a grid world in its file format (the file it was loaded
	// from, with its name), for grid sessions.
	World json.RawMessage `json:"world,omitempty"`
	// Env names a control task, for control sessions.
	Env string `json:"env,omitempty"`
	// Method is the agent or method key (as the session's menu has it).
	Method string `json:"method"`
	// Params holds every parameter's value, defaults included, by key;
	// choices as their index, as param.Values has them.
	Params map[string]float64 `json:"params"`
	// Seed is the run's seed (also in Params, where the schema has one).
	Seed uint64 `json:"seed"`
	// Features is a custom feature spec (linear methods), if one was set.
	Features json.RawMessage `json:"features,omitempty"`
}

// Write writes f as one JSON document, with Format and Version filled in.
// Non-finite numbers (a diverged run) and files above MaxBytes are errors.
func Write(w io.Writer, f File) error {
	f.Format, f.Version = Format, Version
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("save: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if len(b) > MaxBytes {
		return fmt.Errorf("save: the file would take %s, more than the limit of %s", Bytes(len(b)), Bytes(MaxBytes))
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// Read reads a save file of at most MaxBytes. It refuses a file that is not
// a Bellman save file, of another version, with unknown fields, with data
// after the document, or without a kind or state. Errors are one line.
func Read(r io.Reader) (File, error) { return ReadLimit(r, MaxBytes) }

// ReadLimit is Read with another size limit, in bytes.
func ReadLimit(r io.Reader, limit int) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return File{}, fmt.Errorf("save file: %v", err)
	}
	if len(data) > limit {
		return File{}, fmt.Errorf("save file: larger than the limit of %s", Bytes(limit))
	}
	return Parse(data)
}

// Parse is Read from bytes.
func Parse(data []byte) (File, error) {
	// The envelope first, leniently, to name the format and version of a
	// file that is not ours or not this version before anything else.
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&head); err != nil {
		return File{}, fmt.Errorf("save file: %s", Message(err))
	}
	if head.Format != Format {
		return File{}, fmt.Errorf("save file: not a Bellman save file (format %q, want %q)", head.Format, Format)
	}
	if head.Version != Version {
		return File{}, fmt.Errorf("save file: version %d, but this Bellman reads version %d", head.Version, Version)
	}
	var f File
	if err := Decode(data, &f); err != nil {
		return File{}, fmt.Errorf("save file: %v", err)
	}
	if f.Kind == "" {
		return File{}, errors.New("save file: no kind")
	}
	if len(f.State) == 0 || string(f.State) == "null" {
		return File{}, errors.New("save file: no state")
	}
	return f, nil
}

// Decode decodes data, one JSON value, into v strictly: fields v does not
// have and data after the value are errors.
func Decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New(Message(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// Message turns an encoding/json error into one line without its "json:"
// prefix, naming the field or the byte offset.
func Message(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
		return "the file ends early"
	case errors.As(err, &syn):
		return fmt.Sprintf("bad JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "the document"
		}
		return fmt.Sprintf("%s should be %s, not a JSON %s", where, typ.Type, typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the file ends early"
	}
	return strings.ReplaceAll(strings.TrimPrefix(err.Error(), "json: "), "\n", " ")
}

// Bytes formats a size for messages: "512 B", "64 KiB", "256 MiB".
func Bytes(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.3g MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.3g KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Check reports whether f was written by a session of the given kind.
func (f File) Check(kind string) error {
	if f.Kind != kind {
		return fmt.Errorf("save file: it holds a %s run, not a %s run", f.Kind, kind)
	}
	return nil
}

// RNG returns the state of a PCG generator, for a save file (encoded as
// base64 in JSON).
func RNG(p *rand.PCG) []byte {
	b, _ := p.MarshalBinary() // cannot fail
	return b
}

// SetRNG restores p to a state RNG returned; what names the stream in the
// error.
func SetRNG(p *rand.PCG, state []byte, what string) error {
	if err := p.UnmarshalBinary(state); err != nil {
		return fmt.Errorf("random stream %s: not a PCG state", what)
	}
	return nil
}

// Len reports a slice whose length is not the one the setup needs.
func Len(what string, got, want int) error {
	if got != want {
		return fmt.Errorf("%s has %d values, the setup needs %d", what, got, want)
	}
	return nil
}

// Finite reports the first NaN or infinite value of xs.
func Finite(what string, xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s[%d] is %v: the run diverged", what, i, x)
		}
	}
	return nil
}

// Index reports an index outside [lo, hi).
func Index(what string, i, lo, hi int) error {
	if i < lo || i >= hi {
		return fmt.Errorf("%s %d is outside [%d, %d)", what, i, lo, hi)
	}
	return nil
}

// Indices reports the first entry of xs outside [0, n).
func Indices[T ~int | ~int32](what string, xs []T, n int) error {
	for i, x := range xs {
		if x < 0 || int(x) >= n {
			return fmt.Errorf("%s[%d] = %d is outside [0, %d)", what, i, x, n)
		}
	}
	return nil
}
