//go:build !js

package app

// install does nothing outside the browser.
func (b *Bridge) install(g *Game) {}

// pageNow returns 0: outside the browser there is no page clock.
func pageNow() float64 { return 0 }
