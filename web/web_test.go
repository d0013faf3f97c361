package web

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The server sends files of its folder only, with their types, the gzip
// copy where accepted, and revalidation headers.
func TestHandler(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "site")
	os.MkdirAll(site, 0o755)
	os.WriteFile(filepath.Join(root, "secret"), []byte("no"), 0o644)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("<p>hi</p>"), 0o644)
	os.WriteFile(filepath.Join(site, "bellman.wasm"), []byte("\x00asm raw"), 0o644)
	os.WriteFile(filepath.Join(site, "bellman.wasm.gz"), []byte("gzipped"), 0o644)
	h := Handler(site)
	get := func(path, enc string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "http://x"+path, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := get("/", ""); rec.Code != 200 || rec.Body.String() != "<p>hi</p>" || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("/: %d %q %v", rec.Code, rec.Body, rec.Header())
	}
	rec := get("/bellman.wasm", "gzip, br")
	if rec.Body.String() != "gzipped" || rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Content-Type") != "application/wasm" {
		t.Errorf("wasm with gzip: %q %v", rec.Body, rec.Header())
	}
	if rec.Header().Get("Cache-Control") != "no-cache" || rec.Header().Get("ETag") == "" {
		t.Errorf("no revalidation headers: %v", rec.Header())
	}
	if rec := get("/bellman.wasm", ""); rec.Body.String() != "\x00asm raw" || rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("wasm without gzip: %q %v", rec.Body, rec.Header())
	}
	for _, p := range []string{"/../secret", "/..%2fsecret", "/%2e%2e/secret", `/..\secret`, "/missing.js"} {
		if rec := get(p, ""); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d %q, want 404", p, rec.Code, rec.Body)
		}
	}
}

// Every response carries the security headers; HTML pages' inline scripts
// and styles are allowed by hash and nothing else inline is; a method other
// than GET or HEAD gets 405 with Allow.
func TestSecurityHeaders(t *testing.T) {
	site := t.TempDir()
	// The CSP spec's example: alert('Hello, world.'); hashes to qznLc….
	page := "<!doctype html><style>p { color: red }</style><p>hi</p><script>alert('Hello, world.');</script>" +
		`<script src="app.js"></script><SCRIPT type="module">x()</SCRIPT>`
	os.WriteFile(filepath.Join(site, "index.html"), []byte(page), 0o644)
	os.WriteFile(filepath.Join(site, "index.html.gz"), []byte("gzipped"), 0o644)
	os.WriteFile(filepath.Join(site, "app.js"), []byte("x()"), 0o644)
	h := Handler(site)
	do := func(method, path, enc string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://x"+path, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	sha := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	base := "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; worker-src 'self'; connect-src 'self'; " +
		"img-src 'self' data:; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
	withHashes := strings.Replace(strings.Replace(base,
		"'wasm-unsafe-eval'", "'wasm-unsafe-eval' 'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=' "+sha("x()"), 1),
		"style-src 'self'", "style-src 'self' "+sha("p { color: red }"), 1)
	for _, tc := range []struct {
		method, path, enc string
		code              int
		csp               string
	}{
		{"GET", "/", "", 200, withHashes},
		{"GET", "/index.html", "gzip", 200, withHashes}, // hashes of the page, not of its gzip copy
		{"HEAD", "/app.js", "", 200, base},
		{"GET", "/missing", "", 404, base},
		{"POST", "/", "", 405, base},
		{"DELETE", "/app.js", "", 405, base},
	} {
		rec := do(tc.method, tc.path, tc.enc)
		hd := rec.Header()
		if rec.Code != tc.code || hd.Get("Content-Security-Policy") != tc.csp || hd.Get("X-Content-Type-Options") != "nosniff" ||
			hd.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s %s: %d, headers %v;\nwant %d with CSP %s", tc.method, tc.path, rec.Code, hd, tc.code, tc.csp)
		}
		if allow := hd.Get("Allow"); (tc.code == 405) != (allow == "GET, HEAD") {
			t.Errorf("%s %s: Allow %q", tc.method, tc.path, allow)
		}
	}
}

// The page's own HTML files: each inline <script> and <style> (found here
// by a regular expression) is allowed by its hash.
func TestStaticPagesCSP(t *testing.T) {
	re := regexp.MustCompile(`(?s)<(script|style)>(.*?)</(?:script|style)>`)
	for _, name := range []string{"static/index.html", "static/game.html"} {
		data, err := static.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		policy := csp(data)
		for _, m := range re.FindAllSubmatch(data, -1) {
			sum := sha256.Sum256(m[2])
			src := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
			directive := string(m[1]) + "-src 'self'"
			i := strings.Index(policy, directive)
			if i < 0 || !strings.Contains(strings.SplitN(policy[i:], ";", 2)[0], src) {
				t.Errorf("%s: the policy does not allow its inline %s %s: %s", name, m[1], src, policy)
			}
		}
	}
}

// The dev server closes idle keep-alive connections and slow requests.
func TestServerTimeouts(t *testing.T) {
	s := Server(http.NotFoundHandler())
	if s.IdleTimeout != 30*time.Second || s.ReadTimeout != 30*time.Second || s.WriteTimeout != 2*time.Minute ||
		s.ReadHeaderTimeout != 10*time.Second || s.MaxHeaderBytes != 64<<10 {
		t.Errorf("server %+v", s)
	}
	// An idle connection is closed after IdleTimeout (shortened here).
	srv := httptest.NewUnstartedServer(s.Handler)
	srv.Config.IdleTimeout = 100 * time.Millisecond
	srv.Start()
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.ReadByte(); err != io.EOF {
		t.Errorf("idle connection: read %v, want EOF (closed by the server)", err)
	}
}

// The build says what it is compiling while it takes long (two builds at
// once, each package counted once), and passes the compiler's messages on
// when it fails.
func TestReporter(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	var progress bytes.Buffer
	rep := &reporter{seen: map[string]bool{}}
	stop := rep.every(&progress, 150*time.Millisecond, "compiling it")
	errs := make(chan error, 2)
	for _, script := range []string{"echo a/b; echo golang.org/x/c; sleep 1", "echo a/b; sleep 1"} {
		go func() { errs <- rep.run(exec.Command("sh", "-c", script)) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	stop()
	if !regexp.MustCompile(`(?m)^  still compiling it: [01] s, 2 packages so far \(last (a/b|golang.org/x/c)\)$`).MatchString(progress.String()) {
		t.Errorf("progress:\n%s", progress.String())
	}
	err := rep.run(exec.Command("sh", "-c", "echo a/b; echo './x.go:3:1: syntax error: unexpected }'; exit 1"))
	if err == nil || !strings.Contains(err.Error(), "x.go:3:1: syntax error") || strings.Contains(err.Error(), "a/b") {
		t.Errorf("error %v", err)
	}
}
