package tui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// driver runs the root Model the way a tea.Program would, synchronously:
// it feeds every message a command returns back into Update. Spinner ticks
// are dropped (they only animate), timers set with Config.After are
// recorded and fired by hand on a fake clock, and OSC 52 copies are
// recorded, so nothing sleeps. Keys always go through the root, so its
// global keys (q, esc, ?) and its typing rule apply as in the wizard.
type driver struct {
	t           testing.TB
	m           Model
	quit        bool
	interrupted bool
	osc52       []string
	// now is the fake clock, the wizard's Config.Now unless the test set
	// its own; fire moves it to each timer it delivers.
	now time.Time
	// timers holds what the model scheduled with Config.After, in order.
	timers []timer
	// oneScreen is set by driveScreen: flow messages are then recorded in
	// flow instead of moving the wizard on.
	oneScreen bool
	flow      []tea.Msg
	// cmdTimeout bounds each command (see call); 0 is testwait.Timeout.
	cmdTimeout time.Duration
}

// timer is a message the model asked to receive after a delay.
type timer struct {
	due   time.Time
	after time.Duration
	msg   tea.Msg
}

// testNow is where the driver's fake clock starts.
var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// newDriver runs the whole wizard at w×h from its first screen, Init run.
func newDriver(tb testing.TB, cfg Config, w, h int) *driver {
	tb.Helper()
	d := start(tb, cfg, w, h)
	d.run(d.m.Init())
	return d
}

// driveScreen runs the screen build returns as the wizard's only screen at
// w×h (org "moby" unless cfg names one), so a test stays on the screen
// under test: the flow messages it emits are recorded (see last). The
// screen's Init is not run; call init.
func driveScreen(tb testing.TB, cfg Config, w, h int, build func(c *common) screen) *driver {
	tb.Helper()
	if cfg.Env == nil {
		cfg.Env = &flow.Env{}
	}
	if cfg.Env.Org == "" {
		cfg.Env.Org = "moby"
	}
	d := start(tb, cfg, w, h)
	d.oneScreen = true
	d.m.stack = []screen{build(d.m.c)}
	return d
}

func start(tb testing.TB, cfg Config, w, h int) *driver {
	d := &driver{t: tb, now: testNow}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return d.now }
	}
	cfg.After = func(after time.Duration, msg tea.Msg) tea.Cmd {
		d.timers = append(d.timers, timer{due: d.now.Add(after), after: after, msg: msg})
		return nil
	}
	d.m = New(cfg)
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// init runs the current screen's Init.
func (d *driver) init() { d.run(d.m.top().Init()) }

func (d *driver) send(msg tea.Msg) {
	m, cmd := d.m.Update(msg)
	d.m = m.(Model)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := d.call(cmd).(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg:
		d.quit = true
	case tea.InterruptMsg:
		d.quit, d.interrupted = true, true
	default:
		switch fmt.Sprintf("%T", msg) {
		case "tea.setClipboardMsg":
			d.osc52 = append(d.osc52, fmt.Sprint(msg))
			return
		case "tea.sequenceMsg":
			// tea.Sequence: run its commands in order, as the program does.
			seq := reflect.ValueOf(msg)
			for i := range seq.Len() {
				d.run(seq.Index(i).Interface().(tea.Cmd))
			}
			return
		}
		if d.oneScreen && isFlowMsg(msg) {
			d.flow = append(d.flow, msg)
			return
		}
		d.send(msg)
	}
}

// call runs cmd and returns its message. A command that has not returned
// after cmdTimeout (testwait.Timeout unless set) fails the test naming the
// screen, instead of hanging it: the driver runs commands synchronously,
// so one that waits on a channel nobody sends on would block for ever.
func (d *driver) call(cmd tea.Cmd) tea.Msg {
	d.t.Helper()
	timeout := d.cmdTimeout
	if timeout == 0 {
		timeout = testwait.Timeout
	}
	type result struct {
		msg      tea.Msg
		panicked any
		stack    []byte
	}
	got := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				got <- result{panicked: p, stack: debug.Stack()}
			}
		}()
		got <- result{msg: cmd()}
	}()
	select {
	case r := <-got:
		if r.panicked != nil {
			// On the test's goroutine, so go test names the test.
			panic(fmt.Sprintf("%v\n\nthe command's stack:\n%s", r.panicked, r.stack))
		}
		return r.msg
	case <-time.After(timeout):
		d.t.Fatalf("a command of the %s screen did not return within %s; screen:\n%s", d.m.top().step(), timeout, d.screen())
		return nil
	}
}

// isFlowMsg reports whether msg is one a screen sends when its step is
// done, for Model.advance to open the next screen.
func isFlowMsg(msg tea.Msg) bool {
	switch msg.(type) {
	case connectionChosenMsg, preflightDoneMsg, scimReadyMsg, verifiedMsg, credentialsDoneMsg,
		idpChosenMsg, checklistDoneMsg, readBackDoneMsg:
		return true
	}
	return false
}

// last is the last flow message the screen emitted, or nil.
func (d *driver) last() tea.Msg {
	if len(d.flow) == 0 {
		return nil
	}
	return d.flow[len(d.flow)-1]
}

// fire moves the clock to each pending timer in turn, soonest first, and
// delivers its message.
func (d *driver) fire() {
	pending := d.timers
	d.timers = nil
	slices.SortStableFunc(pending, func(a, b timer) int { return a.due.Compare(b.due) })
	for _, tm := range pending {
		if tm.due.After(d.now) {
			d.now = tm.due
		}
		d.send(tm.msg)
	}
}

// enterUntil presses enter until the wizard shows step id, and fails the
// test after a few presses; tests stay valid when steps are added between.
func (d *driver) enterUntil(id steps.StepID) {
	d.t.Helper()
	for range 12 {
		if d.m.top().step() == id {
			return
		}
		d.press("enter")
	}
	d.t.Fatalf("enter never reached step %s; at %s:\n%s", id, d.m.top().step(), d.screen())
}

// press sends key presses by name (see keyPress).
func (d *driver) press(keys ...string) {
	for _, k := range keys {
		d.send(keyPress(k))
	}
}

// typeText types s one key at a time.
func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// paste sends s as a bracketed paste.
func (d *driver) paste(s string) { d.send(tea.PasteMsg{Content: s}) }

// namedKeys are the keys keyPress knows by name besides single characters
// and ctrl+<letter>.
var namedKeys = map[string]tea.KeyPressMsg{
	"enter":     {Code: tea.KeyEnter},
	"esc":       {Code: tea.KeyEscape},
	"up":        {Code: tea.KeyUp},
	"down":      {Code: tea.KeyDown},
	"left":      {Code: tea.KeyLeft},
	"right":     {Code: tea.KeyRight},
	"tab":       {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
	"backspace": {Code: tea.KeyBackspace},
	"space":     {Code: tea.KeySpace, Text: " "},
}

// keyPress is the key press named k: a name in namedKeys, "ctrl+<letter>",
// or a single character ("c", "/", …).
func keyPress(k string) tea.KeyPressMsg {
	if msg, ok := namedKeys[k]; ok {
		return msg
	}
	if c, ok := strings.CutPrefix(k, "ctrl+"); ok && len(c) == 1 {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// fatalRecorder is a testing.TB that records Fatalf instead of stopping.
type fatalRecorder struct {
	testing.TB
	failed string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

// TestDriverFailsACommandThatNeverReturns: the driver runs a screen's
// commands synchronously, so a command blocked for ever (a channel nobody
// sends on) used to hang the test until go test's -timeout; it now fails
// the test, naming the screen.
func TestDriverFailsACommandThatNeverReturns(t *testing.T) {
	rec := &fatalRecorder{TB: t}
	d := newDriver(rec, testConfig(nil, nil), 80, 24)
	d.cmdTimeout = 10 * time.Millisecond
	never := make(chan tea.Msg)
	t.Cleanup(func() { close(never) }) // ends the command's goroutine
	d.run(func() tea.Msg { return <-never })
	if !strings.Contains(rec.failed, "did not return") || !strings.Contains(rec.failed, string(d.m.top().step())) {
		t.Fatalf("a command that never returns failed the test with %q, want it named with its screen", rec.failed)
	}
}

// TestDriverReportsACommandsPanicInTheTest: a command runs on its own
// goroutine (see call), yet its panic reaches the test's goroutine, where
// go test names the test that failed.
func TestDriverReportsACommandsPanicInTheTest(t *testing.T) {
	d := newDriver(t, testConfig(nil, nil), 80, 24)
	defer func() {
		if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "boom") {
			t.Fatalf("recovered %v, want the command's panic", p)
		}
	}()
	d.run(func() tea.Msg { panic("boom") })
	t.Fatal("a panicking command returned")
}

func TestKeyPressMatchesItsName(t *testing.T) {
	for _, k := range []string{"tab", "shift+tab", "left", "right", "backspace", "ctrl+r", "ctrl+v", "ctrl+o", "ctrl+c",
		"enter", "esc", "space", "up", "down", "q", "/"} {
		if got := keyPress(k).String(); got != k {
			t.Errorf("keyPress(%q).String() = %q", k, got)
		}
	}
}

// screen is the whole frame (header, screen, footer) without ANSI styling.
func (d *driver) screen() string {
	return ansi.Strip(d.m.View().Content)
}

// body is the current screen's own view, without the root's header and
// footer, without ANSI styling.
func (d *driver) body() string { return ansi.Strip(d.m.top().View()) }

// setTop replaces the current screen, for tests that call its Update
// directly.
func (d *driver) setTop(s screen) { d.m.stack[len(d.m.stack)-1] = s }

// fakeConsole is a Console with fixed answers, for stable golden files.
type fakeConsole struct {
	conns     []client.Connection
	listErr   error
	setupErr  error
	setups    int
	edits     int
	refreshes int
	// tokenLost makes EditSCIM answer as a restarted sandbox does.
	tokenLost bool
	org       client.OrgInfo
	orgErr    error
	orgReads  int
	// conflictOnce makes the next SetupSCIM answer 409.
	conflictOnce bool
}

const fakeToken = "fake-scim-token-0123456789abcdef"

func (f *fakeConsole) Connections(context.Context, string) ([]client.Connection, error) {
	return f.conns, f.listErr
}

func (f *fakeConsole) SetupSCIM(_ context.Context, _, id string) (client.SCIMCredentials, error) {
	f.setups++
	if f.conflictOnce {
		f.conflictOnce = false
		return client.SCIMCredentials{}, &client.Error{Op: "set up SCIM", Kind: client.KindConflict, Status: 409}
	}
	if f.setupErr != nil {
		return client.SCIMCredentials{}, f.setupErr
	}
	for i := range f.conns {
		if f.conns[i].ID == id {
			f.conns[i].SCIMEnabled = true // as Docker then lists it
		}
	}
	return client.SCIMCredentials{BaseURL: "https://hub.docker.com/v2/scim/2.0", Token: client.NewSecret(fakeToken)}, nil
}

func (f *fakeConsole) EditSCIM(context.Context, string, string) (client.SCIMCredentials, error) {
	f.edits++
	if f.tokenLost {
		return client.SCIMCredentials{}, &client.Error{Op: "show the SCIM values (Edit SCIM)", Status: 410, Err: client.ErrTokenNotKept}
	}
	return client.SCIMCredentials{BaseURL: "https://hub.docker.com/v2/scim/2.0", Token: client.NewSecret(fakeToken)}, nil
}

func (f *fakeConsole) RefreshSCIMToken(ctx context.Context, org, id string) (client.SCIMCredentials, error) {
	f.refreshes++
	return f.SetupSCIM(ctx, org, id)
}

func (f *fakeConsole) Org(_ context.Context, org string) (client.OrgInfo, error) {
	f.orgReads++
	if f.listErr != nil {
		return client.OrgInfo{}, f.listErr
	}
	info := f.org
	info.Connections = f.conns
	return info, f.orgErr
}

func (f *fakeConsole) DisableSCIM(context.Context, string, string) error { return nil }

func (f *fakeConsole) SetJIT(_ context.Context, _, id string, enabled bool) (client.Connection, error) {
	for i, c := range f.conns {
		if c.ID == id {
			f.conns[i].JIT = enabled
			return f.conns[i], nil
		}
	}
	return client.Connection{}, errors.New("no such connection")
}

func seededConsole() *fakeConsole {
	return &fakeConsole{org: client.OrgInfo{Name: "moby", Plan: "business", Domains: []client.Domain{{Name: "moby.example", Verified: true}}}, conns: []client.Connection{
		{ID: "c1", Name: "Okta SAML", Type: client.SAML, IdP: "okta"},
		{ID: "c2", Name: "Entra ID SAML", Type: client.SAML, IdP: "entra"},
		{ID: "c3", Name: "Entra ID OIDC", Type: client.AzureOIDC, IdP: "entra", SCIMEnabled: true},
		{ID: "c4", Name: "OneLogin SAML", Type: client.SAML, IdP: "onelogin"},
	}}
}

// fakeClipboard records writes, or fails when err is set.
type fakeClipboard struct {
	text string
	err  error
}

func (f *fakeClipboard) WriteAll(s string) error {
	if f.err != nil {
		return f.err
	}
	f.text = s
	return nil
}

func (f *fakeClipboard) ReadAll() (string, error) { return f.text, f.err }

// handlerTransport answers HTTP requests with an in-process handler, so
// tests can give the SCIM client a fixed https base URL (stable goldens)
// while a real sandbox answers.
type handlerTransport struct{ h http.Handler }

// RoundTrip serves r with the handler.
func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// sandboxSCIM routes the SCIM client to a sandbox whose seeded connection's
// API token is fakeToken, the token fakeConsole hands out.
func sandboxSCIM() []client.Option {
	sb := sandbox.New(sandbox.WithSeededSCIMToken(fakeToken))
	return []client.Option{client.WithHTTPClient(&http.Client{Transport: handlerTransport{sb}})}
}

var errNoClipboard = errors.New("no clipboard utilities available")
