// Command baseline is the smallest Bubble Tea v2 program that looks like the
// wizard's first screen: a title, a five-item list with a cursor, and a
// footer, on the alternate screen at the default frame rate. bench/run.sh
// measures it next to docker-scim, in the same run, as the floor the
// framework sets.
package main

import (
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// items is the list the baseline shows.
var items = []string{"Item 1", "Item 2", "Item 3", "Item 4", "Item 5"}

type model struct{ cursor int }

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "q", "ctrl+c":
			return m, tea.Quit
		case "j", "down":
			m.cursor = min(m.cursor+1, len(items)-1)
		case "k", "up":
			m.cursor = max(m.cursor-1, 0)
		}
	}
	return m, nil
}

func (m model) View() tea.View {
	var b strings.Builder
	b.WriteString("baseline\n\n")
	for i, it := range items {
		cursor := "  "
		if i == m.cursor {
			cursor = "> "
		}
		b.WriteString(cursor + it + "\n")
	}
	b.WriteString("\nj/k move • q quit")
	v := tea.NewView(b.String())
	v.AltScreen = true
	return v
}

// options are the program's options: none, except in a build with the
// benchfirstframe tag (firstframe.go).
var options []tea.ProgramOption

func main() {
	if _, err := tea.NewProgram(model{}, options...).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}
