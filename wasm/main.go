// Command wasm is Bellman's browser app: run it as GOOS=js GOARCH=wasm and
// load it from web/game.html. All of the app lives in package app.
package main

import (
	"log"

	"bellman/wasm/app"
)

func main() {
	if err := app.Run(); err != nil {
		log.Fatal(err)
	}
}
