//go:build benchfirstframe

package main

import (
	"bytes"
	"os"

	tea "charm.land/bubbletea/v2"
)

// A benchfirstframe build (bench/instructions.sh only) exits as soon as the
// first frame is written to the terminal.
func init() { options = append(options, tea.WithOutput(exitAfterFirstFrame{os.Stdout})) }

// exitAfterFirstFrame is the terminal (still a file, so Bubble Tea treats
// it as one) that ends the process once the first frame is written.
type exitAfterFirstFrame struct{ *os.File }

func (e exitAfterFirstFrame) Write(b []byte) (int, error) {
	n, err := e.File.Write(b)
	if bytes.Contains(b, []byte("Item 3")) {
		os.Exit(0)
	}
	return n, err
}
