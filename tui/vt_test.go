package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// vterm runs a real tea.Program on an in-process virtual terminal, so the
// renderer, key parsing and paste handling are the real ones.
type vterm struct {
	t    *testing.T
	se   *vt.SafeEmulator
	done chan error
}

// startVT runs model in a w×h virtual terminal until the test ends.
func startVT(t *testing.T, model tea.Model, w, h int) *vterm {
	t.Helper()
	se := vt.NewSafeEmulator(w, h)
	// Non-TTY output uses bare "\n": line feed/new line mode keeps the
	// screen from staircasing.
	_, _ = se.Write([]byte("\x1b[20h"))
	p := tea.NewProgram(model, tea.WithInput(se), tea.WithOutput(se), tea.WithWindowSize(w, h),
		tea.WithoutSignals(), tea.WithColorProfile(colorprofile.Ascii))
	v := &vterm{t: t, se: se, done: make(chan error, 1)}
	go func() {
		_, err := p.Run()
		v.done <- err
	}()
	t.Cleanup(func() {
		p.Kill()
		<-v.done
	})
	return v
}

// screen is the visible text.
func (v *vterm) screen() string { return ansi.Strip(v.se.Render()) }

// waitFor waits until the screen shows every text, or fails after 10 s.
func (v *vterm) waitFor(texts ...string) {
	v.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := v.screen()
		missing := ""
		for _, text := range texts {
			if !strings.Contains(s, text) {
				missing = text
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			v.t.Fatalf("screen never showed %q:\n%s", missing, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitStep waits for the header of step id.
func (v *vterm) waitStep(id steps.StepID) {
	v.t.Helper()
	n, total := steps.Position(id)
	v.waitFor(fmt.Sprintf("Step %d of %d: %s", n, total, steps.Title(id)))
}

// keys sends named keys: enter, esc, up, down, space, tab, or literal text.
func (v *vterm) keys(keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			v.se.SendKey(vt.KeyPressEvent{Code: vt.KeyEnter})
		case "esc":
			v.se.SendKey(vt.KeyPressEvent{Code: vt.KeyEscape})
		case "up":
			v.se.SendKey(vt.KeyPressEvent{Code: vt.KeyUp})
		case "down":
			v.se.SendKey(vt.KeyPressEvent{Code: vt.KeyDown})
		case "tab":
			v.se.SendKey(vt.KeyPressEvent{Code: vt.KeyTab})
		case "space":
			v.se.SendKey(vt.KeyPressEvent{Code: vt.KeySpace, Text: " "})
		default:
			v.se.SendText(k)
		}
	}
}

// exit waits for the program to end.
func (v *vterm) exit() error {
	v.t.Helper()
	select {
	case err := <-v.done:
		v.done <- err // for the cleanup
		return err
	case <-time.After(10 * time.Second):
		v.t.Fatalf("program did not exit:\n%s", v.screen())
		return nil
	}
}

// TestVTSandboxFlow walks the whole wizard on the sandbox in a virtual
// terminal: real renderer, real key parsing.
func TestVTSandboxFlow(t *testing.T) {
	cfg, _, _ := sandboxConfig(t)
	cb := &fakeClipboard{}
	cfg.Clipboard = cb
	v := startVT(t, New(cfg), 100, 30)
	v.waitStep(steps.StepConnection)
	v.waitFor("Okta SAML", "OneLogin SAML")
	v.keys("enter")
	v.waitStep(steps.StepPreflight)
	v.waitFor("JIT provisioning is on")
	v.keys("enter")
	v.waitStep(steps.StepSetupSCIM)
	v.keys("enter")
	v.waitStep(steps.StepVerify)
	v.waitFor("4 of 4 checks passed")
	v.keys("enter")
	v.waitStep(steps.StepCredentials)
	v.keys("down", "c")
	v.waitFor("API Token copied to the clipboard")
	if cb.text == "" || strings.Contains(v.screen(), cb.text) {
		t.Fatalf("token not copied, or visible while masked")
	}
	v.keys("enter")
	v.waitStep(steps.StepIdP)
	v.keys("enter")
	v.waitStep(steps.StepChecklist)
	v.keys("space")
	v.waitFor("1 of ")
	v.keys("enter")
	v.waitStep(steps.StepReadBack)
	v.keys("p")
	v.waitFor("@moby.example")
	v.keys("enter")
	v.waitStep(steps.StepDone)
	v.waitFor("✓ SCIM is set up")
	v.keys("enter")
	if err := v.exit(); err != nil {
		t.Fatalf("program ended with %v", err)
	}
}

// ctrl sends ctrl+<r>.
func (v *vterm) ctrl(r rune) { v.se.SendKey(vt.KeyPressEvent{Code: r, Mod: vt.ModCtrl}) }

// TestVTGuidedPath walks the real-Docker path in a virtual terminal: the
// connection form, the guided Setup SCIM with pasted values that the
// sandbox issued, a wrong token rejected by verify and re-pasted, a retry
// after an injected 503, the read-back showing a user pushed by the IdP, and
// resume after a restart.
func TestVTGuidedPath(t *testing.T) {
	cfg, sb, url := sandboxConfig(t)
	creds := sb.Credentials()
	cfg.Sandbox = false
	cfg.Console = client.DockerConsole{}
	cfg.Clipboard = &fakeClipboard{}
	cfg.StateDir = t.TempDir()
	base := url + sandbox.SCIMPath

	v := startVT(t, New(cfg), 100, 30)
	v.waitStep(steps.StepConnection)
	v.keys("Okta SCIM", "enter")
	v.waitStep(steps.StepPreflight)
	v.waitFor("Subscription not known", "JIT provisioning is on")
	v.keys("enter")
	v.waitStep(steps.StepSetupSCIM)
	v.waitFor("Enable SCIM", "Setup SCIM")

	// Paste the base URL with a stray trailing slash, then a wrong token.
	v.se.Paste("  " + base + "/ ")
	v.waitFor("removed the trailing slash")
	v.se.Paste("Bearer " + creds.SCIMToken + "-mistyped")
	v.keys("enter")
	v.waitStep(steps.StepVerify)
	v.waitFor("✗", "Identity & auth")
	v.keys("enter")
	v.waitFor("Press esc to go")
	if strings.Contains(v.screen(), creds.SCIMToken) {
		t.Fatal("verify shows the token")
	}

	// Back, re-paste the right token: the base URL is still there.
	v.keys("esc")
	v.waitStep(steps.StepSetupSCIM)
	v.ctrl('u')
	sb.AddFault(sandbox.Fault{Path: sandbox.SCIMPath + "/ServiceProviderConfig", Status: 503,
		Header: map[string]string{"Retry-After": "3600"}, Times: 1})
	v.se.Paste(creds.SCIMToken)
	v.keys("enter")
	v.waitStep(steps.StepVerify)
	v.waitFor("Docker had a server error")
	v.keys("r")
	v.waitFor("4 of 4 checks passed")
	v.keys("enter")

	v.waitStep(steps.StepCredentials)
	v.waitFor("Okta: SCIM connector base URL", base)
	v.keys("down", "c")
	v.waitFor("API Token copied")
	v.keys("enter")
	v.waitStep(steps.StepIdP)
	v.keys("enter")
	v.waitStep(steps.StepChecklist)
	v.keys("space")
	v.waitFor("1 of ")
	v.keys("down")
	v.waitFor("> [ ] 2.")
	v.keys("space")
	v.waitFor("2 of ")

	// Quit and start again: the wizard offers to resume at the checklist.
	v.keys("q")
	if err := v.exit(); err != nil {
		t.Fatal(err)
	}
	v = startVT(t, New(cfg), 100, 30)
	v.waitFor("Resume where you left off?", "Okta SCIM")
	v.keys("enter")
	v.waitStep(steps.StepChecklist)
	v.waitFor("2 of ")
	v.keys("enter")

	// The token is never saved: the wizard asks for it again (the base URL
	// was kept), verifies it and goes on to the read-back.
	v.waitStep(steps.StepSetupSCIM)
	v.waitFor("never saved between runs", base)
	v.se.Paste(creds.SCIMToken)
	v.keys("enter")
	v.waitStep(steps.StepVerify)
	v.waitFor("4 of 4 checks passed")
	v.keys("enter")

	// Read-back: the identity provider pushes a user; the feed shows it.
	v.waitStep(steps.StepReadBack)
	sim := sandbox.NewSimulator(base, creds.SCIMToken, nil)
	if _, err := sim.Push(context.Background(), sandbox.Push{Users: []sandbox.SimUser{{UserName: "ada@moby.example", GivenName: "Ada", FamilyName: "Lovelace"}}}); err != nil {
		t.Fatal(err)
	}
	v.keys("r")
	v.waitFor("ada@moby.example")
	v.keys("enter")
	v.waitStep(steps.StepDone)
	v.keys("enter")
	if err := v.exit(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(v.screen(), creds.SCIMToken) {
		t.Fatal("the token is on the final screen")
	}
}
