// Package assets embeds Bellman's built-in data: the world files.
package assets

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"bellman/sim/grid"
)

//go:embed worlds/*.json
var worlds embed.FS

// DefaultWorld is the world the page and the CLI start on.
const DefaultWorld = "zhao-5x5"

// WorldNames lists the built-in worlds, sorted.
func WorldNames() []string {
	entries, _ := fs.ReadDir(worlds, "worlds")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(names)
	return names
}

// WorldFile returns the file of a built-in world.
func WorldFile(name string) ([]byte, error) {
	data, err := worlds.ReadFile("worlds/" + name + ".json")
	if err != nil || strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("no built-in world %q (built-in: %s)", name, strings.Join(WorldNames(), ", "))
	}
	return data, nil
}

// World parses a built-in world.
func World(name string) (grid.World, error) {
	data, err := WorldFile(name)
	if err != nil {
		return grid.World{}, err
	}
	w, err := grid.Parse(data)
	if err != nil {
		return grid.World{}, fmt.Errorf("built-in world %s: %v", name, err)
	}
	return w, nil
}
