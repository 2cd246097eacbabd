package tui

import (
	"fmt"
	"maps"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/steps"
)

// checklistScreen walks the IdP's items; space ticks them.
type checklistScreen struct {
	c       *common
	list    steps.Checklist
	keymap  listKeys
	toggle  key.Binding
	cursor  int
	checked map[string]bool
}

func newChecklistScreen(c *common, list steps.Checklist, checked map[string]bool) *checklistScreen {
	return &checklistScreen{
		c:       c,
		list:    list,
		keymap:  newListKeys("continue"),
		toggle:  key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "tick")),
		checked: maps.Clone(checked),
	}
}

func (s *checklistScreen) step() steps.StepID { return steps.StepChecklist }

func (s *checklistScreen) Init() tea.Cmd { return nil }

func (s *checklistScreen) keys() []key.Binding {
	return []key.Binding{s.keymap.Up, s.keymap.Down, s.toggle, s.keymap.Choose}
}

func (s *checklistScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, s.keymap.Up):
			s.cursor = max(0, s.cursor-1)
		case key.Matches(msg, s.keymap.Down):
			s.cursor = min(len(s.list.Items)-1, s.cursor+1)
		case key.Matches(msg, s.toggle) && len(s.list.Items) > 0:
			if s.checked == nil {
				s.checked = map[string]bool{}
			}
			id := s.list.Items[s.cursor].ID
			s.checked[id] = !s.checked[id]
			return s, emit(checkedMsg{checked: maps.Clone(s.checked)})
		case key.Matches(msg, s.keymap.Choose):
			return s, emit(checklistDoneMsg{})
		}
	}
	return s, nil
}

func (s *checklistScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	done := 0
	for _, it := range s.list.Items {
		if s.checked[it.ID] {
			done++
		}
	}
	b.WriteString(st.bold.Render(s.list.IdP.Label()) + st.subtle.Render(fmt.Sprintf("  %d of %d done", done, len(s.list.Items))) + "\n")
	if s.list.Intro != "" {
		b.WriteString(st.wrap(s.list.Intro, w) + "\n")
	}
	b.WriteString("\n")
	for i, it := range s.list.Items {
		box := "[ ]"
		if s.checked[it.ID] {
			box = st.ok.Render("[x]")
		}
		cursor := "  "
		if i == s.cursor {
			cursor = st.selected.Render("> ")
		}
		text := it.Text
		if it.Optional {
			text += " (optional)"
		}
		lines := strings.Split(st.wrap(fmt.Sprintf("%d. %s", i+1, text), w-6), "\n")
		b.WriteString(cursor + box + " " + lines[0] + "\n")
		for _, l := range lines[1:] {
			b.WriteString("      " + l + "\n")
		}
		if i == s.cursor && it.Detail != "" {
			b.WriteString("      " + st.subtle.Render(it.Detail) + "\n")
		}
	}
	for _, n := range s.list.Notes {
		b.WriteString("\n" + st.warn.Render("Note: ") + st.wrap(n, w-6))
	}
	return strings.TrimRight(b.String(), "\n")
}
