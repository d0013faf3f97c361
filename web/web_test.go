package web

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
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
