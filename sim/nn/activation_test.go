package nn

import (
	"math"
	"testing"
)

type point struct{ x, f, d float64 }

// Values and derivatives from closed forms evaluated with Python's math
// module (C libm), independently of this package:
//
//	ELU:      expm1(x), exp(x) for x ≤ 0
//	Tanh:     tanh(x), 1/cosh²(x)
//	Sigmoid:  1/(1+e⁻ˣ), e⁻ˣ/(1+e⁻ˣ)²
//	GELU:     x/2·erfc(−x/√2), erfc(−x/√2)/2 + x·e^{−x²/2}/√(2π)
//	GELUTanh: x/2·(1+tanh u), (1+tanh u)/2 + x/2·u′/cosh²u, u = √(2/π)(x+0.044715x³)
//	SiLU:     x/(1+e⁻ˣ), (1+e⁻ˣ+x·e⁻ˣ)/(1+e⁻ˣ)²
//	Softplus: log(1+eˣ), 1/(1+e⁻ˣ)
//	Mish:     x·tanh(log1p(eˣ)), eˣω/δ² with ω = 4(x+1)+4e²ˣ+e³ˣ+eˣ(4x+6), δ = 2eˣ+e²ˣ+2
var closedForms = []struct {
	a      Activation
	points []point
}{
	{Identity, []point{{-3.5, -3.5, 1}, {0, 0, 1}, {2.75, 2.75, 1}}},
	{ReLU, []point{{-3.5, 0, 0}, {0, 0, 0}, {1e-300, 1e-300, 1}, {2.75, 2.75, 1}}},
	{LeakyReLU, []point{{-3.5, -0.035, 0.01}, {0, 0, 0.01}, {2.75, 2.75, 1}}},
	{ELU, []point{
		{-3.5, -0.9698026165776815, 0.0301973834223185},
		{-1.0, -0.6321205588285577, 0.36787944117144233},
		{-0.25, -0.22119921692859512, 0.7788007830714049},
		{0.0, 0.0, 1.0},
		{0.5, 0.5, 1.0},
		{2.75, 2.75, 1.0},
	}},
	{Tanh, []point{
		{-3.5, -0.9981778976111987, 0.0036408847204873066},
		{-1.0, -0.7615941559557649, 0.4199743416140261},
		{-0.25, -0.24491866240370913, 0.940014848806378},
		{0.0, 0.0, 1.0},
		{0.5, 0.46211715726000974, 0.7864477329659275},
		{2.75, 0.9918597245682077, 0.01621428677947907},
	}},
	{Sigmoid, []point{
		{-3.5, 0.02931223075135632, 0.028453023879735563},
		{-1.0, 0.2689414213699951, 0.19661193324148185},
		{-0.25, 0.43782349911420193, 0.24613408273759835},
		{0.0, 0.5, 0.25},
		{0.5, 0.6224593312018546, 0.2350037122015945},
		{2.75, 0.9399133498259924, 0.05647624464487405},
	}},
	{GELU, []point{
		{-3.5, -0.0008142017766243376, -0.0028217603536246356},
		{-1.0, -0.15865525393145707, -0.08331547058768629},
		{-0.25, -0.10032341857926907, 0.30462664511636395},
		{0.0, 0.0, 0.5},
		{0.5, 0.34573123063700656, 0.8674951246561629},
		{1.0, 0.8413447460685429, 1.0833154705876864},
		{2.75, 2.7418056511035998, 1.0220275336443208},
	}},
	{GELUTanh, []point{
		{-3.5, -0.0006161976553737403, -0.0024226437601164116},
		{-1.0, -0.15880800939172324, -0.08296408384578266},
		{-0.25, -0.100324649298315, 0.30464590484893955},
		{0.0, 0.0, 0.5},
		{0.5, 0.34571400982514394, 0.8673699035346424},
		{1.0, 0.8411919906082768, 1.0829640838457826},
		{2.75, 2.742276855926382, 1.0219489215934983},
	}},
	{SiLU, []point{
		{-3.5, -0.10259280762974712, -0.07027335282771816},
		{-1.0, -0.2689414213699951, 0.07232948812851327},
		{-0.25, -0.10945587477855048, 0.3762899784298023},
		{0.0, 0.0, 0.5},
		{0.5, 0.3112296656009273, 0.7399611873026518},
		{2.75, 2.584761712021479, 1.0952230225993962},
	}},
	{Softplus, []point{
		{-3.5, 0.029750418272620652, 0.02931223075135632},
		{-1.0, 0.31326168751822286, 0.2689414213699951},
		{-0.25, 0.5759394198788437, 0.43782349911420193},
		{0.0, 0.6931471805599453, 0.5},
		{0.5, 0.9740769841801067, 0.6224593312018546},
		{2.75, 2.8119675890031983, 0.9399133498259924},
		{25, 25, 1}, // PyTorch's threshold: linear above 20
	}},
	{Mish, []point{
		{-3.5, -0.10409575448637122, -0.07276041344326706},
		{-1.0, -0.30340146137410895, 0.05921675587739495},
		{-0.25, -0.129926963679141, 0.43981560172180517},
		{0.0, 0.0, 0.6},
		{0.5, 0.3752452113048951, 0.8864243753577274},
		{1.0, 0.8650983882673103, 1.0490362200997918},
		{2.75, 2.7302142043358297, 1.0298652303124498},
	}},
}

func TestActivationClosedForms(t *testing.T) {
	const tol = 2e-15 // relative, or absolute below 1
	close := func(got, want float64) bool {
		return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
	}
	seen := map[Activation]bool{}
	for _, tc := range closedForms {
		seen[tc.a] = true
		for _, p := range tc.points {
			if got := tc.a.Apply(p.x, 0.01); !close(got, p.f) {
				t.Errorf("%v(%v) = %v, want %v", tc.a, p.x, got, p.f)
			}
			if got := tc.a.Deriv(p.x, 0.01); !close(got, p.d) {
				t.Errorf("%v′(%v) = %v, want %v", tc.a, p.x, got, p.d)
			}
		}
	}
	for _, a := range Activations() {
		if !seen[a] {
			t.Errorf("activation %v has no closed-form test", a)
		}
	}
}

// The derivative of each activation against a central difference, on a
// grid that avoids the kinks of ReLU and LeakyReLU.
func TestActivationDerivFiniteDifference(t *testing.T) {
	const h = 1e-5
	for _, a := range Activations() {
		for x := -6.05; x < 6; x += 0.1 {
			fd := (a.Apply(x+h, 0.2) - a.Apply(x-h, 0.2)) / (2 * h)
			if d := a.Deriv(x, 0.2); math.Abs(d-fd) > 1e-8 {
				t.Errorf("%v′(%v) = %v, central difference %v", a, x, d, fd)
			}
		}
	}
}

// The vector forms used by the layers agree bit for bit with Apply and Deriv.
func TestActivationVectorForms(t *testing.T) {
	var z, y, g []float64
	for x := -30.0; x <= 30; x += 0.37 {
		z = append(z, x)
	}
	z = append(z, 0, -0.0, 20, 20.5)
	y = make([]float64, len(z))
	g = make([]float64, len(z))
	for _, a := range Activations() {
		a.forward(y, z, 0.07)
		for i := range g {
			g[i] = 1.5
		}
		a.backward(g, z, y, 0.07)
		for i, x := range z {
			if want := a.Apply(x, 0.07); y[i] != want {
				t.Errorf("%v forward(%v) = %v, Apply gives %v", a, x, y[i], want)
			}
			if want := 1.5 * a.Deriv(x, 0.07); g[i] != want {
				t.Errorf("%v backward(%v) = %v, Deriv gives %v", a, x, g[i], want)
			}
		}
	}
}

func TestActivationNames(t *testing.T) {
	for _, a := range Activations() {
		text, err := a.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var b Activation
		if err := b.UnmarshalText(text); err != nil || b != a {
			t.Errorf("%v: round trip gave %v, %v", a, b, err)
		}
	}
	if _, err := ParseActivation("swish2"); err == nil {
		t.Error("ParseActivation accepted an unknown name")
	}
	if _, err := Activation(99).MarshalText(); err == nil {
		t.Error("MarshalText accepted an invalid activation")
	}
}
