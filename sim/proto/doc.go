// Package proto is the protocol between the page's game and the hosts that
// run sessions (in a Web Worker, or in a goroutine natively): commands go
// in, snapshots come out. It is defined once here and spoken by both ends.
//
// Every message is a byte slice whose first byte says what it holds:
// commands (AppendCommands, DecodeCommands), a snapshot (AppendSnapshot,
// DecodeSnapshot) or the host's catalog of worlds, methods and lessons
// (AppendCatalog, DecodeCatalog). Snapshots are self-contained: each holds
// everything the game draws and the page shows, so a slow renderer only
// ever needs the newest one. Decoding checks lengths against what is left
// of the message before allocating and checks the decoded snapshot's
// consistency (indices in range, lengths matching the shape), so a
// malformed message is an error naming the field, never a panic or a
// picture drawn from nonsense.
package proto
