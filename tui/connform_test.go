package tui

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// formDriver runs one screen inside the root Model, synchronously: it
// feeds every message a command returns back into Update, drops spinner
// ticks, and records the flow messages the screen emits (connectionChosenMsg,
// scimReadyMsg) instead of letting the root move on, so the test stays on the
// screen under test. Keys go through the root, so its global keys (q, esc, ?)
// and its typing rule apply as in the wizard.
type formDriver struct {
	t    *testing.T
	m    Model
	flow []tea.Msg
	quit bool
}

func driveForm(t *testing.T, cfg Config, w, h int, build func(c *common) screen) *formDriver {
	t.Helper()
	if cfg.Org == "" {
		cfg.Org = "moby"
	}
	m := New(cfg)
	m.stack = []screen{build(m.c)}
	d := &formDriver{t: t, m: m}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.run(m.top().Init())
	return d
}

func (d *formDriver) send(msg tea.Msg) {
	m, cmd := d.m.Update(msg)
	d.m = m.(Model)
	d.run(cmd)
}

func (d *formDriver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg, tea.InterruptMsg:
		d.quit = true
	case connectionChosenMsg, scimReadyMsg:
		d.flow = append(d.flow, msg)
	default:
		d.send(msg)
	}
}

// press sends keys by name ("tab", "shift+tab", "ctrl+r", "left", "q", …).
func (d *formDriver) press(keys ...string) {
	for _, k := range keys {
		d.send(namedKey(k))
	}
}

// typeText types s one key at a time.
func (d *formDriver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (d *formDriver) paste(s string) { d.send(tea.PasteMsg{Content: s}) }

// view is the whole frame (header, screen, footer) without ANSI styling.
func (d *formDriver) view() string { return ansi.Strip(d.m.View().Content) }

// last is the last flow message the screen emitted, or nil.
func (d *formDriver) last() tea.Msg {
	if len(d.flow) == 0 {
		return nil
	}
	return d.flow[len(d.flow)-1]
}

// namedKey extends keyPress (driver_test.go) with the keys forms use.
func namedKey(k string) tea.KeyPressMsg {
	switch k {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	if c, ok := strings.CutPrefix(k, "ctrl+"); ok && len(c) == 1 {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModCtrl}
	}
	return keyPress(k)
}

func TestNamedKeysMatchTheirNames(t *testing.T) {
	for _, k := range []string{"tab", "shift+tab", "left", "right", "backspace", "ctrl+r", "ctrl+v", "ctrl+o", "enter", "esc", "space", "up", "down", "q"} {
		if got := namedKey(k).String(); got != k {
			t.Errorf("namedKey(%q).String() = %q", k, got)
		}
	}
}

func connForm(preset client.Connection) func(c *common) screen {
	return func(c *common) screen { return newConnectionFormScreen(c, preset) }
}

func (d *formDriver) form() *connectionFormScreen { return d.m.top().(*connectionFormScreen) }

func TestConnFormRequiresName(t *testing.T) {
	d := driveForm(t, Config{}, 80, 24, connForm(client.Connection{}))
	d.press("enter")
	if d.last() != nil {
		t.Fatalf("empty name submitted: %#v", d.last())
	}
	if !strings.Contains(d.view(), "✗ Type the connection's name") {
		t.Fatalf("no reason for the refusal:\n%s", d.view())
	}
	d.typeText("   ")
	d.press("enter")
	if d.last() != nil {
		t.Fatal("a name of spaces was accepted")
	}
	d.typeText("Okta SAML ")
	d.press("enter")
	want := connectionChosenMsg{conn: client.Connection{Name: "Okta SAML", Type: client.SAML, IdP: "okta"}}
	if got := d.last(); !reflect.DeepEqual(got, tea.Msg(want)) {
		t.Fatalf("emitted %#v, want %#v", got, want)
	}
}

func TestConnFormTypeRestrictsIdP(t *testing.T) {
	d := driveForm(t, Config{}, 80, 24, connForm(client.Connection{Name: "Corp", IdP: "okta"}))
	all := steps.IdPs()
	if got := d.form().idps(); !slices.Equal(got, all) {
		t.Fatalf("SAML offers %v, want %v", got, all)
	}
	d.press("tab", "right") // type: Azure AD (OIDC)
	f := d.form()
	if f.ctype != client.AzureOIDC || f.idp != steps.Entra || !slices.Equal(f.idps(), []steps.IdP{steps.Entra}) {
		t.Fatalf("after OIDC: type %s, idp %s, offered %v", f.ctype, f.idp, f.idps())
	}
	if v := d.view(); strings.Contains(v, "Okta") && !strings.Contains(v, "Entra ID only") {
		t.Fatalf("OIDC still offers other IdPs:\n%s", v)
	}
	d.press("tab", "right", "space", "left") // cycling among one IdP keeps Entra
	if d.form().idp != steps.Entra {
		t.Fatalf("cycled to %s under OIDC", d.form().idp)
	}
	d.press("enter")
	want := connectionChosenMsg{conn: client.Connection{Name: "Corp", Type: client.AzureOIDC, IdP: "entra"}}
	if got := d.last(); !reflect.DeepEqual(got, tea.Msg(want)) {
		t.Fatalf("emitted %#v, want %#v", got, want)
	}
	d.press("shift+tab", "left") // back to SAML: every IdP again, Entra kept
	if f := d.form(); f.ctype != client.SAML || f.idp != steps.Entra || len(f.idps()) != len(all) {
		t.Fatalf("after SAML: type %s, idp %s, offered %v", f.ctype, f.idp, f.idps())
	}
}

func TestConnFormPrefill(t *testing.T) {
	for _, tc := range []struct {
		name      string
		preset    client.Connection
		presetIdP steps.IdP
		want      client.Connection
	}{
		{"everything given", client.Connection{Name: "Entra OIDC", Type: client.AzureOIDC, IdP: "entra"}, "",
			client.Connection{Name: "Entra OIDC", Type: client.AzureOIDC, IdP: "entra"}},
		{"IdP alias", client.Connection{Name: "Azure", IdP: "azure-ad"}, "",
			client.Connection{Name: "Azure", Type: client.SAML, IdP: "entra"}},
		{"IdP from the command line", client.Connection{Name: "One"}, steps.OneLogin,
			client.Connection{Name: "One", Type: client.SAML, IdP: "onelogin"}},
		{"IdP that does not fit OIDC", client.Connection{Name: "X", Type: client.AzureOIDC, IdP: "okta"}, "",
			client.Connection{Name: "X", Type: client.AzureOIDC, IdP: "entra"}},
		{"nothing given", client.Connection{Name: "  Y  "}, "",
			client.Connection{Name: "Y", Type: client.SAML, IdP: "okta"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := driveForm(t, Config{Preset: Preset{IdP: tc.presetIdP}}, 80, 24, connForm(tc.preset))
			d.press("enter")
			if got := d.last(); !reflect.DeepEqual(got, tea.Msg(connectionChosenMsg{conn: tc.want})) {
				t.Fatalf("emitted %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestConnFormFieldNavigation(t *testing.T) {
	d := driveForm(t, Config{}, 80, 24, connForm(client.Connection{}))
	for _, step := range []struct {
		key  string
		want int
	}{
		{"tab", connFieldType}, {"down", connFieldIdP}, {"tab", connFieldName},
		{"shift+tab", connFieldIdP}, {"up", connFieldType}, {"up", connFieldName},
	} {
		d.press(step.key)
		if got := d.form().focus; got != step.want {
			t.Fatalf("after %s: focus %d, want %d", step.key, got, step.want)
		}
	}
	d.press("tab", "left") // wraps from SAML back to Azure AD (OIDC)
	if d.form().ctype != client.AzureOIDC {
		t.Fatalf("left from SAML gave %s", d.form().ctype)
	}
	d.press("tab", "right") // ←/→ on a choice field never reach the name
	if d.form().name.Value() != "" {
		t.Fatalf("keys leaked into the name: %q", d.form().name.Value())
	}
}

func TestConnFormTypingKeepsGlobalKeysOut(t *testing.T) {
	d := driveForm(t, Config{}, 80, 24, connForm(client.Connection{}))
	d.typeText("q?")
	if d.quit || d.m.help.ShowAll {
		t.Fatal("q or ? typed into the name acted globally")
	}
	if got := d.form().name.Value(); got != "q?" {
		t.Fatalf("name = %q", got)
	}
	d.paste("Okta\nSAML")
	if got := d.form().name.Value(); got != "q?Okta SAML" {
		t.Fatalf("pasted name = %q", got)
	}
	d.press("esc") // leaves the field
	if d.form().typing() {
		t.Fatal("esc did not leave the name field")
	}
	d.press("q")
	if !d.quit {
		t.Fatal("q outside the name field did not quit")
	}
}

func TestConnFormGolden(t *testing.T) {
	for _, size := range []struct{ w, h int }{{60, 20}, {80, 24}, {120, 40}} {
		shots := []struct {
			name   string
			preset client.Connection
			keys   []string
		}{
			{"empty", client.Connection{}, nil},
			{"refused", client.Connection{}, []string{"enter"}},
			{"oidc", client.Connection{Name: "Entra ID OIDC"}, []string{"tab", "right", "tab"}},
		}
		for _, s := range shots {
			t.Run(s.name+"-"+sizeName(size.w, size.h), func(t *testing.T) {
				d := driveForm(t, Config{}, size.w, size.h, connForm(s.preset))
				d.press(s.keys...)
				requireFits(t, d.view(), size.h)
				golden.RequireEqual(t, d.view())
			})
		}
	}
}

// requireFits fails when the frame is taller than the window.
func requireFits(t *testing.T, frame string, height int) {
	t.Helper()
	if n := strings.Count(frame, "\n") + 1; n > height {
		t.Errorf("the frame has %d lines, the window %d:\n%s", n, height, frame)
	}
}

func sizeName(w, h int) string { return fmt.Sprintf("%dx%d", w, h) }
