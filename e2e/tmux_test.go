// Package e2e drives the real docker-scim binary in a real terminal (tmux)
// with real keys, and checks what the user would see, what lands on the
// clipboard, and what is left behind after the program exits.
//
// The tests need tmux; without it they skip (or fail when
// DOCKER_SCIM_E2E_REQUIRE=1, which .ci/run sets so CI cannot skip them by
// accident).
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// waitTimeout bounds every wait for a screen; generous because CI runs other
// builds on the same two cores.
const waitTimeout = 30 * time.Second

// pollEvery is how often a wait re-reads the pane.
const pollEvery = 10 * time.Millisecond

// sockets numbers the private tmux servers of one test process.
var sockets atomic.Int64

// term is one private tmux server with one window that runs the program
// under test.
type term struct {
	t      *testing.T
	socket string
	target string
	// env is the environment of the tmux server, so of the program.
	env []string
	// rejected counts the screens waitFor has read and found not yet
	// right, so a test can tell that a wait is in progress.
	rejected atomic.Int64
}

// requireTmux skips the test when tmux is not installed, or fails it when
// DOCKER_SCIM_E2E_REQUIRE=1.
func requireTmux(t *testing.T) {
	t.Helper()
	if err := statSourcesOnce(); err != nil {
		t.Fatalf("reading the module's files (for go test's cache): %v", err)
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("DOCKER_SCIM_E2E_REQUIRE") == "1" {
			t.Fatal("tmux is not installed, and DOCKER_SCIM_E2E_REQUIRE=1 forbids skipping the end-to-end tests: install tmux (apt-get install tmux)")
		}
		t.Skip("skipping the end-to-end tests: tmux is not installed (apt-get install tmux); .ci/run installs it")
	}
}

// newTerm starts a private tmux server (its own socket, no user config) with
// a w×h session whose environment is exactly env plus what tmux adds (TERM,
// TMUX). Panes stay after their program exits, so the exit status and the
// last screen can be read; OSC 52 copies land in tmux's paste buffer.
func newTerm(t *testing.T, w, h int, env []string) *term {
	t.Helper()
	requireTmux(t)
	tm := &term{
		t:      t,
		socket: fmt.Sprintf("docker-scim-e2e-%d-%d", os.Getpid(), sockets.Add(1)),
		env:    env,
	}
	tm.run("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "sleep 100000")
	t.Cleanup(func() { _, _ = tm.exec("kill-server") })
	tm.run("set", "-g", "remain-on-exit", "on")
	tm.run("set", "-g", "set-clipboard", "on")
	tm.run("set", "-g", "default-size", fmt.Sprintf("%dx%d", w, h))
	tm.run("set", "-g", "history-limit", "10000")
	return tm
}

// tmuxTimeout bounds one tmux command: a wedged tmux fails the test
// instead of hanging it.
const tmuxTimeout = 30 * time.Second

// exec runs one tmux command on the private server.
func (tm *term) exec(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tmuxTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tmux", append([]string{"-L", tm.socket}, args...)...)
	cmd.Env = tm.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("tmux %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// run is exec that fails the test on error.
func (tm *term) run(args ...string) string {
	tm.t.Helper()
	out, err := tm.exec(args...)
	if err != nil {
		tm.t.Fatal(err)
	}
	return out
}

// exitMarker is what the window prints after the program exits, followed
// by its exit status.
const exitMarker = "e2e: program exited with status "

// start runs argv in a new window of the session, in directory dir. A shell
// wraps it and stays after it exits, printing its exit status, so the
// terminal modes the program left behind can still be read from tmux.
func (tm *term) start(dir string, argv ...string) {
	tm.t.Helper()
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = shellQuote(a)
	}
	script := strings.Join(quoted, " ") + `; echo "` + exitMarker + `$?"; exec sleep 100000`
	tm.run("new-window", "-d", "-t", "e2e:", "-n", "app", "-c", dir, script)
	tm.target = "e2e:app"
}

// shellQuote quotes s for /bin/sh, which tmux runs the window's command in.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// keys sends tmux key names (Enter, Down, Space, C-c, Escape…) or single
// characters, one key each.
func (tm *term) keys(keys ...string) {
	tm.t.Helper()
	tm.run(append([]string{"send-keys", "-t", tm.target}, keys...)...)
}

// paste pastes s the way a terminal does (bracketed paste when the
// program asked for it).
func (tm *term) paste(s string) {
	tm.t.Helper()
	tm.run("set-buffer", "-b", "e2e-paste", s)
	tm.run("paste-buffer", "-p", "-d", "-b", "e2e-paste", "-t", tm.target)
}

// typeText sends s literally, as typed characters.
func (tm *term) typeText(s string) {
	tm.t.Helper()
	tm.run("send-keys", "-t", tm.target, "-l", s)
}

// screen is the visible pane as plain text.
func (tm *term) screen() string {
	tm.t.Helper()
	return tm.run("capture-pane", "-p", "-t", tm.target)
}

// history is the pane's scrollback plus its visible screen, plain text and
// with escape sequences, so a secret in either form is found.
func (tm *term) history() string {
	tm.t.Helper()
	return tm.run("capture-pane", "-p", "-S", "-", "-E", "-", "-t", tm.target) +
		tm.run("capture-pane", "-p", "-e", "-S", "-", "-E", "-", "-t", tm.target)
}

// format reads a tmux format such as #{pane_width} for the window.
func (tm *term) format(f string) string {
	tm.t.Helper()
	return strings.TrimSpace(tm.run("display", "-p", "-t", tm.target, f))
}

// waitBuffer waits until tmux's newest paste buffer (what the program last
// copied with OSC 52) satisfies ok, and returns it. The program shows "sent
// to your terminal's clipboard" when it hands the copy to its renderer,
// which may draw that line before it writes the OSC 52 sequence: so a test
// waits for the buffer too instead of reading it once.
func (tm *term) waitBuffer(what string, ok func(buffer string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		buf, err := tm.exec("show-buffer")
		if err == nil && ok(buf) {
			return buf
		}
		if time.Now().After(deadline) {
			if err != nil {
				buf = err.Error()
			}
			tm.t.Fatalf("tmux's paste buffer never held %s after %s; last buffer: %q; last screen:\n%s", what, waitTimeout, buf, tm.screen())
		}
		time.Sleep(pollEvery)
	}
}

// resize makes the window w×h; the program gets a WindowSizeMsg.
func (tm *term) resize(w, h int) {
	tm.t.Helper()
	tm.run("resize-window", "-t", tm.target, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h))
}

// programPID is the process id of the program under test: the child of
// the window's wrapper shell (Linux: read from /proc).
func (tm *term) programPID() int {
	tm.t.Helper()
	shell := tm.format("#{pane_pid}")
	deadline := time.Now().Add(waitTimeout)
	for {
		raw, err := os.ReadFile(filepath.Join("/proc", shell, "task", shell, "children"))
		if err != nil {
			tm.t.Skipf("cannot find the program's process under the shell %s: %v", shell, err)
		}
		if f := strings.Fields(string(raw)); len(f) > 0 {
			pid, err := strconv.Atoi(f[0])
			if err != nil {
				tm.t.Fatalf("children of the shell %s: %q", shell, raw)
			}
			return pid
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the window's shell %s started no program after %s; last screen:\n%s", shell, waitTimeout, tm.screen())
		}
		time.Sleep(pollEvery)
	}
}

// freeze stops the program (SIGSTOP), the way a machine under load
// starves it: keys sent meanwhile wait in the terminal and arrive together
// when the returned thaw continues it. thaw is safe to call twice; the
// test's cleanup calls it too.
func (tm *term) freeze() (thaw func()) {
	tm.t.Helper()
	p, err := os.FindProcess(tm.programPID())
	if err != nil {
		tm.t.Fatal(err)
	}
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		tm.t.Fatalf("SIGSTOP: %v", err)
	}
	var once sync.Once
	thaw = func() { once.Do(func() { _ = p.Signal(syscall.SIGCONT) }) }
	tm.t.Cleanup(thaw)
	return thaw
}

// waitFor polls the screen until ok accepts it, and fails the test with the
// last screen when the deadline passes or the program exits first.
func (tm *term) waitFor(what string, ok func(screen string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		s := tm.screen()
		if ok(s) {
			return s
		}
		tm.rejected.Add(1)
		if status, exited := exitStatus(s); exited {
			tm.t.Fatalf("the program exited (status %d) while waiting for %s; last screen:\n%s", status, what, s)
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waited %s for %s; last screen:\n%s", waitTimeout, what, s)
		}
		time.Sleep(pollEvery)
	}
}

// waitText waits until the screen contains text.
func (tm *term) waitText(text string) string {
	tm.t.Helper()
	return tm.waitFor(fmt.Sprintf("%q on screen", text), func(s string) bool { return strings.Contains(s, text) })
}

// waitGone waits until the screen no longer contains text.
func (tm *term) waitGone(text string) string {
	tm.t.Helper()
	return tm.waitFor(fmt.Sprintf("%q gone from the screen", text), func(s string) bool { return !strings.Contains(s, text) })
}

// waitExit waits for the program to exit and returns its exit status.
func (tm *term) waitExit() int {
	tm.t.Helper()
	var status int
	tm.waitFor("the program to exit", func(s string) bool {
		var exited bool
		status, exited = exitStatus(s)
		return exited
	})
	return status
}

// exitStatus finds the wrapper's exit line on screen.
func exitStatus(screen string) (status int, exited bool) {
	i := strings.LastIndex(screen, exitMarker)
	if i < 0 {
		return 0, false
	}
	rest := strings.Fields(screen[i+len(exitMarker):])
	if len(rest) == 0 {
		return 0, false
	}
	status, err := strconv.Atoi(rest[0])
	return status, err == nil
}

// assertRestored checks the terminal modes the program left behind (read
// while the wrapper shell still runs): main screen, cursor shown, no mouse
// reporting.
func (tm *term) assertRestored() {
	tm.t.Helper()
	got := tm.format("alt=#{alternate_on} cursor=#{cursor_flag} mouse=#{mouse_any_flag}")
	if want := "alt=0 cursor=1 mouse=0"; got != want {
		tm.t.Errorf("terminal not restored after exit: %s, want %s", got, want)
	}
}

// stepLine matches the wizard's header, "Step N of M: <title>".
var stepLine = regexp.MustCompile(`Step (\d+) of (\d+): (.+?)\s*$`)

// stepTitle is the title of the step on screen, or "" when none is shown.
func stepTitle(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if m := stepLine.FindStringSubmatch(l); m != nil {
			return m[3]
		}
	}
	return ""
}

// assertNoSecret fails when secret occurs in any file under each root, and
// checks that everything under stateDir is private (files 0600, directories
// 0700).
func assertNoSecret(t *testing.T, secret, stateDir string, roots ...string) {
	t.Helper()
	if secret == "" {
		t.Fatal("no secret to look for: the test did not read the API Token")
	}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !d.Type().IsRegular() {
				return err
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("the API Token was written to %s", path)
			}
			return nil
		})
		if err != nil {
			t.Errorf("scan %s: %v", root, err)
		}
	}
	err := filepath.WalkDir(stateDir, func(path string, d os.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return filepath.SkipAll
		}
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch perm := info.Mode().Perm(); {
		case d.IsDir() && perm&0o077 != 0:
			t.Errorf("state directory %s has mode %#o, want 0700", path, perm)
		case !d.IsDir() && perm&0o077 != 0:
			t.Errorf("state file %s has mode %#o, want 0600", path, perm)
		}
		return nil
	})
	if err != nil {
		t.Errorf("check modes under %s: %v", stateDir, err)
	}
}
