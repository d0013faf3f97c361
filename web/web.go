// Package web builds and serves Bellman's page: the static files in
// static/, the game compiled to WebAssembly, and Go's wasm_exec.js.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

//go:embed static
var static embed.FS

// Build writes the whole page into dir: the static files, wasm_exec.js from
// the Go installation, and the two WebAssembly modules built from module
// root (the folder holding go.mod) with their gzip copies: bellman.wasm,
// the game that draws, and worker.wasm, the session host each Web Worker
// runs. It needs only Go.
func Build(root, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files, _ := fs.Sub(static, "static")
	if err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), data, 0o644)
	}); err != nil {
		return err
	}
	goroot := runtime.GOROOT()
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		goroot = strings.TrimSpace(string(out))
	}
	wasmExec, err := os.ReadFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		wasmExec, err = os.ReadFile(filepath.Join(goroot, "misc", "wasm", "wasm_exec.js"))
	}
	if err != nil {
		return fmt.Errorf("wasm_exec.js not found in %s: %v", goroot, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "wasm_exec.js"), wasmExec, 0o644); err != nil {
		return err
	}
	// The game (drawing) and the worker (sessions) build side by side.
	mods := []struct{ out, pkg string }{{"bellman.wasm", "./wasm"}, {"worker.wasm", "./wasm/worker"}}
	errs := make([]error, len(mods))
	var wg sync.WaitGroup
	for i, m := range mods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := filepath.Join(dir, m.out)
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, m.pkg)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
			if msg, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("building %s: %v\n%s", m.out, err, msg)
				return
			}
			errs[i] = compress(out)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// compress writes path.gz beside path.
func compress(p string) error {
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(p+".gz", buf.Bytes(), 0o644)
}

// Handler serves the files of dir. A request for x is answered with x.gz
// when the client accepts gzip and that file exists. Every response can be
// revalidated: an ETag from the content and Cache-Control: no-cache, so a
// rebuilt page is never stale and an unchanged one costs a 304.
func Handler(dir string) http.Handler {
	var mu sync.Mutex
	etags := map[string]string{} // path + modtime → etag
	etag := func(p string, info os.FileInfo) string {
		key := p + info.ModTime().String()
		mu.Lock()
		defer mu.Unlock()
		if e, ok := etags[key]; ok {
			return e
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return ""
		}
		sum := sha256.Sum256(data)
		e := `"` + hex.EncodeToString(sum[:8]) + `"`
		etags[key] = e
		return e
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean("/" + r.URL.Path)
		if strings.ContainsRune(name, '\\') || strings.Contains(name, "\x00") {
			http.NotFound(w, r) // a backslash is a separator on Windows: never let it climb out
			return
		}
		if strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		file := filepath.Join(dir, filepath.FromSlash(name))
		ctype := mime.TypeByExtension(path.Ext(name))
		switch path.Ext(name) {
		case ".wasm":
			ctype = "application/wasm"
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		}
		w.Header().Set("Vary", "Accept-Encoding")
		served := file
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			if _, err := os.Stat(file + ".gz"); err == nil {
				served = file + ".gz"
				w.Header().Set("Content-Encoding", "gzip")
			}
		}
		f, err := os.Open(served)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil || info.IsDir() {
			http.NotFound(w, r)
			return
		}
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.Header().Set("Cache-Control", "no-cache")
		if e := etag(served, info); e != "" {
			w.Header().Set("ETag", e)
		}
		http.ServeContent(w, r, name, info.ModTime().Truncate(time.Second), f)
	})
}
