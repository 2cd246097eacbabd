package tui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// vtTimeout bounds every wait on the virtual terminal: for a screen, for
// the program to exit, for a key to be taken.
const vtTimeout = 15 * time.Second

// vterm runs a real tea.Program on an in-process virtual terminal, so the
// renderer, key parsing and paste handling are the real ones.
//
// The emulator writes the keys a test sends, and its own answers to the
// program's queries, into an unbuffered pipe, holding its lock while it
// waits for a reader. If the program does not read at that moment (busy,
// or blocked writing a frame into the same locked emulator), the test
// hangs. So a pump drains that pipe at once into an unbounded queue, and
// the program reads the queue: sending a key never waits for the program.
type vterm struct {
	t     *testing.T
	se    *vt.SafeEmulator
	input *inputQueue
	done  chan error
}

// startVT runs model in a w×h virtual terminal until the test ends.
func startVT(t *testing.T, model tea.Model, w, h int) *vterm {
	t.Helper()
	se := vt.NewSafeEmulator(w, h)
	// Non-TTY output uses bare "\n": line feed/new line mode keeps the
	// screen from staircasing.
	_, _ = se.Write([]byte("\x1b[20h"))
	v := &vterm{t: t, se: se, input: newInputQueue(), done: make(chan error, 1)}
	go v.input.pump(se)
	p := tea.NewProgram(model, tea.WithInput(v.input), tea.WithOutput(se), tea.WithWindowSize(w, h),
		tea.WithoutSignals(), tea.WithColorProfile(colorprofile.Ascii))
	go func() {
		_, err := p.Run()
		v.done <- err
	}()
	t.Cleanup(func() {
		// Kill writes to the emulator too: it must not hold up the cleanup.
		go p.Kill()
		v.input.Close()
		select {
		case err := <-v.done:
			v.done <- err
		case <-time.After(vtTimeout):
			t.Errorf("the program did not end %s after Kill; last screen:\n%s", vtTimeout, v.lastScreen())
		}
		// Ends the pump. (Emulator.Close would race with the pump's Read:
		// it sets an unguarded flag; closing the pipe itself is safe.)
		if c, ok := se.InputPipe().(io.Closer); ok {
			_ = c.Close()
		}
	})
	return v
}

// inputQueue is the program's input: an unbounded byte queue that pump
// fills from the emulator. Read blocks until there are bytes or the queue
// is closed.
type inputQueue struct {
	mu     sync.Mutex
	ready  *sync.Cond
	buf    []byte
	closed bool
}

func newInputQueue() *inputQueue {
	q := &inputQueue{}
	q.ready = sync.NewCond(&q.mu)
	return q
}

// pump copies everything the emulator sends to the program (keys, pastes,
// answers to queries) into the queue until the emulator is closed.
func (q *inputQueue) pump(from io.Reader) {
	buf := make([]byte, 4096)
	for {
		n, err := from.Read(buf)
		q.mu.Lock()
		q.buf = append(q.buf, buf[:n]...)
		q.ready.Broadcast()
		q.mu.Unlock()
		if err != nil {
			q.Close()
			return
		}
	}
}

// Read gives the program the queued bytes.
func (q *inputQueue) Read(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.buf) == 0 && !q.closed {
		q.ready.Wait()
	}
	if len(q.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, q.buf)
	q.buf = q.buf[n:]
	return n, nil
}

// Close ends the input: the program reads EOF once the queue is empty.
func (q *inputQueue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.ready.Broadcast()
}

// screen is the visible text. It fails the test when the emulator stays
// locked for vtTimeout (a write into it never finished) instead of hanging.
func (v *vterm) screen() string {
	v.t.Helper()
	s, ok := v.render(vtTimeout)
	if !ok {
		v.t.Fatalf("the virtual terminal stayed locked for %s: a write into it never finished", vtTimeout)
	}
	return s
}

// lastScreen is the visible text for a failure message, or a note when the
// emulator stays locked for a few seconds: reporting a hang cannot hang.
func (v *vterm) lastScreen() string {
	s, ok := v.render(3 * time.Second)
	if !ok {
		return "(no screen: the emulator stayed locked by a write that never finished)"
	}
	return s
}

// render reads the screen, giving up after d.
func (v *vterm) render(d time.Duration) (string, bool) {
	got := make(chan string, 1)
	go func() { got <- ansi.Strip(v.se.Render()) }()
	select {
	case s := <-got:
		return s, true
	case <-time.After(d):
		return "", false
	}
}

// waitFor waits until the screen shows every text, or fails after
// vtTimeout with what is missing and the last screen.
func (v *vterm) waitFor(texts ...string) {
	v.t.Helper()
	deadline := time.Now().Add(vtTimeout)
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
			v.t.Fatalf("the screen never showed %q (waited %s for %q); last screen:\n%s", missing, vtTimeout, texts, s)
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
// Each send returns at once (see vterm); a send that still blocks fails
// the test after vtTimeout instead of hanging it.
func (v *vterm) keys(keys ...string) {
	v.t.Helper()
	v.send(fmt.Sprintf("the keys %q", keys), func() { v.sendKeys(keys) })
}

// send runs what, which writes to the emulator's input, and fails the test
// when it has not returned after vtTimeout.
func (v *vterm) send(what string, write func()) {
	v.t.Helper()
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		write()
	}()
	select {
	case <-sent:
	case <-time.After(vtTimeout):
		v.t.Fatalf("sending %s blocked for %s: nothing reads the terminal's input; last screen:\n%s", what, vtTimeout, v.lastScreen())
	}
}

// paste sends text as a bracketed paste.
func (v *vterm) paste(text string) {
	v.t.Helper()
	v.send("a paste", func() { v.se.Paste(text) })
}

func (v *vterm) sendKeys(keys []string) {
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
	case <-time.After(vtTimeout):
		v.t.Fatalf("the program did not exit after %s; last screen:\n%s", vtTimeout, v.lastScreen())
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
	v.waitFor("SCIM is set up")
	v.keys("enter")
	if err := v.exit(); err != nil {
		t.Fatalf("program ended with %v", err)
	}
}

// ctrl sends ctrl+<r>.
func (v *vterm) ctrl(r rune) {
	v.t.Helper()
	v.send(fmt.Sprintf("ctrl+%c", r), func() { v.se.SendKey(vt.KeyPressEvent{Code: r, Mod: vt.ModCtrl}) })
}

// TestVTGuidedPath walks the real-Docker path in a virtual terminal: the
// connection form, the guided Setup SCIM with pasted values that the
// sandbox issued, a wrong token rejected by verify and re-pasted, a retry
// after an injected 503, the read-back showing a user pushed by the IdP, and
// resume after a restart.
func TestVTGuidedPath(t *testing.T) {
	cfg, sb, url := sandboxConfig(t)
	creds := sb.Credentials()
	cfg.Env = flow.Docker(cfg.Env.Org, cfg.Env.Hub, cfg.Env.SCIMOptions...)
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
	v.paste("  " + base + "/ ")
	v.waitFor("removed the trailing slash")
	v.paste("Bearer " + creds.SCIMToken + "-mistyped")
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
	v.paste(creds.SCIMToken)
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
	v.paste(creds.SCIMToken)
	v.keys("enter")
	v.waitStep(steps.StepVerify)
	v.waitFor("4 of 4 checks passed")
	v.keys("enter")

	// Read-back: the identity provider pushes a user; the feed shows it.
	v.waitStep(steps.StepReadBack)
	sim := sandbox.NewSimulator(base, creds.SCIMToken, testwait.HTTP) // bounded: nil would be http.DefaultClient, which waits for ever
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

// busyModel stands in for a program starved of CPU: its Update blocks on
// the first key until release is closed. It shows how many keys it got.
type busyModel struct {
	release <-chan struct{}
	got     int
}

func (m busyModel) Init() tea.Cmd { return nil }

func (m busyModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		if m.got == 0 {
			<-m.release
		}
		m.got++
	}
	return m, nil
}

func (m busyModel) View() tea.View { return tea.NewView(fmt.Sprintf("keys: %d", m.got)) }

// TestVTKeysNeverWaitForABusyProgram: keys sent while the program is busy
// return at once and all arrive once it is free again. (The emulator's
// input pipe used to be the program's input: the third key then blocked
// forever, the hang TestVTGuidedPath showed under load.)
func TestVTKeysNeverWaitForABusyProgram(t *testing.T) {
	release := make(chan struct{})
	v := startVT(t, busyModel{release: release}, 40, 5)
	v.waitFor("keys: 0")
	v.keys("a", "b", "c", "enter", "d")
	close(release)
	v.waitFor("keys: 5")
}
