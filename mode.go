package main

import (
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// uiMode is how the wizard talks to the admin; it is decided once, before
// any Bubble Tea program is built.
type uiMode int

const (
	// modeTUI is the full-screen Bubble Tea wizard (on stderr).
	modeTUI uiMode = iota
	// modePrompt is the plain line mode: questions on stderr, answers read
	// line by line from stdin; no animation, no alternate screen.
	modePrompt
	// modeNoInput reads nothing: every answer comes from flags and
	// environment variables, and a missing one fails with exit code 2.
	modeNoInput
)

// String names the mode for messages.
func (m uiMode) String() string {
	switch m {
	case modeTUI:
		return "tui"
	case modePrompt:
		return "plain"
	}
	return "no-input"
}

// terminalState is what the mode decision looks at.
type terminalState struct {
	StdinTTY, StdoutTTY bool
	// Term is $TERM.
	Term       string
	NoInput    bool
	Accessible bool
}

// chooseMode runs the TUI only when stdin and stdout are terminals, input is
// allowed, the accessible mode is off and TERM is not dumb.
func chooseMode(s terminalState) uiMode {
	switch {
	case s.NoInput:
		return modeNoInput
	case s.StdinTTY && s.StdoutTTY && !s.Accessible && s.Term != "dumb":
		return modeTUI
	}
	return modePrompt
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool { return f != nil && term.IsTerminal(f.Fd()) }

// envBool reads a boolean environment variable: unset, "", "0", "false" and
// "no" are false; any other value is true (gh's convention).
func envBool(name string) bool {
	v, ok := os.LookupEnv(name)
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no":
		return false
	}
	if b, err := strconv.ParseBool(v); err == nil {
		return b
	}
	return true
}

// envOr returns the environment variable name, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// colorProfile picks the colour profile for w: colorprofile honours NO_COLOR,
// CLICOLOR, CLICOLOR_FORCE and TERM=dumb; --no-color keeps bold but drops
// colour; the accessible mode drops all styling.
func colorProfile(w io.Writer, noColor, accessible bool) colorprofile.Profile {
	p := colorprofile.Detect(w, os.Environ())
	if accessible {
		return colorprofile.NoTTY
	}
	if noColor && p > colorprofile.ASCII {
		return colorprofile.ASCII
	}
	return p
}
