package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/steps"
)

// runbookWrittenMsg reports where the runbook was written.
type runbookWrittenMsg struct {
	path string
	err  error
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// runbookPath is the export's file name in dir: the org and the time.
func runbookPath(dir, org string, at time.Time) string {
	return filepath.Join(dir, fmt.Sprintf("docker-scim-runbook-%s-%s.md", unsafeName.ReplaceAllString(org, "_"), at.UTC().Format("20060102-150405")))
}

// writeRunbookCmd writes the runbook's Markdown to a new file, never over an
// existing one (path-2.md, path-3.md… when taken). The runbook has no token
// field, so the token cannot end up in it.
func writeRunbookCmd(path string, rb steps.Runbook) tea.Cmd {
	return func() tea.Msg {
		base, data := strings.TrimSuffix(path, ".md"), []byte(rb.Markdown())
		err := writeNew(path, data)
		for n := 2; errors.Is(err, fs.ErrExist) && n < 100; n++ {
			path = fmt.Sprintf("%s-%d.md", base, n)
			err = writeNew(path, data)
		}
		if err != nil {
			return runbookWrittenMsg{err: fmt.Errorf("export the runbook to %s: %w", path, err)}
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs // the admin sees where it is, wherever the wizard was started
		}
		return runbookWrittenMsg{path: path}
	}
}

// writeNew creates path (0600, failing when it exists) with data.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
