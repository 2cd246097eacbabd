package tui

import (
	"reflect"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestBuiltWithThePatchedRenderer: the repository's builds and tests use
// the patched Bubble Tea in third_party/bubbletea (wired by go.work), whose
// renderer does not wake up while idle. Its own test proves that
// (go test charm.land/bubbletea/v2; bench/run.sh runs it); this one checks
// that the patched copy is the one compiled in.
func TestBuiltWithThePatchedRenderer(t *testing.T) {
	if _, ok := reflect.TypeFor[tea.Program]().FieldByName("renderWake"); !ok {
		t.Fatal("charm.land/bubbletea/v2 is not the patched copy in third_party/bubbletea: is go.work missing, or GOWORK=off?")
	}
}
