package cli

import "io"

// firstFrameOutput wraps the wizard's terminal output. It returns w as it
// is, except in a build with the benchfirstframe tag
// (cli/firstframe_bench.go), which bench/instructions.sh uses to count the
// instructions a start takes up to the first frame.
var firstFrameOutput = func(w io.Writer) io.Writer { return w }
