// Command serve builds Bellman's page and serves it:
//
//	go run ./cmd/serve [-addr 127.0.0.1:8080] [-out build/web]
//
// It compiles the game to WebAssembly (saying every 10 s how far the
// compiler got: a cold build cache takes minutes), gzips it, copies Go's
// wasm_exec.js and prints the address to open. The server has timeouts
// (web.Server) and sends a Content-Security-Policy (web.Handler).
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"bellman/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	out := flag.String("out", "build/web", "folder to build the page into")
	noBuild := flag.Bool("no-build", false, "serve -out as it is, without building")
	buildOnly := flag.Bool("build-only", false, "build into -out and exit")
	flag.Parse()
	if !*noBuild {
		start := time.Now()
		fmt.Println("building the page (WebAssembly)…")
		if err := web.BuildProgress(".", *out, os.Stdout, 10*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		fmt.Printf("built in %.1fs\n", time.Since(start).Seconds())
		if *buildOnly {
			return
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "serve: cannot listen on %s: %v\n", *addr, err)
		os.Exit(1)
	}
	fmt.Printf("Bellman is at http://%s/\n", ln.Addr())
	srv := web.Server(web.Handler(*out))
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}
