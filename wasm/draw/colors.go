package draw

import (
	"image/color"
	"math"
)

// The diverging scale of values: blue for negative, near-white for zero,
// orange for positive (colour-blind safe, as in TensorFlow Playground).
var (
	Neg  = [3]float64{33, 102, 172}
	Zero = [3]float64{247, 247, 245}
	Pos  = [3]float64{230, 97, 1}
)

// Palette of marks.
var (
	Background = color.RGBA{0xfb, 0xfb, 0xf9, 0xff}
	GridLine   = color.RGBA{0x9a, 0x9a, 0x9a, 0xff}
	Wall       = color.RGBA{0x33, 0x36, 0x3d, 0xff}
	Cliff      = color.RGBA{0x5a, 0x3a, 0x2a, 0xff}
	Hatch      = color.RGBA{0x55, 0x55, 0x55, 0xb0}
	Arrow      = color.RGBA{0x1d, 0x1d, 0x1f, 0xff}
	Target     = color.RGBA{0x10, 0x7a, 0x3a, 0xff}
	Start      = color.RGBA{0x6a, 0x1b, 0x9a, 0xff}
	Select     = color.RGBA{0xff, 0xd4, 0x00, 0xff}
	Ink        = color.RGBA{0x1d, 0x1d, 0x1f, 0xff}
	InkLight   = color.RGBA{0xff, 0xff, 0xff, 0xff}
	InkMuted   = color.RGBA{0x6b, 0x6b, 0x70, 0xff}
	Best       = color.RGBA{0x1d, 0x1d, 0x1f, 0xff}
	Agent      = color.RGBA{0x6a, 0x1b, 0x9a, 0xff}
	Trail      = color.RGBA{0x6a, 0x1b, 0x9a, 0x80}
	Trace      = color.RGBA{0x10, 0x7a, 0x3a, 0x70}
	Error      = color.RGBA{0xc6, 0x28, 0x28, 0xff}
)

// valueColor maps v linearly to the diverging scale with range [-r, r] and
// reports whether the colour is dark enough to need light text.
func ValueColor(v, r float64) (c [3]uint8, dark bool) {
	t := 0.0
	if r > 0 {
		t = v / r
	}
	if t > 1 {
		t = 1
	} else if t < -1 {
		t = -1
	}
	end := Pos
	if t < 0 {
		end, t = Neg, -t
	}
	for i := range c {
		c[i] = uint8(Zero[i] + (end[i]-Zero[i])*t + 0.5)
	}
	// Relative luminance (sRGB, roughly): dark text up to mid-tones.
	lum := (0.2126*float64(c[0]) + 0.7152*float64(c[1]) + 0.0722*float64(c[2])) / 255
	return c, lum < 0.45
}

// scaleRange follows the data's largest |v| smoothly: it grows at once so
// nothing saturates for long, and shrinks slowly so colours do not flicker.
func ScaleRange(prev, target float64) float64 {
	if target < 1e-9 {
		target = 1e-9
	}
	if prev <= 0 || math.IsNaN(prev) || math.IsInf(prev, 0) {
		return target
	}
	if target > prev {
		return prev + (target-prev)*0.5
	}
	return prev + (target-prev)*0.15
}

// Pos8 is the positive end of the value scale as a colour.
var Pos8 = color.RGBA{230, 97, 1, 255}
