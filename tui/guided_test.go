package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/docker-scim/docker-scim/client"
)

var guidedConn = client.Connection{Name: "Okta SAML", Type: client.SAML, IdP: "okta"}

const (
	guidedToken = "dsst-0123456789abcdefXYZ"
	messyURL    = "  HTTPS://hub.docker.com/v2/scim/2.0/  "
	cleanURL    = "https://hub.docker.com/v2/scim/2.0"
)

func guided(preset client.SCIMCredentials) func(c *common) screen {
	return func(c *common) screen { return newGuidedSetupScreen(c, guidedConn, preset) }
}

func (d *driver) guided() *guidedSetupScreen { return d.m.top().(*guidedSetupScreen) }

// ready is the credentials of the last scimReadyMsg, or fails the test.
func (d *driver) ready() client.SCIMCredentials {
	d.t.Helper()
	msg, ok := d.last().(scimReadyMsg)
	if !ok {
		d.t.Fatalf("no scimReadyMsg; last flow message %#v; view:\n%s", d.last(), d.screen())
	}
	return msg.creds
}

func TestGuidedPasteNormalisesBaseURL(t *testing.T) {
	d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{}))
	d.paste(messyURL) // nothing focused: lands in the first field still empty
	if d.guided().fields[guidedFieldURL].Value() != messyURL {
		t.Fatalf("paste did not land in the URL field: %q", d.guided().fields[guidedFieldURL].Value())
	}
	// A valid URL moves the focus on to the token, still empty.
	if d.guided().focus != guidedFieldToken {
		t.Fatalf("focus after pasting a valid URL: %d", d.guided().focus)
	}
	d.press("shift+tab")
	v := d.screen()
	for _, want := range []string{"✓ " + cleanURL, "removed spaces around the URL", "removed the trailing slash"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	d.press("enter") // URL valid, token empty: enter moves on
	if d.last() != nil || d.guided().focus != guidedFieldToken {
		t.Fatalf("enter on a valid URL: flow %#v, focus %d", d.last(), d.guided().focus)
	}
	d.paste("Bearer " + guidedToken)
	d.press("enter")
	if got := d.ready(); got.BaseURL != cleanURL || got.Token.Value() != guidedToken {
		t.Fatalf("emitted %q and a token of %d characters", got.BaseURL, len(got.Token.Value()))
	}
}

// TestGuidedPasteURLThenToken pastes the two values one after the other,
// as an admin copying from the Admin Console does: each lands in its field.
func TestGuidedPasteURLThenToken(t *testing.T) {
	d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{}))
	d.paste(cleanURL)
	d.paste(guidedToken)
	if got := d.guided().fields[guidedFieldURL].Value(); got != cleanURL {
		t.Fatalf("URL field holds %q", got)
	}
	d.press("enter")
	if got := d.ready(); got.BaseURL != cleanURL || got.Token.Value() != guidedToken {
		t.Fatalf("emitted %q and a token of %d characters", got.BaseURL, len(got.Token.Value()))
	}
}

func TestGuidedRefusesBadBaseURL(t *testing.T) {
	for _, tc := range []struct{ raw, reason string }{
		{"ftp://hub.docker.com/v2/scim/2.0", "must start with https://"},
		{"https://hub.docker.com/v2/orgs/moby", "does not end in /v2/scim/2.0"},
		{"/v2/scim/2.0", "this is only a path"},
		{"https://admin:pw@hub.docker.com/v2/scim/2.0", "contains a user name or password"},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{Token: client.NewSecret(guidedToken)}))
			d.paste(tc.raw)
			if v := d.screen(); !strings.Contains(v, "✗ ") || !strings.Contains(v, tc.reason) {
				t.Fatalf("reason %q not shown:\n%s", tc.reason, v)
			}
			d.press("enter", "tab", "enter")
			if d.last() != nil {
				t.Fatalf("refused URL submitted: %#v", d.last())
			}
			if d.guided().focus != guidedFieldURL {
				t.Fatalf("enter did not return to the refused field (focus %d)", d.guided().focus)
			}
		})
	}
}

func TestGuidedTokenNormalisedAndRefused(t *testing.T) {
	for _, tc := range []struct {
		name, raw, want, shown string
	}{
		{"bearer prefix", "Bearer " + guidedToken, guidedToken, "removed the “Bearer ” prefix"},
		{"quotes and line break", "\"" + guidedToken + "\"\n", guidedToken, "removed quotes; removed spaces or line breaks around it"},
		{"clean", guidedToken, guidedToken, "API Token ready"},
		{"access token", "dckr_pat_abcdef", "", "this is a Docker access token"},
		{"URL in the token field", cleanURL, "", "this is a URL, not the API Token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{BaseURL: cleanURL}))
			d.press("tab", "tab")
			d.paste(tc.raw)
			if v := d.screen(); !strings.Contains(v, tc.shown) {
				t.Fatalf("view lacks %q:\n%s", tc.shown, v)
			}
			d.press("enter")
			if tc.want == "" {
				if d.last() != nil {
					t.Fatal("refused token submitted")
				}
				return
			}
			if got := d.ready().Token.Value(); got != tc.want {
				t.Fatalf("token normalised to %d characters, want %d", len(got), len(tc.want))
			}
		})
	}
}

func TestGuidedTokenMaskedUnlessRevealed(t *testing.T) {
	d := driveScreen(t, Config{}, 120, 40, guided(client.SCIMCredentials{}))
	d.press("tab") // from the URL field, focused on entry
	d.typeText(guidedToken)
	if strings.Contains(d.screen(), guidedToken) || strings.Contains(d.screen(), "0123456789") {
		t.Fatalf("token visible while masked:\n%s", d.screen())
	}
	if !strings.Contains(d.screen(), strings.Repeat("•", len(guidedToken))) {
		t.Fatalf("typed token not echoed as bullets:\n%s", d.screen())
	}
	d.press("ctrl+r")
	if !strings.Contains(d.screen(), guidedToken) {
		t.Fatalf("ctrl+r did not reveal:\n%s", d.screen())
	}
	d.press("ctrl+r")
	if strings.Contains(d.screen(), guidedToken) {
		t.Fatal("second ctrl+r did not hide the token")
	}
	if got := d.guided().fields[guidedFieldToken].Value(); got != guidedToken {
		t.Fatal("ctrl+r changed the typed token")
	}
}

func TestGuidedPrefill(t *testing.T) {
	preset := client.SCIMCredentials{BaseURL: cleanURL + "/", Token: client.NewSecret(guidedToken)}
	d := driveScreen(t, Config{}, 80, 24, guided(preset))
	if strings.Contains(d.screen(), guidedToken) {
		t.Fatalf("preset token shown:\n%s", d.screen())
	}
	if d.guided().typing() {
		t.Fatal("the screen starts inside a field")
	}
	d.press("enter")
	if got := d.ready(); got.BaseURL != cleanURL || got.Token.Value() != guidedToken {
		t.Fatalf("emitted %q", got.BaseURL)
	}
}

func TestGuidedEnterOnEmptyFlagsBoth(t *testing.T) {
	d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{}))
	d.press("enter")
	v := d.screen()
	if d.last() != nil || !strings.Contains(v, "the SCIM Base URL is empty") || !strings.Contains(v, "the API Token is empty") {
		t.Fatalf("flow %#v; view:\n%s", d.last(), v)
	}
	if d.guided().focus != guidedFieldURL {
		t.Fatalf("focus %d after a refused enter", d.guided().focus)
	}
}

func TestGuidedOpenDockerHome(t *testing.T) {
	var opened []string
	for _, tc := range []struct {
		name   string
		open   func(string) error
		before string
		after  string
	}{
		{"browser fails", func(string) error { return errors.New("xdg-open: not found") }, "Press o to open Docker Home",
			"Could not open a browser (xdg-open: not found). Open this address: https://app.docker.com"},
		{"browser opens", func(u string) error { opened = append(opened, u); return nil }, "Press o to open Docker Home",
			"✓ Opened https://app.docker.com in your browser."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := driveScreen(t, Config{OpenURL: tc.open}, 80, 24, guided(client.SCIMCredentials{}))
			d.press("esc") // leave the URL field, focused on entry: o is a shortcut again
			if !strings.Contains(d.screen(), tc.before) {
				t.Fatalf("before o, view lacks %q:\n%s", tc.before, d.screen())
			}
			d.press("o")
			if !strings.Contains(flat(d.screen()), tc.after) {
				t.Fatalf("after o, view lacks %q:\n%s", tc.after, d.screen())
			}
		})
	}
	if len(opened) != 1 || opened[0] != dockerHomeURL {
		t.Fatalf("opened %q", opened)
	}
}

func TestGuidedTypingKeepsKeysInField(t *testing.T) {
	opened := 0
	cfg := Config{OpenURL: func(string) error { opened++; return nil }}
	d := driveScreen(t, cfg, 80, 24, guided(client.SCIMCredentials{}))
	// The URL field has focus on entry: typed text (not only a bracketed
	// paste) lands there, and shortcut letters are text.
	d.typeText("q?o")
	if d.quit || d.m.help.ShowAll || opened != 0 {
		t.Fatalf("typed keys acted: quit %v, help %v, opened %d", d.quit, d.m.help.ShowAll, opened)
	}
	if got := d.guided().fields[guidedFieldURL].Value(); got != "q?o" {
		t.Fatalf("field holds %q", got)
	}
	d.press("ctrl+o")
	if opened != 1 {
		t.Fatal("ctrl+o did not open Docker Home from inside a field")
	}
	d.press("esc")
	if d.guided().typing() {
		t.Fatal("esc did not leave the field")
	}
	if got := d.guided().fields[guidedFieldURL].Value(); got != "q?o" {
		t.Fatalf("leaving the field lost its text: %q", got)
	}
	d.press("q")
	if !d.quit {
		t.Fatal("q outside the fields did not quit")
	}
}

func TestGuidedClipboardPaste(t *testing.T) {
	for _, tc := range []struct {
		name string
		cb   Clipboard
		want string
		msg  string
	}{
		{"native clipboard", &fakeClipboard{text: messyURL}, messyURL, "✓ " + cleanURL},
		{"clipboard fails", &fakeClipboard{err: errNoClipboard}, "", "Could not read the clipboard (no clipboard utilities available)"},
		{"no clipboard", nil, "", "No clipboard can be read here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{}
			if tc.cb != nil {
				cfg.Clipboard = tc.cb
			}
			d := driveScreen(t, cfg, 80, 24, guided(client.SCIMCredentials{}))
			d.press("ctrl+v")
			if got := d.guided().fields[guidedFieldURL].Value(); got != tc.want {
				t.Fatalf("field holds %q, want %q", got, tc.want)
			}
			if !strings.Contains(d.screen(), tc.msg) {
				t.Fatalf("view lacks %q:\n%s", tc.msg, d.screen())
			}
		})
	}
}

// flat joins the view's words with single spaces, so a phrase can be found
// wherever the layout wrapped it.
func flat(v string) string { return strings.Join(strings.Fields(v), " ") }

func TestOpenURLCmd(t *testing.T) {
	boom := errors.New("exec: \"xdg-open\": executable file not found in $PATH")
	for _, tc := range []struct {
		name string
		open func(string) error
		err  error
		text string
	}{
		{"opened", func(string) error { return nil }, nil, "Opened https://example.test in your browser."},
		{"failed", func(string) error { return boom }, boom, "Could not open a browser (" + boom.Error() + "). Open this address: https://example.test"},
		{"no browser", nil, errNoBrowser, "Open this address in a browser: https://example.test (no browser can be opened from this terminal, for example under SSH)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, ok := openURLCmd(tc.open, "https://example.test")().(urlOpenedMsg)
			if !ok || msg.url != "https://example.test" || !errors.Is(msg.err, tc.err) || (tc.err == nil) != (msg.err == nil) {
				t.Fatalf("got %#v", msg)
			}
			if got := msg.describe(); got != tc.text {
				t.Fatalf("describe() = %q, want %q", got, tc.text)
			}
		})
	}
}

func TestGuidedGolden(t *testing.T) {
	opener := func(string) error { return nil }
	for _, size := range []struct{ w, h int }{{60, 20}, {80, 24}, {120, 40}} {
		shots := []struct {
			name  string
			cfg   Config
			steps func(d *driver)
		}{
			{"start", Config{OpenURL: opener}, func(*driver) {}},
			{"pasted", Config{OpenURL: opener}, func(d *driver) {
				d.press("esc", "o")
				d.paste(messyURL)
				d.press("enter")
				d.paste("Bearer " + guidedToken)
			}},
			{"refused-no-browser", Config{}, func(d *driver) {
				d.press("esc", "o")
				d.paste("https://hub.docker.com/v2/orgs/moby")
				d.press("enter")
			}},
		}
		for _, s := range shots {
			t.Run(s.name+"-"+sizeName(size.w, size.h), func(t *testing.T) {
				d := driveScreen(t, s.cfg, size.w, size.h, guided(client.SCIMCredentials{}))
				s.steps(d)
				v := d.screen()
				if strings.Contains(v, guidedToken) {
					t.Fatal("token in the view")
				}
				requireFits(t, v, size.h)
				golden.RequireEqual(t, v)
			})
		}
	}
}

func TestGuidedPasteWithBothValuesSetChangesNothing(t *testing.T) {
	preset := client.SCIMCredentials{BaseURL: cleanURL, Token: client.NewSecret(guidedToken)}
	d := driveScreen(t, Config{Clipboard: &fakeClipboard{text: "stray"}}, 80, 24, guided(preset))
	d.paste("stray")
	d.press("ctrl+v")
	g := d.guided()
	if g.fields[guidedFieldURL].Value() != cleanURL || g.fields[guidedFieldToken].Value() != guidedToken {
		t.Fatal("a paste with no field focused changed a value that was already set")
	}
	if !strings.Contains(flat(d.screen()), bothSetNote) {
		t.Fatalf("no explanation:\n%s", d.screen())
	}
}

// TestGuidedKeepsValuesAcrossBack goes forward with scimReadyMsg through the
// real root, comes back with esc, and finds everything as it was.
func TestGuidedKeepsValuesAcrossBack(t *testing.T) {
	d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{}))
	d.paste(messyURL) // the focus moves on to the token by itself
	d.paste(guidedToken)
	d.press("ctrl+r", "enter")
	ready := d.last()
	d.send(ready) // the root moves on
	if _, still := d.m.top().(*guidedSetupScreen); still || len(d.m.stack) != 2 {
		t.Fatalf("the root did not move on from Setup SCIM (stack of %d)", len(d.m.stack))
	}
	d.press("esc")
	g, back := d.m.top().(*guidedSetupScreen)
	if !back {
		t.Fatalf("esc did not come back to Setup SCIM: top is %T", d.m.top())
	}
	if g.fields[guidedFieldURL].Value() != messyURL || g.fields[guidedFieldToken].Value() != guidedToken || !g.revealed {
		t.Fatal("coming back lost what was typed")
	}
	d.flow = nil
	d.press("enter")
	if got := d.ready(); got.BaseURL != cleanURL || got.Token.Value() != guidedToken {
		t.Fatalf("re-submitted %q", got.BaseURL)
	}
}

// TestGuidedTokenPastedFirstStaysMasked: pasting the token before the URL
// (or into the URL field) must not show it in the clear.
func TestGuidedTokenPastedFirstStaysMasked(t *testing.T) {
	d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{}))
	d.paste(guidedToken)
	if strings.Contains(d.screen(), guidedToken) {
		t.Fatalf("the token is on screen:\n%s", d.screen())
	}
	if got := d.guided().fields[guidedFieldToken].Value(); got != guidedToken {
		t.Fatalf("token field holds %q", got)
	}
	d.paste(cleanURL)
	d.press("enter")
	if got := d.ready(); got.BaseURL != cleanURL || got.Token.Value() != guidedToken {
		t.Fatalf("emitted %q", got.BaseURL)
	}
}
