// Package draw holds the page's drawing primitives: batched triangle meshes
// (lines, rings, rectangles in one draw call), text that lays its glyphs
// out without allocating, and the colour scales: one diverging scale for
// values, colour-blind safe, and the marks' palette.
package draw
