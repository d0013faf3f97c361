# Bellman: `make serve` builds the page and serves it; `make test` installs
# what the tests need and runs them natively, under node as WebAssembly, and
# in headless chromium.

GO       ?= go
ADDR     ?= 127.0.0.1:8080
OUT      ?= build/web
GOROOT   := $(shell $(GO) env GOROOT)
WASMEXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
# Packages that build natively without X11/GL (the ebiten app is js/wasm only).
NATIVE   := ./sim/... ./cmd/... ./assets/... ./record/... ./web/...
# Packages whose tests also run under node as js/wasm.
PORTABLE := ./sim/... ./cmd/... ./assets/... ./record/...

.PHONY: all test check fmt vet test-native test-wasm deps bench bench-wasm bench-page serve wasm clean

all: test

test: deps check test-native test-wasm

check: fmt vet

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(NATIVE)
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... $(PORTABLE)

test-native:
	BELLMAN_REQUIRE_BROWSER=1 $(GO) test -count=1 -timeout 25m $(NATIVE)

test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" $(PORTABLE)

# deps installs what the tests need on a fresh Debian machine: node (to run
# js/wasm tests) and chromium (browser tests).
deps:
	sh scripts/deps.sh
	$(GO) mod download

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./sim/...

bench-wasm:
	GOOS=js GOARCH=wasm $(GO) test -exec="$(WASMEXEC)" -run '^$$' -bench . -benchmem ./sim/...

# serve builds the page (only Go is needed) and serves it on $(ADDR).
serve:
	$(GO) run ./cmd/serve -addr $(ADDR) -out $(OUT)

# wasm builds the page into $(OUT) without serving it.
wasm:
	$(GO) run ./cmd/serve -out $(OUT) -build-only

# bench-page measures the page in headless chromium (size, first frame,
# Update and Draw per frame).
bench-page:
	$(GO) test -run '^$$' -bench Page -benchtime 1x ./web

clean:
	rm -rf build test-output
