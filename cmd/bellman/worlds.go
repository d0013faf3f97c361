package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"bellman/assets"
	"bellman/sim/grid"
	"bellman/sim/strictjson"
)

func runWorlds(args []string, stdout io.Writer) error {
	fs := newFlags("worlds")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	for _, name := range assets.WorldNames() {
		w, err := assets.World(name)
		if err != nil {
			return err
		}
		kind := "continuing"
		if w.Terminal {
			kind = "episodic"
		}
		fmt.Fprintf(stdout, "%-14s %dx%d, %d actions, %s\n", name, w.Rows, w.Cols, w.Actions, kind)
	}
	return nil
}

// loadWorld reads a built-in world by name, or a world file by path.
func loadWorld(nameOrPath string) (grid.World, error) {
	if nameOrPath == "" {
		return grid.World{}, fmt.Errorf("--world is required (a built-in: %s; or a file)", strings.Join(assets.WorldNames(), ", "))
	}
	if _, err := assets.WorldFile(nameOrPath); err == nil {
		return assets.World(nameOrPath)
	}
	f, err := os.Open(nameOrPath)
	if err != nil {
		return grid.World{}, fmt.Errorf("no built-in world or readable file %s (built-in: %s)", strictjson.Short(nameOrPath), strings.Join(assets.WorldNames(), ", "))
	}
	defer f.Close()
	data, err := strictjson.ReadAll(f, grid.MaxWorldFileBytes)
	if err != nil {
		return grid.World{}, fmt.Errorf("world file %s: %v", nameOrPath, err)
	}
	w, err := grid.Parse(data)
	if err != nil {
		return grid.World{}, fmt.Errorf("%s: %v", nameOrPath, err)
	}
	return w, nil
}
