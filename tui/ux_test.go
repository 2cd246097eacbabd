package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/steps"
)

// restartWithSavedState starts a new wizard on dir's saved progress with the
// saved state read before the connection list has loaded, as happens when
// the disk answers before the network: the resume offer is on top when the
// list's answer arrives.
func restartWithSavedState(t *testing.T, dir string) *driver {
	t.Helper()
	d := start(t, stateConfig(t, dir), 80, 24)
	d.run(loadStateCmd(dir, testNow))
	if !strings.Contains(d.screen(), "Resume where you left off?") {
		t.Fatalf("no resume offer:\n%s", d.screen())
	}
	d.run(d.m.stack[0].Init())
	return d
}

// savedAtPreflight leaves saved progress at the preflight step in a new
// state directory.
func savedAtPreflight(t *testing.T) string {
	dir := t.TempDir()
	d := newDriver(t, stateConfig(t, dir), 80, 24)
	d.press("enter")
	if d.m.top().step() != steps.StepPreflight {
		t.Fatalf("not at preflight:\n%s", d.screen())
	}
	return dir
}

func TestStartOverShowsTheLoadedList(t *testing.T) {
	d := restartWithSavedState(t, savedAtPreflight(t))
	d.press("n")
	if s := d.screen(); strings.Contains(s, "Loading SSO connections") || !strings.Contains(s, "Okta SAML") {
		t.Fatalf("start over shows no connection list:\n%s", s)
	}
}

func TestNotNowKeepsSavedProgress(t *testing.T) {
	dir := savedAtPreflight(t)
	d := restartWithSavedState(t, dir)
	d.press("esc")
	if s := d.screen(); !strings.Contains(s, "Okta SAML") {
		t.Fatalf("esc on the resume offer shows no connection list:\n%s", s)
	}
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil || !strings.Contains(string(raw), "Okta SAML") {
		t.Fatalf("esc on the resume offer threw the saved progress away (%v):\n%s", err, raw)
	}
}

func TestBackToStartAfterResumeShowsTheList(t *testing.T) {
	d := restartWithSavedState(t, savedAtPreflight(t))
	d.press("enter")
	for d.m.top().step() != steps.StepConnection {
		d.press("esc")
	}
	if s := d.screen(); strings.Contains(s, "Loading SSO connections") || !strings.Contains(s, "Okta SAML") {
		t.Fatalf("back at step 1 after resuming, no connection list:\n%s", s)
	}
	d.press("enter")
	if d.m.top().step() != steps.StepPreflight {
		t.Fatalf("enter on the list does nothing:\n%s", d.screen())
	}
}

func TestOSC52CopyStillAsksBeforeQuitting(t *testing.T) {
	cfg := testConfig(seededConsole(), &fakeClipboard{})
	cfg.ClipboardMode = ClipboardOSC52
	d := newDriver(t, cfg, 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c", "q")
	if d.quit {
		t.Fatal("q quit after an OSC 52 copy the wizard cannot confirm")
	}
	if s := d.screen(); !strings.Contains(s, "Did pasting the API Token work?") {
		t.Fatalf("the quit question does not ask about the OSC 52 copy:\n%s", s)
	}
	d.press("y")
	if !d.quit {
		t.Fatal("y did not quit")
	}
}

func TestNativeCopySecuresTheToken(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), &fakeClipboard{}), 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c", "q")
	if !d.quit {
		t.Fatalf("q after a native copy asked again:\n%s", d.screen())
	}
}

func TestQuitQuestionFooterHasItsOwnKeys(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("q")
	footer := lastLine(d.screen())
	if !strings.Contains(footer, "y quit") || !strings.Contains(footer, "n stay") || strings.Contains(footer, "continue") {
		t.Fatalf("quit question footer = %q", footer)
	}
}

func TestTooSmallOnlyQuits(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 50, 15)
	d.press("enter", "enter", "down", "space")
	d.paste("https://example.com")
	if got := d.m.top().step(); got != steps.StepConnection {
		t.Fatalf("keys acted on a hidden screen: now at %s", got)
	}
	d.press("q")
	if !d.quit {
		t.Fatal("q does not quit while the terminal is too small")
	}
}

// lastLine is the frame's last line (the footer).
func lastLine(frame string) string {
	lines := strings.Split(strings.TrimRight(frame, "\n"), "\n")
	return lines[len(lines)-1]
}
