package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// TestResumeGolden is the resume offer at both reference sizes.
func TestResumeGolden(t *testing.T) {
	saved := savedState{
		Version: stateVersion, Step: steps.StepChecklist, Org: "moby", Sandbox: true,
		Connection: client.Connection{ID: "c2", Name: "Entra ID SAML", Type: client.SAML, IdP: "entra"},
		BaseURL:    "https://hub.docker.com/v2/scim/2.0", IdP: steps.Entra,
		Checked: map[string]bool{"a": true, "b": true, "c": false},
		SavedAt: time.Date(2026, 11, 27, 9, 30, 0, 0, time.Local), // shown in local time
	}
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			d := newDriver(t, testConfig(seededConsole(), nil), size[0], size[1])
			d.send(stateLoadedMsg{state: &saved})
			requireWholeFrame(t, d, size[0], size[1])
			golden.RequireEqual(t, d.screen())
		})
	}
}
