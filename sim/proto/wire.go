package proto

import (
	"encoding/binary"
	"fmt"
	"math"
)

// maxLen bounds every length read from a message: no field of a snapshot
// holds more elements (a 1024×1024 world's q-values are 5 M).
const maxLen = 1 << 23

// writer appends the encoding of values to a byte slice. Lengths and
// integers are varints; floats are 8 little-endian bytes.
type writer struct{ b []byte }

func (w *writer) u8(v byte) { w.b = append(w.b, v) }

func (w *writer) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

func (w *writer) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *writer) int(v int)     { w.b = binary.AppendVarint(w.b, int64(v)) }

func (w *writer) f64(v float64) {
	w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v))
}

func (w *writer) str(s string) {
	w.uint(uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *writer) bytes(p []byte) {
	w.uint(uint64(len(p)))
	w.b = append(w.b, p...)
}

func (w *writer) f64s(v []float64) {
	w.uint(uint64(len(v)))
	for _, x := range v {
		w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(x))
	}
}

func (w *writer) ints(v []int32) {
	w.uint(uint64(len(v)))
	for _, x := range v {
		w.b = binary.AppendVarint(w.b, int64(x))
	}
}

func (w *writer) bools(v []bool) {
	w.uint(uint64(len(v)))
	for _, x := range v {
		w.bool(x)
	}
}

func (w *writer) strs(v []string) {
	w.uint(uint64(len(v)))
	for _, s := range v {
		w.str(s)
	}
}

// reader reads what writer wrote. The first problem sticks: later reads
// return zero values, and err names the field and the byte where reading
// failed.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(field, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s at byte %d: %s", field, r.off, fmt.Sprintf(format, args...))
	}
}

func (r *reader) u8(field string) byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail(field, "message ends early")
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) bool(field string) bool {
	switch v := r.u8(field); v {
	case 0:
		return false
	case 1:
		return true
	default:
		r.fail(field, "%d is not a boolean", v)
		return false
	}
}

func (r *reader) uint(field string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail(field, "bad or truncated number")
		return 0
	}
	r.off += n
	return v
}

// int reads a signed varint that must fit an int32 (every integer of the
// protocol does: counts, indices, sizes).
func (r *reader) int(field string) int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail(field, "bad or truncated number")
		return 0
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		r.fail(field, "%d is out of range", v)
		return 0
	}
	r.off += n
	return int(v)
}

// count reads an integer that must lie in [0, max].
func (r *reader) count(field string, max int) int {
	v := r.int(field)
	if r.err == nil && (v < 0 || v > max) {
		r.fail(field, "%d is outside [0, %d]", v, max)
		return 0
	}
	return v
}

// long reads a signed varint of any size (step counters).
func (r *reader) long(field string) int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail(field, "bad or truncated number")
		return 0
	}
	r.off += n
	return v
}

func (r *reader) f64(field string) float64 {
	if r.err != nil {
		return 0
	}
	if len(r.b)-r.off < 8 {
		r.fail(field, "message ends early")
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.off:]))
	r.off += 8
	return v
}

// length reads a length of elements of at least size bytes each, which
// must fit in what is left of the message: a corrupt length never
// allocates more than the message could hold.
func (r *reader) length(field string, size int) int {
	n := r.uint(field)
	if r.err != nil {
		return 0
	}
	if n > maxLen || int(n)*size > len(r.b)-r.off {
		r.fail(field, "length %d does not fit the %d bytes left", n, len(r.b)-r.off)
		return 0
	}
	return int(n)
}

func (r *reader) str(field string) string {
	n := r.length(field, 1)
	if r.err != nil {
		return ""
	}
	s := string(r.b[r.off : r.off+n])
	r.off += n
	return s
}

// strInto reads a string, reusing *dst when the text is unchanged, so a
// snapshot's repeated names cost no allocation.
func (r *reader) strInto(field string, dst *string) {
	n := r.length(field, 1)
	if r.err != nil {
		return
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	if string(p) != *dst {
		*dst = string(p)
	}
}

func (r *reader) bytes(field string, dst []byte) []byte {
	n := r.length(field, 1)
	if r.err != nil {
		return dst[:0]
	}
	dst = append(dst[:0], r.b[r.off:r.off+n]...)
	r.off += n
	return dst
}

func (r *reader) f64s(field string, dst []float64) []float64 {
	n := r.length(field, 8)
	if r.err != nil {
		return dst[:0]
	}
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.off:]))
		r.off += 8
	}
	return dst
}

func (r *reader) ints(field string, dst []int32) []int32 {
	n := r.length(field, 1)
	if r.err != nil {
		return dst[:0]
	}
	if cap(dst) < n {
		dst = make([]int32, n)
	}
	dst = dst[:n]
	for i := range dst {
		dst[i] = int32(r.int(field))
	}
	return dst
}

func (r *reader) bools(field string, dst []bool) []bool {
	n := r.length(field, 1)
	if r.err != nil {
		return dst[:0]
	}
	if cap(dst) < n {
		dst = make([]bool, n)
	}
	dst = dst[:n]
	for i := range dst {
		dst[i] = r.bool(field)
	}
	return dst
}

func (r *reader) strs(field string, dst []string) []string {
	n := r.length(field, 1)
	if r.err != nil {
		return dst[:0]
	}
	if cap(dst) < n {
		dst = make([]string, n)
	}
	dst = dst[:n]
	for i := range dst {
		r.strInto(field, &dst[i])
	}
	return dst
}
