package tui

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

func connForm(preset client.Connection) func(c *common) screen {
	return func(c *common) screen { return newConnectionFormScreen(c, preset) }
}

func (d *driver) form() *connectionFormScreen { return d.m.top().(*connectionFormScreen) }

func TestConnFormRequiresName(t *testing.T) {
	d := driveScreen(t, Config{}, 80, 24, connForm(client.Connection{}))
	d.press("enter")
	if d.last() != nil {
		t.Fatalf("empty name submitted: %#v", d.last())
	}
	if !strings.Contains(d.screen(), "✗ Type the connection's name") {
		t.Fatalf("no reason for the refusal:\n%s", d.screen())
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
	d := driveScreen(t, Config{}, 80, 24, connForm(client.Connection{Name: "Corp", IdP: "okta"}))
	all := steps.IdPs()
	if got := d.form().idps(); !slices.Equal(got, all) {
		t.Fatalf("SAML offers %v, want %v", got, all)
	}
	d.press("tab", "right") // type: Azure AD (OIDC)
	f := d.form()
	if f.ctype != client.AzureOIDC || f.idp != steps.Entra || !slices.Equal(f.idps(), []steps.IdP{steps.Entra}) {
		t.Fatalf("after OIDC: type %s, idp %s, offered %v", f.ctype, f.idp, f.idps())
	}
	if v := d.screen(); strings.Contains(v, "Okta") && !strings.Contains(v, "Entra ID only") {
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
			d := driveScreen(t, Config{Preset: Preset{IdP: tc.presetIdP}}, 80, 24, connForm(tc.preset))
			d.press("enter")
			if got := d.last(); !reflect.DeepEqual(got, tea.Msg(connectionChosenMsg{conn: tc.want})) {
				t.Fatalf("emitted %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestConnFormFieldNavigation(t *testing.T) {
	d := driveScreen(t, Config{}, 80, 24, connForm(client.Connection{}))
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
	d := driveScreen(t, Config{}, 80, 24, connForm(client.Connection{}))
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
				d := driveScreen(t, Config{}, size.w, size.h, connForm(s.preset))
				d.press(s.keys...)
				requireFits(t, d.screen(), size.h)
				golden.RequireEqual(t, d.screen())
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
