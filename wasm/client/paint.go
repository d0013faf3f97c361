package client

import (
	"encoding/json"
	"fmt"
	"strings"

	"bellman/sim/proto"
)

// Paintable cell kinds, as world files write them.
const paintKinds = ".F#TSC"

// paint is a change to the world's layout, painted on the canvas.
type paint struct {
	row, col int
	kind     byte   // one of paintKinds; 0 for a change of shape
	shape    string // "add-row", "remove-row", "add-col", "remove-col"
}

// Paint puts a cell of kind (one of . F # T S C) at (row, col) of the world
// on screen. Changes are gathered and sent as one new world file by
// FlushPaint (a drag paints many cells a frame): planning re-solves, a
// learner starts again on the new world.
func (c *Client) Paint(row, col int, kind byte) error {
	if strings.IndexByte(paintKinds, kind) < 0 {
		return fmt.Errorf("paint: %q is not a cell (%s)", kind, paintKinds)
	}
	c.paints = append(c.paints, paint{row: row, col: col, kind: kind})
	return nil
}

// Reshape adds or removes the last row or column.
func (c *Client) Reshape(shape string) error {
	switch shape {
	case "add-row", "remove-row", "add-col", "remove-col":
		c.paints = append(c.paints, paint{shape: shape})
		return nil
	}
	return fmt.Errorf("paint: %q is not a change of shape (add-row, remove-row, add-col, remove-col)", shape)
}

// FlushPaint sends the changes painted since the last call, applied to the
// world on screen, as one world file. A world they spoil (no target left,
// a cliff without a start) is refused by the host with a notice, and the
// world on screen stays.
func (c *Client) FlushPaint() {
	if len(c.paints) == 0 {
		return
	}
	ps := c.paints
	c.paints = c.paints[:0]
	r, ok := c.Selected()
	if !ok || !r.Snap.HasGrid {
		c.say("error: paint: only a grid world can be painted", true)
		return
	}
	text, changed, err := painted(r.Snap.Grid.WorldFile, ps)
	if err != nil {
		c.say("error: paint: "+err.Error(), true)
		return
	}
	if changed {
		c.Send(proto.Command{Op: proto.OpLoad, Text: text})
	}
}

// painted applies ps to a world file's layout and reports whether that
// changed it.
func painted(file string, ps []paint) (string, bool, error) {
	var w map[string]json.RawMessage
	if err := json.Unmarshal([]byte(file), &w); err != nil {
		return "", false, fmt.Errorf("the world file: %v", err)
	}
	var layout []string
	if err := json.Unmarshal(w["layout"], &layout); err != nil || len(layout) == 0 {
		return "", false, fmt.Errorf("the world file has no layout")
	}
	before := strings.Join(layout, "\n")
	rows := make([][]byte, len(layout))
	for i, l := range layout {
		rows[i] = []byte(l)
	}
	for _, p := range ps {
		cols := len(rows[0])
		switch p.shape {
		case "add-row":
			rows = append(rows, []byte(strings.Repeat(".", cols)))
		case "remove-row":
			if len(rows) > 1 {
				rows = rows[:len(rows)-1]
			}
		case "add-col":
			for i := range rows {
				rows[i] = append(rows[i], '.')
			}
		case "remove-col":
			if cols > 1 {
				for i := range rows {
					rows[i] = rows[i][:cols-1]
				}
			}
		default:
			if p.row < 0 || p.row >= len(rows) || p.col < 0 || p.col >= cols {
				continue // off the grid
			}
			if p.kind == 'S' { // one start: the old one becomes free
				for _, row := range rows {
					for j := range row {
						if row[j] == 'S' {
							row[j] = '.'
						}
					}
				}
			}
			rows[p.row][p.col] = p.kind
		}
	}
	layout = layout[:0]
	for _, row := range rows {
		layout = append(layout, string(row))
	}
	if strings.Join(layout, "\n") == before {
		return file, false, nil
	}
	data, _ := json.Marshal(layout)
	w["layout"] = data
	out, err := json.MarshalIndent(w, "", " ")
	return string(out), true, err
}
