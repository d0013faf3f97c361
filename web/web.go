// Package web builds and serves Bellman's page: the static files in
// static/, the game compiled to WebAssembly, and Go's wasm_exec.js.
package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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
func Build(root, dir string) error { return BuildProgress(root, dir, nil, 0) }

// BuildProgress is Build that, while the WebAssembly compiles, writes a
// line to progress every interval: the seconds so far, the packages
// compiled and the last one (a cold build cache takes minutes; a warm one
// prints nothing). A nil progress prints nothing.
func BuildProgress(root, dir string, progress io.Writer, interval time.Duration) error {
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
	rep := &reporter{seen: map[string]bool{}}
	defer rep.every(progress, interval, "compiling the WebAssembly")()
	mods := []struct{ out, pkg string }{{"bellman.wasm", "./wasm"}, {"worker.wasm", "./wasm/worker"}}
	errs := make([]error, len(mods))
	var wg sync.WaitGroup
	for i, m := range mods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := filepath.Join(dir, m.out)
			cmd := exec.Command("go", "build", "-v", "-trimpath", "-ldflags=-s -w", "-o", out, m.pkg)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
			if err := rep.run(cmd); err != nil {
				errs[i] = fmt.Errorf("building %s: %v", m.out, err)
				return
			}
			errs[i] = compress(out)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// reporter follows "go build -v" runs (several at once) and says every so
// often how far they got: the packages compiled, counted once each.
type reporter struct {
	mu   sync.Mutex
	seen map[string]bool
	last string
}

// run runs cmd, a "go build -v", counting the packages it names. Its other
// output (compiler errors) comes back in the error.
func (r *reporter) run(cmd *exec.Cmd) error {
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { err := cmd.Wait(); pw.Close(); done <- err }()
	var msg strings.Builder
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !isPackagePath(line) {
			msg.WriteString(line + "\n")
			continue
		}
		r.mu.Lock()
		r.seen[line], r.last = true, line
		r.mu.Unlock()
	}
	io.Copy(io.Discard, pr) // after a line too long for the scanner: keep the pipe flowing
	if err := <-done; err != nil {
		return fmt.Errorf("%v\n%s", err, strings.TrimSpace(msg.String()))
	}
	return nil
}

// every writes a line to w every interval until the returned stop is
// called: "  still <doing>: 30 s, 59 packages so far (last syscall)". A nil
// w or an interval ≤ 0 writes nothing.
func (r *reporter) every(w io.Writer, interval time.Duration, doing string) (stop func()) {
	if w == nil || interval <= 0 {
		return func() {}
	}
	start, t, quit, done := time.Now(), time.NewTicker(interval), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-t.C:
				r.mu.Lock()
				fmt.Fprintf(w, "  still %s: %.0f s, %d packages so far (last %s)\n", doing, time.Since(start).Seconds(), len(r.seen), r.last)
				r.mu.Unlock()
			case <-quit:
				return
			}
		}
	}()
	return func() { t.Stop(); close(quit); <-done }
}

// isPackagePath reports whether a line of "go build -v" names a package
// (an import path) rather than being a message.
func isPackagePath(line string) bool {
	if line == "" || strings.HasPrefix(line, "#") {
		return false
	}
	for _, r := range line {
		if !(r == '/' || r == '.' || r == '-' || r == '_' || r == '~' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
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

// Timeouts of the dev server. A request's headers must arrive within 10 s
// and the whole request within 30 s; a response (the .wasm is some MB) is
// written within 2 minutes; a keep-alive connection idle for 30 s is closed.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 2 * time.Minute
	IdleTimeout       = 30 * time.Second
)

// Server returns an http.Server for h with the dev server's timeouts and
// request headers of at most 64 KiB.
func Server(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: ReadHeaderTimeout, ReadTimeout: ReadTimeout,
		WriteTimeout: WriteTimeout, IdleTimeout: IdleTimeout, MaxHeaderBytes: 64 << 10}
}

// cspBase is the Content-Security-Policy of every response, before the
// hashes of an HTML page's inline scripts and styles: the page's own
// scripts, Go's wasm_exec.js and WebAssembly compiled from them
// ('wasm-unsafe-eval', which WebAssembly.instantiate needs, and no eval of
// JavaScript), Web Workers from the page's own scripts, fetches (the
// .wasm) and frames (game.html) from the same origin, images from the
// same origin and data: URLs (the empty favicon "data:,"), and nothing
// else: no plugins, no other origins, no <base>, no forms, and framing
// only by the page itself. Scripts and styles inline in an HTML page are
// allowed by their SHA-256 alone (see inlineHashes).
var cspBase = []string{
	"default-src 'none'",
	"script-src 'self' 'wasm-unsafe-eval'",
	"style-src 'self'",
	"worker-src 'self'",
	"connect-src 'self'",
	"img-src 'self' data:",
	"frame-src 'self'",
	"frame-ancestors 'self'",
	"base-uri 'none'",
	"form-action 'none'",
}

// csp returns the policy for a response: for an HTML page, with the hashes
// of its inline scripts and styles.
func csp(page []byte) string {
	scripts, styles := inlineHashes(page)
	parts := append([]string(nil), cspBase...)
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, "script-src ") && len(scripts) > 0:
			parts[i] += " " + strings.Join(scripts, " ")
		case strings.HasPrefix(p, "style-src ") && len(styles) > 0:
			parts[i] += " " + strings.Join(styles, " ")
		}
	}
	return strings.Join(parts, "; ")
}

// inlineHashes returns the CSP sources ('sha256-…') of the inline
// <script> elements (those without src) and <style> elements of an HTML
// page: the SHA-256 of each element's text, as browsers hash it.
func inlineHashes(page []byte) (scripts, styles []string) {
	lower := bytes.ToLower(page) // tag names are case-insensitive; offsets stay the same for ASCII
	for _, tag := range []string{"script", "style"} {
		open, end := []byte("<"+tag), []byte("</"+tag)
		for at := 0; ; {
			i := bytes.Index(lower[at:], open)
			if i < 0 {
				break
			}
			i += at
			gt := bytes.IndexByte(lower[i:], '>')
			if gt < 0 {
				break
			}
			attrs := lower[i+len(open) : i+gt]
			start := i + gt + 1
			j := bytes.Index(lower[start:], end)
			if j < 0 {
				break
			}
			at = start + j
			if len(attrs) > 0 && attrs[0] != ' ' && attrs[0] != '\t' && attrs[0] != '\n' {
				continue // another tag, such as <scripts>
			}
			if tag == "script" && bytes.Contains(attrs, []byte("src=")) {
				continue
			}
			sum := sha256.Sum256(page[start:at])
			src := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
			if tag == "script" {
				scripts = append(scripts, src)
			} else {
				styles = append(styles, src)
			}
		}
	}
	return scripts, styles
}

// Handler serves the files of dir. A request for x is answered with x.gz
// when the client accepts gzip and that file exists. Every response can be
// revalidated: an ETag from the content and Cache-Control: no-cache, so a
// rebuilt page is never stale and an unchanged one costs a 304. Every
// response carries a Content-Security-Policy (cspBase, with an HTML page's
// inline hashes), X-Content-Type-Options: nosniff and Referrer-Policy:
// no-referrer; methods other than GET and HEAD get 405 with an Allow
// header.
func Handler(dir string) http.Handler {
	type meta struct{ etag, csp string }
	var mu sync.Mutex
	metas := map[string]meta{} // path + modtime → its ETag and policy
	describe := func(p string, info os.FileInfo) meta {
		key := p + info.ModTime().String()
		mu.Lock()
		defer mu.Unlock()
		if m, ok := metas[key]; ok {
			return m
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return meta{csp: csp(nil)}
		}
		sum := sha256.Sum256(data)
		m := meta{etag: `"` + hex.EncodeToString(sum[:8]) + `"`, csp: csp(nil)}
		if strings.HasSuffix(p, ".html") {
			m.csp = csp(data)
		}
		metas[key] = m
		return m
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp(nil))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
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
		m := describe(served, info)
		if served != file && strings.HasSuffix(file, ".html") {
			// The policy hashes the page as written: the plain file's.
			m.csp = csp(nil)
			if plain, err := os.Stat(file); err == nil {
				m.csp = describe(file, plain).csp
			}
		}
		h.Set("Content-Security-Policy", m.csp)
		if m.etag != "" {
			w.Header().Set("ETag", m.etag)
		}
		http.ServeContent(w, r, name, info.ModTime().Truncate(time.Second), f)
	})
}
