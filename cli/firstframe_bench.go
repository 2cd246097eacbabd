//go:build benchfirstframe

package cli

import (
	"bytes"
	"io"
	"os"
)

// A benchfirstframe build (bench/instructions.sh only) exits as soon as the
// wizard's first frame is written to the terminal.
func init() {
	firstFrameOutput = func(w io.Writer) io.Writer {
		if f, ok := w.(*os.File); ok {
			return exitAfterFirstFrame{f}
		}
		return w
	}
}

// exitAfterFirstFrame is the terminal (still a file, so Bubble Tea treats
// it as one) that ends the process once the first frame is written.
type exitAfterFirstFrame struct{ *os.File }

func (e exitAfterFirstFrame) Write(b []byte) (int, error) {
	n, err := e.File.Write(b)
	if bytes.Contains(b, []byte("Step 1 of")) {
		os.Exit(0)
	}
	return n, err
}
