package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/adrg/xdg"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// stateFile is the name of the progress file inside the state directory.
const stateFile = "progress.json"

// stateVersion changes when savedState's meaning changes.
const stateVersion = 1

// DefaultStateDir is where progress is saved: $XDG_STATE_HOME/docker-scim
// (~/.local/state/docker-scim on Linux).
func DefaultStateDir() string { return filepath.Join(xdg.StateHome, "docker-scim") }

// savedState is the progress saved after every change. It never holds a
// secret: no token, no password.
type savedState struct {
	Version    int               `json:"version"`
	Step       steps.StepID      `json:"step"`
	Org        string            `json:"org"`
	Sandbox    bool              `json:"sandbox"`
	Connection client.Connection `json:"connection"`
	BaseURL    string            `json:"scim_base_url,omitempty"`
	IdP        steps.IdP         `json:"idp,omitempty"`
	Checked    map[string]bool   `json:"checked,omitempty"`
	// SetupAt is when the SCIM credentials were issued or pasted: the
	// read-back looks for users provisioned since then.
	SetupAt time.Time `json:"setup_at,omitzero"`
	// JITSaid is the admin's answer about JIT where Docker's setting
	// cannot be read (no one reads it again on resume).
	JITSaid *bool `json:"jit_said,omitempty"`
	// Findings are the preflight's results, for the runbook and the
	// result after a resume (the preflight is not shown again). The member
	// list they were computed from is not saved.
	Findings []steps.Finding `json:"findings,omitempty"`
	SavedAt  time.Time       `json:"saved_at"`
}

type stateLoadedMsg struct {
	state *savedState
	// movedAside is where a corrupt file was moved, if one was.
	movedAside string
	err        error
}

type stateSavedMsg struct{ err error }

// stateClearedMsg reports that the saved progress was removed.
type stateClearedMsg struct{ err error }

// loadStateCmd reads the saved progress. A file that cannot be decoded is
// renamed to progress.json.corrupt-<time> so the wizard can start afresh.
func loadStateCmd(dir string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		path := filepath.Join(dir, stateFile)
		raw, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return stateLoadedMsg{}
		}
		if err != nil {
			return stateLoadedMsg{err: fmt.Errorf("read saved progress %s: %w", path, err)}
		}
		var st savedState
		if err := json.Unmarshal(raw, &st); err != nil || st.Version != stateVersion || st.Step == "" {
			aside := path + ".corrupt-" + now.UTC().Format("20060102T150405Z")
			if rerr := os.Rename(path, aside); rerr != nil {
				return stateLoadedMsg{err: fmt.Errorf("saved progress %s is unreadable and could not be moved aside: %w", path, rerr)}
			}
			return stateLoadedMsg{movedAside: aside}
		}
		return stateLoadedMsg{state: &st}
	}
}

// saveStateCmd writes the progress atomically (temp file, then rename) with
// mode 0600 in a 0700 directory.
func saveStateCmd(dir string, st savedState) tea.Cmd {
	return func() tea.Msg {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return stateSavedMsg{err: fmt.Errorf("save progress: %w", err)}
		}
		raw, err := json.MarshalIndent(st, "", "  ")
		if err != nil {
			return stateSavedMsg{err: fmt.Errorf("save progress: %w", err)}
		}
		tmp, err := os.CreateTemp(dir, stateFile+".tmp-*")
		if err != nil {
			return stateSavedMsg{err: fmt.Errorf("save progress: %w", err)}
		}
		defer os.Remove(tmp.Name())
		err = tmp.Chmod(0o600)
		if err == nil {
			_, err = tmp.Write(raw)
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), filepath.Join(dir, stateFile))
		}
		if err != nil {
			return stateSavedMsg{err: fmt.Errorf("save progress: %w", err)}
		}
		return stateSavedMsg{}
	}
}

// clearStateCmd removes the saved progress (after the wizard finishes, or
// when the admin starts over).
func clearStateCmd(dir string) tea.Cmd {
	return func() tea.Msg {
		err := os.Remove(filepath.Join(dir, stateFile))
		if errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		return stateClearedMsg{err: err}
	}
}
