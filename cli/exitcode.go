package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
)

// Exit codes, modelled on gh and gum; documented in the root command's help.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitUnlinked    = 3
	exitAuth        = 4
	exitInterrupted = 130
)

// exitCodesHelp is appended to every command's help text.
const exitCodesHelp = `Exit codes:
  0    success
  1    error (network, server, a check that failed)
  2    usage error or missing input (the message names the flag)
  3    members remain unlinked to SCIM (docker-scim members)
  4    authentication failed: Docker answered 401 or 403
  130  interrupted (Ctrl+C)`

// usageError is a mistake in how the command was called: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a usageError; its message should name the flag to use.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// missingInput is required input that was not given in a non-interactive
// run: exit code 2 with one line per missing value, naming its flag.
type missingInput struct{ items []string }

func (e *missingInput) Error() string {
	return "missing input: give it with\n  " + strings.Join(e.items, "\n  ")
}

// add records a missing value, described by how to give it.
func (e *missingInput) add(how string) { e.items = append(e.items, how) }

// err returns e as an error, or nil when nothing is missing.
func (e *missingInput) err() error {
	if len(e.items) == 0 {
		return nil
	}
	return e
}

// errAuthFailed marks a result (not an error from the client) where Docker
// refused the credentials, such as a verify run whose checks got a 401.
var errAuthFailed = errors.New("authentication failed")

// errInterrupted is returned when the user pressed Ctrl+C.
var errInterrupted = errors.New("interrupted")

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ue *usageError
	var mi *missingInput
	var ce *client.Error
	var unlinked *errUnlinked
	switch {
	case errors.As(err, &unlinked):
		return exitUnlinked
	case errors.As(err, &ue), errors.As(err, &mi):
		return exitUsage
	case errors.Is(err, errInterrupted), errors.Is(err, tea.ErrInterrupted), errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, errAuthFailed):
		return exitAuth
	case errors.As(err, &ce) && flow.IsAuthKind(ce.Kind):
		return exitAuth
	}
	return exitError
}
