// Package tfrecord writes trajectories as TFRecord files of tf.Example
// protos, the format TensorFlow's tf.data.TFRecordDataset and RLDS-style
// tools read, and reads them back.
//
// # Framing
//
// A TFRecord file is a sequence of records, each
//
//	uint64 length (little-endian)
//	uint32 masked CRC-32C of the 8 length bytes
//	byte   data[length]
//	uint32 masked CRC-32C of the data
//
// with CRC-32C the Castagnoli polynomial (hash/crc32) and
// mask(c) = ((c >> 15) | (c << 17)) + 0xa282ead8, as TensorFlow's
// core/lib/io/record_writer.cc and crc32c.h define them.
//
// # Examples
//
// Each record is one step of a trajectory as a tf.Example (the generated
// types of package tfpb, marshalled by google.golang.org/protobuf with
// deterministic map order) with the features
//
//	state       the environment's state before the step
//	observation what the agent saw before the step
//	action      the action taken
//	reward      the reward (FloatList of 1)
//	next_state  the state after the step
//	terminated  1 if the step reached a terminal state, else 0 (Int64List of 1)
//	truncated   1 if a time limit cut the episode there, else 0
//	episode     the episode's number, from 1
//	step        the step's index in its episode, from 0
//
// A Value of integers is an Int64List (grid states, cells and discrete
// actions), one of numbers a FloatList: float32, as TensorFlow stores it.
// Everything here is pure Go, so the page builds it for WebAssembly.
package tfrecord

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"

	"google.golang.org/protobuf/proto"

	"bellman/record/tfrecord/tfpb"
)

// Value is one feature's values: Ints if set (an Int64List), else Floats
// (a FloatList of float32).
type Value struct {
	Ints   []int64
	Floats []float64
}

// Ints returns a Value of integers.
func Ints(x ...int64) Value { return Value{Ints: x} }

// Floats returns a Value of numbers.
func Floats(x ...float64) Value { return Value{Floats: x} }

// Step is one step of a trajectory.
type Step struct {
	State, Observation, Action, NextState Value
	Reward                                float64
	Terminated, Truncated                 bool
	Episode, Index                        int64 // episode from 1, step in it from 0
}

// Feature names, in the order the package doc lists them.
const (
	FeatureState       = "state"
	FeatureObservation = "observation"
	FeatureAction      = "action"
	FeatureReward      = "reward"
	FeatureNextState   = "next_state"
	FeatureTerminated  = "terminated"
	FeatureTruncated   = "truncated"
	FeatureEpisode     = "episode"
	FeatureStep        = "step"
)

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Features returns the step's features by name.
func (s Step) Features() map[string]Value {
	return map[string]Value{
		FeatureState: s.State, FeatureObservation: s.Observation, FeatureAction: s.Action,
		FeatureReward: Floats(s.Reward), FeatureNextState: s.NextState,
		FeatureTerminated: Ints(b2i(s.Terminated)), FeatureTruncated: Ints(b2i(s.Truncated)),
		FeatureEpisode: Ints(s.Episode), FeatureStep: Ints(s.Index),
	}
}

// Example marshals features as a tf.Example, map keys in sorted order so
// that the same features give the same bytes. A float that float32 cannot
// hold (beyond ±3.4e38) or that is not a number is an error.
func Example(features map[string]Value) ([]byte, error) {
	ex := &tfpb.Example{Features: &tfpb.Features{Feature: make(map[string]*tfpb.Feature, len(features))}}
	for name, v := range features {
		f := &tfpb.Feature{}
		if v.Ints != nil {
			f.Kind = &tfpb.Feature_Int64List{Int64List: &tfpb.Int64List{Value: v.Ints}}
		} else {
			fl := make([]float32, len(v.Floats))
			for i, x := range v.Floats {
				if math.IsNaN(x) || math.Abs(x) > math.MaxFloat32 {
					return nil, fmt.Errorf("tfrecord: feature %s[%d] = %v is not a float32", name, i, x)
				}
				fl[i] = float32(x)
			}
			f.Kind = &tfpb.Feature_FloatList{FloatList: &tfpb.FloatList{Value: fl}}
		}
		ex.Features.Feature[name] = f
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(ex)
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// MaskedCRC returns TensorFlow's masked CRC-32C of data.
func MaskedCRC(data []byte) uint32 {
	c := crc32.Checksum(data, castagnoli)
	return ((c >> 15) | (c << 17)) + 0xa282ead8
}

// AppendRecord appends data framed as one TFRecord record to dst.
func AppendRecord(dst, data []byte) []byte {
	var head [12]byte
	binary.LittleEndian.PutUint64(head[:8], uint64(len(data)))
	binary.LittleEndian.PutUint32(head[8:], MaskedCRC(head[:8]))
	dst = append(dst, head[:]...)
	dst = append(dst, data...)
	return binary.LittleEndian.AppendUint32(dst, MaskedCRC(data))
}

// Writer writes steps to a TFRecord file.
type Writer struct {
	w   io.Writer
	buf []byte
	n   int
}

// NewWriter returns a writer to w; each Write writes one record.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes one step as a record.
func (w *Writer) Write(s Step) error {
	data, err := Example(s.Features())
	if err != nil {
		return fmt.Errorf("tfrecord: episode %d step %d: %v", s.Episode, s.Index, err)
	}
	w.buf = AppendRecord(w.buf[:0], data)
	if _, err := w.w.Write(w.buf); err != nil {
		return err
	}
	w.n++
	return nil
}

// Records returns the number of records written.
func (w *Writer) Records() int { return w.n }

// Encode returns the TFRecord file of the steps, for a download.
func Encode(steps []Step) ([]byte, error) {
	var out []byte
	for _, s := range steps {
		data, err := Example(s.Features())
		if err != nil {
			return nil, fmt.Errorf("tfrecord: episode %d step %d: %v", s.Episode, s.Index, err)
		}
		out = AppendRecord(out, data)
	}
	return out, nil
}

// MaxRecord bounds the length of a record Read accepts.
const MaxRecord = 64 << 20

// Read calls fn with the data of each record of r in turn, checking both
// checksums; a damaged or cut record is an error naming it.
func Read(r io.Reader, fn func(data []byte) error) error {
	var head [12]byte
	for i := 1; ; i++ {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			if err == io.EOF {
				return nil
			}
			return fmt.Errorf("tfrecord: record %d: the file ends inside its header", i)
		}
		n := binary.LittleEndian.Uint64(head[:8])
		if MaskedCRC(head[:8]) != binary.LittleEndian.Uint32(head[8:]) {
			return fmt.Errorf("tfrecord: record %d: the length's checksum is wrong", i)
		}
		if n > MaxRecord {
			return fmt.Errorf("tfrecord: record %d: length %d is above %d", i, n, MaxRecord)
		}
		data := make([]byte, n+4)
		if _, err := io.ReadFull(r, data); err != nil {
			return fmt.Errorf("tfrecord: record %d: the file ends inside its data", i)
		}
		data, crc := data[:n], binary.LittleEndian.Uint32(data[n:])
		if MaskedCRC(data) != crc {
			return fmt.Errorf("tfrecord: record %d: the data's checksum is wrong", i)
		}
		if err := fn(data); err != nil {
			return err
		}
	}
}

// ParseExample reads a tf.Example's features.
func ParseExample(data []byte) (map[string]Value, error) {
	var ex tfpb.Example
	if err := proto.Unmarshal(data, &ex); err != nil {
		return nil, fmt.Errorf("tfrecord: not a tf.Example: %v", err)
	}
	out := map[string]Value{}
	for name, f := range ex.GetFeatures().GetFeature() {
		switch k := f.GetKind().(type) {
		case *tfpb.Feature_Int64List:
			out[name] = Ints(append([]int64{}, k.Int64List.GetValue()...)...)
		case *tfpb.Feature_FloatList:
			fs := make([]float64, len(k.FloatList.GetValue()))
			for i, x := range k.FloatList.GetValue() {
				fs[i] = float64(x)
			}
			out[name] = Floats(fs...)
		default:
			return nil, fmt.Errorf("tfrecord: feature %q is not an int64 or float list", name)
		}
	}
	return out, nil
}

// ParseStep reads a step written by Write.
func ParseStep(data []byte) (Step, error) {
	f, err := ParseExample(data)
	if err != nil {
		return Step{}, err
	}
	one := func(name string) (int64, error) {
		v, ok := f[name]
		if !ok || len(v.Ints) != 1 {
			return 0, fmt.Errorf("tfrecord: feature %q is not one int64", name)
		}
		return v.Ints[0], nil
	}
	var s Step
	for _, n := range []string{FeatureState, FeatureObservation, FeatureAction, FeatureNextState} {
		if _, ok := f[n]; !ok {
			return Step{}, fmt.Errorf("tfrecord: no feature %q", n)
		}
	}
	s.State, s.Observation, s.Action, s.NextState = f[FeatureState], f[FeatureObservation], f[FeatureAction], f[FeatureNextState]
	r := f[FeatureReward]
	if len(r.Floats) != 1 || r.Ints != nil {
		return Step{}, errors.New("tfrecord: feature \"reward\" is not one float")
	}
	s.Reward = r.Floats[0]
	var t, u int64
	for _, x := range []struct {
		name string
		dst  *int64
	}{{FeatureTerminated, &t}, {FeatureTruncated, &u}, {FeatureEpisode, &s.Episode}, {FeatureStep, &s.Index}} {
		if *x.dst, err = one(x.name); err != nil {
			return Step{}, err
		}
	}
	s.Terminated, s.Truncated = t != 0, u != 0
	return s, nil
}
