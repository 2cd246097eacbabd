package tui

import (
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

func TestQuitAsksWhileTokenNotSecured(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
	d.enterUntil(steps.StepCredentials) // token issued
	d.press("q")
	if d.quit || !strings.Contains(d.screen(), "has not been copied or revealed") {
		t.Fatalf("q quit without asking:\n%s", d.screen())
	}
	d.press("n")
	if d.quit || strings.Contains(d.screen(), "Quit anyway") {
		t.Fatal("n did not cancel the quit")
	}
	d.press("r") // reveal counts: the admin can copy it by hand
	d.press("q")
	if !d.quit {
		t.Fatal("q after reveal did not quit")
	}
}

func TestQuitConfirmedWithY(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("q", "y")
	if !d.quit {
		t.Fatal("y did not confirm the quit")
	}
}

func TestCtrlCInterrupts(t *testing.T) {
	m := New(testConfig(seededConsole(), nil))
	_, cmd := m.Update(keyPress("ctrl+c"))
	if cmd == nil {
		t.Fatal("ctrl+c returned no command")
	}
	if _, ok := cmd().(tea.InterruptMsg); !ok {
		t.Fatalf("ctrl+c returned %T, want tea.InterruptMsg (exit 130)", cmd())
	}
}

func TestTooSmall(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 59, 24)
	if !strings.Contains(d.screen(), "Terminal too small") {
		t.Fatalf("59 columns accepted:\n%s", d.screen())
	}
	d.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	if strings.Contains(d.screen(), "too small") || !strings.Contains(d.screen(), "Okta SAML") {
		t.Fatalf("60×20 refused:\n%s", d.screen())
	}
	for _, line := range strings.Split(d.screen(), "\n") {
		if w := len([]rune(line)); w > 60 {
			t.Errorf("line wider than 60 columns (%d): %q", w, line)
		}
	}
}

func TestClipboardClearedAfterTTL(t *testing.T) {
	cb := &fakeClipboard{}
	d := newDriver(t, testConfig(seededConsole(), cb), 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c")
	if cb.text != fakeToken {
		t.Fatal("not copied")
	}
	if len(d.timers) != 1 || d.timers[0].after != 60*time.Second {
		t.Fatalf("timers = %+v, want one of 60 s", d.timers)
	}
	d.fire()
	if cb.text != "" || !strings.Contains(d.screen(), "cleared from the clipboard") {
		t.Fatalf("token still on the clipboard: %q", cb.text)
	}
	// Something else copied since is left alone.
	cb.text = "something else"
	d.send(clearClipboardMsg{token: client.NewSecret(fakeToken)})
	if cb.text != "something else" {
		t.Fatal("clearing wiped an unrelated clipboard value")
	}
}

func stateConfig(t *testing.T, dir string) Config {
	cfg := testConfig(seededConsole(), nil)
	cfg.StateDir = dir
	cfg.Now = func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }
	return cfg
}

func TestResumeAfterRestart(t *testing.T) {
	dir := t.TempDir()
	d := newDriver(t, stateConfig(t, dir), 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("r")
	d.enterUntil(steps.StepIdP)
	d.press("down", "enter", "y") // Entra checklist, for an Okta connection
	d.press("space", "down", "space")
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), fakeToken) {
		t.Fatal("the token was written to the state file")
	}
	fi, _ := os.Stat(filepath.Join(dir, stateFile))
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v, want 0600", fi.Mode().Perm())
	}

	// A new process: it offers to resume and lands on the checklist.
	d2 := newDriver(t, stateConfig(t, dir), 80, 24)
	if !strings.Contains(d2.screen(), "Resume where you left off?") {
		t.Fatalf("no resume offer:\n%s", d2.screen())
	}
	d2.press("enter")
	if got := d2.m.top().step(); got != steps.StepChecklist {
		t.Fatalf("resumed at %s", got)
	}
	cl, _ := steps.ChecklistFor(steps.Entra, steps.SAML)
	if want := fmt.Sprintf("2 of %d done", len(cl.Items)); !strings.Contains(d2.screen(), want) {
		t.Fatalf("ticks not restored:\n%s", d2.screen())
	}
	d2.press("esc")
	if d2.m.top().step() != steps.StepConnection {
		t.Fatal("esc from a resumed screen does not go back to the start")
	}
}

func TestStartOverClearsState(t *testing.T) {
	dir := t.TempDir()
	d := newDriver(t, stateConfig(t, dir), 80, 24)
	d.press("enter")
	d2 := newDriver(t, stateConfig(t, dir), 80, 24)
	d2.press("n")
	if _, err := os.Stat(filepath.Join(dir, stateFile)); !os.IsNotExist(err) {
		t.Fatalf("state file still there after start over: %v", err)
	}
	if !strings.Contains(d2.screen(), "Pick the SSO connection") {
		t.Fatalf("not back at the start:\n%s", d2.screen())
	}
}

func TestCorruptStateMovedAside(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, stateFile), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, stateConfig(t, dir), 100, 30)
	if !strings.Contains(d.screen(), "moved to") {
		t.Fatalf("no message about the corrupt file:\n%s", d.screen())
	}
	matches, _ := filepath.Glob(filepath.Join(dir, stateFile+".corrupt-*"))
	if len(matches) != 1 {
		t.Fatalf("corrupt file not moved aside: %v", matches)
	}
}

func TestFinishClearsState(t *testing.T) {
	dir := t.TempDir()
	d := newDriver(t, stateConfig(t, dir), 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("r")
	d.enterUntil(steps.StepDone)
	d.press("enter")
	if !d.quit {
		t.Fatalf("finish did not quit:\n%s", d.screen())
	}
	if _, err := os.Stat(filepath.Join(dir, stateFile)); !os.IsNotExist(err) {
		t.Fatal("state kept after finishing")
	}
}

// TestLateTickIgnored: commands run concurrently, so an older checkedMsg can
// arrive after a newer one; the newer ticks must win.
func TestLateTickIgnored(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
	d.send(checkedMsg{checked: map[string]bool{"a": true, "b": true}, seq: 2})
	d.send(checkedMsg{checked: map[string]bool{"a": true}, seq: 1})
	if got := d.m.session.Checked; !got["b"] {
		t.Fatalf("a late tick overwrote a newer one: %v", got)
	}
}

// TestFooterFitsWidth: the short help never runs past the window, even when
// its items fill the width exactly (a bubbles help edge case).
func TestFooterFitsWidth(t *testing.T) {
	for w := minWidth; w <= 120; w++ {
		d := newDriver(t, testConfig(seededConsole(), nil), w, 30)
		d.enterUntil(steps.StepChecklist)
		lines := strings.Split(d.screen(), "\n")
		if got := ansi.StringWidth(lines[len(lines)-1]); got > w {
			t.Fatalf("width %d: footer is %d columns: %q", w, got, lines[len(lines)-1])
		}
	}
}

// TestSaveFailureIsReported: a progress file that cannot be written must
// say so, not pass for saved.
func TestSaveFailureIsReported(t *testing.T) {
	dir := t.TempDir()
	// A directory where the file should go makes the final rename fail.
	if err := os.Mkdir(filepath.Join(dir, stateFile), 0o700); err != nil {
		t.Fatal(err)
	}
	msg := saveStateCmd(dir, savedState{Version: stateVersion, Step: steps.StepConnection})()
	if saved := msg.(stateSavedMsg); saved.err == nil {
		t.Fatal("a failed save was reported as saved")
	}
}
