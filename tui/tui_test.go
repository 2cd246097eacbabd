package tui

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

func testConfig(console client.Console, cb Clipboard) Config {
	env := &flow.Env{Org: "moby", SCIMOptions: sandboxSCIM()}
	if console != nil {
		// The sandbox's environment: its console lists connections and
		// runs Setup SCIM.
		env.Console, env.Sandbox = console, true
		if sim, ok := console.(flow.Simulator); ok {
			env.Simulator = sim
		}
	}
	return Config{Env: env, Clipboard: cb,
		// A fixed clock before the sandbox's seed: the read-back counts the
		// seeded SCIM user, the same on every run.
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}
}

// TestGoldenScreens walks the whole flow and compares every screen with its
// golden file (ANSI stripped) at 60×20, 80×24 and 120×40; every frame fits
// its window with its footer whole.
func TestGoldenScreens(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			d := newDriver(t, testConfig(seededConsole(), &fakeClipboard{}), size[0], size[1])
			shot := func(name string) {
				t.Run(name, func(t *testing.T) {
					requireWholeFrame(t, d, size[0], size[1])
					// The probe's latencies vary from run to run.
					golden.RequireEqual(t, latencies.ReplaceAllString(d.screen(), " NN"))
				})
			}
			for _, id := range []steps.StepID{steps.StepConnection, steps.StepPreflight, steps.StepSetupSCIM, steps.StepVerify, steps.StepCredentials} {
				d.enterUntil(id)
				shot(string(id))
			}
			d.press("down", "r", "c")
			shot("credentials-revealed-copied")
			for _, id := range []steps.StepID{steps.StepIdP, steps.StepChecklist} {
				d.enterUntil(id)
				shot(string(id))
			}
			d.press("space", "down", "down", "space")
			shot("checklist-ticked")
			d.press("?")
			shot("checklist-help")
			d.press("?")
			for _, id := range []steps.StepID{steps.StepReadBack, steps.StepDone} {
				d.enterUntil(id)
				shot(string(id))
			}
		})
	}
}

// latencies are the timings the verify screen shows.
var latencies = regexp.MustCompile(` +(\d+ ms|\d+\.\d s)\b`)

func TestFullFlowState(t *testing.T) {
	console := seededConsole()
	cb := &fakeClipboard{}
	d := newDriver(t, testConfig(console, cb), 100, 30)
	d.press("enter") // Okta SAML
	if got := d.m.top().step(); got != steps.StepPreflight {
		t.Fatalf("after choosing a connection: step %s", got)
	}
	d.enterUntil(steps.StepCredentials)
	if console.setups != 1 {
		t.Fatalf("Setup SCIM called %d times", console.setups)
	}
	if strings.Contains(d.screen(), fakeToken) {
		t.Fatal("token visible before reveal")
	}
	if !strings.Contains(d.screen(), "Okta: SCIM connector base URL") {
		t.Fatalf("no Okta field label:\n%s", d.screen())
	}
	d.press("down", "c")
	if cb.text != fakeToken {
		t.Fatalf("clipboard holds %q", cb.text)
	}
	if !strings.Contains(d.screen(), "API Token copied to the clipboard") {
		t.Fatalf("no copy confirmation:\n%s", d.screen())
	}
	d.press("r")
	if !strings.Contains(d.screen(), fakeToken) {
		t.Fatal("r did not reveal the token")
	}
	d.press("r")
	if strings.Contains(d.screen(), fakeToken) {
		t.Fatal("second r did not hide the token")
	}
	d.enterUntil(steps.StepIdP)
	if !strings.Contains(d.screen(), "> Okta") {
		t.Fatalf("IdP of the connection not preselected:\n%s", d.screen())
	}
	d.press("down", "enter", "y") // Entra, for an Okta connection
	if !strings.Contains(d.screen(), "Entra") {
		t.Fatalf("not the Entra checklist:\n%s", d.screen())
	}
	d.press("space", "down", "space", "up", "space") // ticks 1, 2, unticks 1
	entra, _ := steps.ChecklistFor(steps.Entra, steps.SAML)
	if got := d.m.session.Checked; !got[entra.Items[1].ID] || got[entra.Items[0].ID] {
		t.Fatalf("checked = %v", got)
	}
	d.enterUntil(steps.StepDone)
	if !strings.Contains(d.screen(), fmt.Sprintf("1 of %d checklist items ticked", len(entra.Items))) || !strings.Contains(d.screen(), "does not enforce SSO") {
		t.Fatalf("done screen:\n%s", d.screen())
	}
	d.press("enter")
	if !d.quit {
		t.Fatal("enter on done did not quit")
	}
}

func TestOIDCConnectionOffersEntraOnly(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
	d.press("down", "down") // Entra ID OIDC
	d.enterUntil(steps.StepSetupSCIM)
	d.press("enter", "y") // SCIM is on: refresh the token, after the question
	d.enterUntil(steps.StepIdP)
	if strings.Contains(d.screen(), "> Okta") || strings.Contains(d.screen(), "  OneLogin") || !strings.Contains(d.screen(), "> Microsoft Entra ID") {
		t.Fatalf("OIDC connection offers the wrong IdPs:\n%s", d.screen())
	}
}

func TestBackKeepsChoices(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
	d.enterUntil(steps.StepChecklist)
	d.press("space")
	d.press("esc", "esc")
	if got := d.m.top().step(); got != steps.StepCredentials {
		t.Fatalf("esc esc from checklist: %s", got)
	}
	// Forward again: a new checklist screen; its ticks must still count.
	d.enterUntil(steps.StepChecklist)
	d.press("down", "space")
	d.enterUntil(steps.StepDone)
	okta, _ := steps.ChecklistFor(steps.Okta, steps.SAML)
	if !d.m.session.Checked[okta.Items[0].ID] {
		t.Fatal("going back lost the ticked item")
	}
	if n := d.m.summary().done; n != 2 {
		t.Fatalf("done = %d, want 2 (a tick on the re-opened checklist was dropped)", n)
	}
}

func TestBackFromSetupDoesNotRunSetupTwice(t *testing.T) {
	console := seededConsole()
	d := newDriver(t, testConfig(console, nil), 80, 24)
	d.enterUntil(steps.StepCredentials)
	for d.m.top().step() != steps.StepSetupSCIM {
		d.press("esc")
	}
	d.enterUntil(steps.StepCredentials)
	if console.setups != 1 {
		t.Fatalf("Setup SCIM ran %d times", console.setups)
	}
}

// TestConnectionWithSCIMUsesEditSCIM: on a connection that has SCIM, enter
// runs Edit SCIM (the values again, no question, no new token); r is the
// separate sandbox-only new token, asked first.
func TestConnectionWithSCIMUsesEditSCIM(t *testing.T) {
	console := seededConsole()
	d := newDriver(t, testConfig(console, nil), 80, 24)
	d.press("down", "down")
	d.enterUntil(steps.StepSetupSCIM)
	for _, want := range []string{"show the values again", "new token (sandbox)", "issues nothing new"} {
		if !strings.Contains(d.screen(), want) {
			t.Fatalf("no %q:\n%s", want, d.screen())
		}
	}
	d.press("r")
	if console.refreshes != 0 || !strings.Contains(d.screen(), "issue a new API Token now?") {
		t.Fatalf("r refreshed without asking (refreshes %d):\n%s", console.refreshes, d.screen())
	}
	d.press("n")
	if console.refreshes != 0 || d.m.top().step() != steps.StepSetupSCIM {
		t.Fatalf("n refreshed or left the screen (refreshes %d)", console.refreshes)
	}
	d.press("enter")
	if console.edits != 1 || console.refreshes != 0 || console.setups != 0 || d.m.top().step() != steps.StepVerify {
		t.Fatalf("enter: edits %d, refreshes %d, setups %d, at %s", console.edits, console.refreshes, console.setups, d.m.top().step())
	}
	if d.m.session.refreshed {
		t.Fatal("Edit SCIM recorded as a refresh")
	}
}

// TestNewTokenAfterASandboxRestart: when Edit SCIM cannot show the token
// (issued before the sandbox restarted), the screen says so and asks before
// the sandbox issues a new one.
func TestNewTokenAfterASandboxRestart(t *testing.T) {
	console := seededConsole()
	console.tokenLost = true
	d := newDriver(t, testConfig(console, nil), 80, 24)
	d.press("down", "down")
	d.enterUntil(steps.StepSetupSCIM)
	d.press("enter")
	if s := d.screen(); console.refreshes != 0 || !strings.Contains(s, "kept only its hash") || !strings.Contains(s, "issue a new API Token now?") {
		t.Fatalf("no question after Edit SCIM failed (refreshes %d):\n%s", console.refreshes, s)
	}
	d.press("y")
	if console.refreshes != 1 || d.m.top().step() != steps.StepVerify || !d.m.session.refreshed {
		t.Fatalf("y: refreshes %d, at %s, refreshed %v", console.refreshes, d.m.top().step(), d.m.session.refreshed)
	}
}

func TestCopyFallsBackToOSC52(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), &fakeClipboard{err: errNoClipboard}), 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c")
	if len(d.osc52) != 1 || d.osc52[0] != fakeToken {
		t.Fatalf("OSC 52 writes = %q", d.osc52)
	}
	if !strings.Contains(d.screen(), "sent to your terminal's clipboard (OSC 52)") {
		t.Fatalf("copy message not honest:\n%s", d.screen())
	}
}

func TestCopyModes(t *testing.T) {
	for _, tc := range []struct {
		mode       ClipboardMode
		cb         *fakeClipboard
		wantOSC    bool
		wantNative bool
		msg        string
	}{
		{ClipboardOSC52, &fakeClipboard{}, true, false, "OSC 52"},
		{ClipboardNative, &fakeClipboard{err: errNoClipboard}, false, false, "No clipboard is available"},
		{ClipboardAuto, &fakeClipboard{}, false, true, "copied to the clipboard"},
	} {
		cfg := testConfig(seededConsole(), tc.cb)
		cfg.ClipboardMode = tc.mode
		d := newDriver(t, cfg, 80, 24)
		d.enterUntil(steps.StepCredentials)
		d.press("c")
		if (len(d.osc52) > 0) != tc.wantOSC || (tc.cb.text != "") != tc.wantNative || !strings.Contains(d.screen(), tc.msg) {
			t.Errorf("mode %s: osc52=%q native=%q screen:\n%s", tc.mode, d.osc52, tc.cb.text, d.screen())
		}
	}
}

func TestLoadErrorAndRetry(t *testing.T) {
	console := seededConsole()
	console.listErr = &client.Error{Op: "list SSO connections", Kind: client.KindServer, Status: 503, Hint: "retry in a moment"}
	d := newDriver(t, testConfig(console, nil), 80, 24)
	if !strings.Contains(d.screen(), "503 Service Unavailable") || !strings.Contains(d.screen(), "r retry") {
		t.Fatalf("error not shown:\n%s", d.screen())
	}
	console.listErr = nil
	d.press("r")
	if !strings.Contains(d.screen(), "Okta SAML") {
		t.Fatalf("retry did not reload:\n%s", d.screen())
	}
}

func TestSetupErrorShownAndRetried(t *testing.T) {
	console := seededConsole()
	console.setupErr = errors.New("set up SCIM: 500 Internal Server Error from the server")
	d := newDriver(t, testConfig(console, nil), 80, 24)
	d.enterUntil(steps.StepSetupSCIM)
	d.press("enter")
	if !strings.Contains(d.screen(), "500 Internal Server Error") {
		t.Fatalf("setup error not shown:\n%s", d.screen())
	}
	console.setupErr = nil
	d.enterUntil(steps.StepCredentials)
}

func TestQuitKeys(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
		d.press(k)
		if !d.quit {
			t.Errorf("%s did not quit", k)
		}
	}
}

func TestHelpToggles(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
	short := d.screen()
	d.press("?")
	if d.screen() == short || !d.m.help.ShowAll {
		t.Fatal("? did not show the full help")
	}
}

// TestChecklistSourcesNameTheDocsRevision: the checklist always names the
// Docker docs commit it follows, under its progress bar, and s shows where
// an item's text comes from: the reference page and section, at that commit.
func TestChecklistSourcesNameTheDocsRevision(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 160, 40)
	d.enterUntil(steps.StepChecklist)
	if line := "Follows Docker's docs at " + steps.DocsCommit(); !strings.Contains(d.screen(), line) {
		t.Fatalf("the checklist does not say which docs revision it follows (%q):\n%s", line, d.screen())
	}
	d.press("s")
	okta, _ := steps.ChecklistFor(steps.Okta, steps.SAML)
	want := okta.Items[0].Ref + " (Docker docs at " + steps.DocsCommit() + ")"
	if !strings.Contains(strings.Join(strings.Fields(d.screen()), " "), want) {
		t.Fatalf("the sources view lacks %q:\n%s", want, d.screen())
	}
}
