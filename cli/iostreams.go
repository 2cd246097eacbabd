package cli

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// IO is where a command reads and writes, and what it knows about the
// terminal (gh's iostreams): stdin, stdout and stderr, whether they are
// terminals, $TERM, and whether it may ask questions at all.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// StdinTTY and StdoutTTY say whether stdin and stdout are terminals.
	StdinTTY, StdoutTTY bool
	// Term is $TERM.
	Term string
	// Environ is the environment, for the colour profile.
	Environ []string
	// NeverPrompt is --no-input: nothing is read from stdin but secrets.
	NeverPrompt bool

	// stdinTerm is the terminal stdin is on, for hidden input; nil when
	// stdin is a pipe or a file.
	stdinTerm *os.File
	// lines is the one buffered reader over In: secrets and answers are
	// read through it, so none is lost to another buffer.
	lines *bufio.Reader
}

// System is the process's own stdin, stdout and stderr.
func System() *IO {
	s := &IO{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		StdinTTY: isTerminal(os.Stdin), StdoutTTY: isTerminal(os.Stdout),
		Term: os.Getenv("TERM"), Environ: os.Environ(),
	}
	if s.StdinTTY {
		s.stdinTerm = os.Stdin
	}
	return s
}

// reader is the one buffered reader over stdin.
func (s *IO) reader() *bufio.Reader {
	if s.lines == nil {
		s.lines = bufio.NewReader(s.In)
	}
	return s.lines
}

// CanPrompt reports whether questions may be asked on stderr and answered
// on stdin: always, unless --no-input is given.
func (s *IO) CanPrompt() bool { return !s.NeverPrompt }

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

// Mode runs the TUI only when stdin and stdout are terminals, input is
// allowed, the accessible mode is off and TERM is not dumb.
func (s *IO) Mode(accessible bool) uiMode {
	switch {
	case s.NeverPrompt:
		return modeNoInput
	case s.StdinTTY && s.StdoutTTY && !accessible && s.Term != "dumb":
		return modeTUI
	}
	return modePrompt
}

// ColorProfile picks the colour profile for w: colorprofile honours
// NO_COLOR, CLICOLOR, CLICOLOR_FORCE and TERM=dumb; --no-color keeps bold
// but drops colour; the accessible mode drops all styling.
func (s *IO) ColorProfile(w io.Writer, noColor, accessible bool) colorprofile.Profile {
	if accessible {
		return colorprofile.NoTTY
	}
	p := colorprofile.Detect(w, s.Environ)
	if noColor && p > colorprofile.ASCII {
		return colorprofile.ASCII
	}
	return p
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
