package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// TestBackPastSetupReusesTheToken: going back from verify to the preflight
// and forward again must not ask Docker for SCIM again (a 409 on the
// sandbox) nor lose the token the admin has not copied yet.
func TestBackPastSetupReusesTheToken(t *testing.T) {
	console := seededConsole()
	d := newDriver(t, testConfig(console, nil), 80, 24)
	d.enterUntil(steps.StepVerify)
	d.press("esc", "esc") // verify → setup → preflight
	if d.m.top().step() != steps.StepPreflight {
		t.Fatalf("at %s", d.m.top().step())
	}
	d.enterUntil(steps.StepCredentials)
	if console.setups != 1 || console.refreshes != 0 {
		t.Fatalf("Setup SCIM %d times, refresh %d times: want 1 and 0", console.setups, console.refreshes)
	}
	if d.m.session.Creds.Token.Value() != fakeToken {
		t.Fatal("the token was lost")
	}
}

// TestSetupConflictShowsTheValues: when Docker says SCIM is already on (set
// up meanwhile), the wizard shows its values with Edit SCIM instead of
// stopping at a 409, and issues no new token.
func TestSetupConflictShowsTheValues(t *testing.T) {
	console := seededConsole()
	console.setupErr = &client.Error{Op: "set up SCIM", Kind: client.KindConflict, Status: 409}
	d := newDriver(t, testConfig(console, nil), 80, 24)
	d.enterUntil(steps.StepSetupSCIM)
	console.setupErr = nil
	console.conflictOnce = true
	d.press("enter")
	if d.m.top().step() != steps.StepVerify || console.edits != 1 || console.refreshes != 0 {
		t.Fatalf("at %s after a 409, edits %d, refreshes %d:\n%s", d.m.top().step(), console.edits, console.refreshes, d.screen())
	}
}

// TestResumedTokenReentryScopedToIt: after a resume the token asked for
// again leads to the read-back; going back past that and through the flow
// again is the normal flow, with the credentials screen.
func TestResumedTokenReentryScopedToIt(t *testing.T) {
	dir := t.TempDir()
	d := newDriver(t, stateConfig(t, dir), 80, 24)
	d.enterUntil(steps.StepChecklist)
	d2 := newDriver(t, stateConfig(t, dir), 80, 24)
	d2.press("enter") // resume at the checklist
	d2.press("enter") // asks for the token again (sandbox: Setup SCIM)
	if d2.m.top().step() != steps.StepSetupSCIM || !strings.Contains(d2.screen(), "never saved between runs") {
		t.Fatalf("no token re-entry:\n%s", d2.screen())
	}
	d2.press("esc", "esc") // back past it, to the start
	d2.enterUntil(steps.StepVerify)
	d2.press("enter")
	if got := d2.m.top().step(); got != steps.StepCredentials {
		t.Fatalf("after verify in the normal flow: %s, want the credentials", got)
	}
}

// TestQuitClearsTheClipboard: the token put on the native clipboard is
// taken off it when the wizard exits before the 60 s timer.
func TestQuitClearsTheClipboard(t *testing.T) {
	cb := &fakeClipboard{}
	d := newDriver(t, testConfig(seededConsole(), cb), 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c")
	if cb.text != fakeToken {
		t.Fatal("not copied")
	}
	d.press("q")
	if !d.quit || cb.text != "" {
		t.Fatalf("quit=%v, clipboard still holds %q", d.quit, cb.text)
	}
}

// TestReadBackResumesAfterBack: the read-back's timers are dropped while
// Done is on top; coming back polls again.
func TestReadBackResumesAfterBack(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
	d.enterUntil(steps.StepReadBack)
	d.press("enter") // Done
	d.timers = nil
	d.press("esc")
	if d.m.top().step() != steps.StepReadBack || len(d.timers) == 0 && !d.m.top().(*readBackScreen).busy() {
		t.Fatalf("the read-back did not poll again after esc (timers %v)", d.timers)
	}
}

// TestSetupTimeSurvivesResume: the read-back after a resume looks for users
// since the original setup, not since the resume.
func TestSetupTimeSurvivesResume(t *testing.T) {
	dir := t.TempDir()
	cfg := stateConfig(t, dir) // one console: the same Docker after the restart
	d := newDriver(t, cfg, 80, 24)
	d.enterUntil(steps.StepChecklist)
	setupAt := d.m.session.SetupAt
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil || !strings.Contains(string(raw), `"setup_at"`) {
		t.Fatalf("setup time not saved: %s %v", raw, err)
	}
	d2 := newDriver(t, cfg, 80, 24)
	d2.press("enter")
	if !d2.m.session.SetupAt.Equal(setupAt) {
		t.Fatalf("setupAt %v after resume, want %v", d2.m.session.SetupAt, setupAt)
	}
}

// TestOSC52SendsWhatWasCopied: OSC 52 sends the value that was copied, even
// if the focus moved before the copy's result arrived.
func TestOSC52SendsWhatWasCopied(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
	d.enterUntil(steps.StepCredentials) // focus on the base URL
	d.send(copiedMsg{label: labelToken, path: copiedOSC52, text: fakeToken})
	if len(d.osc52) != 1 || d.osc52[0] != fakeToken {
		t.Fatalf("OSC 52 sent %q, want the token that was copied", d.osc52)
	}
}

// TestLateSaveDoesNotEndTheFinish: while finishing, only the removal of the
// progress file ends the program, not an earlier save arriving late.
func TestLateSaveDoesNotEndTheFinish(t *testing.T) {
	m := New(stateConfig(t, t.TempDir()))
	m.finishing = true
	if _, cmd := m.Update(stateSavedMsg{}); cmd != nil {
		t.Fatal("a late save ended the finish")
	}
}

// TestNoticeClearedOnNextScreen: a notice belongs to the screen it was shown on.
func TestNoticeClearedOnNextScreen(t *testing.T) {
	cfg := testConfig(seededConsole(), nil)
	cfg.ExportDir = t.TempDir()
	d := newDriver(t, cfg, 100, 40)
	d.enterUntil(steps.StepChecklist)
	d.press("e")
	if d.m.notice == "" {
		t.Fatal("no notice after export")
	}
	d.press("enter")
	if d.m.notice != "" {
		t.Fatalf("notice %q kept on the next screen", d.m.notice)
	}
}
