package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// entraConfig is the sandbox wizard with "Configure Entra for me" signed in
// to the Graph stand-in with a token of the given permissions.
func entraConfig(t *testing.T, scopes []string) Config {
	t.Helper()
	cfg, sb, url := sandboxConfig(t)
	tok := client.NewSecret(sb.IssueGraphToken(scopes, true))
	cfg.EntraGraph = &flow.EntraGraph{URL: url + sandbox.GraphPrefix, TestUser: "ada.lovelace@moby.example",
		SignIn: func(context.Context, func(entra.DeviceCodePrompt)) (client.Secret, error) { return tok, nil }}
	return cfg
}

// toEntraChecklist drives the wizard to the Entra ID SAML connection's
// checklist.
func toEntraChecklist(t *testing.T, d *driver) {
	t.Helper()
	d.press("down") // Entra ID SAML
	d.enterUntil(steps.StepChecklist)
	if !strings.Contains(d.screen(), "Press g to have docker-scim do") {
		t.Fatalf("no offer to configure Entra:\n%s", d.screen())
	}
}

func TestConfigureEntraForMeTicksTheItemsAndTheUserArrives(t *testing.T) {
	d := newDriver(t, entraConfig(t, nil), 100, 40)
	toEntraChecklist(t, d)
	d.press("g")
	if !strings.Contains(d.screen(), "Done through Microsoft Graph") {
		t.Fatalf("not done:\n%s", d.screen())
	}
	for _, id := range []entra.StepID{entra.StepOpenApp, entra.StepJob, entra.StepCredentials, entra.StepTest, entra.StepGroupMapping,
		entra.StepAssign, entra.StepOnDemand, entra.StepStart, entra.StepLogs} {
		if !d.m.session.Checked[string(id)] {
			t.Errorf("checklist item %s not ticked", id)
		}
	}
	if d.m.session.Checked["entra-user-mappings"] {
		t.Error("an item Graph did not do was ticked")
	}
	if !d.m.session.secured {
		t.Error("Entra holds the API Token, but quitting would still warn that it was never copied")
	}
	d.enterUntil(steps.StepReadBack)
	if !strings.Contains(d.screen(), "ada.lovelace@moby.example") {
		t.Fatalf("the test user is not in the read-back:\n%s", d.screen())
	}
}

func TestConfigureEntraForMeStopsWithTheFixAndResumes(t *testing.T) {
	d := newDriver(t, entraConfig(t, []string{entra.PermApplicationRead}), 100, 40)
	toEntraChecklist(t, d)
	d.press("g")
	screen := d.screen()
	if !strings.Contains(screen, "Stopped at Set provisioning to Automatic") || !strings.Contains(screen, "Synchronization.ReadWrite.All") ||
		!strings.Contains(screen, "Press g to resume") {
		t.Fatalf("no failure with the fix:\n%s", screen)
	}
	if !d.m.session.Checked[string(entra.StepOpenApp)] || d.m.session.Checked[string(entra.StepJob)] {
		t.Fatalf("ticks after the failure: %v", d.m.session.Checked)
	}
	if !strings.Contains(screen, "configure Entra for me") {
		t.Errorf("g is not in the footer after the failure:\n%s", screen)
	}
}

// TestGoldenConfigureEntraForMe pins the Entra checklist with the offer and
// after a full run, at every size the wizard supports.
func TestGoldenConfigureEntraForMe(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			d := newDriver(t, entraConfig(t, nil), size[0], size[1])
			toEntraChecklist(t, d)
			shot := func(name string) {
				t.Run(name, func(t *testing.T) {
					if n := strings.Count(d.screen(), "\n") + 1; n > size[1] {
						t.Errorf("the frame has %d lines, the window %d", n, size[1])
					}
					golden.RequireEqual(t, d.screen())
				})
			}
			shot("offer")
			d.press("g")
			shot("done")
		})
	}
}

func TestEntraSignInShowsTheDeviceCodeUntilTheFirstStep(t *testing.T) {
	a := newEntraAction(flow.EntraGraph{}, entra.Settings{})
	a.running = true
	st := newStyles(true)
	title := func(id entra.StepID) string { return string(id) }
	ch := make(chan tea.Msg)
	a.update(entraCodeMsg{prompt: entra.DeviceCodePrompt{Message: "Open https://login.example/device and enter the code QWERTY123"}, next: ch})
	if s := ansi.Strip(a.status(st, title, 80)); !strings.Contains(s, "QWERTY123") || !strings.Contains(s, "Sign in to Microsoft Graph") {
		t.Fatalf("status while signing in: %q", s)
	}
	a.update(entraProgressMsg{p: entra.Progress{Step: entra.StepOpenApp, State: entra.Running}, next: ch})
	if s := ansi.Strip(a.status(st, title, 80)); strings.Contains(s, "QWERTY123") || !strings.Contains(s, string(entra.StepOpenApp)) {
		t.Fatalf("status after sign-in: %q", s)
	}
}
