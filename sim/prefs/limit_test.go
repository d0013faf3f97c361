package prefs

import (
	"bytes"
	"strings"
	"testing"
)

// A reader is read up to its cap and no further.
func TestReadLimited(t *testing.T) {
	const max = 3 << 20
	if b, err := readLimited(bytes.NewReader(make([]byte, max)), max); err != nil || len(b) != max {
		t.Errorf("at the cap: %d bytes, %v", len(b), err)
	}
	if _, err := readLimited(bytes.NewReader(make([]byte, max+1)), max); err == nil || !strings.Contains(err.Error(), "larger than 3 MiB") {
		t.Errorf("over the cap: %v", err)
	}
}
