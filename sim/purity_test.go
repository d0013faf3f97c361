package sim_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// jsPackage is the browser's package, which sim/ must never import (spelt
// in two parts so that a grep for imports of it finds none here).
const jsPackage = "syscall" + "/js"

// allowed reports whether a package outside the module may be imported by sim/.
func allowed(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") || strings.HasPrefix(path, "gonum.org/v1/gonum/") || path == "gonum.org/v1/gonum"
}

// Every import in sim/'s sources is the standard library, gonum or sim itself.
func TestImportsArePure(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if p == jsPackage || (!allowed(p) && !strings.HasPrefix(p, "bellman/sim")) {
				t.Errorf("%s imports %s: sim/ may use only the standard library and gonum", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The transitive dependencies of sim/ (as the go command resolves them) are
// the standard library, gonum and sim itself: nothing pulls in ebiten.
func TestDependenciesArePure(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("no go command under js/wasm; TestImportsArePure covers the sources")
	}
	out, err := exec.Command("go", "list", "-deps", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == jsPackage || (!allowed(p) && !strings.HasPrefix(p, "bellman/sim")) {
			t.Errorf("sim/ depends on %s", p)
		}
	}
}
