package tfrecord

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// CRC-32C of "123456789" is 0xE3069283, the check value of the Castagnoli
// CRC (RFC 3720, appendix B.4); masked as TensorFlow's crc32c::Mask,
// ((c >> 15) | (c << 17)) + 0xa282ead8 mod 2³², it is 0xc78ab0e5 (worked by
// hand: c >> 15 = 0x1c60d, c << 17 = 0x25060000 mod 2³², their or
// 0x2507c60d, plus 0xa282ead8 = 0xc78ab0e5).
func TestMaskedCRC(t *testing.T) {
	if got := MaskedCRC([]byte("123456789")); got != 0xc78ab0e5 {
		t.Errorf("MaskedCRC(123456789) = %#x, want 0xc78ab0e5", got)
	}
}

// One record of the Example {features {feature {key: "reward" value
// {float_list {value: 1.5}}}}}, every byte written from the protobuf wire
// format and the TFRecord framing; the two checksums come from the
// independent reader's bitwise CRC-32C (testdata/read_tfrecord.py).
func TestHandCheckedRecord(t *testing.T) {
	data, err := Example(map[string]Value{"reward": Floats(1.5)})
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		0x0a, 0x14, // Example.features (field 1, length-delimited), 20 bytes
		0x0a, 0x12, // Features.feature map entry (field 1), 18 bytes
		0x0a, 0x06, 'r', 'e', 'w', 'a', 'r', 'd', // entry key (field 1), "reward"
		0x12, 0x08, // entry value (field 2): a Feature of 8 bytes
		0x12, 0x06, // Feature.float_list (field 2), 6 bytes
		0x0a, 0x04, // FloatList.value (field 1), packed, 4 bytes
		0x00, 0x00, 0xc0, 0x3f, // 1.5 as float32 0x3fc00000, little-endian
	}
	if !bytes.Equal(data, want) {
		t.Fatalf("Example = % x\nwant      % x", data, want)
	}
	rec := AppendRecord(nil, data)
	head := []byte{22, 0, 0, 0, 0, 0, 0, 0, 0x4f, 0x61, 0xbe, 0x28} // length 22, masked CRC 0x28be614f
	tail := []byte{0x9f, 0xe9, 0x85, 0x00}                          // masked CRC of the data, 0x0085e99f
	if wantRec := append(append(append([]byte{}, head...), want...), tail...); !bytes.Equal(rec, wantRec) {
		t.Fatalf("record = % x\nwant     % x", rec, wantRec)
	}
}

func sampleSteps() []Step {
	return []Step{
		{State: Ints(3), Observation: Ints(0, 3), Action: Ints(1), NextState: Ints(4), Reward: -1, Episode: 1, Index: 0},
		{State: Ints(4), Observation: Ints(0, 4), Action: Ints(2), NextState: Ints(9), Reward: 1, Terminated: true, Episode: 1, Index: 1},
		{State: Floats(3.14159, -0.5), Observation: Floats(-1, 0.0016, -0.5), Action: Floats(1.25), NextState: Floats(3.1, -0.75),
			Reward: -9.87, Truncated: true, Episode: 12, Index: 199},
	}
}

// float32 of a float64, as FloatList stores it.
func f32(x float64) float64 { return float64(float32(x)) }

func rounded(s Step) Step {
	r := func(v Value) Value {
		if v.Ints != nil {
			return v
		}
		out := make([]float64, len(v.Floats))
		for i, x := range v.Floats {
			out[i] = f32(x)
		}
		return Floats(out...)
	}
	s.State, s.Observation, s.Action, s.NextState, s.Reward = r(s.State), r(s.Observation), r(s.Action), r(s.NextState), f32(s.Reward)
	return s
}

// Steps read back are the steps written, floats as float32.
func TestRoundTrip(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	for _, s := range sampleSteps() {
		if err := w.Write(s); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := Encode(sampleSteps())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc, b.Bytes()) || w.Records() != 3 {
		t.Fatal("Encode and Writer differ")
	}
	var got []Step
	err = Read(&b, func(data []byte) error {
		s, err := ParseStep(data)
		got = append(got, s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sampleSteps() {
		if !reflect.DeepEqual(got[i], rounded(s)) {
			t.Errorf("step %d: read %+v, want %+v", i, got[i], rounded(s))
		}
	}
}

// A flipped bit or a cut file is reported with the record's number.
func TestReadDamaged(t *testing.T) {
	enc, _ := Encode(sampleSteps())
	n := int(binary.LittleEndian.Uint64(enc))
	second := 16 + n // offset of the second record
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"length", flip(enc, second+2), "record 2: the length's checksum is wrong"},
		{"data", flip(enc, second+20), "record 2: the data's checksum is wrong"},
		{"crc", flip(enc, second+9), "record 2: the length's checksum is wrong"},
		{"cut data", enc[:second+30], "record 2: the file ends inside its data"},
		{"cut header", enc[:second+5], "record 2: the file ends inside its header"},
	} {
		err := Read(bytes.NewReader(c.data), func([]byte) error { return nil })
		if err == nil || err.Error() != "tfrecord: "+c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := Example(map[string]Value{"x": Floats(1e39)}); err == nil || !strings.Contains(err.Error(), "not a float32") {
		t.Errorf("a float beyond float32: %v", err)
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte{}, b...)
	c[i] ^= 0x10
	return c
}

// An independent reader, testdata/read_tfrecord.py (Python's standard
// library only: its own CRC-32C and protobuf wire decoding), reads the
// file and finds every feature of every step.
func TestPythonReader(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("no python3 under js/wasm")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the independent reader testdata/read_tfrecord.py cannot run (TestHandCheckedRecord still checks the bytes)")
	}
	path := filepath.Join(t.TempDir(), "steps.tfrecord")
	enc, _ := Encode(sampleSteps())
	if err := os.WriteFile(path, enc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "testdata/read_tfrecord.py", path).CombinedOutput()
	if err != nil {
		t.Fatalf("read_tfrecord.py: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		t.Fatalf("python read %d records:\n%s", len(lines), out)
	}
	for i, s := range sampleSteps() {
		var got map[string]map[string][]float64
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatal(err)
		}
		for name, v := range s.Features() {
			var want []float64
			kind := "int64"
			if v.Ints != nil {
				for _, x := range v.Ints {
					want = append(want, float64(x))
				}
			} else {
				kind = "float"
				for _, x := range v.Floats {
					want = append(want, f32(x))
				}
			}
			if !reflect.DeepEqual(got[name][kind], want) {
				t.Errorf("record %d feature %s: python read %v, want %s %v", i+1, name, got[name], kind, want)
			}
		}
		if len(got) != 9 {
			t.Errorf("record %d has %d features, want 9", i+1, len(got))
		}
	}
}

// protoc --decode_raw (Debian's protobuf-compiler), where installed, parses
// every record's data as a protobuf message with the nine feature names.
func TestProtocDecodeRaw(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("no protoc under js/wasm")
	}
	protoc, err := exec.LookPath("protoc")
	if err != nil {
		t.Skip("protoc is not installed (apt-get install protobuf-compiler): skipping the protoc --decode_raw check")
	}
	enc, _ := Encode(sampleSteps())
	err = Read(bytes.NewReader(enc), func(data []byte) error {
		cmd := exec.Command(protoc, "--decode_raw")
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("protoc --decode_raw: %v\n%s", err, out)
		}
		for _, name := range []string{"state", "observation", "action", "reward", "next_state", "terminated", "truncated", "episode", "step"} {
			if !strings.Contains(string(out), `"`+name+`"`) {
				t.Errorf("protoc output lacks %q:\n%s", name, out)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Read never panics on arbitrary bytes.
func FuzzRead(f *testing.F) {
	enc, _ := Encode(sampleSteps())
	f.Add(enc)
	f.Fuzz(func(t *testing.T, data []byte) {
		Read(bytes.NewReader(data), func(d []byte) error {
			ParseStep(d)
			return nil
		})
	})
}
