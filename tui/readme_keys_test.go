package tui

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
)

// readmeKeyNames is how the README's key table writes a key that it does
// not write as the key's own name.
var readmeKeyNames = map[string]string{"up": "↑", "down": "↓", "left": "←", "right": "→", "pgdown": "pgdn"}

// TestEveryKeyIsInTheREADME: each key of every screen's keymap is in the
// README's key table, so the table the admin reads is the wizard's.
func TestEveryKeyIsInTheREADME(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	table, ok := strings.CutPrefix(string(raw)[strings.Index(string(raw), "\n## Keys\n"):], "\n## Keys\n")
	if !ok {
		t.Fatal("README.md has no ## Keys section")
	}
	table = table[:strings.Index(table, "\n## ")]
	keymaps := map[string]any{
		"global": newGlobalKeys(), "list": newListKeys("choose"), "confirm": confirmKeys(),
		"checklist": newChecklistKeys(), "connections": newConnectionsKeys(), "connection form": newConnFormKeys(),
		"credentials": newCredentialsKeys(), "done": newDoneKeys(), "guided": newGuidedKeys(), "idp": newIdpKeys(),
		"preflight": newPreflightKeys(), "read-back": newReadBackKeys(), "resume": newResumeKeys(),
		"setup": newSetupKeys(), "verify": newVerifyKeys(), "form": newFormKeys(), "members": newMembersKeys(),
		"entra": entraKey(),
	}
	for name, km := range keymaps {
		for _, b := range bindings(reflect.ValueOf(km)) {
			for _, k := range b.Keys() {
				shown := k
				if n, ok := readmeKeyNames[k]; ok {
					shown = n
				}
				if !strings.Contains(table, "`"+shown+"`") && !strings.Contains(table, "`"+shown+"`/") {
					t.Errorf("the %s screen's key %q (%s) is not in the README's key table", name, k, b.Help().Desc)
				}
			}
		}
	}
}

// bindings lists the key bindings in v: a binding, a struct of them or a
// slice of them.
func bindings(v reflect.Value) []key.Binding {
	if v.Type() == reflect.TypeFor[key.Binding]() {
		b, _ := v.Interface().(key.Binding)
		return []key.Binding{b}
	}
	var out []key.Binding
	switch v.Kind() {
	case reflect.Struct:
		addressable := reflect.New(v.Type()).Elem()
		addressable.Set(v)
		v = addressable
		for i := range v.NumField() {
			f := v.Field(i)
			if f.Type() == reflect.TypeFor[key.Binding]() {
				f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem()
			}
			out = append(out, bindings(f)...)
		}
	case reflect.Slice:
		for i := range v.Len() {
			out = append(out, bindings(v.Index(i))...)
		}
	}
	return out
}
