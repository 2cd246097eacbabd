package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// TestSecondEnterBeforeTheFlowMovesOpensOneScreen replays what a busy
// machine does with two quick enters: both reach the verify screen before
// the first one's verifiedMsg (a command's result) moves the flow on. The
// flow must move once: one credentials screen, and esc goes back to verify.
func TestSecondEnterBeforeTheFlowMovesOpensOneScreen(t *testing.T) {
	cfg, _, _ := sandboxConfig(t)
	cfg.Clipboard = &fakeClipboard{}
	d := newDriver(t, cfg, 100, 30)
	d.enterUntil(steps.StepVerify)
	if !d.m.top().(*verifyScreen).passed() {
		t.Fatalf("the sandbox's credentials did not pass verify:\n%s", d.screen())
	}
	// Both keys are handled before either command runs.
	var cmds []tea.Cmd
	for range 2 {
		m, cmd := d.m.Update(keyPress("enter"))
		d.m = m.(Model)
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		d.run(cmd)
	}
	if got := d.m.top().step(); got != steps.StepCredentials {
		t.Fatalf("after two enters on verify the wizard is at %s, want %s", got, steps.StepCredentials)
	}
	depth := len(d.m.stack)
	d.press("esc")
	if got := d.m.top().step(); got != steps.StepVerify {
		t.Fatalf("esc from the credentials went to %s (stack depth was %d), want %s: the second enter opened another screen",
			got, depth, steps.StepVerify)
	}
}

// TestFlowMessageFromAScreenNoLongerOnTopIsDropped: a step's result that
// arrives after the admin moved on (or went back) does not open a screen.
func TestFlowMessageFromAScreenNoLongerOnTopIsDropped(t *testing.T) {
	d := newDriver(t, Config{Env: &flow.Env{Org: "moby", Console: seededConsole(), Sandbox: true}, Clipboard: &fakeClipboard{}}, 100, 30)
	d.enterUntil(steps.StepPreflight)
	depth := len(d.m.stack)
	for _, msg := range []tea.Msg{verifiedMsg{}, credentialsDoneMsg{}, idpChosenMsg{idp: steps.Okta}, checklistDoneMsg{}, readBackDoneMsg{}, scimReadyMsg{}} {
		d.send(msg)
		if got := d.m.top().step(); got != steps.StepPreflight || len(d.m.stack) != depth {
			t.Fatalf("%T on the preflight screen moved the wizard to %s (stack %d, was %d)", msg, got, len(d.m.stack), depth)
		}
	}
}
