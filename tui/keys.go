package tui

import (
	"charm.land/bubbles/v2/key"
)

// globalKeys work on every screen; the root handles them.
type globalKeys struct {
	Back, Help, Quit key.Binding
	// PageUp and PageDown scroll a screen taller than the window.
	PageUp, PageDown key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down")),
	}
}

// listKeys move a cursor through a list and choose.
type listKeys struct {
	Up, Down, Choose key.Binding
}

func newListKeys(chooseHelp string) listKeys {
	return listKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", chooseHelp)),
	}
}

// helpKeys joins a screen's bindings with the global ones for the footer.
type helpKeys struct {
	screen    []key.Binding
	global    globalKeys
	canGoBack bool
	// typing hides the global keys: while a field has focus they are text.
	typing bool
	// scrolling adds pgup/pgdn: the screen is taller than the window.
	scrolling bool
}

// ShortHelp implements help.KeyMap.
func (h helpKeys) ShortHelp() []key.Binding {
	out := append([]key.Binding(nil), h.screen...)
	if h.scrolling {
		out = append(out, h.global.PageDown)
	}
	if h.typing {
		return out
	}
	if h.canGoBack {
		out = append(out, h.global.Back)
	}
	return append(out, h.global.Help, h.global.Quit)
}

// FullHelp implements help.KeyMap.
func (h helpKeys) FullHelp() [][]key.Binding {
	screen := h.screen
	if h.scrolling {
		screen = append(screen[:len(screen):len(screen)], h.global.PageUp, h.global.PageDown)
	}
	if h.typing {
		return [][]key.Binding{screen}
	}
	g := []key.Binding{h.global.Help, h.global.Quit}
	if h.canGoBack {
		g = append([]key.Binding{h.global.Back}, g...)
	}
	return [][]key.Binding{screen, g}
}

// confirmHelp is the footer of the quit question: its keys only.
type confirmHelp []key.Binding

// ShortHelp implements help.KeyMap.
func (c confirmHelp) ShortHelp() []key.Binding { return c }

// FullHelp implements help.KeyMap.
func (c confirmHelp) FullHelp() [][]key.Binding { return [][]key.Binding{c} }

// confirmKeys are the quit question's keys.
func confirmKeys() confirmHelp {
	return confirmHelp{
		key.NewBinding(key.WithKeys("y", "q"), key.WithHelp("y", "quit")),
		key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "stay")),
	}
}

// checklistKeys walk the IdP checklist.
type checklistKeys struct {
	Up, Down, Top, Bottom, PageUp, PageDown     key.Binding
	Tick, Copy, Open, Sources, Export, Continue key.Binding
}

func newChecklistKeys() checklistKeys {
	return checklistKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first item")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last item")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "5 items up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "5 items down")),
		Tick:     key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "tick")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy value")),
		Open:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open docs")),
		Sources:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sources")),
		Export:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export runbook")),
		Continue: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
	}
}
