// Package tfpb holds the generated Go types of TensorFlow's tf.Example
// messages (tfexample.proto here), for package tfrecord.
package tfpb

// Regenerate with protoc (Debian's protobuf-compiler) and protoc-gen-go of
// the google.golang.org/protobuf version in go.mod:
//
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
//	go generate ./record/tfrecord/tfpb
//
//go:generate protoc --go_out=. --go_opt=paths=source_relative tfexample.proto
