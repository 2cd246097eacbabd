package tui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// driver runs a model the way a tea.Program would, synchronously: it feeds
// every message a command returns back into Update. Spinner ticks are
// dropped (they only animate), so nothing sleeps.
type driver struct {
	t           *testing.T
	m           tea.Model
	quit        bool
	interrupted bool
	osc52       []string
	// timers holds what the model scheduled with Config.After, in order.
	timers []timer
}

// timer is a message the model asked to receive after a delay.
type timer struct {
	after time.Duration
	msg   tea.Msg
}

func newDriver(t *testing.T, cfg Config, w, h int) *driver {
	t.Helper()
	d := &driver{t: t}
	cfg.After = func(after time.Duration, msg tea.Msg) tea.Cmd {
		d.timers = append(d.timers, timer{after, msg})
		return nil
	}
	d.m = New(cfg)
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.run(d.m.Init())
	return d
}

func (d *driver) send(msg tea.Msg) {
	m, cmd := d.m.Update(msg)
	d.m = m
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
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
		if fmt.Sprintf("%T", msg) == "tea.setClipboardMsg" {
			d.osc52 = append(d.osc52, fmt.Sprint(msg))
			return
		}
		d.send(msg)
	}
}

// fire delivers the pending timers' messages, oldest first.
func (d *driver) fire() {
	pending := d.timers
	d.timers = nil
	for _, tm := range pending {
		d.send(tm.msg)
	}
}

// enterUntil presses enter until the wizard shows step id, and fails the
// test after a few presses; tests stay valid when steps are added between.
func (d *driver) enterUntil(id steps.StepID) {
	d.t.Helper()
	for range 12 {
		if d.root().top().step() == id {
			return
		}
		d.press("enter")
	}
	d.t.Fatalf("enter never reached step %s; at %s:\n%s", id, d.root().top().step(), d.screen())
}

// press sends key presses by name: "enter", "down", "space", "c", …
func (d *driver) press(keys ...string) {
	for _, k := range keys {
		d.send(keyPress(k))
	}
}

func keyPress(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen is the current view without ANSI styling.
func (d *driver) screen() string {
	return ansi.Strip(d.m.View().Content)
}

func (d *driver) root() Model { return d.m.(Model) }

// fakeConsole is a Console with fixed answers, for stable golden files.
type fakeConsole struct {
	conns     []client.Connection
	listErr   error
	setupErr  error
	setups    int
	refreshes int
	org       client.OrgInfo
	orgErr    error
}

const fakeToken = "fake-scim-token-0123456789abcdef"

func (f *fakeConsole) Connections(context.Context, string) ([]client.Connection, error) {
	return f.conns, f.listErr
}

func (f *fakeConsole) SetupSCIM(context.Context, string, string) (client.SCIMCredentials, error) {
	f.setups++
	if f.setupErr != nil {
		return client.SCIMCredentials{}, f.setupErr
	}
	return client.SCIMCredentials{BaseURL: "https://hub.docker.com/v2/scim/2.0", Token: client.NewSecret(fakeToken)}, nil
}

func (f *fakeConsole) RefreshSCIMToken(ctx context.Context, org, id string) (client.SCIMCredentials, error) {
	f.refreshes++
	return f.SetupSCIM(ctx, org, id)
}

func (f *fakeConsole) Org(_ context.Context, org string) (client.OrgInfo, error) {
	return f.org, f.orgErr
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
