// Package session runs one method on one environment and keeps what the page
// and the CLI show: the parameters (from one schema), the progress counters
// and the metric histories. A session is not safe for concurrent use; the
// game loop owns it and hands copies (snapshots) to the drawing code.
package session
