package draw

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// white is a one-pixel white source image for filled triangles.
var white = func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
}()

// Text is drawn with Go's regular font through x/image's rasteriser
// (text.GoXFace): the page only prints numbers and short labels, and this
// keeps go-text's shaping engine, megabytes of WebAssembly, out of the build.
var (
	goFont *opentype.Font
	faces  = map[int]text.Face{}
)

// fontFace returns the face of a pixel size (at least 6), made once per size.
func Face(size float64) (text.Face, float64) {
	px := int(size + 0.5)
	if px < 6 {
		px = 6
	}
	if f, ok := faces[px]; ok {
		return f, float64(px)
	}
	if goFont == nil {
		var err error
		if goFont, err = opentype.Parse(goregular.TTF); err != nil {
			panic("draw: font: " + err.Error())
		}
	}
	xf, err := opentype.NewFace(goFont, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("draw: font: " + err.Error())
	}
	f := text.NewGoXFace(xf)
	faces[px] = f
	return f, float64(px)
}

// mesh batches triangles with per-vertex colours so that many shapes (all
// arrows, all hatch lines) go to the GPU in one draw call. Its buffers are
// reused from frame to frame: building a mesh allocates nothing once warm.
type Mesh struct {
	vs []ebiten.Vertex
	is []uint16
}

// maxVertices keeps the 16-bit indices of one draw call in range.
const maxVertices = 60000

func (m *Mesh) vertex(x, y float32, c color.RGBA) {
	m.vs = append(m.vs, ebiten.Vertex{
		DstX: x, DstY: y, SrcX: 1, SrcY: 1,
		ColorR: float32(c.R) / 255, ColorG: float32(c.G) / 255, ColorB: float32(c.B) / 255, ColorA: float32(c.A) / 255,
	})
}

// room flushes the mesh first if n more vertices would not fit.
func (m *Mesh) Room(dst *ebiten.Image, n int, aa bool) {
	if len(m.vs)+n > maxVertices {
		m.Flush(dst, aa)
	}
}

// tri adds a triangle.
func (m *Mesh) Tri(x0, y0, x1, y1, x2, y2 float32, c color.RGBA) {
	b := uint16(len(m.vs))
	m.vertex(x0, y0, c)
	m.vertex(x1, y1, c)
	m.vertex(x2, y2, c)
	m.is = append(m.is, b, b+1, b+2)
}

// quad adds a quadrilateral given its corners in order.
func (m *Mesh) Quad(x0, y0, x1, y1, x2, y2, x3, y3 float32, c color.RGBA) {
	b := uint16(len(m.vs))
	m.vertex(x0, y0, c)
	m.vertex(x1, y1, c)
	m.vertex(x2, y2, c)
	m.vertex(x3, y3, c)
	m.is = append(m.is, b, b+1, b+2, b, b+2, b+3)
}

// rect adds an axis-aligned rectangle.
func (m *Mesh) Rect(x, y, w, h float32, c color.RGBA) {
	m.Quad(x, y, x+w, y, x+w, y+h, x, y+h, c)
}

// line adds a segment of the given width.
func (m *Mesh) Line(x0, y0, x1, y1, w float32, c color.RGBA) {
	dx, dy := x1-x0, y1-y0
	l := float32(math.Hypot(float64(dx), float64(dy)))
	if l == 0 {
		return
	}
	nx, ny := -dy/l*w/2, dx/l*w/2
	m.Quad(x0+nx, y0+ny, x1+nx, y1+ny, x1-nx, y1-ny, x0-nx, y0-ny, c)
}

// ring adds a circle outline of radius r and width w.
func (m *Mesh) Ring(cx, cy, r, w float32, c color.RGBA) {
	const n = 28
	ri, ro := r-w/2, r+w/2
	for i := 0; i < n; i++ {
		a0 := float64(i) / n * 2 * math.Pi
		a1 := float64(i+1) / n * 2 * math.Pi
		c0, s0 := float32(math.Cos(a0)), float32(math.Sin(a0))
		c1, s1 := float32(math.Cos(a1)), float32(math.Sin(a1))
		m.Quad(cx+ro*c0, cy+ro*s0, cx+ro*c1, cy+ro*s1, cx+ri*c1, cy+ri*s1, cx+ri*c0, cy+ri*s0, c)
	}
}

// flush draws the batched triangles and empties the mesh.
func (m *Mesh) Flush(dst *ebiten.Image, aa bool) {
	if len(m.is) > 0 {
		op := ebiten.DrawTrianglesOptions{AntiAlias: aa}
		dst.DrawTriangles(m.vs, m.is, white, &op)
	}
	m.vs, m.is = m.vs[:0], m.is[:0]
}

// drawText draws s centred at (x, y).
func Text(dst *ebiten.Image, s string, face text.Face, x, y float64, c color.RGBA) {
	op := text.DrawOptions{}
	op.GeoM.Translate(x, y)
	// Scale with plain floats: ScaleWithColor would box c on every call.
	op.ColorScale.Scale(float32(c.R)/255, float32(c.G)/255, float32(c.B)/255, float32(c.A)/255)
	op.PrimaryAlign = text.AlignCenter
	op.SecondaryAlign = text.AlignCenter
	// text.Draw would lay the glyphs out into a new slice on every call.
	glyphs = text.AppendGlyphs(glyphs[:0], s, face, &op.LayoutOptions)
	at := op.GeoM
	for _, g := range glyphs {
		if g.Image == nil {
			continue
		}
		op.GeoM.Reset()
		op.GeoM.Translate(g.X, g.Y)
		op.GeoM.Concat(at)
		dst.DrawImage(g.Image, &op.DrawImageOptions)
	}
}

// glyphs is drawText's layout buffer, reused from call to call (ebiten
// calls Draw on one goroutine).
var glyphs []text.Glyph

// Width returns how wide s is drawn in face, in pixels.
func Width(s string, face text.Face) float64 { return text.Advance(s, face) }
