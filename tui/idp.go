package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/steps"
)

// idpScreen asks which identity provider the admin configures; only those
// with a checklist for the connection's type are offered.
type idpScreen struct {
	c      *common
	keymap listKeys
	ct     steps.ConnectionType
	idps   []steps.IdP
	cursor int
}

func newIdPScreen(c *common, preselect steps.IdP, ct steps.ConnectionType) *idpScreen {
	s := &idpScreen{c: c, keymap: newListKeys("choose"), ct: ct}
	for _, p := range steps.IdPs() {
		if slices.Contains(p.ConnectionTypes(), ct) {
			s.idps = append(s.idps, p)
		}
	}
	if i := slices.Index(s.idps, preselect); i >= 0 {
		s.cursor = i
	}
	return s
}

func (s *idpScreen) step() steps.StepID { return steps.StepIdP }

func (s *idpScreen) Init() tea.Cmd { return nil }

func (s *idpScreen) keys() []key.Binding {
	return []key.Binding{s.keymap.Up, s.keymap.Down, s.keymap.Choose}
}

func (s *idpScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, s.keymap.Up):
			s.cursor = max(0, s.cursor-1)
		case key.Matches(msg, s.keymap.Down):
			s.cursor = min(len(s.idps)-1, s.cursor+1)
		case key.Matches(msg, s.keymap.Choose) && len(s.idps) > 0:
			return s, emit(idpChosenMsg{idp: s.idps[s.cursor]})
		}
	}
	return s, nil
}

func (s *idpScreen) View() string {
	st := s.c.styles
	var b strings.Builder
	b.WriteString(st.wrap("Which identity provider holds the Docker app to configure?", s.c.contentWidth()) + "\n\n")
	for i, p := range s.idps {
		if i == s.cursor {
			b.WriteString(st.selected.Render("> "+p.Label()) + "\n")
		} else {
			b.WriteString("  " + p.Label() + "\n")
		}
	}
	if len(s.idps) < len(steps.IdPs()) {
		b.WriteString("\n" + st.wrapIn(st.subtle, "Only identity providers that support an "+s.ct.Label()+" connection are listed.", s.c.contentWidth()))
	}
	return strings.TrimRight(b.String(), "\n")
}
